"""The distribution console: the live box-office board and a title's page.

Distribution staff and admins see every venue; cinema operators their own
venues only (the scope comes from :mod:`marquee.analytics.permissions`, the
same as the API's). Figures come from :mod:`marquee.analytics.queries` and
the forecast from :mod:`marquee.analytics.forecast`; the board refreshes
itself from ``/api/v1/analytics/board`` every second without reloading.
Downloads link to the API (``format=csv|xlsx``), which the session signs.
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from marquee.analytics import forecast
from marquee.analytics.errors import AnalyticsError
from marquee.analytics.permissions import reads_everything, scope_of
from marquee.analytics.queries.board import day_board
from marquee.analytics.queries.common import title_by_slug
from marquee.analytics.queries.history import usable_snapshot
from marquee.analytics.queries.titles import presale_curve, title_cities, title_days
from marquee.web.views.common import domain_errors, parse_date

API = "/api/v1/analytics"


def yuan(minor: int | None) -> str:
    """CNY fen as ``1,234,567.89`` (integer arithmetic only)."""
    if minor is None:
        return "—"
    sign = "-" if minor < 0 else ""
    whole, fen = divmod(abs(minor), 100)
    return f"{sign}{whole:,}.{fen:02d}"


def pct(bp: int | None) -> str:
    """Basis points as ``12.34%``."""
    if bp is None:
        return "—"
    whole, rest = divmod(bp, 100)
    return f"{whole}.{rest:02d}%"


def _mn(minor: int) -> str:
    """Fen as a decimal string of yuan (a chart's value; never a float)."""
    return yuan(minor).replace(",", "")


def _downloads(path: str, params: dict[str, str]) -> dict[str, str]:
    return {fmt: f"{API}/{path}?{urlencode({**params, 'format': fmt})}" for fmt in ("csv", "xlsx")}


def _error_page(request: HttpRequest, exc: AnalyticsError) -> HttpResponse:
    return render(request, "web/analytics/error.html", {"message": exc.msg}, status=exc.status)


@login_required
@require_GET
@domain_errors
def board(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    day = parse_date(request.GET.get("day")) or timezone.localdate()
    try:
        result = day_board(day, scope)
    except AnalyticsError as exc:
        return _error_page(request, exc)
    top = result.rows[:10]
    chart = {
        "data": [
            {
                "type": "bar",
                "x": [r.name for r in top],
                "y": [_mn(r.gross_minor) for r in top],
                "name": _("Gross (CNY)"),
            }
        ],
        "layout": {
            "title": {"text": _("Top ten by gross (CNY)")},
            "margin": {"t": 48, "r": 16, "b": 96, "l": 64},
        },
    }
    return render(
        request,
        "web/analytics/board.html",
        {
            "board": result,
            "rows": [
                {
                    "row": r,
                    "gross": yuan(r.gross_minor),
                    "cumulative": yuan(r.cumulative_minor),
                    "avg": yuan(r.average_price_minor),
                    "show_share": pct(r.showtime_share_bp),
                    "seat_share": pct(r.seat_share_bp),
                    "attendance": pct(r.attendance_bp),
                }
                for r in result.rows
            ],
            "total": yuan(result.gross_minor),
            "national": yuan(result.national_minor) if result.national_minor else None,
            "platform_share": pct(result.platform_share_bp),
            "everything": scope is None,
            "previous": (day - dt.timedelta(days=1)).isoformat(),
            "next": (day + dt.timedelta(days=1)).isoformat(),
            "live": day >= timezone.localdate() - dt.timedelta(days=1),
            "chart": json.dumps(chart),
            "api_json": json.dumps(f"{API}/board?{urlencode({'day': day.isoformat()})}"),
            "downloads": _downloads("board", {"day": day.isoformat()}),
        },
    )


def _curve_trace(curve, dash: str | None = None) -> dict:
    trace = {
        "type": "scatter",
        "mode": "lines",
        "name": curve.name,
        "x": [-p.days_before for p in curve.points],
        "y": [_mn(p.gross_minor) for p in curve.points],
    }
    if dash:
        trace["line"] = {"dash": dash}
    return trace


@login_required
@require_GET
@domain_errors
def title(request: HttpRequest, slug: str) -> HttpResponse:
    scope = scope_of(request.user)
    film = title_by_slug(slug)
    end = parse_date(request.GET.get("to")) or timezone.localdate()
    start = parse_date(request.GET.get("from")) or end - dt.timedelta(days=59)
    snapshot = usable_snapshot(scope)
    try:
        days = title_days(film, start, end, scope)
        cities = title_cities(film, start, end, scope)
        curve = presale_curve(film, scope)
        outlook = forecast.forecast_title(film) if reads_everything(request.user) else None
    except AnalyticsError as exc:
        return _error_page(request, exc)
    x = [d.day.isoformat() for d in days]
    daily = {
        "data": [
            {
                "type": "bar",
                "name": _("Gross (CNY)"),
                "x": x,
                "y": [_mn(d.gross_minor) for d in days],
            },
        ],
        "layout": {
            "title": {"text": _("Daily gross (CNY)")},
            "margin": {"t": 48, "r": 16, "b": 48, "l": 72},
        },
    }
    shares = {
        "data": [
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("Showtime share %"),
                "x": x,
                "y": [pct(d.showtime_share_bp or 0).rstrip("%") for d in days],
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("Attendance %"),
                "x": x,
                "y": [pct(d.attendance_bp or 0).rstrip("%") for d in days],
            },
        ],
        "layout": {
            "title": {"text": _("Screening share and attendance (%)")},
            "margin": {"t": 48, "r": 16, "b": 48, "l": 56},
        },
    }
    traces = [_curve_trace(curve)]
    for other in (outlook or {}).get("comparables", [])[:3]:
        traces.append(_curve_trace(presale_curve(title_by_slug(other), scope), dash="dot"))
    presale = {
        "data": traces,
        "layout": {
            "title": {"text": _("Pre-sale gross by days before release (CNY, cumulative)")},
            "xaxis": {"title": {"text": _("Days before release")}},
            "margin": {"t": 48, "r": 16, "b": 56, "l": 72},
        },
    }
    params = {"from": start.isoformat(), "to": end.isoformat()}
    return render(
        request,
        "web/analytics/title.html",
        {
            "film": film,
            "name": curve.name,
            "start": start,
            "end": end,
            "days": days,
            "cities": [
                {
                    "city": c,
                    "gross": yuan(c.gross_minor),
                    "share": pct(c.share_bp),
                    "avg": yuan(c.average_price_minor),
                }
                for c in cities
            ],
            "curve": curve,
            "history_as_of": snapshot.written_at if snapshot else None,
            "presale_total": yuan(curve.gross_minor),
            "forecast": outlook,
            "forecast_text": {
                "point": yuan(outlook["gross_minor"]),
                "low": yuan(outlook["low_minor"]),
                "high": yuan(outlook["high_minor"]),
                "naive": yuan(outlook["naive_minor"]),
                "pct": f"{outlook['interval_pct']}%",
            }
            if outlook
            else None,
            "total": yuan(sum(d.gross_minor for d in days)),
            "tickets": sum(d.tickets for d in days),
            "daily_chart": json.dumps(daily),
            "share_chart": json.dumps(shares),
            "presale_chart": json.dumps(presale),
            "downloads": _downloads(f"titles/{film.slug}/days", params),
            "city_downloads": _downloads(f"titles/{film.slug}/cities", params),
        },
    )
