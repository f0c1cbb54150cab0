"""The income statement, by segment, against a comparative period.

Every figure is ``Σ credits − Σ debits`` in CNY minor units of the accounts
that roll into the line, so income is positive and an expense or a loss is
negative: a loss is shown as a loss, never as a positive cost. Subtotals are
sums of the lines above them, in the presented currency, so they always add up.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from marquee.finance.calendar import FiscalPeriod, period_between, same_period_a_year_before
from marquee.finance.errors import FinanceError, FinanceErrorCode
from marquee.finance.reports._rollup import (
    Chart,
    Translation,
    change_percent,
    localized_name,
    sums_between,
    translations,
)

#: (key, label, the statement lines it adds up, or None for an account line)
LAYOUT: tuple[tuple[str, object, tuple[str, ...] | None], ...] = (
    ("revenue", _("Revenue"), None),
    ("cost_of_sales", _("Cost of sales"), None),
    ("gross_profit", _("Gross profit"), ("revenue", "cost_of_sales")),
    ("selling_marketing", _("Selling and marketing expenses"), None),
    ("administrative", _("Administrative expenses"), None),
    ("other_operating", _("Other operating income and expenses, net"), None),
    (
        "operating_result",
        _("Operating result"),
        ("gross_profit", "selling_marketing", "administrative", "other_operating"),
    ),
    ("finance_income", _("Finance income"), None),
    ("finance_cost", _("Finance costs"), None),
    ("net_financial_income", _("Net financial income"), ("finance_income", "finance_cost")),
    (
        "result_before_tax",
        _("Result before income tax"),
        ("operating_result", "net_financial_income"),
    ),
    ("income_tax", _("Income tax"), None),
    ("net_result", _("Net result for the period"), ("result_before_tax", "income_tax")),
)
SUBTOTALS = frozenset(key for key, _label, parts in LAYOUT if parts)


@dataclass(frozen=True, slots=True)
class Line:
    key: str
    label: str
    subtotal: bool
    current: int
    prior: int | None
    change: int | None
    change_pct: Decimal | None
    convenience_current: int | None
    convenience_prior: int | None

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "subtotal": self.subtotal,
            "current": self.current,
            "prior": self.prior,
            "change": self.change,
            "change_pct": None if self.change_pct is None else str(self.change_pct),
            "convenience_current": self.convenience_current,
            "convenience_prior": self.convenience_prior,
        }


@dataclass(frozen=True, slots=True)
class SegmentStatement:
    code: str
    name: str
    lines: tuple[Line, ...]

    def line(self, key: str) -> Line:
        return next(line for line in self.lines if line.key == key)


@dataclass(frozen=True, slots=True)
class IncomeStatement:
    period: FiscalPeriod
    comparative: FiscalPeriod | None
    currency: str
    presentation: Translation
    convenience: Translation | None
    lines: tuple[Line, ...]
    segments: tuple[SegmentStatement, ...]

    def line(self, key: str) -> Line:
        return next(line for line in self.lines if line.key == key)

    @property
    def rates(self) -> list[dict]:
        return [t.as_dict() for t in (self.presentation, self.convenience) if t is not None]


def _by_line(sums, chart: Chart) -> dict[int | None, dict[str, int]]:
    """CNY figure per segment id (and None for the total) per statement line."""
    out: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (account_id, segment_id), (debit, credit) in sums.items():
        line = chart.accounts[account_id].statement_line
        if not line:
            continue
        out[segment_id][line] += credit - debit
        out[None][line] += credit - debit
    return out


def _presented(figures: dict[str, int], translation: Translation) -> dict[str, int]:
    """Account lines translated one by one; subtotals summed from them, so they add up."""
    values: dict[str, int] = {}
    for key, _label, parts in LAYOUT:
        if parts:
            values[key] = sum(values[p] for p in parts)
        else:
            values[key] = translation.apply(figures.get(key, 0))
    return values


def _lines(
    current: dict[str, int],
    prior: dict[str, int] | None,
    presentation: Translation,
    convenience: Translation | None,
) -> tuple[Line, ...]:
    cur = _presented(current, presentation)
    pri = _presented(prior, presentation) if prior is not None else None
    conv_cur = _presented(current, convenience) if convenience else None
    conv_pri = _presented(prior, convenience) if convenience and prior is not None else None
    rows = []
    for key, label, parts in LAYOUT:
        before = pri[key] if pri is not None else None
        rows.append(
            Line(
                key=key,
                label=str(label),
                subtotal=parts is not None,
                current=cur[key],
                prior=before,
                change=None if before is None else cur[key] - before,
                change_pct=None if before is None else change_percent(cur[key], before),
                convenience_current=conv_cur[key] if conv_cur else None,
                convenience_prior=conv_pri[key] if conv_pri else None,
            )
        )
    return tuple(rows)


def check_range(start: dt.date | None, end: dt.date | None, what: str = "period") -> None:
    if start is None or end is None:
        raise FinanceError(
            FinanceErrorCode.INVALID_PERIOD, f"The {what} needs both a first and a last day."
        )
    if end < start:
        raise FinanceError(
            FinanceErrorCode.INVALID_PERIOD,
            f"The {what} ends ({end.isoformat()}) before it starts ({start.isoformat()}).",
        )


def income_statement(
    *,
    date_from: dt.date,
    date_to: dt.date,
    compare_from: dt.date | None = None,
    compare_to: dt.date | None = None,
    compare: bool = True,
    currency: str = "CNY",
    convenience_currency: str | None = None,
    by_segment: bool = True,
) -> IncomeStatement:
    """The income statement of ``date_from … date_to``.

    The comparative period defaults to the same days a year before (pass
    ``compare=False`` for none). Amounts are in ``currency`` and, when asked,
    ``convenience_currency``, both translated at the rate of ``date_to``.
    Raises ``invalid_period``, ``unknown_currency``, ``missing_rate``.
    """
    check_range(date_from, date_to)
    period = period_between(date_from, date_to)
    comparative: FiscalPeriod | None = None
    if compare_from is not None or compare_to is not None:
        check_range(compare_from, compare_to, "comparative period")
        comparative = period_between(compare_from, compare_to)  # type: ignore[arg-type]
    elif compare:
        comparative = same_period_a_year_before(period)
    presentation, convenience = translations(
        currency=currency, convenience_currency=convenience_currency, on=date_to
    )
    chart = Chart.load()
    current = _by_line(sums_between(period.start, period.end), chart)
    prior = (
        _by_line(sums_between(comparative.start, comparative.end), chart)
        if comparative is not None
        else None
    )
    lines = _lines(
        current[None], prior[None] if prior is not None else None, presentation, convenience
    )
    segments: list[SegmentStatement] = []
    if by_segment:
        for segment_id, segment in chart.segments.items():
            if segment_id not in current and (prior is None or segment_id not in prior):
                continue
            segments.append(
                SegmentStatement(
                    code=segment.code,
                    name=localized_name(segment),
                    lines=_lines(
                        current.get(segment_id, {}),
                        prior.get(segment_id, {}) if prior is not None else None,
                        presentation,
                        convenience,
                    ),
                )
            )
    return IncomeStatement(
        period=period,
        comparative=comparative,
        currency=presentation.currency,
        presentation=presentation,
        convenience=convenience,
        lines=lines,
        segments=tuple(segments),
    )
