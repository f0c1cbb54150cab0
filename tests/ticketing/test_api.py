"""The ticketing API: the buyer's journey to issued tickets, operators' and staff's calls, errors."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from marquee.accounts.models import Role
from marquee.payments.models import Payment
from marquee.ticketing import etickets
from marquee.ticketing.models import Hold, Order, SeatInventory, Showtime, Ticket
from tests.ticketing.api_calls import API, post, problem

from .conftest import FEE, PRICES

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(world, client_for):
    return client_for(world.operator)


@pytest.fixture
def api_showtime(world, operator_client):
    starts = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    created = post(
        operator_client,
        "/showtimes",
        {
            "title": world.title.slug,
            "hall_id": world.hall.pk,
            "starts_at": starts.isoformat(),
            "format": "2D",
            "audio_language": "cmn",
            "subtitle_language": "en",
            "prices": PRICES,
            "service_fee_minor": FEE,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft"
    published = post(operator_client, f"/showtimes/{body['id']}/publish")
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "published"
    return published.json()


def sign_up(client: Client, username: str) -> Client:
    r = client.post(
        "/api/v1/accounts/signup",
        {"username": username, "password": "a-long-secret-9x"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert client.login(username=username, password="a-long-secret-9x")
    return client


def test_journey_from_finding_a_showtime_to_verified_tickets(world, api_showtime):
    fan = sign_up(Client(), "fan")
    local_day = api_showtime["local_starts_at"][:10]

    found = fan.get(
        f"{API}/showtimes",
        {"title": world.title.slug, "city": world.city.code, "date": local_day},
    )
    assert found.status_code == 200
    assert [s["id"] for s in found.json()["items"]] == [api_showtime["id"]]
    assert found.json()["count"] == 1
    showtime_id = api_showtime["id"]

    seats = fan.get(f"{API}/showtimes/{showtime_id}/seats").json()
    assert seats["counts"] == {"free": 40}
    assert {"code": "2-5", "label": "2排5座"}.items() <= next(
        s for s in seats["seats"] if s["code"] == "2-5"
    ).items()

    held = post(fan, "/holds", {"showtime_id": showtime_id, "seats": ["2-5", "2-6"]})
    assert held.status_code == 201, held.content
    hold = held.json()
    assert hold["status"] == "active"
    assert [s["code"] for s in hold["seats"]] == ["2-5", "2-6"]

    created = post(fan, "/orders", {"hold_id": hold["id"]}, HTTP_IDEMPOTENCY_KEY="order-1")
    assert created.status_code == 201, created.content
    order = created.json()
    assert order["total_minor"] == 2 * (PRICES["standard"] + FEE)
    assert order["status"] == "pending"
    replay = post(fan, "/orders", {"hold_id": hold["id"]}, HTTP_IDEMPOTENCY_KEY="order-1")
    assert replay.status_code == 201
    assert replay.json() == order
    assert Order.objects.count() == 1

    paying = post(
        fan, f"/orders/{order['id']}/pay", {"return_url": "/done"}, HTTP_IDEMPOTENCY_KEY="pay-1"
    )
    assert paying.status_code == 200, paying.content
    pay = paying.json()
    assert pay["redirect_url"]
    assert pay["order_status"] == "pending"
    again = post(
        fan, f"/orders/{order['id']}/pay", {"return_url": "/done"}, HTTP_IDEMPOTENCY_KEY="pay-1"
    )
    assert again.json() == pay
    assert Payment.objects.count() == 1

    authorized = fan.post(
        f"/api/v1/payments/sim/{pay['payment_id']}/authorize",
        {"outcome": "succeed"},
        content_type="application/json",
    )
    assert authorized.status_code == 200, authorized.content

    paid = fan.get(f"{API}/orders/{order['id']}").json()
    assert paid["status"] == "paid"
    assert paid["payment_id"] == pay["payment_id"]

    tickets = fan.get(f"{API}/orders/{order['id']}/tickets")
    assert tickets.status_code == 200
    tickets = tickets.json()
    assert sorted(t["seat"]["code"] for t in tickets) == ["2-5", "2-6"]
    key = Client().get(f"{API}/keys").json()
    assert key["alg"] == "Ed25519"
    assert key["kid"] == etickets.public_key_info()["kid"]
    for ticket in tickets:
        assert ticket["status"] == "valid"
        claims = etickets.verify_ticket(ticket["code"])
        assert claims.ticket_id == ticket["id"]
        assert claims.seat == ticket["seat"]["code"]
        assert claims.showtime_id == showtime_id
        assert len(ticket["pickup_code"]) == 10 and ticket["pickup_code"].isdigit()
    assert len({t["pickup_code"] for t in tickets}) == 2
    # the QR code a phone shows decodes with a standard reader to the same payload
    import zxingcpp
    from PIL import Image

    image = Image.open(io.BytesIO(etickets.qr_png(tickets[0]["code"])))
    [decoded] = zxingcpp.read_barcodes(image)
    assert decoded.text == tickets[0]["code"]

    after = fan.get(f"{API}/showtimes/{showtime_id}/seats").json()
    assert after["counts"] == {"free": 38, "sold": 2}
    mine = fan.get(f"{API}/orders").json()
    assert [o["id"] for o in mine] == [order["id"]]


def test_a_late_payment_after_the_hold_expired_is_refunded(api_showtime, buyer, client_for):
    fan = client_for(buyer)
    hold = post(fan, "/holds", {"showtime_id": api_showtime["id"], "seats": ["3-3"]}).json()
    order = post(fan, "/orders", {"hold_id": hold["id"]}).json()
    pay = post(fan, f"/orders/{order['id']}/pay").json()
    delayed = fan.post(
        f"/api/v1/payments/sim/{pay['payment_id']}/authorize",
        {"outcome": "delay"},
        content_type="application/json",
    )
    assert delayed.status_code == 200, delayed.content
    with time_machine.travel(Hold.objects.get(pk=hold["id"]).expires_at + timedelta(minutes=1)):
        delivered = fan.post(f"/api/v1/payments/sim/{pay['payment_id']}/deliver")
        assert delivered.status_code == 200, delivered.content
        assert fan.get(f"{API}/orders/{order['id']}").json()["status"] == "expired"
    payment = Payment.objects.get(pk=pay["payment_id"])
    assert payment.status == "refunded"
    assert payment.refunded_minor == order["total_minor"]
    assert not Ticket.objects.exists()
    assert fan.get(f"{API}/orders/{order['id']}/tickets").json() == []
    assert SeatInventory.objects.filter(showtime_id=api_showtime["id"], state="free").count() == 40


def test_a_declined_payment_leaves_the_order_payable(api_showtime, buyer, client_for):
    fan = client_for(buyer)
    hold = post(fan, "/holds", {"showtime_id": api_showtime["id"], "seats": ["3-3"]}).json()
    order = post(fan, "/orders", {"hold_id": hold["id"]}).json()
    first = post(fan, f"/orders/{order['id']}/pay").json()
    fan.post(
        f"/api/v1/payments/sim/{first['payment_id']}/authorize",
        {"outcome": "decline"},
        content_type="application/json",
    )
    assert fan.get(f"{API}/orders/{order['id']}").json()["status"] == "pending"
    second = post(fan, f"/orders/{order['id']}/pay").json()
    assert second["payment_id"] != first["payment_id"]


def test_seats_taken_is_a_409_naming_the_seats(api_showtime, buyer, make_user, client_for):
    post(client_for(make_user()), "/holds", {"showtime_id": api_showtime["id"], "seats": ["2-2"]})
    r = post(
        client_for(buyer), "/holds", {"showtime_id": api_showtime["id"], "seats": ["2-1", "2-2"]}
    )
    body = problem(r, 409, "seats_unavailable")
    assert body["seats"] == ["2-2"]
    assert not Hold.objects.filter(user=buyer).exists()


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"showtime_id": "abc", "seats": ["2-1"]}, 422, "validation_error"),
        ({"seats": "2-1"}, 422, "validation_error"),
        ({"seats": [7]}, 422, "validation_error"),
        ({"showtime_id": 10**30, "seats": ["2-1"]}, 404, "showtime_not_found"),
        ({"showtime_id": None, "seats": ["2-1"]}, 422, "validation_error"),
        ({"seats": []}, 400, "no_seats"),
        ({"seats": ["5-1"]}, 400, "couple_seat_alone"),
        ({"seats": ["x" * 200]}, 400, "unknown_seats"),
        ({"seats": [f"2-{n}" for n in range(1, 8)]}, 400, "too_many_seats"),
        ({"seats": ["2-1"], "invitation_code": "WHATEVER"}, 201, None),
    ],
)
def test_hold_input_errors(api_showtime, buyer, client_for, body, status, code):
    body = {"showtime_id": api_showtime["id"], **body}
    r = post(client_for(buyer), "/holds", body)
    if code is None:
        assert r.status_code == status, r.content
    else:
        problem(r, status, code)


def test_authentication_and_ownership(api_showtime, buyer, make_user, client_for):
    anonymous = Client()
    problem(
        post(anonymous, "/holds", {"showtime_id": api_showtime["id"], "seats": ["2-1"]}),
        401,
        "not_authenticated",
    )
    fan = client_for(buyer)
    hold = post(fan, "/holds", {"showtime_id": api_showtime["id"], "seats": ["2-1"]}).json()
    order = post(fan, "/orders", {"hold_id": hold["id"]}).json()
    stranger = client_for(make_user())
    problem(stranger.get(f"{API}/holds/{hold['id']}"), 404, "hold_not_found")
    problem(stranger.delete(f"{API}/holds/{hold['id']}"), 404, "hold_not_found")
    problem(post(stranger, "/orders", {"hold_id": hold["id"]}), 404, "hold_not_found")
    problem(stranger.get(f"{API}/orders/{order['id']}"), 404, "order_not_found")
    problem(post(stranger, f"/orders/{order['id']}/pay"), 404, "order_not_found")
    problem(stranger.get(f"{API}/orders/{order['id']}/tickets"), 404, "order_not_found")
    problem(fan.get(f"{API}/orders/99999999999999999999"), 404, "order_not_found")


def test_idempotency_key_reused_for_another_request(api_showtime, buyer, client_for):
    fan = client_for(buyer)
    a = post(fan, "/holds", {"showtime_id": api_showtime["id"], "seats": ["2-1"]}).json()
    b = post(fan, "/holds", {"showtime_id": api_showtime["id"], "seats": ["2-2"]}).json()
    assert post(fan, "/orders", {"hold_id": a["id"]}, HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    problem(
        post(fan, "/orders", {"hold_id": b["id"]}, HTTP_IDEMPOTENCY_KEY="k"),
        422,
        "idempotency_key_reused",
    )
    assert Order.objects.count() == 1
    # the stored error is replayed too
    again = post(fan, "/orders", {"hold_id": a["id"]}, HTTP_IDEMPOTENCY_KEY="other")
    problem(again, 409, "hold_already_ordered")
    problem(
        post(fan, "/orders", {"hold_id": a["id"]}, HTTP_IDEMPOTENCY_KEY="other"),
        409,
        "hold_already_ordered",
    )


def test_release_and_cancel_through_the_api(api_showtime, buyer, client_for):
    fan = client_for(buyer)
    hold = post(fan, "/holds", {"showtime_id": api_showtime["id"], "seats": ["2-1"]}).json()
    released = fan.delete(f"{API}/holds/{hold['id']}")
    assert released.status_code == 200
    assert released.json()["status"] == "released"
    problem(fan.delete(f"{API}/holds/{hold['id']}"), 409, "hold_not_active")
    hold = post(fan, "/holds", {"showtime_id": api_showtime["id"], "seats": ["2-1"]}).json()
    order = post(fan, "/orders", {"hold_id": hold["id"]}).json()
    cancelled = post(fan, f"/orders/{order['id']}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert fan.get(f"{API}/holds/{hold['id']}").json()["status"] == "released"
    problem(post(fan, f"/orders/{order['id']}/pay"), 409, "order_not_pending")


def test_scheduling_through_the_api(world, operator_client, api_showtime, make_user, client_for):
    showtime_id = api_showtime["id"]
    assert api_showtime["venue"]["time_zone"] == "Asia/Shanghai"
    assert api_showtime["local_starts_at"].endswith("+08:00")
    assert {p["seat_type"]: p["price_minor"] for p in api_showtime["prices"]} == PRICES
    # overlap: a clear 409 naming the other showtime
    clash = post(
        operator_client,
        "/showtimes",
        {
            "title": world.title.slug,
            "hall_id": world.hall.pk,
            "starts_at": api_showtime["starts_at"],
            "prices": PRICES,
        },
    )
    assert problem(clash, 409, "showtime_overlap")["conflicting_showtime_id"] == showtime_id
    naive = post(
        operator_client,
        "/showtimes",
        {
            "title": world.title.slug,
            "hall_id": world.hall.pk,
            "starts_at": "2031-01-01T19:30:00",
            "prices": PRICES,
        },
    )
    problem(naive, 400, "naive_datetime")
    problem(
        post(
            client_for(make_user()),
            "/showtimes",
            {
                "title": world.title.slug,
                "hall_id": world.hall.pk,
                "starts_at": api_showtime["starts_at"],
                "prices": PRICES,
            },
        ),
        403,
        "not_venue_scheduler",
    )
    problem(
        post(
            operator_client,
            "/showtimes",
            {
                "title": "nope",
                "hall_id": world.hall.pk,
                "starts_at": api_showtime["starts_at"],
                "prices": PRICES,
            },
        ),
        404,
        "title_not_found",
    )
    patched = operator_client.patch(
        f"{API}/showtimes/{showtime_id}",
        {"subtitle_language": "zh-Hant"},
        content_type="application/json",
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["subtitle_language"] == "zh-Hant"
    refused = operator_client.patch(
        f"{API}/showtimes/{showtime_id}",
        {"prices": {"standard": 1}},
        content_type="application/json",
    )
    problem(refused, 409, "showtime_not_editable")
    cancelled = post(operator_client, f"/showtimes/{showtime_id}/cancel", {"reason": "Typhoon"})
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["showtime"]["status"] == "cancelled"
    assert Showtime.objects.get(pk=showtime_id).cancel_reason == "Typhoon"
    assert Client().get(f"{API}/showtimes/{showtime_id}").json()["status"] == "cancelled"


def test_other_chains_cannot_touch_showtimes(api_showtime, make_user, make_org, client_for):
    outsider = client_for(make_user(role=Role.CINEMA_OPERATOR, org=make_org()))
    problem(post(outsider, f"/showtimes/{api_showtime['id']}/cancel"), 403, "not_venue_scheduler")
    problem(
        outsider.patch(
            f"{API}/showtimes/{api_showtime['id']}",
            {"audio_language": "en"},
            content_type="application/json",
        ),
        403,
        "not_venue_scheduler",
    )
    assert Showtime.objects.get(pk=api_showtime["id"]).status == "published"


def test_drafts_are_hidden_from_the_public(world, operator_client):
    starts = (timezone.now() + timedelta(days=4)).isoformat()
    draft = post(
        operator_client,
        "/showtimes",
        {
            "title": world.title.slug,
            "hall_id": world.hall.pk,
            "starts_at": starts,
            "prices": PRICES,
        },
    ).json()
    problem(Client().get(f"{API}/showtimes/{draft['id']}"), 404, "showtime_not_found")
    problem(Client().get(f"{API}/showtimes/{draft['id']}/seats"), 404, "showtime_not_found")
    mine = operator_client.get(f"{API}/showtimes", {"status": "draft"}).json()
    assert [s["id"] for s in mine["items"]] == [draft["id"]]
    preview = operator_client.get(f"{API}/showtimes/{draft['id']}/seats").json()
    assert preview["counts"] == {"free": 40}


def test_rounds_invitations_and_want_to_see(world, make_user, client_for):
    staff = client_for(make_user(role=Role.DISTRIBUTION))
    now = timezone.now()
    body = {
        "title": world.title.slug,
        "name": "Invitation premiere",
        "opens_at": (now - timedelta(hours=1)).isoformat(),
        "closes_at": (now + timedelta(days=3)).isoformat(),
        "audience": "invitation",
        "per_account_limit": 2,
        "cities": [world.city.code],
    }
    problem(post(client_for(world.operator), "/rounds", body), 403, "not_distribution_staff")
    created = post(staff, "/rounds", body)
    assert created.status_code == 201, created.content
    presale = created.json()
    assert presale["is_open"] is True
    assert presale["cities"] == [world.city.code]
    codes = post(staff, f"/rounds/{presale['id']}/invitations", {"count": 3})
    assert codes.status_code == 201
    assert len(codes.json()) == 3
    listed = Client().get(f"{API}/rounds", {"title": world.title.slug, "open": True}).json()
    assert [r["id"] for r in listed] == [presale["id"]]
    fan = make_user()
    detail = client_for(fan).get(f"{API}/rounds/{presale['id']}").json()
    assert detail["used_by_me"] == 0
    assert Client().get(f"{API}/rounds/{presale['id']}").json()["used_by_me"] is None
    problem(Client().get(f"{API}/rounds/424242"), 404, "round_not_found")

    slug = world.title.slug
    assert Client().get(f"{API}/titles/{slug}/want-to-see").json() == {
        "title": slug,
        "count": 0,
        "registered": None,
    }
    fan_client = client_for(fan)
    assert post(fan_client, f"/titles/{slug}/want-to-see").json()["count"] == 1
    assert post(fan_client, f"/titles/{slug}/want-to-see").json() == {
        "title": slug,
        "count": 1,
        "registered": True,
    }
    assert fan_client.delete(f"{API}/titles/{slug}/want-to-see").json()["registered"] is False
    problem(post(fan_client, "/titles/nope/want-to-see"), 404, "title_not_found")


def test_every_endpoint_is_in_the_openapi_spec(client):
    spec = client.get("/api/v1/openapi.json").json()
    paths = {p for p in spec["paths"] if p.startswith(API)}
    expected = {
        "/showtimes",
        "/showtimes/{showtime_id}",
        "/showtimes/{showtime_id}/seats",
        "/showtimes/{showtime_id}/waiting-room",
        "/showtimes/{showtime_id}/publish",
        "/showtimes/{showtime_id}/cancel",
        "/rounds",
        "/rounds/{round_id}",
        "/rounds/{round_id}/invitations",
        "/titles/{slug}/want-to-see",
        "/holds",
        "/holds/{hold_id}",
        "/orders",
        "/orders/{order_id}",
        "/orders/{order_id}/pay",
        "/orders/{order_id}/cancel",
        "/orders/{order_id}/tickets",
        "/keys",
        "/tickets/{ticket_id}/qr.png",
        "/tickets/{ticket_id}/qr.svg",
        "/tickets/{ticket_id}/ticket.pdf",
        "/tickets/{ticket_id}/ticket.ics",
        "/orders/{order_id}/tickets.pdf",
        "/orders/{order_id}/tickets.ics",
        "/orders/{order_id}/refund-quote",
        "/orders/{order_id}/refund",
        "/orders/{order_id}/exchange",
        "/checkins",
        "/checkins/summary",
        "/pickups/lookup",
        "/settlements",
        "/settlements.csv",
        # the waiting list and reviews (tests/ticketing/test_audience_api.py)
        "/waitlist",
        "/waitlist/{entry_id}",
        "/waitlist/{entry_id}/accept",
        "/waitlist/{entry_id}/decline",
        "/reviews/{slug}",
        "/reviews/{review_id}/moderation",
    }
    assert paths == {API + p for p in expected}
    methods = {m for p in paths for m in spec["paths"][p]}
    assert {"get", "post", "patch", "delete"} <= methods


def test_seat_map_endpoint_query_count(api_showtime, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        r = Client().get(f"{API}/showtimes/{api_showtime['id']}/seats")
    assert r.status_code == 200
    assert len(r.json()["seats"]) == 40
