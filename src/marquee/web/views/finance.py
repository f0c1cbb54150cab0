"""The finance console: segment report with growth, trial balance, balance sheet, summary, programmes.

Finance staff and administrators only. Every figure comes from
:mod:`marquee.finance.reports` and :mod:`marquee.finance.programmes.queries`
(the same code as the API); the pages only choose the period and render.
Downloads link to the API (``format=csv|xlsx``), which the session signs.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import plotly
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from marquee.accounts.models import Role
from marquee.accounts.permissions import has_role
from marquee.finance import reports
from marquee.finance.calendar import FiscalPeriod, latest_ended_half, parse_period
from marquee.finance.errors import FinanceError
from marquee.finance.programmes import queries as programme_queries
from marquee.finance.reports._rollup import localized_name
from marquee.finance.reports.summary import period_name
from marquee.web.views.common import parse_date

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
API = "/api/v1/finance/reports"


def _mn(minor: int | None) -> str:
    """Minor units as a decimal string of millions (the charts' unit; never a float)."""
    return str((Decimal(minor or 0) / 100_000_000).quantize(Decimal("0.1")))


def _bar(name: str, x: list[str], minors: list[int]) -> dict:
    return {"type": "bar", "name": name, "x": x, "y": [_mn(m) for m in minors]}


def _report_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A report the ledger refuses (a missing rate…) is a page that says why, not a 500."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except FinanceError as exc:
            return render(
                request,
                "web/finance/error.html",
                {"message": exc.msg, "tab": ""},
                status=exc.status,
            )

    return wrapper


def _require_finance(request: HttpRequest) -> None:
    if not has_role(request.user, Role.FINANCE):
        raise PermissionDenied(_("The finance console is for finance staff."))


def _period(request: HttpRequest) -> tuple[FiscalPeriod, str | None]:
    """The asked period (``?period=H1 FY2026``) or the last ended half, and any error."""
    text = (request.GET.get("period") or "").strip()
    if text:
        try:
            return parse_period(text), None
        except ValueError:
            error = _("Not a period: %(text)s. Try “H1 FY2026”, “FY2026” or “2026-05”.") % {
                "text": text
            }
            return latest_ended_half(timezone.localdate()), error
    return latest_ended_half(timezone.localdate()), None


def _downloads(path: str, params: dict[str, str]) -> dict[str, str]:
    return {fmt: f"{API}/{path}?{urlencode({**params, 'format': fmt})}" for fmt in ("csv", "xlsx")}


def _page(request: HttpRequest, template: str, tab: str, context: dict) -> HttpResponse:
    return render(request, f"web/finance/{template}", {"tab": tab, **context})


@login_required
@require_GET
@_report_errors
def income(request: HttpRequest) -> HttpResponse:
    _require_finance(request)
    period, error = _period(request)
    statement = reports.income_statement(
        date_from=period.start, date_to=period.end, convenience_currency="USD"
    )
    names = [s.name for s in statement.segments]
    chart = {
        "data": [
            _bar(
                period_name(statement.comparative),
                names,
                [s.line("revenue").prior for s in statement.segments],
            ),
            _bar(
                period_name(statement.period),
                names,
                [s.line("revenue").current for s in statement.segments],
            ),
        ],
        "layout": {
            "barmode": "group",
            "title": {"text": _("Revenue by segment (RMB million)")},
            "margin": {"t": 48, "r": 16, "b": 80, "l": 56},
        },
    }
    params = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    return _page(
        request,
        "income.html",
        "income",
        {
            "statement": statement,
            "period_title": period_name(statement.period),
            "compare_title": period_name(statement.comparative),
            "period_text": request.GET.get("period", statement.period.label),
            "error": error,
            "chart": json.dumps(chart),
            "downloads": _downloads("income-statement", {**params, "convenience_currency": "USD"}),
        },
    )


@login_required
@require_GET
@_report_errors
def trial_balance(request: HttpRequest) -> HttpResponse:
    _require_finance(request)
    day = parse_date(request.GET.get("to")) or timezone.localdate()
    report = reports.trial_balance(date_to=day, convenience_currency="USD")
    return _page(
        request,
        "trial_balance.html",
        "trial-balance",
        {
            "report": report,
            "downloads": _downloads("trial-balance", {"to": day.isoformat()}),
        },
    )


@login_required
@require_GET
@_report_errors
def balance_sheet(request: HttpRequest) -> HttpResponse:
    _require_finance(request)
    period, _error = _period(request)
    day = parse_date(request.GET.get("to")) or period.end
    before = day.replace(year=day.year - 1) if not (day.month == 2 and day.day == 29) else None
    sheet = reports.balance_sheet(date_to=day, compare_to=before, convenience_currency="USD")
    return _page(
        request,
        "balance_sheet.html",
        "balance-sheet",
        {
            "sheet": sheet,
            "downloads": _downloads(
                "balance-sheet",
                {"to": day.isoformat(), "compare_to": before.isoformat() if before else ""},
            ),
        },
    )


@login_required
@require_GET
@_report_errors
def summary(request: HttpRequest) -> HttpResponse:
    _require_finance(request)
    period, error = _period(request)
    result = reports.interim_summary(
        date_from=period.start, date_to=period.end, convenience_currency="USD"
    )
    return _page(
        request,
        "summary.html",
        "summary",
        {
            "summary": result,
            "statement": result.statement,
            "error": error,
            "period_text": request.GET.get("period", result.statement.period.label),
        },
    )


@login_required
@require_GET
@_report_errors
def programmes(request: HttpRequest) -> HttpResponse:
    _require_finance(request)
    rows = []
    for programme in programme_queries.programmes():
        usage = programme_queries.utilisation(programme)
        labels = [u.label for u in usage.categories]
        chart = {
            "data": [
                _bar(_("Disbursed"), labels, [u.disbursed_minor for u in usage.categories]),
                _bar(
                    _("Committed, not yet paid"),
                    labels,
                    [u.committed_minor - u.disbursed_minor for u in usage.categories],
                ),
                _bar(_("Headroom"), labels, [u.headroom_minor for u in usage.categories]),
            ],
            "layout": {
                "barmode": "stack",
                "title": {
                    "text": _("Budget use by category (%(currency)s million)")
                    % {"currency": programme.currency}
                },
                "margin": {"t": 48, "r": 16, "b": 100, "l": 56},
            },
        }
        rows.append(
            {
                "programme": programme,
                "name": localized_name(programme),
                "usage": usage,
                "chart": json.dumps(chart),
                "commitments": list(programme_queries.commitments(programme)),
            }
        )
    return _page(request, "programmes.html", "programmes", {"programmes": rows})


@require_GET
@cache_control(public=True, max_age=86400)
def plotly_js(request: HttpRequest) -> HttpResponse:
    """plotly.js from the plotly wheel, served by us (no CDN)."""
    return FileResponse(PLOTLY_JS.open("rb"), content_type="text/javascript")
