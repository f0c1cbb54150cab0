"""Returns: computed from the title's actual box office, split exactly, paid once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from marquee.core import outbox
from marquee.core.errors import DomainError
from marquee.core.money import Money
from marquee.crowdfunding.models import ReturnPayout, ReturnRun
from marquee.crowdfunding.services import closing, returns
from marquee.finance.models import JournalLine
from tests.crowdfunding.factories import (
    ProjectFactory,
    fan,
    investment_staff,
    make_offering,
    pledge_and_pay,
)
from tests.ticketing.buying import buy
from tests.ticketing.conftest import build_world, make_showtime


@pytest.fixture
def film(make_user):
    """A film with one published showtime: box office comes from its tickets."""
    world = build_world(make_user)
    return world, make_showtime(world)


def succeeded_offering(project, backers):
    offering = make_offering(
        project=project,
        target_units=10,
        cap_units=100,
        unit_price_minor=3_333,
        min_return_bp=500,
        bonus_tiers=[(5_000, 250), (1_000_000, 1_000)],
    )
    for user, units in backers:
        pledge_and_pay(offering, user, units)
    return closing.close_offering(offering=offering, now=offering.closes_at)


def test_returns_follow_the_box_office_thresholds(film, make_user):
    world, showtime = film
    project = ProjectFactory(title=world.title)
    a, b, c = fan(), fan(), fan()
    offering = succeeded_offering(project, [(a, 3), (b, 3), (c, 5)])
    today = timezone.now().date()
    quote = returns.quote_returns(offering=offering, as_of=today)
    assert quote.box_office == Money(0, "CNY")
    assert quote.rate_bp == 500
    buy(showtime, make_user(), "2-3", "2-4")  # two seats: the first threshold (¥50) is reached
    quote = returns.quote_returns(offering=offering, as_of=today)
    assert quote.box_office.minor >= 5_000
    assert quote.thresholds_reached == [5_000]
    assert quote.rate_bp == 750
    principal = 11 * 3_333
    assert quote.principal == Money(principal, "CNY")
    # 36663 × 1.075 = 39412.725 → 39413 (half-to-even, once)
    assert quote.total == Money(39_413, "CNY")
    assert sum(m.minor for _, _, m in quote.payouts) == quote.total.minor
    run = returns.pay_returns(actor=investment_staff(), offering=offering, as_of=today)
    assert run.total_minor == 39_413
    assert sorted(ReturnPayout.objects.filter(run=run).values_list("units", flat=True)) == [3, 3, 5]
    outbox.drain()
    lines = JournalLine.objects.filter(reference=f"crowdfunding-offering:{offering.pk}")
    by_account = {}
    for line in lines:
        by_account[line.account.code] = by_account.get(line.account.code, 0) + (
            line.debit_minor - line.credit_minor
        )
    # Released (Cr 2640 36663) then paid back (Dr 2640 36663): the funding nets to zero.
    assert by_account == {"2630": principal, "2640": 0, "5130": 39_413 - principal, "2650": -39_413}
    # Each backer's payout was paid by the (simulated) bank: the payable is cleared against cash.
    paid = JournalLine.objects.filter(reference__startswith="crowdfunding-return-payout:")
    assert sum(x.debit_minor for x in paid if x.account.code == "2650") == 39_413
    assert sum(x.credit_minor for x in paid if x.account.code == "1010") == 39_413
    assert {x.segment.code for x in paid} == {"content"}


def test_returns_are_paid_once_and_only_after_success(film):
    world, _ = film
    offering = make_offering(project=ProjectFactory(title=world.title))
    staff = investment_staff()
    with pytest.raises(DomainError) as exc:
        returns.pay_returns(actor=staff, offering=offering, as_of=dt.date.today())  # noqa: DTZ011
    assert exc.value.code == "offering_not_succeeded"
    done = succeeded_offering(ProjectFactory(title=world.title), [(fan(), 10)])
    returns.pay_returns(actor=staff, offering=done, as_of=timezone.now().date())
    with pytest.raises(DomainError) as exc:
        returns.pay_returns(actor=staff, offering=done, as_of=timezone.now().date())
    assert exc.value.code == "returns_already_paid"
    assert ReturnRun.objects.count() == 1
    with pytest.raises(DomainError) as exc:
        returns.pay_returns(actor=fan(), offering=done, as_of=timezone.now().date())
    assert exc.value.code == "not_investment_staff"


@settings(max_examples=60, deadline=None)
@given(
    principal=st.integers(min_value=1, max_value=10**12),
    rate_bp=st.integers(min_value=0, max_value=100_000),
    units=st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=40),
)
def test_the_split_of_returns_always_sums_to_the_total(principal, rate_bp, units):
    """Σ payouts = total exactly; each share is within one minor unit of its exact share."""
    from decimal import Decimal

    base = Money(principal, "CNY")
    total = base + base.scaled(Decimal(rate_bp) / Decimal(10_000))
    assert total.minor >= principal
    parts = returns.split_returns(total, units)
    assert sum(p.minor for p in parts) == total.minor
    whole = sum(units)
    for part, u in zip(parts, units, strict=True):
        exact = total.minor * u / whole  # a check of the bound only, never money
        assert abs(part.minor - exact) < 1
