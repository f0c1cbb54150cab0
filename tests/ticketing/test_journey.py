"""Issue 3's "Done when", through the HTTP API alone.

A new user signs up, finds a showtime, holds two seats, pays through the
simulated provider and receives two tickets whose QR PNGs decode (zxing-cpp,
a standard reader) into payloads that verify with the key from ``GET /keys``;
the operator checks one in once (the second scan is ``already_used``); the
user refunds another order and sees its seats free again in the seat map; the
operator reads that day's settlement with the right split.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import time_machine
import zxingcpp
from django.test import Client
from django.utils import timezone
from PIL import Image

from tests.ticketing.api_calls import API, post

from .conftest import FEE, PRICES

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs" / "tickets.md"


def reference_verifier() -> dict:
    """The offline verifier published in docs/tickets.md, run as a third party would."""
    text = DOCS.read_text()
    source = re.search(r"<!-- reference-verifier -->\s*```python\n(.*?)```", text, re.S).group(1)
    namespace: dict = {}
    exec(compile(source, str(DOCS), "exec"), namespace)  # noqa: S102 - our own docs
    return namespace


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content
    return response.json()


def buy(fan: Client, showtime_id: int, seats: list[str], key: str) -> dict:
    hold = ok(post(fan, "/holds", {"showtime_id": showtime_id, "seats": seats}), 201)
    order = ok(post(fan, "/orders", {"hold_id": hold["id"]}, HTTP_IDEMPOTENCY_KEY=f"o-{key}"), 201)
    pay = ok(post(fan, f"/orders/{order['id']}/pay", HTTP_IDEMPOTENCY_KEY=f"p-{key}"))
    authorized = fan.post(
        f"/api/v1/payments/sim/{pay['payment_id']}/authorize",
        {"outcome": "succeed"},
        content_type="application/json",
    )
    ok(authorized)
    order = ok(fan.get(f"{API}/orders/{order['id']}"))
    assert order["status"] == "paid"
    return order


def test_done_when(world, client_for):
    operator = client_for(world.operator)
    starts = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    created = ok(
        post(
            operator,
            "/showtimes",
            {
                "title": world.title.slug,
                "hall_id": world.hall.pk,
                "starts_at": starts.isoformat(),
                "prices": PRICES,
                "service_fee_minor": FEE,
            },
        ),
        201,
    )
    ok(post(operator, f"/showtimes/{created['id']}/publish"))

    # a new user signs up and finds the showtime
    fan = Client()
    ok(
        fan.post(
            "/api/v1/accounts/signup",
            {"username": "newfan", "password": "a-long-secret-9x"},
            content_type="application/json",
        ),
        201,
    )
    assert fan.login(username="newfan", password="a-long-secret-9x")
    local_day = created["local_starts_at"][:10]
    found = ok(
        fan.get(
            f"{API}/showtimes",
            {"title": world.title.slug, "city": world.city.code, "date": local_day},
        )
    )
    [showtime] = found["items"]
    showtime_id = showtime["id"]

    # two seats, paid through the simulated provider: two tickets
    order = buy(fan, showtime_id, ["4-4", "4-5"], "a")
    assert order["total_minor"] == 2 * (PRICES["standard"] + FEE)
    tickets = ok(fan.get(f"{API}/orders/{order['id']}/tickets"))
    assert sorted(t["seat"]["code"] for t in tickets) == ["4-4", "4-5"]

    # each QR decodes with a standard reader into a payload the published key verifies
    published = ok(Client().get(f"{API}/keys"))
    verifier = reference_verifier()
    keys = verifier["load_keys"]([published])
    for ticket in tickets:
        png = fan.get(f"{API}/tickets/{ticket['id']}/qr.png")
        assert png.status_code == 200 and png["Content-Type"] == "image/png"
        [decoded] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))
        claims = verifier["verify"](decoded.text, keys)
        assert claims["ticket_id"] == ticket["id"]
        assert claims["showtime_id"] == showtime_id
        assert claims["venue_id"] == world.venue.pk
        assert claims["seat"] == ticket["seat"]["code"]
        assert claims["kid"] == published["kid"]

    # another order, refunded: its seats are free again in the seat map
    other = buy(fan, showtime_id, ["5-1", "5-2"], "b")
    seat_map = ok(fan.get(f"{API}/showtimes/{showtime_id}/seats"))
    assert seat_map["counts"] == {"free": 36, "sold": 4}
    quote = ok(fan.get(f"{API}/orders/{other['id']}/refund-quote"))
    assert quote["refundable"] and quote["refund_minor"] == other["total_minor"]
    refunded = ok(post(fan, f"/orders/{other['id']}/refund", HTTP_IDEMPOTENCY_KEY="r-1"))
    assert refunded["order_status"] == "refunded"
    assert refunded["amount_minor"] == other["total_minor"]
    seat_map = ok(fan.get(f"{API}/showtimes/{showtime_id}/seats"))
    states = {s["code"]: s["state"] for s in seat_map["seats"]}
    assert (states["5-1"], states["5-2"], states["4-4"]) == ("free", "free", "sold")
    payment = ok(fan.get(f"/api/v1/payments/{other['payment_id']}"))
    assert payment["status"] == "refunded"

    # at the door: admitted once, then refused as already used
    doors_open = datetime.fromisoformat(showtime["starts_at"]) - timedelta(minutes=20)
    with time_machine.travel(doors_open):
        scan = {"code": tickets[0]["code"], "venue_id": world.venue.pk, "door": "Door 1"}
        first = ok(post(operator, "/checkins", scan))
        assert (first["verdict"], first["admitted"]) == ("valid", True)
        assert first["seat"]["code"] == tickets[0]["seat"]["code"]
        assert first["showtime"]["id"] == showtime_id
        second = ok(post(operator, "/checkins", {**scan, "door": "Door 2"}))
        assert (second["verdict"], second["admitted"]) == ("already_used", False)
        assert second["used_door"] == "Door 1"
        summary = ok(
            operator.get(f"{API}/checkins/summary", {"venue_id": world.venue.pk, "date": local_day})
        )
        assert (summary["admitted"], summary["counts"]["already_used"]) == (1, 1)

        # the day's settlement: two tickets, mainland rates, parts adding up to the gross
        settlement = ok(
            operator.get(f"{API}/settlements", {"venue_id": world.venue.pk, "date": local_day})
        )
    total = settlement["total"]
    assert (total["tickets"], total["gross_minor"], total["service_fees_minor"]) == (
        2,
        9000,
        2 * FEE,
    )
    # 5 % film fund, 3.3 % taxes, 57 % of the net to the cinema, the rest to the distributor
    assert (
        total["film_fund_minor"],
        total["taxes_minor"],
        total["net_minor"],
        total["cinema_share_minor"],
        total["distributor_share_minor"],
    ) == (450, 297, 8253, 4704, 3549)
    assert settlement["lines"][0]["film_fund_rate"] == "0.05"
