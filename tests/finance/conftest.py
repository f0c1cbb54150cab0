"""Finance fixtures: the seeded chart, dated rates, a small posting helper."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from marquee.core.models import ExchangeRate
from marquee.finance.chart import ensure_chart
from marquee.finance.services import LineSpec

DAY = dt.date(2026, 5, 14)


@pytest.fixture
def chart(db):
    """The seed chart (a flushed transactional database has lost the migration's rows)."""
    ensure_chart()


@pytest.fixture
def rates(db):
    for base, rate in (("USD", "7.1234"), ("HKD", "0.9125")):
        ExchangeRate.objects.create(
            base=base, quote="CNY", rate=Decimal(rate), valid_from=dt.date(2025, 1, 1)
        )


def dr(account: str, amount: int, *, currency: str = "CNY", segment: str = "corporate", **kw):
    return LineSpec(account=account, segment=segment, currency=currency, debit_minor=amount, **kw)


def cr(account: str, amount: int, *, currency: str = "CNY", segment: str = "corporate", **kw):
    return LineSpec(account=account, segment=segment, currency=currency, credit_minor=amount, **kw)


# The ticketing world (a cinema, a hall, a film, showtimes) for the posting-rule tests.
from tests.ticketing.conftest import (  # noqa: E402
    buyer,  # noqa: F401
    showtime,  # noqa: F401
    world,  # noqa: F401
)
