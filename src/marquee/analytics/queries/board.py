"""The day's box office: every title ranked by its gross in CNY, with the trade's indicators.

Sales come from the rollup (``BoxOfficeFact``; a past day's sales and the
cumulative gross from the DuckDB snapshot plus the facts since, see
``history.py``), the screening supply from
:func:`~marquee.analytics.queries.common.screenings`. Each (currency, day)
group is converted to CNY at that day's rate, once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Max, Q
from django.utils import timezone

from marquee.analytics.models import NationalDay
from marquee.analytics.queries.common import (
    EARLIEST,
    Scope,
    Supply,
    average_price,
    check_day,
    facts,
    local_name,
    release_days,
    screenings,
    share_bp,
)
from marquee.analytics.queries.history import days_of, fact_sums, in_cny, usable_snapshot
from marquee.analytics.services.snapshots import Snapshot
from marquee.catalog.models import Title


@dataclass(frozen=True)
class BoardRow:
    rank: int
    previous_rank: int | None
    title_id: int
    slug: str
    name: str
    gross_minor: int  # CNY fen
    tickets: int
    showtimes: int
    seats: int
    showtime_share_bp: int | None
    seat_share_bp: int | None
    gross_share_bp: int | None
    attendance_bp: int | None
    average_price_minor: int | None
    cumulative_minor: int
    release_day: dt.date | None
    days_in_release: int | None

    @property
    def rank_change(self) -> int | None:
        """Places gained since the day before (positive: up); None for a new entry."""
        return None if self.previous_rank is None else self.previous_rank - self.rank


@dataclass(frozen=True)
class Board:
    day: dt.date
    currency: str
    rows: list[BoardRow]
    gross_minor: int
    tickets: int
    showtimes: int
    seats: int
    national_minor: int | None
    platform_share_bp: int | None
    updated_at: dt.datetime | None
    #: When the snapshot the history came from was written (None: all from the database).
    history_as_of: dt.datetime | None = None
    as_of: dt.datetime = field(default_factory=timezone.now)


def _sales(day: dt.date, scope: Scope, snapshot: Snapshot | None) -> dict[int, list[int]]:
    """title id → [tickets, gross in CNY fen] of ``day``'s showtimes."""
    rows = fact_sums(
        scope,
        ("title_id", "currency", "show_day"),
        Q(show_day=day),
        lambda engine: [(t, c, day, n, g) for t, c, n, g in engine.day_ranking(day)],
        snapshot=snapshot,
    )
    return in_cny(rows, lambda row: row[0])


def _for_past(snapshot: Snapshot | None, day: dt.date) -> Snapshot | None:
    """The snapshot for a day before its cut-off (a past day's ranking is a heavy read);
    today's and tomorrow's live board reads the database (the answer is the same)."""
    return snapshot if snapshot is not None and day < snapshot.cutoff else None


def _ranks(sales: dict[int, list[int]], supply: dict[int, Supply]) -> list[int]:
    ids = set(sales) | set(supply)
    return sorted(
        ids,
        key=lambda t: (
            -sales.get(t, [0, 0])[1],
            -sales.get(t, [0, 0])[0],
            -supply.get(t, Supply()).showtimes,
            t,
        ),
    )


def cumulative(
    title_ids: set[int], day: dt.date, scope: Scope, snapshot: Snapshot | None = None
) -> dict[int, int]:
    """Each title's gross in CNY fen from its first day on screen up to ``day``."""
    rows = fact_sums(
        scope,
        ("title_id", "currency", "show_day"),
        Q(title_id__in=title_ids, show_day__lte=day),
        days_of(title_ids, EARLIEST, day),
        snapshot=snapshot,
    )
    return {title_id: cell[1] for title_id, cell in in_cny(rows, lambda row: row[0]).items()}


def day_board(day: dt.date, scope: Scope = None) -> Board:
    """The box office of ``day`` (a local day) for the venues of ``scope``, ranked by gross.

    Raises ``day_out_of_range`` and ``no_exchange_rate`` (AnalyticsError).
    """
    check_day(day)
    before = day - dt.timedelta(days=1)
    supply_all = screenings(before, day, scope)
    supply = {t: s for (d, t), s in supply_all.items() if d == day}
    supply_before = {t: s for (d, t), s in supply_all.items() if d == before}
    snapshot = usable_snapshot(scope)
    sales = _sales(day, scope, _for_past(snapshot, day))
    previous = _ranks(_sales(before, scope, _for_past(snapshot, before)), supply_before)
    previous = {t: i + 1 for i, t in enumerate(previous)}
    order = _ranks(sales, supply)
    titles = Title.objects.in_bulk(order)
    releases = release_days(order)
    totals = cumulative(set(order), day, scope, snapshot)
    total_tickets = sum(v[0] for v in sales.values())
    total_gross = sum(v[1] for v in sales.values())
    total_shows = sum(s.showtimes for s in supply.values())
    total_seats = sum(s.seats for s in supply.values())
    rows = []
    for index, title_id in enumerate(order):
        tickets, gross = sales.get(title_id, [0, 0])
        offered = supply.get(title_id, Supply())
        release = releases.get(title_id)
        title = titles[title_id]
        rows.append(
            BoardRow(
                rank=index + 1,
                previous_rank=previous.get(title_id),
                title_id=title_id,
                slug=title.slug,
                name=local_name(title, "title"),
                gross_minor=gross,
                tickets=tickets,
                showtimes=offered.showtimes,
                seats=offered.seats,
                showtime_share_bp=share_bp(offered.showtimes, total_shows),
                seat_share_bp=share_bp(offered.seats, total_seats),
                gross_share_bp=share_bp(gross, total_gross),
                attendance_bp=share_bp(tickets, offered.seats),
                average_price_minor=average_price(gross, tickets),
                cumulative_minor=totals.get(title_id, 0),
                release_day=release,
                days_in_release=(day - release).days + 1 if release else None,
            )
        )
    national = None
    if scope is None:
        national = NationalDay.objects.filter(day=day).values_list("gross_minor", flat=True).first()
    updated = facts(scope).filter(show_day=day).aggregate(m=Max("updated_at"))["m"]
    return Board(
        day=day,
        currency="CNY",
        rows=rows,
        gross_minor=total_gross,
        tickets=total_tickets,
        showtimes=total_shows,
        seats=total_seats,
        national_minor=national,
        platform_share_bp=share_bp(total_gross, national) if national else None,
        updated_at=updated,
        history_as_of=snapshot.written_at if snapshot else None,
    )
