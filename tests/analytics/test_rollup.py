"""The live rollup: sales, refunds and exchanges from the outbox, exactly once, replayable."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum

from marquee.analytics.models import AppliedEvent, BoxOfficeFact
from marquee.analytics.queries.board import day_board
from marquee.analytics.services.rollup import apply_events
from marquee.core import outbox
from marquee.core.models import OutboxEvent
from marquee.ticketing.models import Ticket
from marquee.ticketing.services.exchanges import exchange_tickets
from marquee.ticketing.services.refunds import refund_tickets
from tests.ticketing.buying import buy, tickets
from tests.ticketing.conftest import make_showtime

pytestmark = pytest.mark.django_db


def _live(showtime) -> tuple[int, int]:
    row = BoxOfficeFact.objects.filter(showtime=showtime).aggregate(
        t=Sum("tickets"), g=Sum("gross_minor")
    )
    return row["t"] or 0, row["g"] or 0


def test_a_paid_order_adds_its_tickets_and_face_value(world, make_user):
    showtime = make_showtime(world)
    buy(showtime, make_user(), "2-1", "3-1")  # standard 4500 + VIP 6500, fees not box office
    outbox.drain()
    assert _live(showtime) == (2, 11_000)
    day = BoxOfficeFact.objects.get(showtime=showtime).show_day
    board = day_board(day)
    row = next(r for r in board.rows if r.title_id == world.title.pk)
    assert (row.rank, row.tickets, row.gross_minor, row.showtimes) == (1, 2, 11_000, 1)
    assert row.average_price_minor == 5_500
    assert row.attendance_bp == 2 * 10_000 // world.hall.seat_count


def test_a_refund_takes_the_ticket_off(world, make_user):
    showtime = make_showtime(world)
    buyer = make_user()
    order = buy(showtime, buyer, "2-1", "2-2")
    refund_tickets(order=order, ticket_ids=[tickets(order)["2-1"].pk], actor=buyer)
    outbox.drain()
    assert _live(showtime) == (1, 4_500)


def test_an_exchange_moves_the_ticket_to_the_new_showtime(world, make_user):
    first = make_showtime(world)
    later = make_showtime(world, starts_at=first.starts_at + (first.ends_at - first.starts_at) * 2)
    buyer = make_user()
    order = buy(first, buyer, "3-1")
    exchange_tickets(
        order=order,
        ticket_ids=[tickets(order)["3-1"].pk],
        new_showtime=later,
        seat_codes=["2-4"],
        actor=buyer,
    )
    outbox.drain()
    assert _live(first) == (0, 0)
    assert _live(later) == (1, 4_500)


def test_a_replayed_event_changes_nothing(world, make_user):
    showtime = make_showtime(world)
    buy(showtime, make_user(), "2-1")
    outbox.drain()
    events = list(OutboxEvent.objects.all())
    assert apply_events(events) == 0
    assert _live(showtime) == (1, 4_500)
    assert AppliedEvent.objects.count() == 1


def test_rebuild_from_scratch_gives_the_same_numbers(world, make_user):
    showtime = make_showtime(world)
    buyer = make_user()
    order = buy(showtime, buyer, "2-1", "2-2", "3-3")
    refund_tickets(order=order, ticket_ids=[tickets(order)["2-2"].pk], actor=buyer)
    outbox.drain()
    before = list(
        BoxOfficeFact.objects.values_list("showtime_id", "sale_day", "tickets", "gross_minor")
    )
    BoxOfficeFact.objects.update(tickets=999)  # damage it
    out = StringIO()
    call_command("rebuild_box_office", stdout=out)
    after = list(
        BoxOfficeFact.objects.values_list("showtime_id", "sale_day", "tickets", "gross_minor")
    )
    assert after == before
    assert "2 events" in out.getvalue()
    active = Ticket.objects.filter(showtime=showtime, status__in=Ticket.ACTIVE_STATUSES)
    assert _live(showtime) == (active.count(), 11_000)
