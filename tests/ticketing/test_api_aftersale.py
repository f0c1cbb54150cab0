"""The API after the sale: downloads, refunds, exchanges, door check-in and settlement."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from marquee.accounts.models import Role
from marquee.ticketing.models import Order, OrderRefund, Scan, TicketExchange

from .buying import buy, tickets
from .conftest import FEE, PRICES, build_world, make_showtime

pytestmark = pytest.mark.django_db

API = "/api/v1/ticketing"


def post(client: Client, path: str, body: dict | None = None, **headers):
    return client.post(f"{API}{path}", body or {}, content_type="application/json", **headers)


def problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code, body
    return body


@pytest.fixture
def order(showtime, buyer):
    return buy(showtime, buyer, "2-4", "2-5")


@pytest.fixture
def fan(buyer, client_for):
    return client_for(buyer)


# --- downloads --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "content_type", "magic", "disposition"),
    [
        ("qr.png", "image/png", b"\x89PNG", "inline"),
        ("qr.svg", "image/svg+xml", b"<?xml", "inline"),
        ("ticket.pdf", "application/pdf", b"%PDF", "attachment"),
        ("ticket.ics", "text/calendar; charset=utf-8", b"BEGIN:VCALENDAR", "attachment"),
    ],
)
def test_ticket_downloads(order, fan, suffix, content_type, magic, disposition):
    ticket = tickets(order)["2-4"]
    r = fan.get(f"{API}/tickets/{ticket.pk}/{suffix}")
    assert r.status_code == 200
    assert r["Content-Type"] == content_type
    assert r.content.startswith(magic)
    extension = suffix.rsplit(".", 1)[1]
    assert r["Content-Disposition"] == (
        f'{disposition}; filename="marquee-ticket-{ticket.pk}.{extension}"'
    )
    assert r["Cache-Control"] == "private, no-store"


def test_order_downloads_and_the_calendar_in_the_venue_zone_and_language(
    world, order, fan, showtime
):
    world.title.title_zh_hant = "測試電影"
    world.title.save()
    pdf = fan.get(f"{API}/orders/{order.pk}/tickets.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.count(b"/Type /Page") - pdf.content.count(b"/Type /Pages") == 2
    assert (
        pdf["Content-Disposition"] == f'attachment; filename="marquee-order-{order.pk}-tickets.pdf"'
    )
    ics = fan.get(f"{API}/orders/{order.pk}/tickets.ics", HTTP_ACCEPT_LANGUAGE="zh-hant")
    text = ics.content.decode()
    assert text.count("BEGIN:VEVENT") == 2
    assert "SUMMARY:測試電影" in text
    local = showtime.local_starts_at
    assert f"DTSTART;TZID=Asia/Shanghai:{local:%Y%m%dT%H%M%S}" in text
    assert "MQT1:" not in text  # the code opens doors; calendars get shared
    english = fan.get(f"{API}/orders/{order.pk}/tickets.ics").content.decode()
    assert f"SUMMARY:{world.title.title_en}" in english


def test_downloads_are_the_owners_and_admins(order, client_for, make_user):
    ticket = tickets(order)["2-4"]
    stranger = client_for(make_user())
    problem(stranger.get(f"{API}/tickets/{ticket.pk}/qr.png"), 404, "ticket_not_found")
    problem(stranger.get(f"{API}/orders/{order.pk}/tickets.pdf"), 404, "order_not_found")
    problem(Client().get(f"{API}/tickets/{ticket.pk}/qr.png"), 401, "not_authenticated")
    admin = client_for(make_user(role=Role.ADMIN))
    assert admin.get(f"{API}/tickets/{ticket.pk}/qr.svg").status_code == 200
    assert admin.get(f"{API}/orders/{order.pk}/tickets.ics").status_code == 200
    problem(stranger.get(f"{API}/tickets/99999999/ticket.pdf"), 404, "ticket_not_found")


def test_refunded_tickets_are_not_offered(order, fan, buyer):
    ticket = tickets(order)["2-4"]
    r = post(fan, f"/orders/{order.pk}/refund", {"ticket_ids": [ticket.pk]})
    assert r.status_code == 200, r.content
    problem(fan.get(f"{API}/tickets/{ticket.pk}/qr.png"), 409, "ticket_not_active")
    assert fan.get(f"{API}/orders/{order.pk}/tickets.pdf").status_code == 200  # 2-5 still admits
    post(fan, f"/orders/{order.pk}/refund")
    problem(fan.get(f"{API}/orders/{order.pk}/tickets.ics"), 409, "no_active_tickets")


# --- refunds ----------------------------------------------------------------------


def test_refund_quote_then_refund_with_an_idempotency_key(world, order, fan):
    world.venue.refund_fee_minor = 1000
    world.venue.save()
    by_seat = tickets(order)
    quote = fan.get(f"{API}/orders/{order.pk}/refund-quote", {"ticket_ids": [by_seat["2-4"].pk]})
    assert quote.status_code == 200, quote.content
    body = quote.json()
    value = PRICES["standard"] + FEE
    assert body["refundable"] is True
    assert (body["refund_minor"], body["fee_minor"]) == (value - 1000, 1000)
    assert body["cutoff_minutes"] == 60
    assert "60 minutes" in body["rule"]
    assert body["local_cutoff_at"].endswith("+08:00")
    [line] = body["tickets"]
    assert (line["seat"], line["refundable"], line["reason"]) == ("2-4", True, "")
    first = post(
        fan,
        f"/orders/{order.pk}/refund",
        {"ticket_ids": [by_seat["2-4"].pk]},
        HTTP_IDEMPOTENCY_KEY="refund-1",
    )
    assert first.status_code == 200, first.content
    again = post(
        fan,
        f"/orders/{order.pk}/refund",
        {"ticket_ids": [by_seat["2-4"].pk]},
        HTTP_IDEMPOTENCY_KEY="refund-1",
    )
    assert again.json() == first.json()
    assert first.json()["order_status"] == "partially_refunded"
    assert first.json()["amount_minor"] == value - 1000
    assert OrderRefund.objects.count() == 1
    problem(
        post(
            fan,
            f"/orders/{order.pk}/refund",
            {"ticket_ids": [by_seat["2-5"].pk]},
            HTTP_IDEMPOTENCY_KEY="refund-1",
        ),
        422,
        "idempotency_key_reused",
    )


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"ticket_ids": []}, 400, "nothing_to_refund"),
        ({"ticket_ids": [123456789]}, 400, "unknown_tickets"),
        ({"ticket_ids": ["x"]}, 422, "validation_error"),
        ({"ticket_ids": "all"}, 422, "validation_error"),
        ({"ticket_ids": [10**30]}, 422, "validation_error"),
    ],
)
def test_refund_input_errors(order, fan, body, status, code):
    problem(post(fan, f"/orders/{order.pk}/refund", body), status, code)
    assert Order.objects.get(pk=order.pk).status == "paid"


def test_refund_after_the_cutoff_and_of_others_orders(order, fan, showtime, client_for, make_user):
    problem(post(client_for(make_user()), f"/orders/{order.pk}/refund"), 404, "order_not_found")
    problem(
        client_for(make_user()).get(f"{API}/orders/{order.pk}/refund-quote"), 404, "order_not_found"
    )
    with time_machine.travel(showtime.starts_at - timedelta(minutes=30)):
        quote = fan.get(f"{API}/orders/{order.pk}/refund-quote").json()
        assert (quote["refundable"], quote["reason"]) == (False, "refund_window_closed")
        problem(post(fan, f"/orders/{order.pk}/refund"), 409, "refund_window_closed")


# --- exchanges --------------------------------------------------------------------


def test_exchange_through_the_api(world, order, fan, showtime):
    later = make_showtime(world, starts_at=showtime.starts_at + timedelta(hours=5))
    body = {
        "ticket_ids": sorted(t.pk for t in tickets(order).values()),
        "showtime_id": later.pk,
        "seats": ["4-1", "4-2"],
    }
    r = post(fan, f"/orders/{order.pk}/exchange", body, HTTP_IDEMPOTENCY_KEY="x-1")
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["order_status"] == "exchanged"
    assert out["refunded_minor"] == 0
    assert out["new_order"]["showtime"]["id"] == later.pk
    assert sorted(t["seat"]["code"] for t in out["tickets"]) == ["4-1", "4-2"]
    again = post(fan, f"/orders/{order.pk}/exchange", body, HTTP_IDEMPOTENCY_KEY="x-1")
    assert again.status_code == 201 and again.json() == out
    assert TicketExchange.objects.count() == 1
    # the new order is the buyer's like any other
    mine = fan.get(f"{API}/orders").json()
    assert {o["id"] for o in mine} >= {order.pk, out["new_order"]["id"]}


def test_exchange_errors(world, order, fan, showtime):
    later = make_showtime(world, starts_at=showtime.starts_at + timedelta(hours=5))
    ids = sorted(t.pk for t in tickets(order).values())
    cases = [
        ({"ticket_ids": ids, "showtime_id": later.pk, "seats": ["3-1", "3-2"]}, 400, "exchange_costs_more"),
        ({"ticket_ids": ids, "showtime_id": later.pk, "seats": ["4-1"]}, 400, "exchange_seat_count"),
        ({"ticket_ids": ids, "showtime_id": 10**12, "seats": ["4-1", "4-2"]}, 404, "showtime_not_found"),
        ({"ticket_ids": ids, "showtime_id": 10**30, "seats": ["4-1", "4-2"]}, 422, "validation_error"),
        ({"ticket_ids": [], "showtime_id": later.pk, "seats": []}, 422, "validation_error"),
        ({"ticket_ids": ids, "showtime_id": showtime.pk, "seats": ["4-1", "4-2"]}, 400, "exchange_same_showtime"),
    ]  # fmt: skip
    for body, status, code in cases:
        problem(post(fan, f"/orders/{order.pk}/exchange", body), status, code)
    assert Order.objects.get(pk=order.pk).status == "paid"


# --- door check-in ----------------------------------------------------------------


def test_check_in_api_is_for_the_venues_operators(
    world, order, showtime, client_for, make_user, make_org
):
    code = tickets(order)["2-4"].code
    scan = {"code": code, "venue_id": world.venue.pk}
    for outsider in (
        make_user(),
        make_user(role=Role.DISTRIBUTION),
        make_user(role=Role.CINEMA_OPERATOR, org=make_org()),
    ):
        problem(post(client_for(outsider), "/checkins", scan), 403, "not_venue_operator")
        problem(
            client_for(outsider).get(f"{API}/checkins/summary", {"venue_id": world.venue.pk}),
            403,
            "not_venue_operator",
        )
    problem(post(Client(), "/checkins", scan), 401, "not_authenticated")
    operator = client_for(world.operator)
    problem(post(operator, "/checkins", {**scan, "venue_id": 10**9}), 404, "venue_not_found")
    problem(post(operator, "/checkins", {**scan, "showtime_id": 10**9}), 404, "showtime_not_found")
    problem(post(operator, "/checkins", {**scan, "door": "x" * 41}), 422, "validation_error")
    problem(post(operator, "/checkins", {"venue_id": world.venue.pk}), 422, "validation_error")
    assert not Scan.objects.exists()
    early = post(operator, "/checkins", scan).json()
    assert early["verdict"] == "not_yet_open"
    assert early["seat"]["label"] == "2排4座"
    assert early["showtime"]["local_starts_at"].endswith("+08:00")
    problem(post(operator, "/checkins", {**scan, "code": "\x00" * 500}), 400, "invalid_text")
    junk = post(operator, "/checkins", {**scan, "code": "\x01" * 500}).json()
    assert (junk["verdict"], junk["seat"], junk["showtime"]) == ("forged", None, None)
    elsewhere = build_world(make_user)
    wrong = post(
        client_for(elsewhere.operator), "/checkins", {**scan, "venue_id": elsewhere.venue.pk}
    ).json()
    assert (wrong["verdict"], wrong["seat"], wrong["ticket_id"]) == ("wrong_venue", None, None)
    summary = operator.get(f"{API}/checkins/summary", {"venue_id": world.venue.pk}).json()
    assert summary["total"] == 2 and summary["counts"]["not_yet_open"] == 1


# --- settlement -------------------------------------------------------------------


def test_settlement_json_and_csv(world, order, showtime, client_for, make_user):
    day = showtime.local_starts_at.date().isoformat()
    query = {"venue_id": world.venue.pk, "date": day}
    staff = client_for(make_user(role=Role.DISTRIBUTION))
    body = staff.get(f"{API}/settlements", query).json()
    assert body["date"] == day and body["currency"] == "CNY"
    total = body["total"]
    assert total["tickets"] == 2 and total["gross_minor"] == 2 * PRICES["standard"]
    parts = ("film_fund_minor", "taxes_minor", "cinema_share_minor", "distributor_share_minor")
    assert sum(total[p] for p in parts) == total["gross_minor"]
    r = client_for(world.operator).get(f"{API}/settlements.csv", query)
    assert r.status_code == 200
    assert r["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        r["Content-Disposition"]
        == f'attachment; filename="settlement-{world.venue.slug}-{day}.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[-1]["title"] == "TOTAL" and rows[-1]["tickets"] == "2"
    problem(client_for(make_user()).get(f"{API}/settlements", query), 403, "not_settlement_viewer")
    problem(
        client_for(make_user()).get(f"{API}/settlements.csv", query), 403, "not_settlement_viewer"
    )
    problem(staff.get(f"{API}/settlements", {"venue_id": 10**9}), 404, "venue_not_found")
    problem(
        staff.get(f"{API}/settlements", {**query, "date": "2026-13-45"}), 422, "validation_error"
    )
    problem(staff.get(f"{API}/settlements", {"date": day}), 422, "validation_error")


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1999-12-31"])
def test_absurd_days_are_a_clear_error(world, client_for, day):
    query = {"venue_id": world.venue.pk, "date": day}
    operator = client_for(world.operator)
    problem(operator.get(f"{API}/settlements", query), 400, "invalid_date")
    problem(operator.get(f"{API}/settlements.csv", query), 400, "invalid_date")
    problem(operator.get(f"{API}/checkins/summary", query), 400, "invalid_date")


def test_control_characters_never_reach_the_database(world, order, client_for, fan):
    operator = client_for(world.operator)
    code = tickets(order)["2-4"].code
    scan = {"code": code, "venue_id": world.venue.pk, "door": "A\x00B"}
    problem(post(operator, "/checkins", scan), 400, "invalid_text")  # marquee.middleware
    assert not Scan.objects.exists()
    problem(
        post(fan, f"/orders/{order.pk}/refund", HTTP_IDEMPOTENCY_KEY="bad\x00key"),
        400,
        "invalid_idempotency_key",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_days_out_of_range_are_refused_not_crashed(client, world, day):
    r = client.get(f"/api/v1/ticketing/showtimes?date={day}")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "invalid_date"


def test_scanners_and_settlements_name_the_venue_by_the_slug_the_venues_api_gives(
    world, order, showtime, client_for, make_user
):
    cinema = Client().get(f"/api/v1/venues/cinemas/{world.venue.slug}").json()
    assert cinema["id"] == world.venue.pk
    operator = client_for(world.operator)
    code = tickets(order)["2-4"].code
    with time_machine.travel(showtime.starts_at - timedelta(minutes=10)):
        by_slug = post(operator, "/checkins", {"code": f" {code}\n", "venue": cinema["slug"]})
    assert by_slug.json()["verdict"] == "valid"
    day = showtime.local_starts_at.date().isoformat()
    query = {"venue": world.venue.slug, "date": day}
    summary = operator.get(f"{API}/checkins/summary", query).json()
    assert (summary["venue_id"], summary["admitted"]) == (world.venue.pk, 1)
    staff = client_for(make_user(role=Role.DISTRIBUTION))
    by_id = staff.get(f"{API}/settlements", {"venue_id": world.venue.pk, "date": day}).json()
    assert staff.get(f"{API}/settlements", {"venue": world.venue.slug, "date": day}).json() == by_id
    csv_by_slug = staff.get(f"{API}/settlements.csv", {"venue": world.venue.slug, "date": day})
    assert csv_by_slug.status_code == 200
    problem(staff.get(f"{API}/settlements", {"venue": "no-such-cinema"}), 404, "venue_not_found")
    both = {"venue": world.venue.slug, "venue_id": world.venue.pk}
    problem(staff.get(f"{API}/settlements", both), 422, "validation_error")
    problem(post(operator, "/checkins", {"code": code}), 422, "validation_error")
    problem(post(operator, "/checkins", {"code": code, "venue": "a\x00b"}), 400, "invalid_text")
