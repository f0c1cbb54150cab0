"""National daily box-office totals, imported from the CSV the trade publishes.

The file is ``day,gross_cny`` per line (a header line is allowed), the day as
``YYYY-MM-DD`` and the gross in yuan with at most two decimals
(``2026-05-01,512345678.90``). Every line is checked before anything is
written; the import is one transaction, and a day already held is replaced
(importing the same file twice changes nothing).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from marquee.analytics.errors import AnalyticsError, AnalyticsErrorCode
from marquee.analytics.models import NationalDay
from marquee.analytics.queries.common import check_day
from marquee.core.errors import DomainError
from marquee.core.money import Money
from marquee.core.text import clean_text

#: Bytes of CSV one import accepts (ten years of days is ~300 kB).
MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class Imported:
    days: int
    created: int
    updated: int


def _bad(line: int, reason: str) -> AnalyticsError:
    return AnalyticsError(
        AnalyticsErrorCode.BAD_NATIONAL_CSV, f"Line {line}: {reason}", line=line, reason=reason
    )


def parse_national_csv(text: str) -> dict[dt.date, int]:
    """Day → gross in CNY fen; raises ``bad_national_csv`` naming the first bad line."""
    if len(text) > MAX_BYTES:
        raise _bad(1, "the file is too large")
    days: dict[dt.date, int] = {}
    for number, row in enumerate(csv.reader(io.StringIO(text.lstrip("\ufeff"))), start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if number == 1 and cells and not cells[0][:1].isdigit():
            continue  # a header line
        if len(cells) != 2:
            raise _bad(number, "expected two columns, day and gross")
        try:
            day = dt.date.fromisoformat(cells[0])
        except ValueError:
            raise _bad(number, f"{cells[0][:40]!r} is not a day (YYYY-MM-DD)") from None
        try:
            check_day(day)
        except AnalyticsError:
            raise _bad(number, f"{day} is out of range") from None
        try:
            gross = Money.from_decimal(Decimal(cells[1].replace(",", "")), "CNY").minor
        except (InvalidOperation, DomainError):
            raise _bad(number, f"{cells[1][:40]!r} is not an amount in yuan") from None
        if gross < 0:
            raise _bad(number, "a gross cannot be negative")
        if day in days:
            raise _bad(number, f"{day} appears twice")
        days[day] = gross
    if not days:
        raise AnalyticsError(AnalyticsErrorCode.EMPTY_NATIONAL_CSV, "No daily totals in the file.")
    return days


def import_national_csv(*, text: str, source: str = "") -> Imported:
    """Store the file's daily totals (replacing days already held); all or nothing."""
    source = clean_text(source, max_length=200, field="source") if source else ""
    days = parse_national_csv(text)
    now = timezone.now()
    with transaction.atomic():
        held = set(NationalDay.objects.filter(day__in=days).values_list("day", flat=True))
        for day in sorted(held):
            NationalDay.objects.filter(day=day).update(
                gross_minor=days[day], currency="CNY", source=source, imported_at=now
            )
        NationalDay.objects.bulk_create(
            [
                NationalDay(day=d, gross_minor=g, currency="CNY", source=source, imported_at=now)
                for d, g in sorted(days.items())
                if d not in held
            ]
        )
    return Imported(days=len(days), created=len(days) - len(held), updated=len(held))
