"""Schedule filters of the film and cinema pages, and "cinemas near me".

A visitor narrows one day's showtimes by format (IMAX, Dolby, 3D…), cinema or
district, time of day and price, from the query string; nothing here reads
the database beyond what the schedule already carries (its showtimes with
venue and prices). With ``lat``/``lng`` in the query string (the page's script
asks the browser for its location and reloads with them; nothing is stored),
cinemas are sorted by great-circle distance, computed here; a refused or
missing location leaves them by name.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from marquee.ticketing.models import ShowtimeFormat
from marquee.venues.models import Venue
from marquee.web.queries import DayShowtimes, ShowtimeChip

#: Parts of the day, by local start hour: [from, to). "late" wraps past midnight.
TIMES_OF_DAY: dict[str, tuple[int, int]] = {
    "morning": (5, 12),
    "afternoon": (12, 17),
    "evening": (17, 22),
    "late": (22, 29),
}
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Filters:
    """What the visitor asked for; empty fields filter nothing."""

    format: str = ""
    venue: str = ""  # a venue slug
    district: str = ""
    time_of_day: str = ""
    max_price_minor: int | None = None
    lat: Decimal | None = None
    lng: Decimal | None = None

    @property
    def active(self) -> bool:
        return bool(
            self.format
            or self.venue
            or self.district
            or self.time_of_day
            or self.max_price_minor is not None
        )

    @property
    def located(self) -> bool:
        return self.lat is not None and self.lng is not None


def _coordinate(raw: object, bound: int) -> Decimal | None:
    if not isinstance(raw, str) or not raw or len(raw) > 20:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value if value.is_finite() and -bound <= value <= bound else None


def _text(raw: object, limit: int = 100) -> str:
    return raw.replace("\x00", "").strip()[:limit] if isinstance(raw, str) else ""


def parse_filters(params: Mapping[str, str]) -> Filters:
    """The filters in ``params`` (a query string); anything unknown or malformed is ignored."""
    fmt = _text(params.get("format"))
    tod = _text(params.get("time"))
    price = _text(params.get("max_price"), 12)
    return Filters(
        format=fmt if fmt in ShowtimeFormat.values else "",
        venue=_text(params.get("cinema"), 120),
        district=_text(params.get("district")),
        time_of_day=tod if tod in TIMES_OF_DAY else "",
        max_price_minor=int(price) if price.isdigit() else None,
        lat=_coordinate(params.get("lat"), 90),
        lng=_coordinate(params.get("lng"), 180),
    )


def _in_time_of_day(chip: ShowtimeChip, part: str) -> bool:
    start, end = TIMES_OF_DAY[part]
    hour = chip.showtime.local_starts_at.hour
    return start <= hour < end or start <= hour + 24 < end


def _keeps(chip: ShowtimeChip, venue: Venue, filters: Filters) -> bool:
    if filters.format and chip.showtime.format != filters.format:
        return False
    if filters.venue and venue.slug != filters.venue:
        return False
    if filters.district and filters.district not in (
        venue.district_en,
        venue.district_zh_hans,
        venue.district_zh_hant,
    ):
        return False
    if filters.time_of_day and not _in_time_of_day(chip, filters.time_of_day):
        return False
    if filters.max_price_minor is not None:
        price = chip.standard_price_minor
        if price is None or price > filters.max_price_minor:
            return False
    return True


def distance_km(lat1: Decimal, lng1: Decimal, lat2: Decimal, lng2: Decimal) -> float:
    """Great-circle (haversine) distance in kilometres. Floats: a distance, not money."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp = p2 - p1
    dl = math.radians(float(lng2) - float(lng1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass
class PlacedVenue:
    """A cinema of the day with its kept showtimes and, when located, its distance."""

    venue: Venue
    showtimes: list[ShowtimeChip]
    distance_km: float | None = None

    @property
    def distance_label(self) -> str:
        if self.distance_km is None:
            return ""
        if self.distance_km < 1:
            return f"{round(self.distance_km * 1000)} m"
        return f"{self.distance_km:.1f} km"


@dataclass
class FilteredDay:
    day: date
    venues: list[PlacedVenue] = field(default_factory=list)
    hidden: int = 0  # showtimes the filters left out

    @property
    def count(self) -> int:
        return sum(len(v.showtimes) for v in self.venues)


def filter_day(day: DayShowtimes, filters: Filters) -> FilteredDay:
    """``day``'s cinemas with only the showtimes ``filters`` keep, nearest first when located."""
    placed: list[PlacedVenue] = []
    hidden = 0
    for group in day.venues:
        kept = [c for c in group.showtimes if _keeps(c, group.venue, filters)]
        hidden += len(group.showtimes) - len(kept)
        if not kept:
            continue
        distance = None
        if (
            filters.located
            and group.venue.latitude is not None
            and group.venue.longitude is not None
        ):
            distance = distance_km(
                filters.lat, filters.lng, group.venue.latitude, group.venue.longitude
            )
        placed.append(PlacedVenue(venue=group.venue, showtimes=kept, distance_km=distance))
    if filters.located:
        placed.sort(key=lambda p: (p.distance_km is None, p.distance_km or 0.0, p.venue.name_en))
    return FilteredDay(day=day.day, venues=placed, hidden=hidden)


@dataclass(frozen=True)
class FilterOptions:
    """The choices the filter form offers: only what the schedule has."""

    formats: list[tuple[str, str]]
    venues: list[Venue]
    districts: list[str]
    price_steps: list[int]  # minor units, ascending
    currency: str


def filter_options(days: list[DayShowtimes]) -> FilterOptions:
    """Formats, cinemas, districts and price ceilings present in the whole schedule."""
    formats: set[str] = set()
    venues: dict[int, Venue] = {}
    prices: set[int] = set()
    currency = ""
    for day in days:
        for group in day.venues:
            venues[group.venue.pk] = group.venue
            for chip in group.showtimes:
                formats.add(chip.showtime.format)
                currency = chip.showtime.currency
                price = chip.standard_price_minor
                if price is not None:
                    prices.add(price)
    labels = dict(ShowtimeFormat.choices)
    return FilterOptions(
        formats=[(f, str(labels.get(f, f))) for f in sorted(formats)],
        venues=sorted(venues.values(), key=lambda v: v.name_en),
        districts=sorted({v.district for v in venues.values() if v.district}),
        price_steps=sorted(prices),
        currency=currency,
    )


@dataclass(frozen=True)
class CinemaDay:
    """A cinema's day by film, narrowed by format and time of day."""

    groups: list[Any]
    hidden: int
    formats: list[tuple[str, str]]


def filter_cinema_day(groups: list[Any], filters: Filters) -> CinemaDay:
    """``groups`` (``web.queries.TitleShowtimes``) keeping the showtimes of the chosen format
    and time of day; the formats offered are those the day has."""
    labels = dict(ShowtimeFormat.choices)
    present = sorted({c.showtime.format for g in groups for c in g.showtimes})
    narrowed = Filters(format=filters.format, time_of_day=filters.time_of_day)
    kept_groups = []
    hidden = 0
    for group in groups:
        kept = [c for c in group.showtimes if _keeps(c, c.showtime.venue, narrowed)]
        hidden += len(group.showtimes) - len(kept)
        if kept:
            kept_groups.append(type(group)(title=group.title, showtimes=kept))
    return CinemaDay(
        groups=kept_groups,
        hidden=hidden,
        formats=[(f, str(labels.get(f, f))) for f in present],
    )
