"""Reads that only the web pages need: what a page shows, shaped for its template.

Visibility is never decided here: every read goes through the domain queries
(``ticketing.queries.visible_showtimes``, ``manageable_showtimes``,
``orders_of``, ``venues.queries.visible_venues``…) or filters by the acting
user, so the HTML sees exactly what the API sees.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from marquee.accounts.permissions import AnyUser
from marquee.catalog.models import Credit, Genre, ReleaseDate, Title
from marquee.payments.models import Payment
from marquee.places.models import City
from marquee.ticketing import queries as ticketing_queries
from marquee.ticketing.models import (
    Order,
    PresaleRound,
    SeatInventory,
    Showtime,
    Ticket,
    WantToSee,
)
from marquee.ticketing.services.orders import PAYMENT_PURPOSE
from marquee.venues import queries as venue_queries
from marquee.venues.models import Hall, SeatType, Venue

#: How far ahead the home page counts showtimes ("now showing").
STOREFRONT_DAYS = 7
#: How far ahead film and cinema pages list showtimes: every day that has some,
#: pre-sale days included (a bound only so that a stray far-future row is not read).
SCHEDULE_DAYS = 400
#: How far ahead "coming soon" looks for release dates.
COMING_SOON_DAYS = 180


def poster_hue(title: Title) -> int:
    """The colour of a title's placeholder poster, stable per title."""
    return (title.pk * 47) % 360


# --- cities -----------------------------------------------------------------------


def cities() -> list[City]:
    """Cities with at least one active venue (for the picker), by English name."""
    return [c for c in venue_queries.cities() if c.active_venue_count]


def city_by_code(code: str | None) -> City | None:
    """The city with ``code``, or ``None`` for anything else (never raises)."""
    code = (code or "").strip()
    if not code or len(code) > 40 or "\x00" in code:
        return None
    return City.objects.filter(code=code).first()


# --- home: now showing and coming soon ---------------------------------------------


@dataclass(frozen=True)
class FilmCard:
    """One film tile of the home page."""

    title: Title
    hue: int
    opens_on: date | None  # the next release date in the city's territory still to come
    want_to_see: int
    presale: bool  # an open pre-sale round covers this city
    showtimes: int  # bookable showtimes in the city in the next days


@dataclass(frozen=True)
class HomeListing:
    now_showing: list[FilmCard]
    coming_soon: list[FilmCard]


