"""Conversion of many (currency, day) groups to CNY with the dated rates, in one read.

A year of box office holds hundreds of (currency, day) groups; asking
``core.fx.quote_on`` for each would be a query per group. :class:`RateBook`
reads the stored rates of the pairs once and answers each day by the same
rule as ``quote_on`` (the latest direct rate on or before the day; the exact
inverse of the reverse rate when that one is more recent). Each group is
converted once, rounded half-to-even once (``core.fx.convert_at``).
"""

from __future__ import annotations

import bisect
import datetime as dt
from fractions import Fraction

from marquee.analytics.errors import AnalyticsError, AnalyticsErrorCode
from marquee.core.fx import convert_at
from marquee.core.models import ExchangeRate
from marquee.core.money import Money

TARGET = "CNY"


class RateBook:
    """Dated ``currency → CNY`` rates for the currencies asked, read once."""

    def __init__(self, currencies: set[str] | frozenset[str], target: str = TARGET) -> None:
        self.target = target
        self._direct: dict[str, tuple[list[dt.date], list[Fraction]]] = {}
        self._inverse: dict[str, tuple[list[dt.date], list[Fraction]]] = {}
        others = sorted(c for c in currencies if c != target)
        if not others:
            return
        rows = ExchangeRate.objects.filter(
            base__in=[*others, target], quote__in=[*others, target]
        ).order_by("valid_from")
        for row in rows.values_list("base", "quote", "valid_from", "rate"):
            base, quote, day, rate = row
            if quote == target and base in others:
                days, rates = self._direct.setdefault(base, ([], []))
                days.append(day)
                rates.append(Fraction(rate))
            elif base == target and quote in others:
                days, rates = self._inverse.setdefault(quote, ([], []))
                days.append(day)
                rates.append(1 / Fraction(rate))

    @staticmethod
    def _latest(
        series: tuple[list[dt.date], list[Fraction]] | None, day: dt.date
    ) -> tuple[dt.date, Fraction] | None:
        if not series:
            return None
        index = bisect.bisect_right(series[0], day) - 1
        return (series[0][index], series[1][index]) if index >= 0 else None

    def rate(self, currency: str, day: dt.date) -> Fraction:
        """CNY per unit of ``currency`` on ``day``; raises ``no_exchange_rate``."""
        if currency == self.target:
            return Fraction(1)
        direct = self._latest(self._direct.get(currency), day)
        inverse = self._latest(self._inverse.get(currency), day)
        if inverse is not None and (direct is None or inverse[0] > direct[0]):
            return inverse[1]
        if direct is not None:
            return direct[1]
        raise AnalyticsError(
            AnalyticsErrorCode.NO_EXCHANGE_RATE,
            f"No {currency}→{self.target} rate covers {day.isoformat()}.",
            currency=currency,
            on=day.isoformat(),
        )

    def to_target(self, minor: int, currency: str, day: dt.date) -> int:
        """``minor`` units of ``currency`` in CNY fen at the rate of ``day`` (rounded once)."""
        if currency == self.target or minor == 0:
            return minor
        return convert_at(Money(minor, currency), self.target, self.rate(currency, day)).minor
