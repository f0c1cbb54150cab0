"""The fiscal calendar: months, and the fiscal year a month belongs to.

The fiscal year starts in ``settings.MARQUEE_FISCAL_YEAR_START_MONTH``
(1 = January; the demo company's is 4, April). A fiscal year is named after
the calendar year it starts in: with an April start, FY2026 runs
2026-04-01 … 2027-03-31.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings


def fiscal_year_start_month() -> int:
    month = int(getattr(settings, "MARQUEE_FISCAL_YEAR_START_MONTH", 1))
    if not 1 <= month <= 12:
        raise ValueError("MARQUEE_FISCAL_YEAR_START_MONTH must be 1..12.")
    return month


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def fiscal_year_of(day: dt.date) -> int:
    """The fiscal year ``day`` falls in, named after the calendar year it starts in."""
    start = fiscal_year_start_month()
    return day.year if day.month >= start else day.year - 1


def fiscal_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of fiscal year ``year``."""
    first = dt.date(year, fiscal_year_start_month(), 1)
    return first, add_months(first, 12) - dt.timedelta(days=1)