def _want_to_see_counts(title_ids: list[int]) -> dict[int, int]:
    if not title_ids:
        return {}
    return dict(
        WantToSee.objects.filter(title_id__in=title_ids)
        .values("title_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("title_id", "n")
    )


def _open_rounds_by_title(title_ids: list[int], city: City, now: datetime) -> set[int]:
    """Titles with a pre-sale round open now that covers ``city``."""
    if not title_ids:
        return set()
    rounds = PresaleRound.objects.filter(
        title_id__in=title_ids, opens_at__lte=now, closes_at__gt=now
    ).prefetch_related(
        Prefetch("venues", queryset=Venue.objects.only("pk", "city_id")),
        Prefetch("cities", queryset=City.objects.only("pk")),
    )
    return {presale.title_id for presale in rounds if _round_covers(presale, city)}


def _round_covers(presale: PresaleRound, city: City) -> bool:
    """A round covers a city when it names no cities and no venues, or names it or its venues."""
    venue_cities = {v.city_id for v in presale.venues.all()}
    city_ids = {c.pk for c in presale.cities.all()}
    return (not venue_cities or city.pk in venue_cities) and (not city_ids or city.pk in city_ids)


def _titles_with_related(qs: QuerySet[Title]) -> QuerySet[Title]:
    return qs.prefetch_related(
        Prefetch("genres", queryset=Genre.objects.order_by("code")),
        Prefetch("release_dates", queryset=ReleaseDate.objects.order_by("date", "territory")),
    )


def home_listing(*, city: City, user: AnyUser | None, now: datetime | None = None) -> HomeListing:
    """What plays in ``city`` now and what comes soon there.

    *Now showing*: titles with published showtimes in the city in the next
    :data:`STOREFRONT_DAYS` days that are released in the city's territory (or
    have no release date there). *Coming soon*: titles whose release in the
    territory is still ahead (up to :data:`COMING_SOON_DAYS`), with or without
    pre-sale showtimes. Each card carries the want-to-see count and a pre-sale
    flag. A fixed number of queries.
    """
    now = now or timezone.now()
    today = now.astimezone(ZoneInfo(city.time_zone)).date()
    upcoming = ticketing_queries.visible_showtimes(user).filter(
        status=Showtime.Status.PUBLISHED,
        venue__city=city,
        starts_at__gt=now,
        starts_at__lt=now + timedelta(days=STOREFRONT_DAYS),
    )
    counts = dict(
        upcoming.values("title_id").annotate(n=Count("id")).order_by().values_list("title_id", "n")
    )
    opening = ReleaseDate.objects.filter(
        territory=city.territory,
        date__gt=today,
        date__lte=today + timedelta(days=COMING_SOON_DAYS),
    ).values("title_id")
    titles = list(
        _titles_with_related(
            Title.objects.filter(Q(pk__in=list(counts)) | Q(pk__in=opening)).order_by(
                "-year", "title_en", "pk"
            )
        )
    )
    ids = [t.pk for t in titles]
    wanted = _want_to_see_counts(ids)
    presale = _open_rounds_by_title(ids, city, now)
    now_showing: list[FilmCard] = []
    coming_soon: list[FilmCard] = []
    for title in titles:
        release = next(
            (r.date for r in title.release_dates.all() if r.territory == city.territory), None
        )
        card = FilmCard(
            title=title,
            hue=poster_hue(title),
            opens_on=release if release is not None and release > today else None,
            want_to_see=wanted.get(title.pk, 0),
            presale=title.pk in presale,
            showtimes=counts.get(title.pk, 0),
        )
        (coming_soon if card.opens_on else now_showing).append(card)
    now_showing.sort(key=lambda c: (-c.showtimes, c.title.title_en))
    coming_soon.sort(key=lambda c: (c.opens_on or today, c.title.title_en))
    return HomeListing(now_showing=now_showing, coming_soon=coming_soon)


def catalog_cards(*, limit: int = 48) -> list[FilmCard]:
    """Every film of the catalog, newest first: the home page before any city exists."""
    from marquee.catalog.queries import home_titles

    today = timezone.localdate()
    films = home_titles(limit=limit)
    wanted = _want_to_see_counts([t.pk for t in films])
    return [
        FilmCard(
            title=t,
            hue=poster_hue(t),
            opens_on=min((r.date for r in t.release_dates.all() if r.date > today), default=None),
            want_to_see=wanted.get(t.pk, 0),
            presale=False,
            showtimes=0,
        )
        for t in films
    ]


# --- film page ----------------------------------------------------------------------


@dataclass(frozen=True)
class ShowtimeChip:
    showtime: Showtime
    lowest_price_minor: int | None  # the cheapest seat anyone may buy (not a concession)
    presale: bool  # general sale has not opened yet
    highest_price_minor: int | None = None  # the dearest such seat (VIP, couple)
    standard_price_minor: int | None = None  # a regular seat's (what the price filter compares)


@dataclass
class VenueShowtimes:
    venue: Venue
    showtimes: list[ShowtimeChip] = field(default_factory=list)


@dataclass
class DayShowtimes:
    day: date
    venues: list[VenueShowtimes] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(v.showtimes) for v in self.venues)


def film_detail(slug: str) -> Title:
    """A title with genres, release dates and credits; :class:`NotFound` otherwise."""
    from marquee.catalog.queries import title_by_slug

    return title_by_slug(slug)


def film_credits(title: Title) -> list[Credit]:
    """The title's credits (already prefetched by :func:`film_detail`), producers first."""
    order = {
        Credit.Role.PRODUCER: 0,
        Credit.Role.CO_PRODUCER: 1,
        Credit.Role.DISTRIBUTOR: 2,
        Credit.Role.CO_FINANCIER: 3,
    }
    return sorted(title.credits.all(), key=lambda c: (order.get(c.role, 9), c.company.name_en))


#: Seats sold at a concession to whoever needs them: not what "from CN¥…" may quote.
CONCESSION_SEATS = frozenset({SeatType.WHEELCHAIR, SeatType.COMPANION})


