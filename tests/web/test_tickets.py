"""My tickets: QR codes, seats and venue-local times, downloads, refunds and exchanges."""

from __future__ import annotations

import base64
import io
import re
from datetime import timedelta

import pytest
import time_machine
import zxingcpp
from django.utils import timezone
from PIL import Image

from marquee.ticketing import etickets
from marquee.ticketing.models import Order, SeatInventory, Ticket

pytestmark = pytest.mark.django_db


def _order_card(page: str, order: Order) -> str:
    start = page.index(f'id="order-{order.pk}"')
    end = page.find('<li id="order-', start + 1)
    return page[start : end if end > 0 else None]


def test_my_tickets_show_qr_seat_hall_and_local_time(web, client_as):
    order = web.orders["fan-long-night-d2"]
    page = client_as("fan").get("/tickets/").content.decode()
    card = _order_card(page, order)
    assert "The Long Night" in card and "Huaxia Cinema Sanlitun" in card and "Hall 1" in card
    assert "<strong>19:00</strong>" in card and "China Time (GMT+08:00)" in card
    assert "Asia/Shanghai" not in card
    assert "Row 4 Seat 6" in card and "Row 4 Seat 7" in card
    assert card.count('data-testid="qr"') == 2
    assert f"/api/v1/ticketing/orders/{order.pk}/tickets.pdf" in card
    assert f"/api/v1/ticketing/orders/{order.pk}/tickets.ics" in card
    assert f"/tickets/{order.pk}/refund/" in card and f"/tickets/{order.pk}/exchange/" in card


def test_the_qr_on_the_page_decodes_to_a_verifiable_ticket(web, client_as):
    page = client_as("fan").get("/tickets/").content.decode()
    uri = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', page).group(1)
    svg = base64.b64decode(uri)
    assert svg.startswith(b"<?xml") or b"<svg" in svg[:200]
    # Decode the same code as a PNG (what a door scanner reads) and verify it.
    ticket = web.tickets["fan-d2-4-6"]
    image = Image.open(io.BytesIO(etickets.qr_png(ticket.code)))
    decoded = zxingcpp.read_barcodes(image)[0].text
    assert etickets.verify_ticket(decoded).ticket_id == ticket.pk
    assert ticket.code[:20] in page  # the printed code under the QR


def test_my_tickets_are_mine_only(web, client_as):
    page = client_as("rival").get("/tickets/").content.decode()
    assert "You have no tickets yet." in page
    assert 'data-testid="qr"' not in page
    assert client_as(None).get("/tickets/").status_code == 302


def test_refund_explains_the_rule_and_fee_then_frees_the_seats(web, client_as):
    fan = client_as("fan")
    order = web.orders["fan-long-night-d2"]
    page = fan.get(f"/tickets/{order.pk}/refund/").content.decode()
    assert "until 60 minutes before the showtime starts" in page
    assert "CN¥5.00 per ticket" in page  # the venue's refund fee
    assert "CN¥126.00" in page  # (65 + 3 − 5) × 2 back
    assert fan.get(f"/tickets/{order.pk}/refund/").status_code == 200  # reading changes nothing
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
    tickets = list(Ticket.objects.filter(order=order).order_by("pk"))
    key = "0b7c5a0e-1111-4a5b-8c9d-0e1f2a3b4c5d"
    r = fan.post(
        f"/tickets/{order.pk}/refund/",
        {"tickets": [str(tickets[0].pk)], "idempotency_key": key},
    )
    assert r.status_code == 302
    assert "1 ticket refunded: CN¥63.00" in fan.get(r["Location"]).content.decode()
    # The same form sent twice refunds once.
    fan.post(
        f"/tickets/{order.pk}/refund/", {"tickets": [str(tickets[0].pk)], "idempotency_key": key}
    )
    order.refresh_from_db()
    assert order.status == Order.Status.PARTIALLY_REFUNDED and order.refunded_minor == 6300
    seat = SeatInventory.objects.get(showtime=order.showtime, seat=tickets[0].seat)
    assert seat.state == SeatInventory.State.FREE


