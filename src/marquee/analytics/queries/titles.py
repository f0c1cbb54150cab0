"""One title's figures: daily gross and indicators, cities, and its pre-sale curve.

The sales are heavy reads (``history.py``): the DuckDB snapshot for what was
sold before its cut-off, the database for what was sold since.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from marquee.analytics.queries.common import (
    Scope,
    Supply,
    average_price,
    check_range,
    local_name,
    release_days,
    screenings,
    share_bp,
)
from marquee.analytics.queries.history import days_of, fact_sums, in_cny, usable_snapshot
from marquee.catalog.models import Title
from marquee.places.models import City


@dataclass(frozen=True)
class DayRow:
    day: dt.date
    gross_minor: int
    tickets: int
    showtimes: int
    seats: int
    showtime_share_bp: int | None
    seat_share_bp: int | None
    attendance_bp: int | None
    average_price_minor: int | None


def title_days(title: Title, start: dt.date, end: dt.date, scope: Scope = None) -> list[DayRow]:
    """``title``'s box office per day from ``start`` to ``end`` (CNY), with its screening share
    of all titles' showtimes and seats that day and its attendance."""
    check_range(start, end)
    rows = fact_sums(
        scope,
        ("title_id", "currency", "show_day"),
        Q(title=title, show_day__gte=start, show_day__lte=end),
        days_of({title.pk}, start, end),
        snapshot=usable_snapshot(scope),
    )
    sales = in_cny(rows, lambda row: row[2])
    supply = screenings(start, end, scope)
    all_days: dict[dt.date, Supply] = defaultdict(Supply)
    mine: dict[dt.date, Supply] = {}
    for (day, title_id), cell in supply.items():
        all_days[day].showtimes += cell.showtimes
        all_days[day].seats += cell.seats
        if title_id == title.pk:
            mine[day] = cell
    out = []
    for day in sorted(set(sales) | set(mine)):
        tickets, gross = sales.get(day, [0, 0])
        offered = mine.get(day, Supply())
        out.append(
            DayRow(
                day=day,
                gross_minor=gross,
                tickets=tickets,
                showtimes=offered.showtimes,
                seats=offered.seats,
                showtime_share_bp=share_bp(offered.showtimes, all_days[day].showtimes),
                seat_share_bp=share_bp(offered.seats, all_days[day].seats),
                attendance_bp=share_bp(tickets, offered.seats),
                average_price_minor=average_price(gross, tickets),
            )
        )
    return out


@dataclass(frozen=True)
class CityRow:
    city_id: int
    code: str
    name: str
    gross_minor: int
    tickets: int
    share_bp: int | None
    average_price_minor: int | None


def title_cities(title: Title, start: dt.date, end: dt.date, scope: Scope = None) -> list[CityRow]:
    """``title``'s gross and tickets per city from ``start`` to ``end``, largest first."""
    check_range(start, end)
    rows = fact_sums(
        scope,
        ("city_id", "currency", "show_day"),
        Q(title=title, show_day__gte=start, show_day__lte=end),
        lambda engine: engine.title_cities(title.pk, start, end),
        snapshot=usable_snapshot(scope),
    )
    totals = in_cny(rows, lambda row: row[0])
    cities = City.objects.in_bulk(list(totals))
    whole = sum(v[1] for v in totals.values())
    out = [
        CityRow(
            city_id=city_id,
            code=cities[city_id].code if city_id in cities else str(city_id),
            name=local_name(cities[city_id]) if city_id in cities else str(city_id),
            gross_minor=gross,
            tickets=tickets,
            share_bp=share_bp(gross, whole),
            average_price_minor=average_price(gross, tickets),
        )
        for city_id, (tickets, gross) in totals.items()
    ]
    return sorted(out, key=lambda r: (-r.gross_minor, r.code))


@dataclass(frozen=True)
class CurvePoint:
    days_before: int
    tickets: int  # cumulative
    gross_minor: int  # cumulative, CNY fen


@dataclass(frozen=True)
class PresaleCurve:
    title_id: int
    slug: str
    name: str
    release_day: dt.date | None
    points: list[CurvePoint]

    @property
    def tickets(self) -> int:
        return self.points[-1].tickets if self.points else 0

    @property
    def gross_minor(self) -> int:
        return self.points[-1].gross_minor if self.points else 0


#: How many days before release a curve starts.
CURVE_DAYS = 30


def presale_curve(title: Title, scope: Scope = None, *, days: int = CURVE_DAYS) -> PresaleCurve:
    """Cumulative net tickets and gross (CNY) of ``title`` sold 1…``days`` days before release.

    One point per day (``days_before`` from ``days`` down to 1), so two titles'
    curves line up day for day whatever their release dates. Sales more than
    ``days`` days out count in the first point.
    """
    release = release_days([title.pk]).get(title.pk)
    points: list[CurvePoint] = []
    if release is not None:
        rows = fact_sums(
            scope,
            ("currency", "sale_day"),
            Q(title=title, sale_day__lt=release),
            lambda engine: [(c, d, t, g) for d, c, t, g in engine.presale(title.pk, release)],
            snapshot=usable_snapshot(scope),
        )
        by_before = in_cny(rows, lambda row: min((release - row[1]).days, days))
        tickets = gross = 0
        for before in range(days, 0, -1):
            tickets += by_before[before][0]
            gross += by_before[before][1]
            points.append(CurvePoint(before, tickets, gross))
    return PresaleCurve(title.pk, title.slug, local_name(title, "title"), release, points)
