"""HTTP API of the analytics domain (mounted by ``marquee.api`` at ``/api/v1/analytics``).

Box office for distribution staff and admins (every venue) and cinema
operators (their own venues only); forecasts and national totals for
distribution staff; "also bought" for anyone; a moviegoer's own
recommendations. Tables answer JSON, or CSV/XLSX with ``format=csv|xlsx``.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from marquee.accounts.auth import AUTH
from marquee.analytics import export, forecast, recommend
from marquee.analytics.models import NationalDay
from marquee.analytics.permissions import require_distribution, scope_of
from marquee.analytics.queries.board import day_board
from marquee.analytics.queries.breakdown import breakdown
from marquee.analytics.queries.common import check_range, title_by_slug
from marquee.analytics.queries.titles import presale_curve, title_cities, title_days
from marquee.analytics.schemas import (
    BoardOut,
    BreakdownFilters,
    BreakdownOut,
    DayFilters,
    ForecastOut,
    NationalDayOut,
    NationalImportOut,
    NationalUpload,
    PresaleCurveOut,
    RangeFilters,
    RecommendationsOut,
    TitleCitiesOut,
    TitleDaysOut,
    TitleRefOut,
)
from marquee.analytics.services.national import import_national_csv

router = Router(tags=["analytics"])


def _range(filters: RangeFilters) -> tuple[dt.date, dt.date]:
    end = filters.date_to or timezone.localdate()
    start = filters.date_from or end - dt.timedelta(days=29)
    return check_range(start, end)


@router.get("/board", response=BoardOut, auth=AUTH, summary="The day's box office, ranked")
def get_board(request: HttpRequest, filters: Query[DayFilters]):
    board = day_board(filters.day or timezone.localdate(), scope_of(request.user))
    if filters.format != "json":
        return export.download(
            export.board_table(board), filters.format, f"box-office-{board.day.isoformat()}"
        )
    return board


@router.get(
    "/breakdown",
    response=BreakdownOut,
    auth=AUTH,
    summary="Box office by city, cinema, chain or format over a range of days",
)
def get_breakdown(request: HttpRequest, filters: Query[BreakdownFilters]):
    scope = scope_of(request.user)
    title = title_by_slug(filters.title) if filters.title else None
    start, end = _range(filters)
    rows = breakdown(filters.by, start, end, scope, title=title)
    if filters.format != "json":
        name = f"box-office-by-{filters.by}-{start.isoformat()}-{end.isoformat()}"
        return export.download(export.breakdown_table(rows), filters.format, name)
    return {"by": filters.by, "from": start, "to": end, "rows": rows}


@router.get(
    "/titles/{slug}/days", response=TitleDaysOut, auth=AUTH, summary="A title's daily figures"
)
def get_title_days(request: HttpRequest, slug: str, filters: Query[RangeFilters]):
    scope = scope_of(request.user)
    title = title_by_slug(slug)
    start, end = _range(filters)
    days = title_days(title, start, end, scope)
    if filters.format != "json":
        return export.download(export.days_table(days), filters.format, f"{title.slug}-days")
    return {"slug": title.slug, "from": start, "to": end, "days": days}


@router.get("/titles/{slug}/cities", response=TitleCitiesOut, auth=AUTH, summary="A title by city")
def get_title_cities(request: HttpRequest, slug: str, filters: Query[RangeFilters]):
    scope = scope_of(request.user)
    title = title_by_slug(slug)
    start, end = _range(filters)
    cities = title_cities(title, start, end, scope)
    if filters.format != "json":
        return export.download(export.cities_table(cities), filters.format, f"{title.slug}-cities")
    return {"slug": title.slug, "from": start, "to": end, "cities": cities}


@router.get(
    "/titles/{slug}/presale",
    response=PresaleCurveOut,
    auth=AUTH,
    summary="A title's pre-sale curve (cumulative, by days before release)",
)
def get_presale(request: HttpRequest, slug: str):
    scope = scope_of(request.user)
    return presale_curve(title_by_slug(slug), scope)


@router.get(
    "/titles/{slug}/forecast",
    response=ForecastOut,
    auth=AUTH,
    summary="Opening-weekend forecast with an interval",
)
def get_forecast(request: HttpRequest, slug: str):
    require_distribution(request.user)
    return forecast.forecast_title(title_by_slug(slug))


@router.get(
    "/titles/{slug}/also-bought",
    response=list[TitleRefOut],
    auth=None,
    summary="People who bought this also bought",
)
def get_also_bought(request: HttpRequest, slug: str):
    return recommend.also_bought(title_by_slug(slug))


@router.get(
    "/recommendations/me",
    response=RecommendationsOut,
    auth=AUTH,
    summary="Films and showtimes for me",
)
def get_my_recommendations(request: HttpRequest):
    return recommend.for_user(request.user)


@router.get("/national", response=list[NationalDayOut], auth=AUTH, summary="National daily totals")
def get_national(request: HttpRequest, filters: Query[RangeFilters]):
    require_distribution(request.user)
    start, end = _range(filters)
    return list(NationalDay.objects.filter(day__gte=start, day__lte=end).order_by("day"))


@router.post(
    "/national",
    response=NationalImportOut,
    auth=AUTH,
    summary="Import national daily totals (the CSV text: day,gross_cny per line)",
)
def post_national(request: HttpRequest, body: NationalUpload):
    require_distribution(request.user)
    return import_national_csv(text=body.csv, source=body.source)
