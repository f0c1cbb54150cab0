"""The campaign report after any mix of exchanges and refunds equals what the tickets say.

Hypothesis draws a voucher, the seats bought, and a sequence of exchanges
(between two showtimes, to standard or VIP seats) and refunds of single
tickets anywhere along the exchange chain. After each sequence the report's
tickets, gross, cost and ledger cost are compared with figures taken from
other tables: the valid tickets of every order in the chain, their lines'
discounts, and the refunds paid (``OrderRefund``).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marquee.core import outbox
from marquee.core.errors import DomainError
from marquee.marketing.queries import campaign_report
from marquee.marketing.services.campaigns import issue_vouchers
from marquee.ticketing.models import OrderRefund, Ticket, TicketExchange
from marquee.ticketing.services.exchanges import exchange_tickets
from marquee.ticketing.services.refunds import refund_tickets
from tests.marketing.factories import CampaignFactory
from tests.marketing.helpers import buy
from tests.ticketing.conftest import make_showtime

OFFERS = {
    "fixed": {"discount_kind": "fixed", "amount_minor": 1000},
    "percent": {
        "discount_kind": "percent",
        "amount_minor": 0,
        "percent_bp": 2000,
        "cap_minor": 3000,
    },
    "price": {"discount_kind": "price", "amount_minor": 3000},
}
steps = st.lists(
    st.tuples(st.sampled_from(["exchange", "refund"]), st.integers(0, 7), st.sampled_from([2, 3])),
    max_size=5,
)


@pytest.fixture
def later(world, showtime):
    return make_showtime(world, starts_at=showtime.starts_at + timedelta(hours=4))


def _chain(root_id: int) -> list[int]:
    orders, level = [root_id], [root_id]
    while level:
        level = list(
            TicketExchange.objects.filter(order_id__in=level).values_list("new_order_id", flat=True)
        )
        orders += level
    return orders


def _run(root, showtimes, ops, buyer) -> None:
    free = {s.pk: iter(range(5, 9)) for s in showtimes}
    for n, (op, pick, row) in enumerate(ops):
        valid = list(
            Ticket.objects.filter(order_id__in=_chain(root.pk), status=Ticket.Status.VALID)
            .select_related("order")
            .order_by("pk")
        )
        if not valid:
            return
        ticket = valid[pick % len(valid)]
        try:
            if op == "refund":
                refund_tickets(
                    order=ticket.order, ticket_ids=[ticket.pk], actor=buyer, idempotency_key=f"r{n}"
                )
            else:
                target = next(s for s in showtimes if s.pk != ticket.order.showtime_id)
                exchange_tickets(
                    order=ticket.order,
                    ticket_ids=[ticket.pk],
                    new_showtime=target,
                    seat_codes=[f"{row}-{next(free[target.pk])}"],
                    actor=buyer,
                    idempotency_key=f"x{n}",
                )
        except (DomainError, StopIteration):
            pass  # a dearer exchange is refused (exchanges never cost more): nothing changed
        outbox.drain()


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(offer=st.sampled_from(sorted(OFFERS)), first=st.sampled_from([2, 3]), ops=steps)
def test_the_report_matches_the_tickets_along_the_exchange_chain(
    showtime, later, buyer, staff, everyone, offer, first, ops
):
    with transaction.atomic():
        campaign = CampaignFactory(
            actor=staff, segment=everyone, budget_minor=1_000_000, **OFFERS[offer]
        )
        issue_vouchers(actor=staff, campaign=campaign)
        code = campaign.vouchers.get(user=buyer).code
        root = buy(showtime, buyer, [f"{first}-1", f"{first}-2", "2-3"], code)
        _run(root, [showtime, later], ops, buyer)

        orders = _chain(root.pk)
        valid = Ticket.objects.filter(order_id__in=orders, status=Ticket.Status.VALID)
        refunded = (
            OrderRefund.objects.filter(order_id__in=orders).aggregate(s=Sum("amount_minor"))["s"]
            or 0
        )
        report = campaign_report(campaign)
        if valid.exists():
            assert report.redeemed == 1
            assert report.tickets == valid.count()
            assert report.cost_minor == valid.aggregate(s=Sum("line__discount_minor"))["s"]
            assert report.gross_minor == root.total_minor - refunded
        else:
            assert (report.redeemed, report.tickets, report.gross_minor) == (0, 0, 0)
            assert report.cost_minor == 0
        assert report.ledger_cost_minor == report.cost_minor
        transaction.set_rollback(True)
