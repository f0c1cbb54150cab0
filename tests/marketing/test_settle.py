"""Voucher settlement from the outbox: exactly once, who pays, and the ledger balances."""

from __future__ import annotations

from django.db.models import Sum

from marquee.core import outbox
from marquee.core.models import OutboxEvent
from marquee.finance.models import JournalLine
from marquee.marketing.consumers import settle_vouchers
from marquee.marketing.models import Campaign, RedemptionEvent
from marquee.ticketing import events as ticket_events
from marquee.ticketing.services.refunds import refund_tickets
from tests.marketing.factories import CampaignFactory
from tests.marketing.helpers import buy


def _net(code: str) -> int:
    row = JournalLine.objects.filter(account__code=code).aggregate(
        d=Sum("debit_minor"), c=Sum("credit_minor")
    )
    return (row["d"] or 0) - (row["c"] or 0)


def test_a_replayed_event_changes_nothing(showtime, buyer, voucher, campaign):
    order = buy(showtime, buyer, ["2-3"], voucher.code)
    event = OutboxEvent.objects.get(type=ticket_events.ORDER_PAID, aggregate_id=str(order.pk))
    before = (JournalLine.objects.count(), RedemptionEvent.objects.count())
    settle_vouchers(event)  # the same event once more, as a replay from scratch would
    settle_vouchers(event)
    assert (JournalLine.objects.count(), RedemptionEvent.objects.count()) == before
    campaign.refresh_from_db()
    assert campaign.committed_minor == 1000
    assert _net("6050") == 1000


def test_the_distributor_or_the_cinema_pays_through_receivables(showtime, buyer, staff, everyone):
    from marquee.marketing.services.campaigns import issue_vouchers

    campaign = CampaignFactory(actor=staff, segment=everyone, payer=Campaign.Payer.CINEMA)
    issue_vouchers(actor=staff, campaign=campaign)
    order = buy(showtime, buyer, ["2-3", "2-4"], campaign.vouchers.get(user=buyer).code)
    lines = JournalLine.objects.filter(reference=f"campaign:{campaign.slug}", account__code="1100")
    assert lines.get().debit_minor == 1000
    assert lines.get().venue_id == showtime.venue_id
    assert _net("6050") == 0
    assert _net("2690") == 0  # the clearing account nets to zero once settled
    # Refund one seat: its half of the discount goes back to the budget and the receivable.
    ticket = order.tickets.order_by("pk").first()
    refund_tickets(order=order, ticket_ids=[ticket.pk], actor=buyer, idempotency_key="one")
    outbox.drain()
    campaign.refresh_from_db()
    assert campaign.committed_minor == 500 and campaign.redeemed_count == 1
    assert _net("1100") == 500
    assert _net("2690") == 0


def test_every_posted_entry_balances(showtime, buyer, voucher):
    order = buy(showtime, buyer, ["2-3", "2-4"], voucher.code)
    refund_tickets(order=order, actor=buyer, idempotency_key="all")
    outbox.drain()
    totals = JournalLine.objects.aggregate(d=Sum("debit_minor"), c=Sum("credit_minor"))
    assert totals["d"] == totals["c"]
    assert _net("2690") == 0 and _net("6050") == 0


def test_a_platform_campaign_is_a_selling_cost_of_promotion_and_distribution(
    showtime, buyer, voucher
):
    from django.utils import timezone

    from marquee.finance import reports

    buy(showtime, buyer, ["2-3"], voucher.code)
    today = timezone.now().date()
    statement = reports.income_statement(date_from=today, date_to=today, compare=False)
    segment = next(s for s in statement.segments if s.code == "promotion_distribution")
    # Expenses are presented as negative amounts or as positive ones: either way ¥10.00.
    assert abs(segment.line("selling_marketing").current) == 1000
