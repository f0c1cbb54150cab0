"""Ticketing and payments events post to the ledger, exactly once, and reconcile."""

from __future__ import annotations

import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from marquee.accounts.models import Role
from marquee.catalog.models import Company, Credit
from marquee.core import outbox
from marquee.core.models import EventDelivery, OutboxEvent
from marquee.finance import consumers, reconcile
from marquee.finance.models import JournalEntry, JournalLine
from marquee.finance.services import post_entry
from marquee.ticketing import events as ticket_events
from marquee.ticketing.services.exchanges import exchange_tickets
from marquee.ticketing.services.refunds import refund_tickets
from marquee.ticketing.services.settlement import mark_settlement_paid
from tests.finance.conftest import cr, dr
from tests.ticketing.buying import buy, tickets
from tests.ticketing.conftest import FEE, PRICES, make_showtime

pytestmark = pytest.mark.django_db


def _lines(source: str) -> list[tuple[str, int, int, int | None]]:
    return sorted(
        (line.account.code, line.debit_minor, line.credit_minor, line.venue_id)
        for line in JournalLine.objects.filter(entry__source=source).select_related("account")
    )


def _drain() -> None:
    outbox.drain()
    assert (
        not EventDelivery.objects.filter(consumer__startswith="finance.")
        .exclude(status=EventDelivery.Status.DONE)
        .exists()
    )


def test_order_paid_posts_the_cinemas_payable_and_the_platforms_fee(showtime, buyer):
    order = buy(showtime, buyer, "3-4", "3-5")
    _drain()
    venue = showtime.venue_id
    price, fee = 2 * PRICES["vip"], 2 * FEE
    assert _lines("ticketing.order_paid") == [
        ("1020", price + fee, 0, venue),
        ("2010", 0, price, venue),
        ("4010", 0, fee, venue),
    ]
    entry = JournalEntry.objects.get(source="ticketing.order_paid")
    assert {line.segment.code for line in entry.lines.all()} == {"promotion_distribution"}
    assert entry.lines.first().reference == f"order:{order.pk}"
    # The gateway's fee at the configured 0.6 %, rounded half-to-even once.
    assert _lines("payments.gateway_fee") == [
        ("1020", 0, 82, None),
        ("5020", 82, 0, None),
    ]


def test_gateway_fee_rate_is_a_setting(showtime, buyer, settings):
    settings.MARQUEE_FINANCE_GATEWAY_FEE_RATE = "0.01"
    buy(showtime, buyer, "3-4")
    _drain()
    assert _lines("payments.gateway_fee")[1] == ("5020", 68, 0, None)


def test_a_replayed_event_posts_nothing(showtime, buyer):
    buy(showtime, buyer, "3-4")
    _drain()
    event = OutboxEvent.objects.get(type=ticket_events.ORDER_PAID)
    before = (JournalEntry.objects.count(), JournalLine.objects.count())
    consumers.post_ticketing_events([event])
    consumers.post_ticketing_events([event, event])
    assert (JournalEntry.objects.count(), JournalLine.objects.count()) == before


def test_refund_gives_back_fee_and_price_and_the_cinema_keeps_its_fee(world, showtime, buyer):
    world.venue.refund_fee_minor = 800
    world.venue.save()
    order = buy(showtime, buyer, "3-4", "3-5")
    refund_tickets(order=order, ticket_ids=[tickets(order)["3-4"].pk], actor=buyer)
    _drain()
    venue = showtime.venue_id
    back = PRICES["vip"] + FEE - 800
    assert _lines("ticketing.ticket_refunded") == [
        ("1020", 0, back, venue),
        ("2010", PRICES["vip"] - 800, 0, venue),
        ("4010", FEE, 0, venue),
    ]
    assert reconcile.differences() == []


def test_exchange_for_cheaper_seats_posts_the_differences(world, showtime, buyer):
    later = make_showtime(world, starts_at=showtime.starts_at + timedelta(hours=4))
    order = buy(showtime, buyer, "3-4")
    exchange_tickets(
        order=order,
        ticket_ids=[tickets(order)["3-4"].pk],
        new_showtime=later,
        seat_codes=["4-4"],
        actor=buyer,
    )
    _drain()
    venue = showtime.venue_id
    difference = PRICES["vip"] - PRICES["standard"]
    assert _lines("ticketing.ticket_exchanged") == [
        ("1020", 0, difference, venue),
        ("2010", difference, 0, venue),
    ]
    assert reconcile.differences() == []


def test_settlement_paid_clears_the_payable_and_books_the_studios_share(
    world, showtime, buyer, make_user
):
    studio = Company.objects.create(name_en="Marquee Pictures", slug="marquee-pictures")
    Credit.objects.create(
        title=world.title, company=studio, role=Credit.Role.DISTRIBUTOR, territory="CN"
    )
    buy(showtime, buyer, "3-4", "3-5")
    finance = make_user(role=Role.FINANCE)
    day = showtime.starts_at.astimezone(ZoneInfo(showtime.venue.time_zone)).date()
    payload = mark_settlement_paid(venue=world.venue, day=day, actor=finance)
    _drain()
    venue = showtime.venue_id
    assert payload["amount_minor"] == 2 * PRICES["vip"]
    share = payload["titles"][0]["distributor_share_minor"]
    assert share > 0
    assert _lines("ticketing.settlement_paid") == [
        ("1010", 0, 2 * PRICES["vip"], venue),
        ("1110", share, 0, venue),
        ("2010", 2 * PRICES["vip"], 0, venue),
        ("4020", 0, share, venue),
    ]
    revenue = JournalLine.objects.get(account__code="4020")
    assert (revenue.segment.code, revenue.title_id) == ("content", world.title.pk)
    assert reconcile.differences() == []


def test_a_settlement_is_paid_once_and_by_finance_only(world, showtime, buyer, make_user):
    from marquee.core.errors import DomainError

    buy(showtime, buyer, "3-4")
    day = showtime.starts_at.astimezone(ZoneInfo(showtime.venue.time_zone)).date()
    with pytest.raises(DomainError) as refused:
        mark_settlement_paid(venue=world.venue, day=day, actor=world.operator)
    assert refused.value.code == "not_settlement_payer"
    finance = make_user(role=Role.FINANCE)
    mark_settlement_paid(venue=world.venue, day=day, actor=finance)
    with pytest.raises(DomainError) as again:
        mark_settlement_paid(venue=world.venue, day=day, actor=finance)
    assert again.value.code == "settlement_already_paid"


def test_reconcile_ledger_passes_when_books_agree_and_fails_on_a_difference(showtime, buyer):
    buy(showtime, buyer, "3-4")
    _drain()
    out = io.StringIO()
    call_command("reconcile_ledger", stdout=out)
    assert "agree" in out.getvalue()

    # A stray posting to the cinema's payable: the command names it and exits 1.
    post_entry(
        date=showtime.starts_at.date(),
        memo="stray",
        lines=[
            dr("1010", 100, segment="promotion_distribution"),
            cr("2010", 100, segment="promotion_distribution", venue_id=showtime.venue_id),
        ],
    )
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("reconcile_ledger", stdout=out)
    assert exit_info.value.code == 1
    text = out.getvalue()
    assert f"venue {showtime.venue_id} CNY payable_to_cinema" in text
    assert "+100" in text


def test_reconcile_reports_an_unposted_sale(showtime, buyer):
    buy(showtime, buyer, "3-4")  # the outbox is not drained: the ledger has not seen it
    found = reconcile.differences()
    assert {d.measure for d in found} == {"sales", "service_fees", "payable_to_cinema"}
    assert reconcile.pending_deliveries() > 0