def _priced(showtimes: QuerySet[Showtime]) -> QuerySet[Showtime]:
    """``showtimes`` with what a chip quotes, in the same query (their prices are not fetched).

    Wheelchair spaces and companion seats are priced for those who need them;
    quoting them as "from" would promise a price most buyers cannot have. The
    filters' "regular seat" is the standard seat, else the cheapest of any kind.
    """
    price = "prices__price_minor"
    bookable = ~Q(prices__seat_type__in=CONCESSION_SEATS)
    return showtimes.prefetch_related(None).annotate(
        chip_low=Min(price, filter=bookable),
        chip_high=Max(price, filter=bookable),
        chip_standard=Coalesce(
            Min(price, filter=Q(prices__seat_type=SeatType.STANDARD)), Min(price)
        ),
    )


def _chip(showtime: Showtime, now: datetime) -> ShowtimeChip:
    """A showtime read through :func:`_priced` as its chip."""
    return ShowtimeChip(
        showtime=showtime,
        lowest_price_minor=showtime.chip_low,
        presale=ticketing_queries.sale_state(showtime, now).presale,
        highest_price_minor=showtime.chip_high,
        standard_price_minor=showtime.chip_standard,
    )


def film_schedule(
    *, title: Title, city: City, user: AnyUser | None, now: datetime | None = None
) -> list[DayShowtimes]:
    """The title's coming showtimes in ``city``, by local date, then cinema.

    Every day that has showtimes (up to :data:`SCHEDULE_DAYS` ahead), pre-sale
    days included. One query: the showtimes with their venue, hall, title and
    price range.
    """
    now = now or timezone.now()
    showtimes = _priced(
        ticketing_queries.list_showtimes(user=user, title=title.slug, city=city.code, now=now)
    ).filter(starts_at__lt=now + timedelta(days=SCHEDULE_DAYS))
    days: dict[date, dict[int, VenueShowtimes]] = defaultdict(dict)
    for showtime in showtimes:
        local = showtime.starts_at.astimezone(ZoneInfo(showtime.venue.time_zone))
        per_venue = days[local.date()]
        group = per_venue.get(showtime.venue_id)
        if group is None:
            group = per_venue[showtime.venue_id] = VenueShowtimes(venue=showtime.venue)
        group.showtimes.append(_chip(showtime, now))
    return [
        DayShowtimes(day=day, venues=sorted(venues.values(), key=lambda v: v.venue.name_en))
        for day, venues in sorted(days.items())
    ]


# --- cinema pages ---------------------------------------------------------------------


def cinemas_of_city(*, city: City, user: AnyUser | None) -> QuerySet[Venue]:
    """The visible cinemas of ``city`` with their halls."""
    return (
        venue_queries.visible_venues(user)
        .filter(city=city, kind=Venue.Kind.CINEMA)
        .annotate(hall_count=Count("halls"))
        .order_by("name_en")
    )


@dataclass
class TitleShowtimes:
    title: Title
    showtimes: list[ShowtimeChip] = field(default_factory=list)


def cinema_day(
    *, venue: Venue, day: date, user: AnyUser | None, now: datetime | None = None
) -> list[TitleShowtimes]:
    """The day's published showtimes at ``venue`` (local day), by title."""
    now = now or timezone.now()
    showtimes = _priced(
        ticketing_queries.list_showtimes(user=user, venue=venue.slug, on=day, now=now)
    )
    groups: dict[int, TitleShowtimes] = {}
    for showtime in showtimes:
        group = groups.get(showtime.title_id)
        if group is None:
            group = groups[showtime.title_id] = TitleShowtimes(title=showtime.title)
        group.showtimes.append(_chip(showtime, now))
    return sorted(groups.values(), key=lambda g: g.showtimes[0].showtime.starts_at)


