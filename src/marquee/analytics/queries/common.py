"""What every analytics read shares: scopes, day ranges, names, release days, screenings."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Min, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import get_language

from marquee.analytics.errors import AnalyticsError, AnalyticsErrorCode, TitleNotFound
from marquee.analytics.models import BoxOfficeFact, HistoricalScreening, HistoricalTitle
from marquee.catalog.models import ReleaseDate, Title
from marquee.ticketing.models import Showtime

#: ``None``: every venue; otherwise the venue ids the reader may see.
Scope = frozenset[int] | None

EARLIEST = dt.date(2000, 1, 1)
#: How far ahead a day may be asked (pre-sales run weeks before a release).
AHEAD_DAYS = 400
MAX_RANGE_DAYS = 400


def latest_day() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=AHEAD_DAYS)


def check_day(day: dt.date) -> dt.date:
    """``day`` itself, or ``day_out_of_range`` when it is before 2000 or far in the future."""
    latest = latest_day()
    if not EARLIEST <= day <= latest:
        raise AnalyticsError(
            AnalyticsErrorCode.DAY_OUT_OF_RANGE,
            f"{day} is outside {EARLIEST}…{latest}.",
            earliest=EARLIEST.isoformat(),
            latest=latest.isoformat(),
        )
    return day


def check_range(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """A valid ``(start, end)`` (inclusive): both days in range, in order, not too long."""
    check_day(start)
    check_day(end)
    if start > end:
        raise AnalyticsError(AnalyticsErrorCode.RANGE_REVERSED, f"{start} is after {end}.")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise AnalyticsError(
            AnalyticsErrorCode.RANGE_TOO_LONG, "The range is too long.", days=MAX_RANGE_DAYS
        )
    return start, end


def local_name(row: object, field: str = "name") -> str:
    """``row.<field>_en`` / ``_zh_hans`` / ``_zh_hant`` in the active language, English if blank."""
    language = (get_language() or "en").lower()
    suffix = "en"
    if language.startswith("zh-hant") or language in {"zh-hk", "zh-tw", "zh-mo"}:
        suffix = "zh_hant"
    elif language.startswith("zh"):
        suffix = "zh_hans"
    return getattr(row, f"{field}_{suffix}", "") or getattr(row, f"{field}_en", "")


def title_by_slug(slug: str) -> Title:
    """The title with ``slug``; raises ``title_not_found`` (404)."""
    title = Title.objects.filter(slug=slug[:120]).first()
    if title is None:
        raise TitleNotFound(AnalyticsErrorCode.TITLE_NOT_FOUND, f"No title {slug!r}.")
    return title


def scoped(qs: QuerySet, scope: Scope, field: str = "venue_id") -> QuerySet:
    return qs if scope is None else qs.filter(**{f"{field}__in": scope})


def release_days(title_ids: list[int] | set[int]) -> dict[int, dt.date]:
    """Each title's opening day: its history run's, else its earliest release date, else its
    first day on screen in the rollup."""
    ids = set(title_ids)
    days = dict(
        HistoricalTitle.objects.filter(title_id__in=ids).values_list("title_id", "opening_day")
    )
    missing = ids - days.keys()
    if missing:
        for title_id, day in (
            ReleaseDate.objects.filter(title_id__in=missing, territory__in=["CN", "HK", "MO"])
            .values("title_id")
            .annotate(first=Min("date"))
            .values_list("title_id", "first")
        ):
            days[title_id] = day
    missing = ids - days.keys()
    if missing:
        for title_id, day in (
            BoxOfficeFact.objects.filter(title_id__in=missing)
            .values("title_id")
            .annotate(first=Min("show_day"))
            .values_list("title_id", "first")
        ):
            days[title_id] = day
    return days


@dataclass
class Supply:
    """Showtimes and seats offered."""

    showtimes: int = 0
    seats: int = 0


def screenings(
    start: dt.date, end: dt.date, scope: Scope, *, title_id: int | None = None
) -> dict[tuple[dt.date, int], Supply]:
    """Showtimes and seats offered per (local day, title) from ``start`` to ``end``.

    Live days come from ticketing's published showtimes (each cut at its
    venue's local day); history days from ``HistoricalScreening``.
    """
    supply: dict[tuple[dt.date, int], Supply] = defaultdict(Supply)
    history = HistoricalScreening.objects.filter(day__gte=start, day__lte=end)
    if title_id is not None:
        history = history.filter(title_id=title_id)
    for day, tid, shows, seats in (
        scoped(history, scope)
        .values("day", "title_id")
        .annotate(s=Sum("showtimes"), n=Sum("seats"))
        .values_list("day", "title_id", "s", "n")
    ):
        cell = supply[(day, tid)]
        cell.showtimes += shows
        cell.seats += seats
    lo = dt.datetime.combine(start - dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    hi = dt.datetime.combine(end + dt.timedelta(days=2), dt.time(), tzinfo=dt.UTC)
    live = Showtime.objects.filter(
        status=Showtime.Status.PUBLISHED, starts_at__gte=lo, starts_at__lt=hi
    )
    if title_id is not None:
        live = live.filter(title_id=title_id)
    zones: dict[str, ZoneInfo] = {}
    for starts_at, tid, zone_name, seats in scoped(live, scope).values_list(
        "starts_at", "title_id", "venue__time_zone", "hall__seat_count"
    ):
        zone = zones.get(zone_name) or zones.setdefault(zone_name, ZoneInfo(zone_name))
        day = starts_at.astimezone(zone).date()
        if start <= day <= end:
            cell = supply[(day, tid)]
            cell.showtimes += 1
            cell.seats += seats
    return supply


def facts(scope: Scope) -> QuerySet[BoxOfficeFact]:
    return scoped(BoxOfficeFact.objects.all(), scope)


def share_bp(part: int, whole: int) -> int | None:
    """``part / whole`` in basis points (integer, half-up), None when ``whole`` is 0."""
    if not whole:
        return None
    return (part * 10_000 * 2 + whole) // (whole * 2)


def only_titles(qs: QuerySet, title_ids: set[int] | None) -> QuerySet:
    return qs if title_ids is None else qs.filter(Q(title_id__in=title_ids))


def average_price(gross_minor: int, tickets: int) -> int | None:
    """Gross per ticket in minor units, rounded half up; None without tickets."""
    if tickets <= 0:
        return None
    return (gross_minor * 2 + tickets) // (tickets * 2)
