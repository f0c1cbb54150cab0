"""What every report shares: sums over a range of days, rates and translation.

Whole months are read from :class:`~marquee.finance.models.Balance` (the
running rollup, a few rows per account and month), so a report's cost does
not grow with the number of journal lines. Only a range that starts or ends
inside a month reads the lines of those edge days.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction

from django.db import connection
from django.db.models import Sum
from django.utils.translation import get_language

from marquee.core.money import get_currency, round_half_even
from marquee.finance.calendar import add_months, month_start
from marquee.finance.models import FUNCTIONAL_CURRENCY, Account, Balance, JournalLine, Segment
from marquee.finance.rates import dated_quote, known_currency

#: (account id, segment id) → (functional debit, functional credit) in CNY minor units.
Sums = dict[tuple[int, int], tuple[int, int]]


def _add(into: dict[tuple[int, int], list[int]], rows) -> None:
    for row in rows:
        pair = into[(row["account_id"], row["segment_id"])]
        pair[0] += row["debit"] or 0
        pair[1] += row["credit"] or 0


def _rollup_rows(first_month: dt.date | None, last_month: dt.date):
    qs = Balance.objects.filter(month__lte=last_month)
    if first_month is not None:
        qs = qs.filter(month__gte=first_month)
    return qs.values("account_id", "segment_id").annotate(
        debit=Sum("functional_debit_minor"), credit=Sum("functional_credit_minor")
    )


#: PostgreSQL: look the edge days' entries up first, then their lines by index. A plain
#: join makes the planner hash every line of the table (≈3× slower over 1,000,000 lines).
_EDGE_LINES_PG = (
    "SELECT account_id, segment_id, sum(functional_debit_minor) AS debit,"
    " sum(functional_credit_minor) AS credit FROM finance_journalline"
    " WHERE entry_id = ANY(ARRAY(SELECT id FROM finance_journalentry"
    " WHERE date BETWEEN %s AND %s)) GROUP BY account_id, segment_id"
)


def _line_rows(start: dt.date, end: dt.date):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_EDGE_LINES_PG, [start, end])
            return [
                {"account_id": a, "segment_id": s, "debit": d, "credit": c}
                for a, s, d, c in cursor.fetchall()
            ]
    return (
        JournalLine.objects.filter(entry__date__gte=start, entry__date__lte=end)
        .values("account_id", "segment_id")
        .annotate(debit=Sum("functional_debit_minor"), credit=Sum("functional_credit_minor"))
    )


def sums_between(start: dt.date | None, end: dt.date) -> Sums:
    """Functional debits and credits per account × segment over ``start … end``.

    ``start=None`` means since the first posting (balances as at ``end``).
    Whole months come from the rollup; days before the first whole month and
    after the last one come from the lines.
    """
    totals: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    if start is not None and start > end:
        return {}
    cursor = start
    if start is not None and start.day != 1:
        head_end = min(end, add_months(start, 1) - dt.timedelta(days=1))
        _add(totals, _line_rows(start, head_end))
        cursor = head_end + dt.timedelta(days=1)
        if cursor > end:
            return _freeze(totals)
    if _is_month_end(end):
        last_whole = month_start(end)
    else:
        _add(totals, _line_rows(month_start(end), end))
        last_whole = add_months(end, -1)
    if cursor is None or cursor <= last_whole:
        _add(totals, _rollup_rows(cursor, last_whole))
    return _freeze(totals)


def _freeze(totals: dict[tuple[int, int], list[int]]) -> Sums:
    return {key: (debit, credit) for key, (debit, credit) in totals.items()}


def _is_month_end(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).day == 1


@dataclass(frozen=True, slots=True)
class Chart:
    """Accounts and segments by id, read once per report."""

    accounts: dict[int, Account]
    segments: dict[int, Segment]

    @classmethod
    def load(cls) -> Chart:
        return cls(
            accounts={a.pk: a for a in Account.objects.all()},
            segments={s.pk: s for s in Segment.objects.order_by("code")},
        )


def localized_name(row: Account | Segment, language: str | None = None) -> str:
    """The row's name in ``language`` (default: the active one)."""
    language = (language or get_language() or "en").lower()
    if language.startswith("zh-hant") or language in {"zh-hk", "zh-tw", "zh-mo"}:
        return row.name_zh_hant
    if language.startswith("zh"):
        return row.name_zh_hans
    return row.name_en


# --- rates and translation ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Translation:
    """How CNY amounts become ``currency``: at ``rate`` CNY per unit, the rate of ``on``."""

    currency: str
    rate: Fraction
    on: dt.date
    valid_from: dt.date | None
    source: str
    purpose: str

    @classmethod
    def at(cls, currency: str, on: dt.date, *, purpose: str) -> Translation:
        """The rate of ``on``; raises ``unknown_currency`` or ``missing_rate``."""
        code = known_currency(currency)
        if code == FUNCTIONAL_CURRENCY:
            return cls(code, Fraction(1), on, None, "identity", purpose)
        quote = dated_quote(code, FUNCTIONAL_CURRENCY, on)
        return cls(code, quote.rate, on, quote.valid_from, quote.source, purpose)

    @property
    def is_identity(self) -> bool:
        return self.currency == FUNCTIONAL_CURRENCY

    def apply(self, functional_minor: int) -> int:
        """``functional_minor`` CNY minor units in this currency, rounded half-to-even once."""
        if self.is_identity:
            return functional_minor
        scale = Fraction(
            get_currency(self.currency).minor_per_major,
            get_currency(FUNCTIONAL_CURRENCY).minor_per_major,
        )
        return round_half_even(Fraction(functional_minor) / self.rate * scale)

    def rate_decimal(self, places: int = 6) -> Decimal:
        with localcontext() as ctx:
            ctx.prec = 40
            exact = Decimal(self.rate.numerator) / Decimal(self.rate.denominator)
            return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)

    def as_dict(self) -> dict:
        """What a report states about the rate it used."""
        return {
            "purpose": self.purpose,
            "currency": self.currency,
            "functional_currency": FUNCTIONAL_CURRENCY,
            "rate": str(self.rate_decimal()),
            "on": self.on.isoformat(),
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "source": self.source,
        }


def translations(
    *, currency: str, convenience_currency: str | None, on: dt.date
) -> tuple[Translation, Translation | None]:
    """The presentation and (optional) convenience translations at ``on``'s rate."""
    presentation = Translation.at(currency or FUNCTIONAL_CURRENCY, on, purpose="presentation")
    convenience = (
        Translation.at(convenience_currency, on, purpose="convenience")
        if convenience_currency
        else None
    )
    return presentation, convenience


def change_percent(current: int, prior: int) -> Decimal | None:
    """(current − prior) / |prior| in per cent, one decimal, exact until rounded half-even.

    ``None`` when the prior figure is zero (no meaningful percentage). A loss
    that narrows is a positive change; one that widens, a negative one.
    """
    if prior == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 60
        value = Decimal(current - prior) * 100 / Decimal(abs(prior))
        return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)
