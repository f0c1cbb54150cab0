"""Box office cut by city, cinema, chain or format over a range of days (optionally one title)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Sum

from marquee.analytics.models import HistoricalScreening
from marquee.analytics.queries.common import (
    Scope,
    Supply,
    average_price,
    check_range,
    facts,
    local_name,
    scoped,
    share_bp,
)
from marquee.analytics.rates import RateBook
from marquee.catalog.models import Title
from marquee.places.models import City
from marquee.ticketing.models import Showtime
from marquee.venues.models import Chain, Venue

#: The cut → the fact's column, the showtime's path to the same value.
DIMENSIONS = {
    "city": ("city_id", "venue__city_id"),
    "cinema": ("venue_id", "venue_id"),
    "chain": ("chain_id", "venue__chain_id"),
    "format": ("format", "format"),
}


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    name: str
    gross_minor: int
    tickets: int
    showtimes: int
    seats: int
    #: The gross in the cinemas' own currency, when the row has only one (a cinema always).
    local_currency: str | None
    local_gross_minor: int | None
    gross_share_bp: int | None
    attendance_bp: int | None
    average_price_minor: int | None


def _names(by: str, keys: list) -> dict:
    if by == "format":
        return {k: k for k in keys}
    model = {"city": City, "cinema": Venue, "chain": Chain}[by]
    return {pk: local_name(row) for pk, row in model.objects.in_bulk(keys).items()}


def _supply(
    by: str, start: dt.date, end: dt.date, scope: Scope, title: Title | None
) -> dict[object, Supply]:
    column, path = DIMENSIONS[by]
    supply: dict[object, Supply] = defaultdict(Supply)
    history = HistoricalScreening.objects.filter(day__gte=start, day__lte=end)
    if title is not None:
        history = history.filter(title=title)
    for key, shows, seats in (
        scoped(history, scope)
        .values(column)
        .annotate(s=Sum("showtimes"), n=Sum("seats"))
        .values_list(column, "s", "n")
    ):
        supply[key].showtimes += shows
        supply[key].seats += seats
    lo = dt.datetime.combine(start - dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    hi = dt.datetime.combine(end + dt.timedelta(days=2), dt.time(), tzinfo=dt.UTC)
    live = Showtime.objects.filter(
        status=Showtime.Status.PUBLISHED, starts_at__gte=lo, starts_at__lt=hi
    )
    if title is not None:
        live = live.filter(title=title)
    for key, starts_at, zone, seats in scoped(live, scope).values_list(
        path, "starts_at", "venue__time_zone", "hall__seat_count"
    ):
        if start <= starts_at.astimezone(ZoneInfo(zone)).date() <= end:
            supply[key].showtimes += 1
            supply[key].seats += seats
    return supply


def breakdown(
    by: str, start: dt.date, end: dt.date, scope: Scope = None, *, title: Title | None = None
) -> list[BreakdownRow]:
    """Gross (CNY), tickets, showtimes and seats per ``by`` (city, cinema, chain, format)
    from ``start`` to ``end``, largest gross first."""
    check_range(start, end)
    column, _path = DIMENSIONS[by]
    qs = facts(scope).filter(show_day__gte=start, show_day__lte=end)
    if title is not None:
        qs = qs.filter(title=title)
    rows = list(
        qs.values(column, "currency", "show_day")
        .annotate(t=Sum("tickets"), g=Sum("gross_minor"))
        .values_list(column, "currency", "show_day", "t", "g")
    )
    book = RateBook({r[1] for r in rows})
    sales: dict[object, list[int]] = defaultdict(lambda: [0, 0])
    local: dict[object, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key, currency, day, tickets, gross in rows:
        sales[key][0] += tickets
        sales[key][1] += book.to_target(gross, currency, day)
        local[key][currency] += gross
    supply = _supply(by, start, end, scope, title)
    keys = sorted(set(sales) | set(supply), key=str)
    names = _names(by, keys)
    whole = sum(v[1] for v in sales.values())
    out = []
    for key in keys:
        tickets, gross = sales.get(key, [0, 0])
        offered = supply.get(key, Supply())
        own = local.get(key, {})
        (own_currency, own_gross), *more = list(own.items()) or [(None, None)]
        out.append(
            BreakdownRow(
                key=str(key),
                name=names.get(key, str(key)),
                gross_minor=gross,
                tickets=tickets,
                showtimes=offered.showtimes,
                seats=offered.seats,
                local_currency=None if more else own_currency,
                local_gross_minor=None if more else own_gross,
                gross_share_bp=share_bp(gross, whole),
                attendance_bp=share_bp(tickets, offered.seats),
                average_price_minor=average_price(gross, tickets),
            )
        )
    return sorted(out, key=lambda r: (-r.gross_minor, r.key))
