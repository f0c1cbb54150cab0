"""Vouchers at checkout: the discount on the order, the claims, refunds give the voucher back."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from marquee.core import outbox
from marquee.core.errors import DomainError
from marquee.finance.models import JournalLine
from marquee.marketing.errors import MarketingErrorCode
from marquee.marketing.models import Redemption
from marquee.marketing.queries import campaign_report
from marquee.ticketing.models import Order
from marquee.ticketing.services.refunds import refund_tickets
from tests.marketing.helpers import buy, checkout


def test_voucher_takes_ten_off_and_is_booked_to_the_platform(showtime, buyer, voucher, campaign):
    order = buy(showtime, buyer, ["2-3", "2-4"], voucher.code)
    assert order.status == Order.Status.PAID
    assert order.subtotal_minor == 9000
    assert order.discount_minor == 1000
    assert order.total_minor == 9000 + 600 - 1000
    assert sorted(order.lines.values_list("discount_minor", flat=True)) == [500, 500]
    redemption = Redemption.objects.get(order=order)
    assert redemption.status == Redemption.Status.REDEEMED
    campaign.refresh_from_db()
    assert (campaign.committed_minor, campaign.redeemed_count) == (1000, 1)
    subsidy = JournalLine.objects.filter(account__code="6050").aggregate(d=Sum("debit_minor"))
    assert subsidy["d"] == 1000
    clearing = JournalLine.objects.filter(account__code="2690").aggregate(
        d=Sum("debit_minor"), c=Sum("credit_minor")
    )
    assert clearing["d"] == clearing["c"] == 1000
    report = campaign_report(campaign)
    assert (report.redeemed, report.tickets, report.cost_minor) == (1, 2, 1000)
    assert report.gross_minor == order.total_minor
    assert report.cost_per_ticket_minor == 500
    assert report.ledger_cost_minor == 1000


def test_a_used_voucher_is_refused_and_nothing_is_half_applied(showtime, buyer, voucher):
    buy(showtime, buyer, ["2-3"], voucher.code)
    with pytest.raises(DomainError) as exc:
        checkout(showtime, buyer, ["2-5"], voucher.code)
    assert exc.value.code == MarketingErrorCode.VOUCHER_USED_UP
    assert Order.objects.filter(user=buyer).count() == 1
    assert Redemption.objects.count() == 1


def test_refund_gives_the_voucher_back(showtime, buyer, voucher, campaign):
    order = buy(showtime, buyer, ["2-3"], voucher.code)
    refund_tickets(order=order, actor=buyer, idempotency_key="r1")
    outbox.drain()
    voucher.refresh_from_db()
    campaign.refresh_from_db()
    assert voucher.uses == 0
    assert (campaign.committed_minor, campaign.redeemed_count) == (0, 0)
    assert Redemption.objects.get(order=order).status == Redemption.Status.RETURNED
    subsidy = JournalLine.objects.filter(account__code="6050").aggregate(
        d=Sum("debit_minor"), c=Sum("credit_minor")
    )
    assert subsidy["d"] == subsidy["c"] == 1000
    again = buy(showtime, buyer, ["2-4"], voucher.code)
    assert again.discount_minor == 1000
