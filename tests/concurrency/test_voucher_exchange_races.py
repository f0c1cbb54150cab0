"""Exchanges of voucher tickets racing for a campaign's last budget never pass it.

Every racer bought a standard seat (¥45) with a set-price voucher (¥30: ¥15
off) and exchanges it for a VIP seat (¥65 at ¥30: ¥35 off) at a later
showtime, each in its own thread and connection: each exchange claims ¥20
more from the budget with the conditional UPDATE of ``redemption.claim_budget``.
The control replaces that claim with a read-then-write and shows the race is real.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import Sum

from marquee.accounts.models import Role
from marquee.core import outbox
from marquee.finance.chart import ensure_chart
from marquee.finance.models import JournalLine
from marquee.marketing.models import Campaign, Voucher
from marquee.marketing.services import redemption
from marquee.marketing.services.campaigns import issue_vouchers
from marquee.ticketing.models import Order, Ticket
from marquee.ticketing.services.exchanges import exchange_tickets
from tests.concurrency.conftest import race
from tests.marketing.factories import CampaignFactory, SegmentFactory
from tests.marketing.helpers import buy
from tests.ticketing.conftest import build_world, make_showtime

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RACERS = 8
WINNERS = 3  # the budget has room for three exchanges' ¥20 each
OFF_BEFORE, CHANGE = 1500, 2000


@pytest.fixture
def bought(make_user):
    ensure_chart()
    world = build_world(make_user)
    showtime = make_showtime(world)
    later = make_showtime(world, starts_at=showtime.starts_at + timedelta(hours=4))
    staff = make_user(role=Role.DISTRIBUTION)
    buyers = [make_user() for _ in range(RACERS)]
    segment = SegmentFactory(actor=staff, rule_text="not profile(gender=other)")
    campaign = CampaignFactory(
        actor=staff,
        segment=segment,
        discount_kind="price",
        amount_minor=3000,
        budget_minor=RACERS * OFF_BEFORE + WINNERS * CHANGE,
    )
    issue_vouchers(actor=staff, campaign=campaign)
    orders = [
        buy(showtime, b, [f"2-{n}"], Voucher.objects.get(campaign=campaign, user=b).code)
        for n, b in enumerate(buyers, start=1)
    ]
    return later, campaign, orders


def _exchange(order: Order, later, seat: str):
    ticket = Ticket.objects.get(order=order)
    return exchange_tickets(
        order=order,
        ticket_ids=[ticket.pk],
        new_showtime=later,
        seat_codes=[seat],
        actor=order.user,
    )


def test_racing_exchanges_never_pass_the_budget(bought):
    later, campaign, orders = bought
    outcomes = race(
        [lambda o=o, n=n: _exchange(o, later, f"3-{n}") for n, o in enumerate(orders, start=1)]
    )
    refused = Counter(getattr(o.error, "code", repr(o.error)) for o in outcomes if not o.ok)
    assert refused == Counter({"campaign_over_budget": RACERS - WINNERS})
    won = [o.value for o in outcomes if o.ok]
    outbox.drain()
    campaign.refresh_from_db()
    assert campaign.committed_minor == campaign.budget_minor
    assert campaign.redeemed_count == RACERS  # an exchange is not a second redemption
    granted = Order.objects.filter(discount_code__startswith="MQ-", status=Order.Status.PAID)
    assert granted.aggregate(t=Sum("discount_minor"))["t"] == campaign.budget_minor
    assert {r.new_order.discount_minor for r in won} == {OFF_BEFORE + CHANGE}
    # The losers keep their tickets; the ledger charged the platform exactly the budget.
    assert Ticket.objects.filter(status=Ticket.Status.VALID).count() == RACERS
    subsidy = JournalLine.objects.filter(account__code="6050").aggregate(
        d=Sum("debit_minor"), c=Sum("credit_minor")
    )
    assert subsidy["d"] - (subsidy["c"] or 0) == campaign.budget_minor


def test_control_a_read_then_write_claim_lets_an_exchange_pass_the_budget(bought, monkeypatch):
    later, campaign, orders = bought
    room = RACERS * OFF_BEFORE + CHANGE  # room for one exchange only
    Campaign.objects.filter(pk=campaign.pk).update(budget_minor=room)
    both_read = threading.Barrier(2)

    def unguarded(*, campaign_id: int, amount: int, redemptions: int = 1) -> bool:
        current = Campaign.objects.get(pk=campaign_id)
        fits = current.committed_minor + amount <= current.budget_minor
        both_read.wait(timeout=30)
        if fits:
            current.committed_minor += amount
            current.redeemed_count += redemptions
            current.save(update_fields=["committed_minor", "redeemed_count"])
        return fits

    monkeypatch.setattr(redemption, "claim_budget", unguarded)
    outcomes = race(
        [lambda o=o, n=n: _exchange(o, later, f"3-{n}") for n, o in enumerate(orders[:2], 1)]
    )
    # Both passed the budget check: the new seats carry ¥20 more each, ¥20 over the budget,
    # and the lost update hides it (the counter says the budget is exactly spent).
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    granted = Order.objects.filter(showtime=later).aggregate(t=Sum("discount_minor"))["t"]
    assert granted == 2 * (OFF_BEFORE + CHANGE)
    campaign.refresh_from_db()
    assert campaign.committed_minor == room
