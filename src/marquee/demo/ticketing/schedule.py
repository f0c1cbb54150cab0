"""The demo schedule: settlement rules, and showtimes with prices in every demo hall."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, transaction

from marquee.catalog.models import ReleaseDate, Title
from marquee.ticketing.limits import cleaning_buffer
from marquee.ticketing.models import (
    SeatInventory,
    SettlementRule,
    Showtime,
    ShowtimeFormat,
    ShowtimePrice,
)
from marquee.ticketing.services.settlement import set_settlement_rule
from marquee.venues.models import Hall, Seat, SeatType, Venue

#: Days of schedule from ``today`` on, and days of history before it.
DAYS_AHEAD = 14
HISTORY_DAYS = 1
FIRST_START = time(10, 0)
LAST_START = time(23, 30)
MIN_SHOWS, MAX_SHOWS = 4, 6
#: The Hong Kong film whose pre-sale round the demo opens.
PRESALE_TITLE = "harbour-lights"
PRESALE_ROUND_NAME = "Harbour Lights fan pre-sale"
GENERATED_BUYERS = 6

SERVICE_FEE = {"CNY": 300, "HKD": 400}
#: Standard 2D seat price by city, in the venue's currency (minor units).
BASE_PRICE = {
    "beijing": 6000,
    "shanghai": 6000,
    "shenzhen": 5500,
    "guangzhou": 5000,
    "hangzhou": 5000,
    "chengdu": 4500,
    "hong-kong": 10000,
}
DEFAULT_BASE = {"CNY": 5000, "HKD": 10000}
#: Surcharges by format, and the time-of-day and seat-type adjustments, per currency.
FORMAT_SURCHARGE = {
    "CNY": {"2D": 0, "3D": 1000, "DOLBY": 1500, "IMAX": 3000},
    "HKD": {"2D": 0, "3D": 2000, "DOLBY": 3000, "IMAX": 5000},
}
STEP = {"CNY": 500, "HKD": 1000}  # matinée discount / evening peak / weekend


@dataclass(frozen=True)
class Programme:
    """How the demo schedules a title: its weight (screens), and where it fits."""

    weight: int
    imax: bool = False
    three_d: bool = False
    dolby: bool = False
    matinee_only: bool = False


PROGRAMME = {
    "mission-impossible-fallout": Programme(10, imax=True, dolby=True),
    "mission-impossible-rogue-nation": Programme(5, imax=True),
    "star-trek-beyond": Programme(6, imax=True, three_d=True),
    "tmnt-out-of-the-shadows": Programme(4, three_d=True),
    "a-guilty-conscience": Programme(8, dolby=True),
    "the-last-dance": Programme(9),
    "dying-to-survive": Programme(9, dolby=True),
    "hello-mr-billionaire": Programme(7),
    "peppa-celebrates-chinese-new-year": Programme(3, matinee_only=True),
    "time-still-turns-the-pages": Programme(3),
    PRESALE_TITLE: Programme(12, dolby=True),
}
DEFAULT_PROGRAMME = Programme(2)


# --- rules ------------------------------------------------------------------------


def load_rules() -> None:
    defaults = {
        "CN": ("0.05", "0.033", "0.57"),
        "HK": ("0", "0", "0.55"),
        "MO": ("0", "0", "0.55"),
    }
    for territory, (fund, tax, share) in defaults.items():
        if not SettlementRule.objects.filter(territory=territory).exists():
            set_settlement_rule(
                actor=None,
                territory=territory,
                film_fund_rate=fund,
                tax_rate=tax,
                cinema_share=share,
            )


# --- the schedule -----------------------------------------------------------------


@dataclass(frozen=True)
class _Film:
    title: Title
    programme: Programme
    releases: dict[str, date]

    def shows_in(self, territory: str, day: date) -> bool:
        opened = self.releases.get(territory)
        return opened is not None and opened <= day


def demo_films() -> list[_Film]:
    releases: dict[int, dict[str, date]] = {}
    for title_id, territory, day in ReleaseDate.objects.values_list(
        "title_id", "territory", "date"
    ):
        releases.setdefault(title_id, {})[territory] = day
    films = []
    for title in Title.objects.filter(kind=Title.Kind.FILM, runtime_minutes__isnull=False).order_by(
        "slug"
    ):
        if title.pk in releases:
            films.append(
                _Film(title, PROGRAMME.get(title.slug, DEFAULT_PROGRAMME), releases[title.pk])
            )
    return films


def _weighted(rng: random.Random, films: list[_Film], evening: bool) -> _Film:
    weights = [
        f.programme.weight * (3 if evening and f.programme.weight >= 8 else 2) for f in films
    ]
    return rng.choices(films, weights=weights)[0]


def _round_up(moment: datetime, minutes: int = 5) -> datetime:
    extra = (-moment.minute) % minutes
    return (moment + timedelta(minutes=extra)).replace(second=0, microsecond=0)


def plan_day(
    rng: random.Random, *, day: date, zone: ZoneInfo, films: list[_Film], imax: bool
) -> list[tuple[datetime, _Film]]:
    """One hall's shows on ``day``: 4–6 starts from 10:00 to 23:30 local, tighter at night.

    A hall mostly plays one film a day (big titles get more halls), with the
    odd other film; IMAX halls play IMAX titles; matinée-only films play
    before 17:00.
    """
    pool = [f for f in films if f.programme.imax] if imax else films
    pool = pool or films
    daytime = pool
    evening = [f for f in pool if not f.programme.matinee_only] or pool
    main = _weighted(rng, evening, evening=False)
    start = datetime.combine(day, FIRST_START, zone) + timedelta(minutes=rng.randrange(0, 95, 5))
    shows: list[tuple[datetime, _Film]] = []
    while start.date() == day and start.time() <= LAST_START:
        late = start.hour >= 17
        film = main if rng.random() < 0.65 else _weighted(rng, evening if late else daytime, late)
        if film.programme.matinee_only and late:
            film = main
        shows.append((start, film))
        end = start + timedelta(minutes=film.title.runtime_minutes or 120)
        extra = rng.choice([5, 10, 15]) if start.hour >= 16 else rng.choice([15, 25, 35, 45, 60])
        start = _round_up(end + cleaning_buffer() + timedelta(minutes=extra))
    # Too many (short films): drop early-afternoon shows, keep the first and the evening.
    while len(shows) > MAX_SHOWS:
        middle = [i for i, (s, _) in enumerate(shows) if i > 0 and s.hour < 17]
        shows.pop(middle[len(middle) // 2] if middle else len(shows) - 1)
    return shows


def prices_for(*, city: str, currency: str, fmt: str, local_start: datetime) -> dict[str, int]:
    """The price of every seat type at a show: by city, format and time of day."""
    step = STEP.get(currency, 500)
    base = BASE_PRICE.get(city, DEFAULT_BASE.get(currency, 5000))
    base += FORMAT_SURCHARGE.get(currency, FORMAT_SURCHARGE["CNY"]).get(fmt, 0)
    if local_start.hour < 12:
        base -= 2 * step  # matinée
    elif 18 <= local_start.hour < 22:
        base += step  # evening peak
    if local_start.weekday() >= 5:
        base += step
    return {
        SeatType.STANDARD: base,
        SeatType.VIP: base + 4 * step,
        SeatType.COUPLE: base + 2 * step,
        SeatType.WHEELCHAIR: max(base - 2 * step, 2 * step),
        SeatType.COMPANION: max(base - 2 * step, 2 * step),
    }


def _format(rng: random.Random, film: _Film, formats: set[str]) -> str:
    if "IMAX" in formats:
        return ShowtimeFormat.IMAX
    if film.programme.three_d and "3D" in formats and rng.random() < 0.5:
        return ShowtimeFormat.THREE_D
    if film.programme.dolby and "DOLBY" in formats and rng.random() < 0.6:
        return ShowtimeFormat.DOLBY
    return ShowtimeFormat.TWO_D


def _languages(film: _Film, territory: str) -> tuple[str, str]:
    original = film.title.original_language or "cmn"
    if territory == "HK":
        return original, "zh-hant"
    return ("cmn" if original == "yue" else original), "zh-hans"


def _existing(venue: Venue, first: date, last: date) -> tuple[set[tuple[int, date]], dict]:
    """(hall, local day) pairs already scheduled, and each hall's busy intervals near the window."""
    zone = ZoneInfo(venue.time_zone)
    start = datetime.combine(first - timedelta(days=1), time.min, zone)
    end = datetime.combine(last + timedelta(days=2), time.min, zone)
    days: set[tuple[int, date]] = set()
    busy: dict[int, list[tuple[datetime, datetime]]] = {}
    for hall_id, starts, ends, status in Showtime.objects.filter(
        venue=venue, starts_at__gte=start, starts_at__lt=end
    ).values_list("hall_id", "starts_at", "ends_at", "status"):
        days.add((hall_id, starts.astimezone(zone).date()))
        if status != Showtime.Status.CANCELLED:
            busy.setdefault(hall_id, []).append((starts, ends))
    return days, busy


