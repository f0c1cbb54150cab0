"""Exchanging tickets bought with a voucher: the voucher follows if it covers the new showtime."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Sum
from django.test import Client
from django.utils import translation

from marquee.core import outbox
from marquee.core.errors import DomainError
from marquee.finance.models import JournalLine
from marquee.marketing.models import Campaign, Redemption, Voucher
from marquee.marketing.queries import campaign_report
from marquee.marketing.services.campaigns import issue_vouchers
from marquee.ticketing.models import Order, OrderRefund, Ticket
from marquee.ticketing.services.exchanges import exchange_tickets
from marquee.ticketing.services.refunds import refund_tickets
from tests.conftest import PASSWORD
from tests.finance.test_reports import compiled_translations  # noqa: F401 - a fixture
from tests.marketing.factories import CampaignFactory
from tests.marketing.helpers import buy
from tests.ticketing.conftest import make_showtime


def _net(code: str) -> int:
    row = JournalLine.objects.filter(account__code=code).aggregate(
        d=Sum("debit_minor"), c=Sum("credit_minor")
    )
    return (row["d"] or 0) - (row["c"] or 0)


@pytest.fixture
def later(world, showtime):
    return make_showtime(world, starts_at=showtime.starts_at + timedelta(hours=4))


def _campaign(staff, everyone, **kwargs) -> Campaign:
    campaign = CampaignFactory(actor=staff, segment=everyone, **kwargs)
    issue_vouchers(actor=staff, campaign=campaign)
    return campaign


def _code(campaign, user) -> str:
    return campaign.vouchers.get(user=user).code


def _exchange(order, later, old, new, *, key=None):
    by_seat = {t.seat.code: t.pk for t in Ticket.objects.filter(order=order).select_related("seat")}
    result = exchange_tickets(
        order=order,
        ticket_ids=[by_seat[c] for c in old],
        new_showtime=later,
        seat_codes=list(new),
        actor=order.user,
        idempotency_key=key,
    )
    outbox.drain()
    return result


def test_the_voucher_follows_the_tickets_without_a_second_use(
    showtime, later, buyer, staff, everyone
):
    campaign = _campaign(staff, everyone)  # ¥10 off the order
    order = buy(showtime, buyer, ["2-3", "2-4"], _code(campaign, buyer))
    result = _exchange(order, later, ["2-3", "2-4"], ["2-1", "2-2"])
    new = result.new_order
    assert (new.discount_minor, new.discount_code) == (1000, order.discount_code)
    assert new.discount_payer == "platform"
    assert new.total_minor == 2 * 4500 + 2 * 300 - 1000
    assert result.refunded_minor == 0
    assert sorted(new.lines.values_list("discount_minor", flat=True)) == [500, 500]
    campaign.refresh_from_db()
    assert (campaign.committed_minor, campaign.redeemed_count) == (1000, 1)
    assert Voucher.objects.get(campaign=campaign, user=buyer).uses == 1
    assert _net("6050") == 1000 and _net("2690") == 0


def test_cheaper_seats_carry_less_and_the_difference_is_refunded_exactly(
    showtime, later, buyer, staff, everyone
):
    campaign = _campaign(
        staff, everyone, discount_kind="percent", amount_minor=0, percent_bp=2000, cap_minor=3000
    )
    order = buy(showtime, buyer, ["3-4", "3-5"], _code(campaign, buyer))  # 2 VIP at ¥65
    assert order.discount_minor == 2600  # 20 % of ¥130, under the ¥30 cap
    result = _exchange(order, later, ["3-4"], ["2-1"])  # one VIP for a standard ¥45 seat
    # The new seat carries 20 % of ¥45 = ¥9; the buyer paid 65 − 13 + 3 for the old one.
    assert result.new_order.discount_minor == 900
    assert result.refunded_minor == (6500 - 1300 + 300) - (4500 - 900 + 300)
    refund = OrderRefund.objects.get(order=order, reason=OrderRefund.Reason.EXCHANGE_DIFFERENCE)
    assert refund.amount_minor == 1600
    campaign.refresh_from_db()
    assert campaign.committed_minor == 2600 - 400
    assert Redemption.objects.get(order=order).amount_minor == 2200
    assert _net("6050") == 2200 and _net("2690") == 0
    # Refunding the new ticket gives back what was paid for it and returns its ¥9.
    new_ticket = result.new_order.tickets.get()
    refunded = refund_tickets(
        order=result.new_order, ticket_ids=[new_ticket.pk], actor=buyer, idempotency_key="r1"
    )
    outbox.drain()
    assert refunded.amount_minor == 4500 - 900 + 300
    campaign.refresh_from_db()
    assert campaign.committed_minor == 1300
    # …and the last ticket's refund gives the voucher back.
    refund_tickets(order=order, actor=buyer, idempotency_key="r2")
    outbox.drain()
    campaign.refresh_from_db()
    assert (campaign.committed_minor, campaign.redeemed_count) == (0, 0)
    assert Voucher.objects.get(campaign=campaign, user=buyer).uses == 0
    assert _net("6050") == 0 and _net("2690") == 0
    totals = JournalLine.objects.aggregate(d=Sum("debit_minor"), c=Sum("credit_minor"))
    assert totals["d"] == totals["c"]


@pytest.mark.usefixtures("compiled_translations")
def test_a_showtime_the_voucher_does_not_cover_is_refused_naming_why(
    world, showtime, buyer, staff, everyone
):
    weekday = showtime.local_starts_at.isoweekday()
    campaign = _campaign(staff, everyone, weekdays=(weekday,))
    order = buy(showtime, buyer, ["2-3"], _code(campaign, buyer))
    next_day = make_showtime(world, starts_at=showtime.starts_at + timedelta(days=1))
    with pytest.raises(DomainError) as exc:
        _exchange(order, next_day, ["2-3"], ["2-1"])
    assert (exc.value.code, exc.value.detail["reasons"]) == ("exchange_voucher_not_valid", ["day"])
    with translation.override("zh-hans"):
        assert "星期" in exc.value.code.render(exc.value.detail)
    # Nothing changed: the ticket stands, the seat stays free, the campaign untouched.
    assert Ticket.objects.get(order=order).status == Ticket.Status.VALID
    assert not Order.objects.filter(showtime=next_day).exists()
    campaign.refresh_from_db()
    assert campaign.committed_minor == 1000
    # The API answers with a problem naming the rule.
    client = Client()
    assert client.login(username=buyer.username, password=PASSWORD)
    ticket = Ticket.objects.get(order=order)
    response = client.post(
        f"/api/v1/ticketing/orders/{order.pk}/exchange",
        {"ticket_ids": [ticket.pk], "showtime_id": next_day.pk, "seats": ["2-1"]},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="x1",
    )
    assert response.status_code == 409
    problem = response.json()
    assert problem["code"] == "exchange_voucher_not_valid"
    assert problem["reasons"] == ["day"]


def test_dearer_seats_at_a_set_price_claim_the_change_from_the_budget(
    showtime, later, buyer, make_user, staff, everyone
):
    campaign = _campaign(
        staff, everyone, discount_kind="price", amount_minor=3000, budget_minor=1500 + 1000
    )
    order = buy(showtime, buyer, ["2-3"], _code(campaign, buyer))  # ¥45 at ¥30: ¥15 off
    assert order.discount_minor == 1500
    # A VIP seat at ¥30 carries ¥35 off: ¥20 more than the budget has left (¥10).
    with pytest.raises(DomainError) as exc:
        _exchange(order, later, ["2-3"], ["3-1"])
    assert exc.value.code == "campaign_over_budget"
    campaign.refresh_from_db()
    assert campaign.committed_minor == 1500
    assert Ticket.objects.get(order=order).status == Ticket.Status.VALID
    Campaign.objects.filter(pk=campaign.pk).update(budget_minor=3500)
    result = _exchange(order, later, ["2-3"], ["3-1"])
    assert result.new_order.discount_minor == 3500
    assert result.refunded_minor == 0  # ¥30 + fee either way
    campaign.refresh_from_db()
    assert (campaign.committed_minor, campaign.redeemed_count) == (3500, 1)
    assert _net("6050") == 3500 and _net("2690") == 0


def test_a_claim_that_differs_from_the_quote_refuses_and_changes_nothing(
    showtime, later, buyer, staff, everyone, monkeypatch
):
    from marquee.marketing.services import exchange as voucher_exchange

    campaign = _campaign(staff, everyone)
    order = buy(showtime, buyer, ["2-3", "2-4"], _code(campaign, buyer))
    real = voucher_exchange.carried_lines
    calls = []

    def drifting(campaign, old, prices):
        calls.append(prices)
        lines = real(campaign, old, prices)
        return lines if len(calls) == 1 else [off - 1 for off in lines]

    monkeypatch.setattr(voucher_exchange, "carried_lines", drifting)
    with pytest.raises(DomainError) as exc:
        _exchange(order, later, ["2-3"], ["2-1"])
    assert exc.value.code == "tickets_changed" and len(calls) == 2
    assert set(Ticket.objects.filter(order=order).values_list("status", flat=True)) == {"valid"}
    campaign.refresh_from_db()
    assert campaign.committed_minor == 1000
    assert Redemption.objects.get(order=order).amount_minor == 1000


def _figures(campaign) -> tuple[int, int, int, int | None, int]:
    report = campaign_report(campaign)
    return (
        report.tickets,
        report.gross_minor,
        report.cost_minor,
        report.cost_per_ticket_minor,
        report.ledger_cost_minor,
    )


def test_the_report_follows_the_tickets_through_exchanges_to_their_refund(
    world, showtime, later, buyer, staff, everyone
):
    campaign = _campaign(
        staff, everyone, discount_kind="percent", amount_minor=0, percent_bp=2000, cap_minor=3000
    )
    order = buy(showtime, buyer, ["3-4", "3-5"], _code(campaign, buyer))  # 2 VIP at ¥65, ¥26 off
    assert _figures(campaign) == (2, 13000 + 600 - 2600, 2600, 1300, 2600)
    # One VIP for a standard ¥45 seat (it carries ¥9): ¥16 back on the first order.
    first = _exchange(order, later, ["3-4"], ["2-1"])
    assert _figures(campaign) == (2, 11000 - 1600, 2200, 1100, 2200)
    # The standard seat again, for one of the same price at a third showtime: nothing moves.
    third = make_showtime(world, starts_at=showtime.starts_at + timedelta(hours=8))
    second = _exchange(first.new_order, third, ["2-1"], ["2-2"])
    assert second.refunded_minor == 0
    assert _figures(campaign) == (2, 9400, 2200, 1100, 2200)
    # Refunding it is booked two exchanges away from the redeeming order, and still counted.
    refund_tickets(order=second.new_order, actor=buyer, idempotency_key="r1")
    outbox.drain()
    assert _figures(campaign) == (1, 9400 - (4500 - 900 + 300), 1300, 1300, 1300)
    assert campaign_report(campaign).gross_minor == 6500 - 1300 + 300  # the VIP seat kept
    assert campaign_report(campaign).redeemed == 1
