"""Reports: trial balance, income statement by segment, balance sheet, interim summary.

Each answers JSON, or a CSV or XLSX download with ``format=csv|xlsx``. The
period defaults to the last fiscal half-year that has ended, compared with
the same half a year before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from marquee.accounts.auth import AUTH
from marquee.finance import reports
from marquee.finance.api._common import require_finance
from marquee.finance.calendar import FiscalPeriod, latest_ended_half, parse_period
from marquee.finance.errors import FinanceError, FinanceErrorCode
from marquee.finance.reports import export
from marquee.finance.reports.income_statement import check_range
from marquee.finance.reports.serialize import (
    balance_sheet_out,
    income_statement_out,
    summary_out,
    trial_balance_out,
)

router = Router(tags=["finance"])

Format = Literal["json", "csv", "xlsx"]


class PeriodFilters(Schema):
    period: str | None = Field(None, description="'H1 FY2026', 'Q2 FY2026', 'FY2026', '2026-05'")
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")
    compare_from: dt.date | None = None
    compare_to: dt.date | None = None
    currency: str = Field("CNY", description="Presentation currency (CNY, HKD, USD)")
    convenience_currency: str | None = Field(None, description="e.g. USD at the period-end rate")
    format: Format = "json"


class StatementFilters(PeriodFilters):
    by_segment: bool = True


class AsAtFilters(Schema):
    date_from: dt.date | None = Field(None, alias="from", description="Movements since this day")
    date_to: dt.date | None = Field(None, alias="to", description="As at this day (default today)")
    compare_to: dt.date | None = None
    currency: str = "CNY"
    convenience_currency: str | None = None
    format: Format = "json"


def resolve_period(filters: PeriodFilters) -> FiscalPeriod:
    """The asked period: ``period`` by name, else ``from``/``to``, else the last ended half."""
    if filters.period:
        try:
            return parse_period(filters.period)
        except ValueError as exc:
            raise FinanceError(FinanceErrorCode.INVALID_PERIOD, str(exc)) from exc
    if filters.date_from or filters.date_to:
        check_range(filters.date_from, filters.date_to)
        return FiscalPeriod(filters.date_from, filters.date_to, "")  # type: ignore[arg-type]
    return latest_ended_half(timezone.localdate())


def _respond(fmt: str, name: str, table: Callable[[], export.Table], body: Callable[[], dict]):
    """The report as JSON, or as the CSV/XLSX download ``name``."""
    return body() if fmt == "json" else export.download(table(), fmt, name)


@router.get("/reports/trial-balance", auth=AUTH, summary="Trial balance")
def get_trial_balance(request: HttpRequest, filters: Query[AsAtFilters]):
    require_finance(request)
    report = reports.trial_balance(
        date_to=filters.date_to or timezone.localdate(),
        date_from=filters.date_from,
        currency=filters.currency,
        convenience_currency=filters.convenience_currency,
    )
    return _respond(
        filters.format,
        f"trial-balance-{report.date_to.isoformat()}",
        lambda: export.trial_balance_table(report),
        lambda: trial_balance_out(report),
    )


@router.get("/reports/income-statement", auth=AUTH, summary="Income statement by segment")
def get_income_statement(request: HttpRequest, filters: Query[StatementFilters]):
    require_finance(request)
    period = resolve_period(filters)
    report = reports.income_statement(
        date_from=period.start,
        date_to=period.end,
        compare_from=filters.compare_from,
        compare_to=filters.compare_to,
        currency=filters.currency,
        convenience_currency=filters.convenience_currency,
        by_segment=filters.by_segment,
    )
    return _respond(
        filters.format,
        f"income-statement-{report.period.start}-{report.period.end}",
        lambda: export.income_statement_table(report),
        lambda: income_statement_out(report),
    )


@router.get("/reports/balance-sheet", auth=AUTH, summary="Balance sheet")
def get_balance_sheet(request: HttpRequest, filters: Query[AsAtFilters]):
    require_finance(request)
    report = reports.balance_sheet(
        date_to=filters.date_to or timezone.localdate(),
        compare_to=filters.compare_to,
        currency=filters.currency,
        convenience_currency=filters.convenience_currency,
    )
    return _respond(
        filters.format,
        f"balance-sheet-{report.date_to.isoformat()}",
        lambda: export.balance_sheet_table(report),
        lambda: balance_sheet_out(report),
    )


class SummaryFilters(Schema):
    period: str | None = None
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")
    compare_from: dt.date | None = None
    compare_to: dt.date | None = None
    convenience_currency: str | None = "USD"
    lang: Literal["en", "zh-hans", "zh-hant"] | None = None


@router.get("/reports/interim-summary", auth=AUTH, summary="Interim summary in sentences")
def get_interim_summary(request: HttpRequest, filters: Query[SummaryFilters]):
    require_finance(request)
    period = resolve_period(filters)  # type: ignore[arg-type]
    summary = reports.interim_summary(
        date_from=period.start,
        date_to=period.end,
        compare_from=filters.compare_from,
        compare_to=filters.compare_to,
        convenience_currency=filters.convenience_currency or None,
        language=filters.lang,
    )
    return summary_out(summary)
