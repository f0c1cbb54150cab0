"""Vouchers in a flash sale: racing checkouts never pass a campaign's budget or an account's limit.

Each racer holds its own seat, orders with its voucher and pays through the
simulated gateway, in its own thread and database connection. The budget
claim is one conditional UPDATE (``redemption.claim_budget``); the control
replaces it with a read-then-write and shows the race is real (the check
constraint ``campaign_within_budget`` is then all that stops the oversell).
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.db.models import Sum
from django.utils import timezone

from marquee.accounts.models import Role
from marquee.core import outbox
from marquee.core.errors import DomainError
from marquee.finance.chart import ensure_chart
from marquee.finance.models import JournalLine
from marquee.marketing.models import Campaign, Redemption, Voucher
from marquee.marketing.services import redemption
from marquee.marketing.services.campaigns import CampaignSpec, create_campaign, issue_vouchers
from marquee.marketing.services.segments import create_segment
from marquee.payments.models import Payment
from marquee.ticketing.models import Order
from tests.concurrency.conftest import race
from tests.marketing.helpers import buy
from tests.ticketing.conftest import build_world, make_showtime

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RACERS = 12
WINNERS = 5  # the budget pays five vouchers of 10 yuan
SEATS = [f"{row}-{n}" for row in (2, 3, 4) for n in range(1, 9)]


@pytest.fixture
def sale(make_user):
    ensure_chart()
    world = build_world(make_user)
    showtime = make_showtime(world)
    staff = make_user(role=Role.DISTRIBUTION)
    buyers = [make_user() for _ in range(RACERS)]
    segment = create_segment(
        actor=staff, slug="flash", name="Flash", rule_text="not profile(gender=other)"
    )
    now = timezone.now()
    campaign = create_campaign(
        actor=staff,
        spec=CampaignSpec(
            slug="flash",
            name="Flash",
            segment=segment.slug,
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(days=1),
            amount_minor=1000,
            budget_minor=WINNERS * 1000,
            per_account_limit=1,
        ),
    )
    issue_vouchers(actor=staff, campaign=campaign)
    return showtime, campaign, buyers, world


def _code(campaign: Campaign, user) -> str:
    return Voucher.objects.get(campaign=campaign, user=user).code


def test_a_flash_sale_never_passes_the_budget_and_loses_no_payment(sale):
    showtime, campaign, buyers, _ = sale
    codes = [_code(campaign, b) for b in buyers]
    started = time.perf_counter()
    outcomes = race(
        [
            lambda b=b, seat=seat, code=code: buy(showtime, b, [seat], code)
            for b, seat, code in zip(buyers, SEATS, codes, strict=False)
        ]
    )
    elapsed = time.perf_counter() - started
    won = [o.value for o in outcomes if o.ok]
    lost = [o.error for o in outcomes if not o.ok]
    assert len(won) == WINNERS, [repr(e) for e in lost]
    assert all(isinstance(e, DomainError) and e.code == "campaign_over_budget" for e in lost)
    outbox.drain()
    campaign.refresh_from_db()
    assert (campaign.committed_minor, campaign.redeemed_count) == (WINNERS * 1000, WINNERS)
    assert Redemption.objects.filter(status=Redemption.Status.REDEEMED).count() == WINNERS
    # No payment lost: every order with a discount is paid, and paid exactly its total.
    paid = Order.objects.filter(status=Order.Status.PAID)
    assert paid.count() == WINNERS
    assert set(paid.values_list("discount_minor", flat=True)) == {1000}
    totals = paid.aggregate(t=Sum("total_minor"))["t"]
    captured = Payment.objects.filter(status=Payment.Status.SUCCEEDED).aggregate(
        t=Sum("amount_minor")
    )["t"]
    assert totals == captured
    subsidy = JournalLine.objects.filter(account__code="6050").aggregate(d=Sum("debit_minor"))
    assert subsidy["d"] == WINNERS * 1000
    # The losers' holds were released: their seats are on sale again.
    assert not Order.objects.exclude(status=Order.Status.PAID).exists()
    print(f"\n{RACERS} racing voucher checkouts+payments: {elapsed:.2f} s")


def test_one_account_racing_its_own_voucher_wins_once(sale):
    """Four checkouts of one account, each at its own showtime (one pending order per showtime)."""
    showtime, campaign, buyers, world = sale
    buyer = buyers[0]
    code = _code(campaign, buyer)
    start = showtime.starts_at
    showtimes = [showtime] + [
        make_showtime(world, starts_at=start + timedelta(hours=3 * n)) for n in range(1, 4)
    ]
    outcomes = race([lambda st=st: buy(st, buyer, [SEATS[0]], code) for st in showtimes])
    assert sum(o.ok for o in outcomes) == 1
    assert all(e.code == "voucher_used_up" for e in (o.error for o in outcomes if not o.ok))
    assert Voucher.objects.get(campaign=campaign, user=buyer).uses == 1


def test_control_a_read_then_write_budget_claim_oversells(sale, monkeypatch):
    """The race is real: with the claim read-then-write, two racers both see budget left."""
    showtime, campaign, buyers, _ = sale
    Campaign.objects.filter(pk=campaign.pk).update(budget_minor=1000)
    both_read = threading.Barrier(2)

    def unguarded(*, campaign_id: int, amount: int) -> bool:
        current = Campaign.objects.get(pk=campaign_id)
        fits = current.committed_minor + amount <= current.budget_minor
        both_read.wait(timeout=30)
        if fits:
            current.committed_minor += amount
            current.redeemed_count += 1
            current.save(update_fields=["committed_minor", "redeemed_count"])
        return fits

    monkeypatch.setattr(redemption, "claim_budget", unguarded)
    outcomes = race(
        [
            lambda b=b, seat=seat: buy(showtime, b, [seat], _code(campaign, b))
            for b, seat in zip(buyers[:2], SEATS, strict=False)
        ]
    )
    # Both passed the budget check; both orders carry the discount: one voucher too many
    # granted (the lost update hides it in the counter, which says only one).
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    assert Order.objects.filter(discount_minor=1000).count() == 2
    campaign.refresh_from_db()
    assert campaign.committed_minor == 1000


def test_the_budget_constraint_is_the_last_line_of_defence(sale):
    _, campaign, _, _ = sale
    with pytest.raises(IntegrityError):
        Campaign.objects.filter(pk=campaign.pk).update(committed_minor=campaign.budget_minor + 1)
