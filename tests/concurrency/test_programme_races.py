"""Programme funds under concurrency: racing commitments never pass a category's headroom."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db.models import Sum

from marquee.core.errors import DomainError
from marquee.finance.chart import ensure_chart
from marquee.finance.programmes import services
from marquee.finance.programmes.models import Commitment, Programme
from tests.concurrency.conftest import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BUDGET = 1_000_00


@pytest.fixture
def fund(settings):
    settings.MARQUEE_FISCAL_YEAR_START_MONTH = 4
    ensure_chart()
    return services.create_programme(
        code="race-fund",
        names=("Race fund", "竞速基金", "競速基金"),
        currency="CNY",
        first_year=2026,
        budgets={"scholarships": {2026: BUDGET}},
    )


def _commit(n: int):
    return services.commit_funds(
        programme_code="race-fund",
        category="scholarships",
        date=dt.date(2026, 6, 1),
        currency="CNY",
        amount_minor=BUDGET // 4,
        funded_label=f"student {n}",
    )


def _committed() -> int:
    return Commitment.objects.aggregate(total=Sum("programme_amount_minor"))["total"] or 0


def test_racing_commitments_stop_at_the_headroom(fund):
    outcomes = race([lambda n=n: _commit(n) for n in range(8)])
    won = [o for o in outcomes if o.ok]
    lost = [o for o in outcomes if not o.ok]
    assert len(won) == 4
    assert all(isinstance(o.error, DomainError) and o.error.code == "over_commitment" for o in lost)
    assert _committed() == BUDGET


def test_control_without_the_programme_lock_over_commits(fund, monkeypatch):
    """The race is real: read the headroom without the row lock and both racers pass it."""
    both_read = threading.Barrier(2)
    real_committed = services._committed

    def unlocked(code: str) -> Programme:
        return Programme.objects.get(code=code)

    def committed_then_wait(programme, category, year):
        value = real_committed(programme, category, year)
        both_read.wait(timeout=30)
        return value

    monkeypatch.setattr(services, "_lock_programme", unlocked)
    # Three of four quarters are committed first, one at a time.
    for n in range(3):
        _commit(n)
    # The last two racers both read the headroom (one quarter) before either writes.
    monkeypatch.setattr(services, "_committed", committed_then_wait)
    outcomes = race([lambda n=n: _commit(10 + n) for n in range(2)])
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    assert _committed() > BUDGET
