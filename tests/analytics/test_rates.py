"""The rate book converts each (currency, day) group exactly as core.fx does, in one read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from marquee.analytics.errors import AnalyticsError
from marquee.analytics.rates import RateBook
from marquee.core.fx import convert
from marquee.core.money import Money
from marquee.core.services import set_rate

pytestmark = pytest.mark.django_db


def test_the_book_agrees_with_core_fx_day_by_day(django_assert_num_queries):
    set_rate(base="HKD", quote="CNY", rate=Decimal("0.9100"), valid_from=dt.date(2026, 1, 1))
    # A more recent reverse rate wins (its exact inverse), as in core.fx.
    set_rate(base="CNY", quote="HKD", rate=Decimal("1.0870"), valid_from=dt.date(2026, 3, 1))
    set_rate(base="HKD", quote="CNY", rate=Decimal("0.9300"), valid_from=dt.date(2026, 6, 1))
    with django_assert_num_queries(1):
        book = RateBook({"HKD", "CNY"})
    for day in [
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 15),
        dt.date(2026, 3, 1),
        dt.date(2026, 7, 4),
    ]:
        for minor in [1, 4_500, 1_234_567, 999_999_999]:
            assert (
                book.to_target(minor, "HKD", day) == convert(Money(minor, "HKD"), "CNY", day).minor
            )
    assert book.to_target(4_500, "CNY", dt.date(2026, 1, 1)) == 4_500
    with pytest.raises(AnalyticsError) as caught:
        book.rate("HKD", dt.date(2025, 12, 31))
    assert caught.value.code == "no_cny_rate"
    assert caught.value.detail == {"currency": "HKD", "on": "2025-12-31"}
