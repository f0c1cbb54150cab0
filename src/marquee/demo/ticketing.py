"""Demo ticketing: a two-week schedule in every demo hall, a pre-sale, sales, door scans, rules.

:func:`load_demo_ticketing` (called by :func:`marquee.demo.world.load_world`):

* **Settlement rules** for mainland China (5 % film fund, 3.3 % taxes, 57 % of
  net to the cinema) and Hong Kong and Macau (no levy, 55 %), unless set already.
* **Showtimes** in every hall of every active demo cinema for 14 days from
  ``today`` (plus yesterday, as history for the console and the scanner): 4–6
  shows a hall a day starting 10:00–23:30 local, tighter in the evening; the
  big titles get more screens and the IMAX halls; prices per seat type by
  city, format and time of day (matinées cheaper, evening peak dearer) in the
  venue's currency, plus a service fee (3 CNY / 4 HKD). Each showtime is
  created by a bulk path that writes exactly what
  :func:`~marquee.ticketing.services.showtimes.publish_showtime` writes
  (the published showtime, its prices, one ``free`` inventory row per seat,
  the hall's layout frozen) — the services one by one would take minutes.
* **A pre-sale round** for the upcoming Hong Kong film *Harbour Lights*
  (audience: accounts that registered "want to see"; a few have).
* **Sales** through the services: online orders for the coming evenings paid
  through the simulated gateway by ``fan``, ``fan2`` and generated
  moviegoers; box-office sales (orders without an online payment) for
  yesterday's and today's earlier shows, replayed at the time they happened.
* **Door scans** for those earlier shows, through the check-in service at the
  time the doors were open — a few refused scans among them.

Idempotent: a (hall, local day) that already has a showtime is left as it is,
and sales and scans are only made for showtimes this run created, so running
it twice keeps one copy.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from marquee.accounts.models import User
from marquee.catalog.models import ReleaseDate, Title
from marquee.core.errors import DomainError
from marquee.ticketing.models import (
    PresaleRound,
    SeatInventory,
    SettlementRule,
    Showtime,
    ShowtimeFormat,
    ShowtimePrice,
    Ticket,
)
from marquee.ticketing.services import checkin, holds, orders, rounds
from marquee.ticketing.services._common import cleaning_buffer
from marquee.ticketing.services.fulfilment import complete_order
from marquee.ticketing.services.settlement import set_settlement_rule
from marquee.venues.models import Hall, Seat, SeatType, Venue

logger = logging.getLogger(__name__)

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

Progress = Callable[[str], Any] | Any


@dataclass
class DemoTicketing:
    """What :func:`load_demo_ticketing` did (counts of this run) and the buyers it made."""

    showtimes: int = 0
    online_orders: int = 0
    box_office_orders: int = 0
    tickets: int = 0
    scans: int = 0
    presale_round_id: int | None = None
    accounts: list[Any] = field(default_factory=list)


def _report(progress: Progress | None, step: str) -> None:
    if progress is None:
        return
    if hasattr(progress, "update"):
        if hasattr(progress, "set_postfix_str"):
            progress.set_postfix_str(step[:40], refresh=False)
        progress.update(1)
    else:
        progress(step)


# --- rules ------------------------------------------------------------------------


def _load_rules() -> None:
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


def _films() -> list[_Film]:
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


def _schedule_venue(
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


# --- the pre-sale round -----------------------------------------------------------


def _presale_opening(today: date) -> dict[int, datetime]:
    """General sale of the pre-sale film opens 3 days before its Hong Kong release, 10:00."""
    title = Title.objects.filter(slug=PRESALE_TITLE).first()
    if title is None:
        return {}
    release = ReleaseDate.objects.filter(title=title, territory="HK").first()
    if release is None or release.date <= today:
        return {}
    zone = ZoneInfo("Asia/Hong_Kong")
    opens = datetime.combine(release.date - timedelta(days=3), time(10, 0), zone)
    if opens <= datetime.combine(today, time(12, 0), zone):
        return {}  # too close to the release for a pre-sale
    return {title.pk: opens}


def _load_presale(
    *, today: date, general_sale: dict[int, datetime], fans: list[User], now: datetime
) -> PresaleRound | None:
    title = Title.objects.filter(slug=PRESALE_TITLE).first()
    if title is None or title.pk not in general_sale:
        return None
    existing = PresaleRound.objects.filter(title=title, name=PRESALE_ROUND_NAME).first()
    if existing is None:
        planner = (
            User.objects.filter(username="distribution").first()
            or User.objects.filter(is_superuser=True).order_by("pk").first()
        )
        if planner is None:
            return None
        existing = rounds.create_presale_round(
            actor=planner,
            title=title,
            name=PRESALE_ROUND_NAME,
            opens_at=min(now, datetime.combine(today, time(10, 0), ZoneInfo("Asia/Hong_Kong")))
            - timedelta(days=1),
            closes_at=general_sale[title.pk],
            audience=PresaleRound.Audience.WANT_TO_SEE,
            per_account_limit=4,
            city_codes=["hong-kong"],
        )
    for fan in fans:
        rounds.register_want_to_see(user=fan, title=title)
    return existing


# --- buyers -----------------------------------------------------------------------


def _buyers() -> tuple[list[User], list[Any]]:
    from marquee.demo.world import DEMO_PASSWORD, DemoAccount

    hashed = None
    made: list[User] = []
    accounts = []
    for n in range(1, GENERATED_BUYERS + 1):
        username = f"moviegoer-{n:02d}"
        user = User.objects.filter(username=username).first()
        if user is None:
            # One hash for all of them: hashing is slow on purpose.
            hashed = hashed or make_password(DEMO_PASSWORD)
            user = User.objects.create(
                username=username,
                email=f"{username}@demo.marquee.example",
                display_name=f"Demo moviegoer {n}",
                password=hashed,
            )
        made.append(user)
        accounts.append(DemoAccount(username, "moviegoer", "", user.display_name))
    return made, accounts


# --- sales and scans --------------------------------------------------------------


class _SeatPicker:
    """Chooses adjacent free seats in a hall, remembering what each showtime sold."""

    def __init__(self) -> None:
        self._rows: dict[int, list[list[Seat]]] = {}
        self._taken: dict[int, set[int]] = {}

    def _hall_rows(self, hall_id: int) -> list[list[Seat]]:
        if hall_id not in self._rows:
            rows: dict[int, list[Seat]] = {}
            for seat in Seat.objects.filter(hall_id=hall_id).order_by("row", "column"):
                rows.setdefault(seat.row, []).append(seat)
            self._rows[hall_id] = [rows[r] for r in sorted(rows)]
        return self._rows[hall_id]

    def pick(self, rng: random.Random, showtime: Showtime, count: int) -> list[str]:
        rows = self._hall_rows(showtime.hall_id)
        taken = self._taken.setdefault(showtime.pk, set())
        if not rows:
            return []
        middle = rows[len(rows) // 3 : max(len(rows) // 3 + 1, len(rows) * 5 // 6)]
        for _ in range(12):
            row = rng.choice(middle)
            if count == 2 and rng.random() < 0.15:
                couples = [
                    (a, b)
                    for a, b in pairwise(row)
                    if a.kind == SeatType.COUPLE and a.partner_id == b.pk
                ]
                couples = [(a, b) for a, b in couples if a.pk not in taken and b.pk not in taken]
                if couples:
                    pair = rng.choice(couples)
                    taken.update(s.pk for s in pair)
                    return [s.code for s in pair]
            singles = [s for s in row if s.kind in (SeatType.STANDARD, SeatType.VIP)]
            runs = [
                singles[i : i + count]
                for i in range(len(singles) - count + 1)
                if singles[i + count - 1].column - singles[i].column == count - 1
                and len({s.kind for s in singles[i : i + count]}) == 1
                and not any(s.pk in taken for s in singles[i : i + count])
            ]
            if runs:
                chosen = rng.choice(runs)
                taken.update(s.pk for s in chosen)
                return [s.code for s in chosen]
        return []


def _sell_online(
    showtime: Showtime, buyer: User, codes: list[str], *, invitation: str | None = None
) -> list[Ticket]:
    from marquee.payments.simulator.gateway import authorize_sim_payment

    hold = holds.hold_seats(
        showtime=showtime, seat_codes=codes, user=buyer, invitation_code=invitation
    )
    order = orders.create_order_from_hold(hold=hold, user=buyer)
    started = orders.pay_order(order=order, user=buyer)
    if started.payment_id is not None:
        authorize_sim_payment(payment_id=started.payment_id, user=buyer, outcome="succeed")
    return list(Ticket.objects.filter(order=order).select_related("seat"))


def _sell_at_box_office(
    showtime: Showtime, buyer: User, codes: list[str], at: datetime
) -> list[Ticket]:
    """A sale that happened at ``at`` (before the show), paid at the counter: no online payment."""
    hold = holds.hold_seats(showtime=showtime, seat_codes=codes, user=buyer, now=at)
    order = orders.create_order_from_hold(hold=hold, user=buyer, now=at)
    with transaction.atomic():
        if not complete_order(order=order, payment_id=None, now=at):
            return []
    return list(Ticket.objects.filter(order=order).select_related("seat"))


def _group_size(rng: random.Random) -> int:
    return rng.choices([1, 2, 3, 4], weights=[15, 50, 15, 20])[0]


def _operators() -> dict[int, User]:
    from marquee.venues.models import Chain

    found = {}
    for chain in Chain.objects.all():
        user = User.objects.filter(username=f"operator-{chain.slug}"[:150]).first()
        if user is not None:
            found[chain.pk] = user
    return found


def _sales(
    created: list[Showtime],
    *,
    now: datetime,
    fans: dict[str, User],
    generated: list[User],
    presale: PresaleRound | None,
    result: DemoTicketing,
    progress: Progress | None,
) -> None:
    rng = random.Random(f"demo-sales|{now.date().isoformat()}")
    picker = _SeatPicker()
    operators = _operators()
    by_venue: dict[int, list[Showtime]] = {}
    for showtime in created:
        by_venue.setdefault(showtime.venue_id, []).append(showtime)
    venues = {
        v.pk: v for v in Venue.objects.filter(pk__in=by_venue).select_related("city", "chain")
    }
    horizon = now + timedelta(days=2)
    for venue_id, showtimes in sorted(by_venue.items()):
        venue = venues[venue_id]
        zone = ZoneInfo(venue.time_zone)
        local_fan = fans.get("fan2") if venue.city.territory == "HK" else fans.get("fan")
        is_fans_city = venue.city.code in ("shanghai", "hong-kong")
        by_day: dict[date, list[Showtime]] = {}
        for showtime in showtimes:
            by_day.setdefault(showtime.starts_at.astimezone(zone).date(), []).append(showtime)
        for _day, day_shows in sorted(by_day.items()):
            evening = [s for s in day_shows if s.starts_at.astimezone(zone).hour >= 17]
            past = [s for s in evening if s.starts_at <= now]
            coming = [
                s
                for s in evening
                if now + timedelta(minutes=30) < s.starts_at <= horizon and s.sales_open_at is None
            ]
            for showtime in rng.sample(past, min(2, len(past))):
                _box_office(showtime, venue, rng, picker, generated, operators, now, result)
            for n, showtime in enumerate(rng.sample(coming, min(2, len(coming)))):
                for k in range(rng.randint(1, 3)):
                    buyer = (
                        local_fan
                        if local_fan is not None and is_fans_city and n == 0 and k == 0
                        else rng.choice(generated)
                    )
                    codes = picker.pick(rng, showtime, _group_size(rng))
                    if codes and _try(_sell_online, showtime, buyer, codes, result=result):
                        result.online_orders += 1
        _report(progress, venue.slug)
    if presale is not None:
        _presale_sales(created, presale, rng, picker, fans, generated, result)


def _try(fn: Callable[..., list[Ticket]], *args: Any, result: DemoTicketing) -> bool:
    try:
        sold = fn(*args)
    except DomainError as exc:  # a demo sale that the rules refuse is simply not made
        logger.info("demo sale skipped: %s", exc)
        return False
    result.tickets += len(sold)
    return bool(sold)


def _box_office(
    showtime: Showtime,
    venue: Venue,
    rng: random.Random,
    picker: _SeatPicker,
    buyers: list[User],
    operators: dict[int, User],
    now: datetime,
    result: DemoTicketing,
) -> None:
    sold: list[Ticket] = []
    for _ in range(rng.randint(3, 5)):
        codes = picker.pick(rng, showtime, _group_size(rng))
        if not codes:
            continue
        at = showtime.starts_at - timedelta(hours=rng.randint(2, 30), minutes=rng.randint(0, 59))
        try:
            tickets = _sell_at_box_office(showtime, rng.choice(buyers), codes, at)
        except DomainError as exc:
            logger.info("demo box-office sale skipped: %s", exc)
            continue
        if tickets:
            result.box_office_orders += 1
            result.tickets += len(tickets)
            sold += tickets
    operator = operators.get(venue.chain_id)
    if operator is None or not sold:
        return
    doors = ["Door 1", "Door 2"]
    admitted = []
    for ticket in sold:
        at = showtime.starts_at - timedelta(minutes=rng.randint(2, 45), seconds=rng.randint(0, 59))
        if rng.random() < 0.85 and at < now:
            checkin.check_in(
                code=ticket.code,
                venue=venue,
                actor=operator,
                showtime=showtime,
                door=rng.choice(doors),
                now=at,
            )
            result.scans += 1
            admitted.append((ticket, at))
    if admitted:
        # The usual slips at a door: a ticket shown twice, and a screenshot of nothing.
        ticket, at = rng.choice(admitted)
        checkin.check_in(
            code=ticket.code,
            venue=venue,
            actor=operator,
            door=doors[1],
            now=at + timedelta(minutes=3),
        )
        checkin.check_in(
            code="MQT1:NOT-A-REAL-TICKET", venue=venue, actor=operator, door=doors[0], now=at
        )
        result.scans += 2


def _presale_sales(
    created: list[Showtime],
    presale: PresaleRound,
    rng: random.Random,
    picker: _SeatPicker,
    fans: dict[str, User],
    generated: list[User],
    result: DemoTicketing,
) -> None:
    shows = [s for s in created if s.title_id == presale.title_id and s.sales_open_at is not None]
    if not shows:
        return
    buyers = [u for u in [fans.get("fan2"), *generated[:3]] if u is not None]
    for buyer in buyers:
        showtime = rng.choice(shows)
        codes = picker.pick(rng, showtime, 2)
        if codes and _try(_sell_online, showtime, buyer, codes, result=result):
            result.online_orders += 1


# --- entry point ------------------------------------------------------------------


def load_demo_ticketing(
    *, today: date | None = None, scale: int = 1, progress: Progress | None = None
) -> DemoTicketing:
    """Schedule, pre-sell, sell and scan in the demo world (see the module docstring).

    Needs the demo venues, titles and accounts (``load_world`` loads them
    first). ``scale`` is the demo world's scale (its venues are already
    multiplied; nothing more to do here). ``progress`` is called once per
    venue (scheduling, then sales), or treated as a tqdm bar if it has
    ``update``. Returns what this run created and the generated buyers'
    demo accounts.
    """
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
        raise ValueError("scale must be a whole number of at least 1")
    now = timezone.now()
    today = today or timezone.localdate()
    result = DemoTicketing()
    _load_rules()
    films = _films()
    days = schedule_days(today)
    general_sale = _presale_opening(today)
    venues = list(
        Venue.objects.filter(kind=Venue.Kind.CINEMA, is_active=True)
        .select_related("city", "chain")
        .order_by("slug")
    )
    halls: dict[int, list[Hall]] = {}
    for hall in Hall.objects.filter(venue__in=venues).order_by("venue_id", "name"):
        halls.setdefault(hall.venue_id, []).append(hall)
    created: list[Showtime] = []
    for venue in venues:
        created += _schedule_venue(
            venue,
            halls.get(venue.pk, []),
            days=days,
            films=films,
            now=now,
            presale_open=general_sale,
        )
        _report(progress, venue.slug)
    result.showtimes = len(created)
    generated, result.accounts = _buyers()
    fans = {u.username: u for u in User.objects.filter(username__in=["fan", "fan2"])}
    presale = _load_presale(
        today=today,
        general_sale=general_sale,
        fans=[u for u in [fans.get("fan2"), *generated[:4]] if u is not None],
        now=now,
    )
    result.presale_round_id = presale.pk if presale else None
    if created:
        _sales(
            created,
            now=now,
            fans=fans,
            generated=generated,
            presale=presale,
            result=result,
            progress=progress,
        )
    return result


def schedule_days(today: date) -> list[date]:
    """The local days the demo schedules (for tests and docs)."""
    return [today + timedelta(days=n) for n in range(-HISTORY_DAYS, DAYS_AHEAD)]