def _insert_inventory(showtime_ids: list[int]) -> None:
    """One ``free`` row per seat of each showtime's hall, in seat order (as publishing does)."""
    quote = connection.ops.quote_name
    inventory = quote(SeatInventory._meta.db_table)
    showtimes = quote(Showtime._meta.db_table)
    seats = quote(Seat._meta.db_table)
    for i in range(0, len(showtime_ids), 400):
        chunk = showtime_ids[i : i + 400]
        marks = ", ".join(["%s"] * len(chunk))
        sql = (
            f"INSERT INTO {inventory} (showtime_id, seat_id, state) "  # noqa: S608 - quoted names
            f"SELECT s.id, seat.id, %s FROM {showtimes} s "
            f"JOIN {seats} seat ON seat.hall_id = s.hall_id "
            f"WHERE s.id IN ({marks}) ORDER BY s.id, seat.id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [SeatInventory.State.FREE, *chunk])


def schedule_venue(
    venue: Venue,
    halls: list[Hall],
    *,
    days: list[date],
    films: list[_Film],
    now: datetime,
    presale_open: dict[int, datetime],
) -> list[Showtime]:
    zone = ZoneInfo(venue.time_zone)
    territory = venue.city.territory
    taken_days, busy = _existing(venue, days[0], days[-1])
    buffer = cleaning_buffer()
    new: list[Showtime] = []
    prices: list[tuple[Showtime, dict[str, int]]] = []
    for hall in halls:
        formats = {str(f).upper() for f in hall.formats or []}
        for day in days:
            if (hall.pk, day) in taken_days:
                continue
            showing = [f for f in films if f.shows_in(territory, day)]
            if not showing:
                continue
            rng = random.Random(f"{venue.slug}|{hall.name}|{day.isoformat()}")
            for local_start, film in plan_day(
                rng, day=day, zone=zone, films=showing, imax="IMAX" in formats
            ):
                starts = local_start.astimezone(ZoneInfo("UTC"))
                ends = starts + timedelta(minutes=film.title.runtime_minutes or 120)
                if any(s < ends + buffer and e > starts - buffer for s, e in busy.get(hall.pk, [])):
                    continue
                busy.setdefault(hall.pk, []).append((starts, ends))
                fmt = _format(rng, film, formats)
                audio, subtitles = _languages(film, territory)
                showtime = Showtime(
                    title=film.title,
                    hall=hall,
                    venue=venue,
                    starts_at=starts,
                    ends_at=ends,
                    runtime_minutes=film.title.runtime_minutes or 120,
                    format=fmt,
                    audio_language=audio,
                    subtitle_language=subtitles,
                    currency=venue.currency,
                    service_fee_minor=SERVICE_FEE.get(venue.currency, 300),
                    status=Showtime.Status.PUBLISHED,
                    sales_open_at=presale_open.get(film.title.pk)
                    if presale_open.get(film.title.pk, now) > now
                    else None,
                    published_at=min(now, starts - timedelta(days=7)),
                )
                new.append(showtime)
                prices.append(
                    (
                        showtime,
                        prices_for(
                            city=venue.city.code,
                            currency=venue.currency,
                            fmt=fmt,
                            local_start=local_start,
                        ),
                    )
                )
    if not new:
        return []
    with transaction.atomic():
        if connection.features.can_return_rows_from_bulk_insert:
            created = Showtime.objects.bulk_create(new, batch_size=500)
        else:  # pragma: no cover - SQLite < 3.35
            for showtime in new:
                showtime.save()
            created = new
        ShowtimePrice.objects.bulk_create(
            [
                ShowtimePrice(showtime=s, seat_type=t, price_minor=p)
                for s, table in prices
                for t, p in sorted(table.items())
            ],
            batch_size=1000,
        )
        Hall.objects.filter(pk__in={s.hall_id for s in created}, layout_locked=False).update(
            layout_locked=True
        )
        _insert_inventory(sorted(s.pk for s in created))
        if connection.vendor == "postgresql":
            # Check the new rows' deferred foreign keys now rather than at commit: the
            # same work, but it cannot pile up (and be re-queued by every savepoint
            # rolled back after it, as each test of a demo-world test module does).
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return created


def schedule_days(today: date) -> list[date]:
    """The local days the demo schedules (for tests and docs)."""
    return [today + timedelta(days=n) for n in range(-HISTORY_DAYS, DAYS_AHEAD)]
