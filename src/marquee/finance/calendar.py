"""The fiscal calendar: months, and the fiscal year a month belongs to.

The fiscal year starts in ``settings.MARQUEE_FISCAL_YEAR_START_MONTH``
(1 = January; the demo company's is 4, April). A fiscal year is named after
the calendar year it starts in: with an April start, FY2026 runs
2026-04-01 … 2027-03-31.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

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


# --- report periods -------------------------------------------------------------------

#: The kinds of period a report may cover (besides any from/to).
PERIOD_KINDS = ("month", "quarter", "half", "year")

_NAMED = re.compile(
    r"^\s*(?:(?P<kind>[QH])(?P<number>\d{1,2})\s+)?FY\s*(?P<year>\d{4})\s*$", re.IGNORECASE
)
_MONTH = re.compile(r"^\s*(?P<year>\d{4})-(?P<month>\d{2})\s*$")
_RANGE = re.compile(
    r"^\s*(?P<start>\d{4}-\d{2}-\d{2})\s*(?:\.\.|/)\s*(?P<end>\d{4}-\d{2}-\d{2})\s*$"
)


@dataclass(frozen=True, slots=True)
class FiscalPeriod:
    """A closed range of days ``start … end`` and the name it is reported under."""

    start: dt.date
    end: dt.date
    label: str

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("A period ends on or after its first day.")

    @property
    def is_whole_months(self) -> bool:
        return self.start.day == 1 and (self.end + dt.timedelta(days=1)).day == 1


def fiscal_period(kind: str, year: int, number: int = 1) -> FiscalPeriod:
    """Month, quarter or half ``number`` (1-based) of fiscal year ``year``, or the year.

    With an April start, ``fiscal_period("half", 2026, 1)`` is 2026-04-01 … 2026-09-30
    and ``fiscal_period("month", 2026, 1)`` is April 2026.
    """
    sizes = {"month": 1, "quarter": 3, "half": 6, "year": 12}
    if kind not in sizes:
        raise ValueError(f"Unknown period kind {kind!r}; one of {', '.join(PERIOD_KINDS)}.")
    size = sizes[kind]
    if not 1 <= number <= 12 // size:
        raise ValueError(f"A fiscal year has {12 // size} {kind}(s), not {number}.")
    first, _ = fiscal_year_bounds(year)
    start = add_months(first, size * (number - 1))
    end = add_months(start, size) - dt.timedelta(days=1)
    label = {
        "month": f"{start:%Y-%m}",
        "quarter": f"Q{number} FY{year}",
        "half": f"H{number} FY{year}",
        "year": f"FY{year}",
    }[kind]
    return FiscalPeriod(start, end, label)


def parse_period(text: str) -> FiscalPeriod:
    """``"H1 FY2026"``, ``"Q3 FY2025"``, ``"FY2026"``, ``"2026-05"`` or ``"2026-04-01..2026-06-30"``.

    Raises :class:`ValueError` for anything else.
    """
    if match := _NAMED.match(text):
        year = int(match["year"])
        if not match["kind"]:
            return fiscal_period("year", year)
        kind = "quarter" if match["kind"].upper() == "Q" else "half"
        return fiscal_period(kind, year, int(match["number"]))
    if match := _MONTH.match(text):
        start = dt.date(int(match["year"]), int(match["month"]), 1)
        return FiscalPeriod(start, add_months(start, 1) - dt.timedelta(days=1), f"{start:%Y-%m}")
    if match := _RANGE.match(text):
        start = dt.date.fromisoformat(match["start"])
        end = dt.date.fromisoformat(match["end"])
        return period_between(start, end)
    raise ValueError(f"Not a period: {text!r} (try 'H1 FY2026', 'FY2026', '2026-05').")


def period_between(start: dt.date, end: dt.date) -> FiscalPeriod:
    """Any from/to; named after the fiscal month, quarter, half or year it matches exactly."""
    year = fiscal_year_of(start)
    for kind, count in (("year", 1), ("half", 2), ("quarter", 4), ("month", 12)):
        for number in range(1, count + 1):
            named = fiscal_period(kind, year, number)
            if (named.start, named.end) == (start, end):
                return named
    return FiscalPeriod(start, end, f"{start.isoformat()} – {end.isoformat()}")


def same_period_a_year_before(period: FiscalPeriod) -> FiscalPeriod:
    """The comparative period: the same days one year earlier (29 February → 28th)."""

    def back(day: dt.date) -> dt.date:
        try:
            return day.replace(year=day.year - 1)
        except ValueError:
            return day.replace(year=day.year - 1, day=28)

    start = back(period.start)
    end = back(period.end)
    if period.is_whole_months:
        # Month ends move with their month (a February ending on the 29th ends on the 28th).
        end = add_months(end.replace(day=1), 1) - dt.timedelta(days=1)
    return period_between(start, end)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of every month touched by ``start … end``."""
    months = []
    month = month_start(start)
    while month <= end:
        months.append(month)
        month = add_months(month, 1)
    return months


def latest_ended_half(today: dt.date) -> FiscalPeriod:
    """The last fiscal half-year that ended before ``today`` (what an interim report covers)."""
    year = fiscal_year_of(today)
    for candidate in (
        fiscal_period("half", year, 1),
        fiscal_period("half", year - 1, 2),
        fiscal_period("half", year - 1, 1),
    ):
        if candidate.end < today:
            return candidate
    raise AssertionError("unreachable: a half ends within any twelve months")