def test_refund_after_the_cutoff_is_explained_not_offered(web, client_as):
    order = web.orders["fan-long-night-d2"]
    late = order.showtime.starts_at - timedelta(minutes=30)
    with time_machine.travel(late, tick=False):
        page = client_as("fan").get(f"/tickets/{order.pk}/refund/").content.decode()
        assert "Refunds closed at" in page and "Confirm refund" not in page
        ids = [str(t.pk) for t in Ticket.objects.filter(order=order)]
        r = client_as("fan").post(f"/tickets/{order.pk}/refund/", {"tickets": ids})
        assert r.status_code == 409 and "have closed" in r.content.decode()
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


def test_refund_of_someone_elses_order_is_not_found(web, client_as):
    order = web.orders["fan-long-night-d2"]
    rival = client_as("rival")
    assert rival.get(f"/tickets/{order.pk}/refund/").status_code == 404
    assert rival.post(f"/tickets/{order.pk}/refund/", {}).status_code == 404
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


def test_refund_with_no_ticket_ticked_refunds_nothing(web, client_as):
    order = web.orders["fan-long-night-d2"]
    r = client_as("fan").post(f"/tickets/{order.pk}/refund/", {"idempotency_key": "x"})
    assert r.status_code == 400
    assert "Choose at least one ticket to refund." in r.content.decode()
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


def test_refund_with_garbage_ticket_ids_changes_nothing(web, client_as):
    order = web.orders["fan-long-night-d2"]
    r = client_as("fan").post(
        f"/tickets/{order.pk}/refund/", {"tickets": ["999999999", "x", "-1", "1" * 40]}
    )
    assert r.status_code in (400, 404, 409)
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


def test_exchange_explains_the_rule_and_moves_the_tickets(web, client_as):
    fan = client_as("fan")
    order = web.orders["fan-long-night-d2"]
    page = fan.get(f"/tickets/{order.pk}/exchange/").content.decode()
    assert "same film at this cinema until 60 minutes before the start" in page
    target = web.showtimes["long-night-13-d2"]
    assert f"/tickets/{order.pk}/exchange/{target.pk}/" in page
    assert f"/tickets/{order.pk}/exchange/{web.showtimes['guomao-14-d2'].pk}/" not in page
    tickets = [str(t.pk) for t in Ticket.objects.filter(order=order)]
    page = fan.get(
        f"/tickets/{order.pk}/exchange/{target.pk}/", {"tickets": tickets}
    ).content.decode()
    assert "choose exactly 2 seats" in page and 'data-exact="1"' in page
    assert "You give up: Row 4 Seat 6, Row 4 Seat 7" in page
    # Seats that cost more are refused, nothing changes.
    r = fan.post(
        f"/tickets/{order.pk}/exchange/{target.pk}/",
        {"tickets": tickets, "seats": ["8-1", "8-2"]},
    )
    assert r.status_code in (400, 409) and "cost more" in r.content.decode()
    assert Ticket.objects.filter(order=order, status=Ticket.Status.VALID).count() == 2
    # Standard seats cost less: exchanged, the difference refunded.
    r = fan.post(
        f"/tickets/{order.pk}/exchange/{target.pk}/",
        {
            "tickets": tickets,
            "seats": ["6-6", "6-7"],
            "idempotency_key": "5d6e7f80-1234-4abc-9def-0123456789ab",
        },
    )
    assert r.status_code == 302, r.content.decode()[:400]
    page = fan.get("/tickets/").content.decode()
    assert "Exchanged" in page and "CN¥40.00" in page  # (65 − 45) × 2 back
    assert Ticket.objects.filter(order=order, status=Ticket.Status.EXCHANGED).count() == 2
    assert (
        Ticket.objects.filter(
            showtime=target, order__user=web.users["fan"], status=Ticket.Status.VALID
        ).count()
        == 2
    )


def test_exchange_when_the_window_closed_offers_nothing(web, client_as):
    order = web.orders["fan-long-night-d2"]
    with time_machine.travel(order.showtime.starts_at - timedelta(minutes=10), tick=False):
        page = client_as("fan").get(f"/tickets/{order.pk}/exchange/").content.decode()
    assert "The exchange window for this showtime has closed." in page


def test_ticket_times_follow_the_venue_zone_not_the_server(web, client_as, settings):
    settings.TIME_ZONE = "UTC"
    with timezone.override("UTC"):
        page = client_as("fan").get("/tickets/").content.decode()
    card = _order_card(page, web.orders["fan-long-night-d2"])
    assert "<strong>19:00</strong>" in card  # 11:00 UTC, shown in Beijing time