def cinema_days(*, venue: Venue, user: AnyUser | None, now: datetime | None = None) -> list[date]:
    """The local days with coming published showtimes at ``venue`` (pre-sale days included).

    Today is always first, so the page opens on it even when nothing is left today.
    """
    now = now or timezone.now()
    zone = ZoneInfo(venue.time_zone)
    starts = ticketing_queries.list_showtimes(user=user, venue=venue.slug, now=now).filter(
        starts_at__lt=now + timedelta(days=SCHEDULE_DAYS)
    )
    today = now.astimezone(zone).date()
    days = {s.astimezone(zone).date() for s in starts.values_list("starts_at", flat=True)}
    return sorted(days | {today})


@dataclass(frozen=True)
class PresaleInfo:
    """A pre-sale round of a title that covers the city, still to come or open now."""

    round: PresaleRound
    open_now: bool

    @property
    def audience(self) -> str:
        return str(PresaleRound.Audience(self.round.audience).label)


def presale_rounds(*, title: Title, city: City, now: datetime | None = None) -> list[PresaleInfo]:
    """``title``'s pre-sale rounds that cover ``city`` and have not closed, soonest first.

    Three queries (rounds, their venues, their cities).
    """
    now = now or timezone.now()
    found = ticketing_queries.list_rounds(title=title.slug).filter(closes_at__gt=now)
    return [
        PresaleInfo(round=presale, open_now=presale.opens_at <= now)
        for presale in found
        if _round_covers(presale, city)
    ]


def local_days(
    zone: str, *, count: int = STOREFRONT_DAYS, now: datetime | None = None
) -> list[date]:
    today = (now or timezone.now()).astimezone(ZoneInfo(zone)).date()
    return [today + timedelta(days=n) for n in range(count)]


# --- checkout ---------------------------------------------------------------------------


def order_payments(order: Order) -> list[Payment]:
    """The payments opened for ``order`` by its buyer, newest first."""
    return list(
        Payment.objects.filter(
            purpose=PAYMENT_PURPOSE, reference=str(order.pk), payer_id=order.user_id
        ).order_by("-created_at")
    )


# --- my tickets --------------------------------------------------------------------------


@dataclass
class OrderTickets:
    order: Order
    tickets: list[Ticket]
    upcoming: bool

    @property
    def showtime(self) -> Showtime:
        return self.order.showtime

    @property
    def valid_tickets(self) -> list[Ticket]:
        return [t for t in self.tickets if t.status == Ticket.Status.VALID]


def my_tickets(user: AnyUser | None, *, now: datetime | None = None) -> list[OrderTickets]:
    """The user's orders that carry tickets, upcoming showtimes first (soonest first).

    Two queries: the user's orders (through :func:`ticketing.queries.orders_of`)
    and their tickets.
    """
    now = now or timezone.now()
    orders = list(
        ticketing_queries.orders_of(user)
        .filter(paid_at__isnull=False)
        .select_related("showtime__venue__city")
    )
    tickets: dict[int, list[Ticket]] = defaultdict(list)
    for ticket in (
        Ticket.objects.filter(order__in=[o.pk for o in orders])
        .select_related("seat", "line")
        .order_by("seat__row", "seat__column")
    ):
        tickets[ticket.order_id].append(ticket)
    result = [
        OrderTickets(order=o, tickets=tickets.get(o.pk, []), upcoming=o.showtime.ends_at > now)
        for o in orders
    ]
    upcoming = sorted((r for r in result if r.upcoming), key=lambda r: r.showtime.starts_at)
    past = sorted(
        (r for r in result if not r.upcoming), key=lambda r: r.showtime.starts_at, reverse=True
    )
    return upcoming + past


def exchange_targets(*, order: Order, user: AnyUser | None, now: datetime | None = None) -> list:
    """Other bookable showtimes of the same title at the same cinema (for an exchange)."""
    now = now or timezone.now()
    return [
        _chip(s, now)
        for s in _priced(
            ticketing_queries.list_showtimes(
                user=user, title=order.showtime.title.slug, venue=order.showtime.venue.slug, now=now
            )
        )
        .exclude(pk=order.showtime_id)
        .filter(starts_at__lt=now + timedelta(days=14))
    ]


@dataclass
class ChipDay:
    """One local day of showtimes (the exchange page's groups)."""

    day: date
    chips: list[ShowtimeChip] = field(default_factory=list)


def chips_by_day(chips: list[ShowtimeChip]) -> list[ChipDay]:
    """``chips`` grouped by the local day (venue's zone) they start on, days in order."""
    days: dict[date, ChipDay] = {}
    for chip in sorted(chips, key=lambda c: c.showtime.starts_at):
        local = chip.showtime.starts_at.astimezone(ZoneInfo(chip.showtime.venue.time_zone))
        days.setdefault(local.date(), ChipDay(day=local.date())).chips.append(chip)
    return list(days.values())


# --- console ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Occupancy:
    total: int
    sold: int
    held: int

    @property
    def free(self) -> int:
        return max(self.total - self.sold - self.held, 0)

    @property
    def percent(self) -> int:
        return round(100 * self.sold / self.total) if self.total else 0


def occupancy(showtime_ids: list[int], *, now: datetime | None = None) -> dict[int, Occupancy]:
    """Seats sold and held (live holds only) per showtime, in one query."""
    if not showtime_ids:
        return {}
    now = now or timezone.now()
    rows = (
        SeatInventory.objects.filter(showtime_id__in=showtime_ids)
        .values("showtime_id")
        .annotate(
            total=Count("id"),
            sold=Count("id", filter=Q(state=SeatInventory.State.SOLD)),
            held=Count("id", filter=Q(state=SeatInventory.State.HELD, hold_expires_at__gt=now)),
        )
        .order_by()
    )
    return {
        r["showtime_id"]: Occupancy(total=r["total"], sold=r["sold"], held=r["held"]) for r in rows
    }


@dataclass
class ConsoleCell:
    day: date
    showtimes: list[tuple[Showtime, Occupancy | None]] = field(default_factory=list)


@dataclass
class ConsoleRow:
    hall: Hall
    cells: list[ConsoleCell]


def console_week(
    *, venue: Venue, start: date, user: AnyUser | None, now: datetime | None = None
) -> list[ConsoleRow]:
    """The week from ``start`` (7 local days) of every hall of ``venue``, as a grid.

    Includes drafts and cancelled showtimes; only showtimes ``user`` schedules
    are read (:func:`ticketing.queries.manageable_showtimes`).
    """
    zone = ZoneInfo(venue.time_zone)
    begin = datetime.combine(start, time.min, tzinfo=zone)
    end = begin + timedelta(days=7)
    halls = list(Hall.objects.filter(venue=venue).order_by("name"))
    showtimes = list(
        ticketing_queries.manageable_showtimes(user)
        .filter(venue=venue, starts_at__gte=begin, starts_at__lt=end)
        .select_related("title", "hall")
        .order_by("starts_at", "pk")
    )
    occupied = occupancy([s.pk for s in showtimes], now=now)
    days = [start + timedelta(days=n) for n in range(7)]
    rows = {h.pk: ConsoleRow(hall=h, cells=[ConsoleCell(day=d) for d in days]) for h in halls}
    for showtime in showtimes:
        row = rows.get(showtime.hall_id)
        if row is None:
            continue
        index = (showtime.starts_at.astimezone(zone).date() - start).days
        if 0 <= index < 7:
            row.cells[index].showtimes.append((showtime, occupied.get(showtime.pk)))
    return list(rows.values())


def console_venues(user: AnyUser | None) -> QuerySet[Venue]:
    """Venues whose schedule ``user`` may open in the console."""
    return venue_queries.manageable_venues(user).filter(is_active=True).order_by("name_en")


def scanner_venues(user: AnyUser | None) -> list[Venue]:
    """Venues whose door ``user`` may scan for: its chain's cinemas (admins: all)."""
    return [
        v
        for v in venue_queries.manageable_venues(user).order_by("name_en")
        if venue_queries.can_manage_venue(user, v)
    ]


def schedulable_titles() -> QuerySet[Title]:
    """Films that may be scheduled (those with a runtime), by English title."""
    return Title.objects.filter(kind=Title.Kind.FILM, runtime_minutes__isnull=False).order_by(
        "title_en", "pk"
    )


def hall_seat_types(hall: Hall) -> list[str]:
    """The names of the seat types present in ``hall`` (each needs a price to publish)."""
    kinds = sorted(set(hall.seats.order_by().values_list("kind", flat=True)))
    return [str(SeatType(k).label) if k in SeatType.values else k for k in kinds]
