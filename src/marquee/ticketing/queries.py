"""Reads of the ticketing domain shared by the API, the admin and the web pages.

Visibility: published and cancelled showtimes are public; drafts are seen only
by those who may schedule at the venue (its chain's operators, distribution
staff, admins). Holds are seen by their owner only; an order and its tickets
by their owner and admins (support: reading, downloads, refunds), while paying
and cancelling stay the owner's. Door scans are the venue's
operators'; settlements are the venue's operators' and distribution staff's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from marquee.accounts.models import Role, User
from marquee.accounts.permissions import AnyUser, has_role, is_admin, organisation_ids
from marquee.catalog.models import Title
from marquee.core.errors import DomainError, NotFound
from marquee.core.prepared import Prepared
from marquee.ticketing.errors import TicketingErrorCode
from marquee.ticketing.models import (
    Hold,
    Order,
    PresaleRound,
    RoundAllowance,
    Scan,
    SeatInventory,
    Showtime,
    ShowtimePrice,
    Ticket,
    WantToSee,
)
from marquee.venues import queries as venue_queries
from marquee.venues.models import Hall, Seat, Venue

# --- who may do what --------------------------------------------------------------


def _authenticated(user: AnyUser | None) -> bool:
    return user is not None and user.is_authenticated


def can_schedule_at(user: AnyUser | None, venue: Venue) -> bool:
    """May ``user`` create, publish or cancel showtimes at ``venue``?

    The venue chain's cinema operators, distribution staff and admins may.
    """
    if not _authenticated(user):
        return False
    return has_role(user, Role.DISTRIBUTION) or venue_queries.can_manage_venue(user, venue)


def can_plan_rounds(user: AnyUser | None) -> bool:
    """Pre-sale rounds and invitations are planned by distribution staff (and admins)."""
    return _authenticated(user) and has_role(user, Role.DISTRIBUTION)


def can_check_in(user: AnyUser | None, venue: Venue) -> bool:
    """May ``user`` scan tickets at ``venue``'s doors? Its chain's cinema operators and admins."""
    return _authenticated(user) and venue_queries.can_manage_venue(user, venue)


def can_view_settlement(user: AnyUser | None, venue: Venue) -> bool:
    """May ``user`` read ``venue``'s settlement? Its operators, distribution staff and admins."""
    return _authenticated(user) and (
        has_role(user, Role.DISTRIBUTION) or venue_queries.can_manage_venue(user, venue)
    )


def _scheduling_filter(user: AnyUser | None) -> Q | None:
    """``None`` = every venue; else a filter on Showtime for the user's venues."""
    if not _authenticated(user):
        return Q(pk__in=[])
    if has_role(user, Role.DISTRIBUTION):
        return None
    orgs = organisation_ids(user, Role.CINEMA_OPERATOR)
    return Q(venue__chain__organisation_id__in=orgs) if orgs else Q(pk__in=[])


def manageable_showtimes(user: AnyUser | None) -> QuerySet[Showtime]:
    """Showtimes ``user`` schedules: its chain's for operators, all for staff, none otherwise."""
    qs = Showtime.objects.all()
    scope = _scheduling_filter(user)
    return qs if scope is None else qs.filter(scope)


def visible_showtimes(user: AnyUser | None) -> QuerySet[Showtime]:
    """Published and cancelled showtimes for everyone, plus drafts ``user`` schedules."""
    public = Q(status__in=[Showtime.Status.PUBLISHED, Showtime.Status.CANCELLED])
    scope = _scheduling_filter(user)
    if scope is None:
        return Showtime.objects.all()
    return Showtime.objects.filter(public | scope)


# --- showtimes --------------------------------------------------------------------


def _with_details(qs: QuerySet[Showtime]) -> QuerySet[Showtime]:
    return qs.select_related("title", "venue", "venue__city", "hall").prefetch_related(
        Prefetch("prices", queryset=ShowtimePrice.objects.order_by("seat_type"))
    )


def _local_day(on: date, zones: set[str]) -> Q:
    """Showtimes starting on the calendar day ``on`` in their own venue's zone."""
    cond = Q(pk__in=[])
    for zone in sorted(zones):
        start, end = local_day_bounds(on, zone)  # refuses days it cannot represent
        cond |= Q(venue__time_zone=zone, starts_at__gte=start, starts_at__lt=end)
    return cond


def list_showtimes(
    *,
    user: AnyUser | None,
    title: str | None = None,
    city: str | None = None,
    venue: str | None = None,
    on: date | None = None,
    status: str | None = Showtime.Status.PUBLISHED,
    include_past: bool = False,
    now: datetime | None = None,
) -> QuerySet[Showtime]:
    """Showtimes visible to ``user``, by title slug, city code, venue slug and local day.

    ``on`` is a calendar day in each venue's own time zone. Without ``on`` (and
    unless ``include_past``) only showtimes that have not started are listed.
    Ordered by start; title, venue, city, hall and prices are joined.
    """
    qs = visible_showtimes(user)
    if status:
        qs = qs.filter(status=status)
    if title:
        qs = qs.filter(title__slug=title)
    if city:
        qs = qs.filter(venue__city__code=city)
    if venue:
        qs = qs.filter(venue__slug=venue)
    if on is not None:
        zones = Venue.objects.all()
        if city:
            zones = zones.filter(city__code=city)
        if venue:
            zones = zones.filter(slug=venue)
        qs = qs.filter(
            _local_day(on, set(zones.order_by().values_list("time_zone", flat=True).distinct()))
        )
    elif not include_past:
        qs = qs.filter(starts_at__gt=now or timezone.now())
    return _with_details(qs).order_by("starts_at", "pk")


def get_showtime(*, user: AnyUser | None, showtime_id: int) -> Showtime:
    """One showtime ``user`` may see, with details; :class:`NotFound` otherwise."""
    showtime = _with_details(visible_showtimes(user)).filter(pk=showtime_id).first()
    if showtime is None:
        raise NotFound(TicketingErrorCode.SHOWTIME_NOT_FOUND, f"No showtime {showtime_id}.")
    return showtime


def showtime_for_sale(*, user: AnyUser | None, showtime_id: int) -> Showtime:
    """A showtime to hold seats of, lean: no joins, no prices, no membership query.

    Public (published, cancelled) showtimes are read by id alone; anything else
    goes through :func:`get_showtime` (a draft only its schedulers see, else
    :class:`NotFound`).
    """
    showtime = _SHOWTIME_FOR_SALE.first(pk=showtime_id)
    return showtime or get_showtime(user=user, showtime_id=showtime_id)


#: ``showtime_for_sale``'s lookup, compiled once; it also reads the hall's layout
#: fingerprint so that a hold resolves its seat codes from :func:`hall_seat_rows`.
_SHOWTIME_FOR_SALE = Prepared(
    lambda pk: (
        Showtime.objects.filter(
            pk=pk, status__in=[Showtime.Status.PUBLISHED, Showtime.Status.CANCELLED]
        )
        .annotate(
            hall_layout_version=F("hall__layout_version"), hall_seat_count=F("hall__seat_count")
        )
        .order_by()[:1]
    ),
    pk=int,
)


def showtime_by_id(showtime_id: int) -> Showtime:
    """Any showtime by id with venue, title and hall (callers check what the actor may do)."""
    showtime = (
        Showtime.objects.select_related("venue", "title", "hall").filter(pk=showtime_id).first()
    )
    if showtime is None:
        raise NotFound(TicketingErrorCode.SHOWTIME_NOT_FOUND, f"No showtime {showtime_id}.")
    return showtime


def get_manageable_showtime(*, user: AnyUser | None, showtime_id: int) -> Showtime:
    """A showtime ``user`` schedules; others' are reported as not found (no leak)."""
    showtime = _with_details(manageable_showtimes(user)).filter(pk=showtime_id).first()
    if showtime is None:
        raise NotFound(TicketingErrorCode.SHOWTIME_NOT_FOUND, f"No showtime {showtime_id}.")
    return showtime


def title_by_slug(slug: str) -> Title:
    title = Title.objects.filter(slug=slug).first()
    if title is None:
        raise NotFound(TicketingErrorCode.TITLE_NOT_FOUND, f"No title {slug!r}.")
    return title


def account_by_id(user_id: int) -> User:
    """An active account by id (e.g. the one an invitation is issued to)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise NotFound(TicketingErrorCode.USER_NOT_FOUND, f"No account {user_id}.")
    return user


def venue_by_id(venue_id: int) -> Venue:
    """A venue by id with its chain and city (for scans and settlements, which check access)."""
    venue = Venue.objects.select_related("chain", "city").filter(pk=venue_id).first()
    if venue is None:
        raise NotFound(TicketingErrorCode.VENUE_NOT_FOUND, f"No venue {venue_id}.")
    return venue


#: Days a report may ask for: anything else is a typo (and would overflow datetimes).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2199, 12, 31)


def local_day_bounds(day: date, time_zone: str) -> tuple[datetime, datetime]:
    """The UTC-comparable instants that start ``day`` and the day after in ``time_zone``.

    Raises :class:`DomainError` ``invalid_date`` for a day outside 2000–2199.
    """
    if not FIRST_DAY <= day <= LAST_DAY:
        raise DomainError(
            TicketingErrorCode.INVALID_DATE,
            f"Choose a day between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}.",
            field="date",
        )
    tz = ZoneInfo(time_zone)
    return (
        datetime.combine(day, time.min, tzinfo=tz),
        datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz),
    )


def local_today(time_zone: str, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(ZoneInfo(time_zone)).date()


def hall_by_id(hall_id: int) -> Hall:
    hall = Hall.objects.select_related("venue", "venue__chain").filter(pk=hall_id).first()
    if hall is None:
        raise NotFound(TicketingErrorCode.HALL_NOT_FOUND, f"No hall {hall_id}.")
    return hall


# --- seat map ---------------------------------------------------------------------


class _Labels:
    __slots__ = ("number", "row_label")

    def __init__(self, row_label: str, number: str) -> None:
        self.row_label = row_label
        self.number = number


_seat_label = Seat.label.fget
_seat_code = Seat.code.fget


@dataclass(frozen=True)
class SeatState:
    code: str
    label: str
    row: int
    column: int
    seat_type: str
    partner: str | None
    state: str
    price_minor: int | None


@dataclass(frozen=True)
class SeatMap:
    showtime_id: int
    status: str
    hall_id: int
    hall_name: str
    rows: int
    columns: int
    screen_side: str
    aisles_after_rows: list[int]
    aisles_after_columns: list[int]
    currency: str
    service_fee_minor: int
    prices: dict[str, int]
    seats: list[SeatState]
    counts: dict[str, int] = field(default_factory=dict)


def seat_map(*, user: AnyUser | None, showtime_id: int, now: datetime | None = None) -> SeatMap:
    """The hall layout of a showtime with every seat's sale state, in three queries.

    States are ``free``, ``held``, ``sold`` and ``closed``; an expired hold reads
    as ``free`` and nobody learns who holds a seat. Prices are the general-sale
    prices (a pre-sale round may override them at order time).
    """
    now = now or timezone.now()
    showtime = visible_showtimes(user).select_related("hall").filter(pk=showtime_id).first()
    if showtime is None:
        raise NotFound(TicketingErrorCode.SHOWTIME_NOT_FOUND, f"No showtime {showtime_id}.")
    prices = dict(
        ShowtimePrice.objects.filter(showtime_id=showtime_id).values_list(
            "seat_type", "price_minor"
        )
    )
    hall = showtime.hall
    if showtime.status == Showtime.Status.DRAFT:
        rows = [
            (*seat, SeatInventory.State.FREE, None)
            for seat in Seat.objects.filter(hall=hall)
            .order_by()
            .values_list("pk", "row", "column", "row_label", "number", "kind", "partner_id")
        ]
    else:
        rows = list(
            SeatInventory.objects.filter(showtime_id=showtime_id).values_list(
                "seat_id",
                "seat__row",
                "seat__column",
                "seat__row_label",
                "seat__number",
                "seat__kind",
                "seat__partner_id",
                "state",
                "hold_expires_at",
            )
        )
    codes = {row[0]: _seat_code(_Labels(row[3], row[4])) for row in rows}
    seats: list[SeatState] = []
    counts: dict[str, int] = {}
    for seat_id, r, c, row_label, number, kind, partner_id, state, expires in sorted(
        rows, key=lambda x: (x[1], x[2])
    ):
        if state == SeatInventory.State.HELD and (expires is None or expires <= now):
            state = SeatInventory.State.FREE
        counts[state] = counts.get(state, 0) + 1
        labels = _Labels(row_label, number)
        seats.append(
            SeatState(
                code=codes[seat_id],
                label=_seat_label(labels),
                row=r,
                column=c,
                seat_type=kind,
                partner=codes.get(partner_id) if partner_id else None,
                state=state,
                price_minor=prices.get(kind),
            )
        )
    return SeatMap(
        showtime_id=showtime.pk,
        status=showtime.status,
        hall_id=hall.pk,
        hall_name=hall.name,
        rows=hall.rows,
        columns=hall.columns,
        screen_side=hall.screen_side,
        aisles_after_rows=list(hall.aisles_after_rows or []),
        aisles_after_columns=list(hall.aisles_after_columns or []),
        currency=showtime.currency,
        service_fee_minor=showtime.service_fee_minor,
        prices=prices,
        seats=seats,
        counts=counts,
    )


# --- seat map, the hot path of a sale -------------------------------------------------
#
# ``seat_map_json`` answers ``GET /showtimes/{id}/seats`` with the same body as
# :func:`seat_map` serialised, built from three layers:
#
# - the hall's layout as pre-serialised JSON fragments, cached (process memory in
#   front of Django's cache) per hall and ``layout_version`` — replacing a layout
#   bumps the version, so a cached layout is never stale;
# - the prices of a published or cancelled showtime, cached per showtime and
#   publication instant (a published showtime's prices cannot change);
# - the seat states: ONE query per request (plus one for the showtime row), or
#   none at all within the microcache window of a public showtime's finished
#   body (``MARQUEE_SEAT_MAP_CACHE_SECONDS``, default 0.5 s, per process): a
#   status change made by another process shows within the window. Every write
#   to seat inventory in this process clears the microcache
#   (:func:`forget_seat_maps`, called by ``services._common.lock_inventory``), so a
#   worker reads its own writes at once and other workers within the window; an
#   entry is never served past the earliest expiry of a hold it shows as held.
#
# Drafts (seen only by their schedulers) take the plain :func:`seat_map` path.

_LAYOUT_LOCAL: dict[tuple, tuple] = {}
_PRICES_LOCAL: dict[tuple, tuple] = {}
_SEATS_LOCAL: dict[tuple, dict] = {}
_MICRO: dict[int, tuple] = {}
_MICRO_GENERATION = [0]
_LOCAL_MAX = 512


def forget_seat_maps() -> None:
    """Drop this process's microcached seat maps (seat states changed)."""
    _MICRO_GENERATION[0] += 1
    _MICRO.clear()


def forget_local_caches() -> None:
    """Drop every process-local cache of this module (layouts, prices, seat indexes, maps).

    Ids are reused when a test's transaction rolls back: the test suite calls
    this between tests. Production never needs it (keys carry layout versions).
    """
    _LAYOUT_LOCAL.clear()
    _PRICES_LOCAL.clear()
    _SEATS_LOCAL.clear()
    forget_seat_maps()


def _micro_seconds() -> float:
    return float(getattr(settings, "MARQUEE_SEAT_MAP_CACHE_SECONDS", 0.5))


def _remember(store: dict, key: Any, value: Any) -> None:
    if len(store) >= _LOCAL_MAX:
        store.clear()
    store[key] = value


def _two_level(store: dict, key: tuple, prefix: str, build: Callable[[], Any]) -> Any:
    """``store[key]`` (process memory) in front of Django's cache, else ``build()`` into both.

    For values that never change under their key (it carries a layout version or
    a publication instant).
    """
    found = store.get(key)
    if found is None:
        cache_key = f"marquee:{prefix}:" + ":".join(str(part) for part in key)
        found = cache.get(cache_key)
        if found is None:
            found = build()
            cache.set(cache_key, found, timeout=24 * 3600)
        _remember(store, key, found)
    return found


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _layout(hall_id: int, fingerprint: tuple) -> tuple:
    """``(seat ids in display order, JSON prefix per seat, kind per seat, seat id set)``."""

    def build() -> tuple:
        rows = list(
            Seat.objects.filter(hall_id=hall_id)
            .order_by("row", "column")
            .values_list("pk", "row", "column", "row_label", "number", "kind", "partner_id")
        )
        codes = {row[0]: f"{row[3]}-{row[4]}" for row in rows}
        ids, prefixes, kinds = [], [], []
        for pk, r, c, row_label, number, kind, partner_id in rows:
            ids.append(pk)
            kinds.append(kind)
            seat = {
                "code": codes[pk],
                "label": f"{row_label}排{number}座",
                "row": r,
                "column": c,
                "seat_type": kind,
                "partner": codes.get(partner_id) if partner_id else None,
            }
            prefixes.append(_dumps(seat)[:-1] + ',"state":"')
        return (tuple(ids), tuple(prefixes), tuple(kinds), frozenset(ids))

    return _two_level(_LAYOUT_LOCAL, (hall_id, *fingerprint), "seatlayout4", build)


SEAT_FIELDS = tuple(f.attname for f in Seat._meta.concrete_fields)


def hall_seat_rows(hall_id: int, layout_version: int, seat_count: int) -> dict[str, tuple]:
    """``{seat code: Seat's concrete field values}`` of a hall, cached like :func:`_layout`.

    Keyed by the hall's layout version (replacing a layout bumps it) and seat
    count, in process memory in front of Django's cache. Build seats from a
    row with ``Seat.from_db(..., SEAT_FIELDS, row)``.
    """

    def build() -> dict[str, tuple]:
        rows = Seat.objects.filter(hall_id=hall_id).order_by().values_list(*SEAT_FIELDS)
        position = {name: i for i, name in enumerate(SEAT_FIELDS)}
        label, number = position["row_label"], position["number"]
        return {f"{row[label]}-{row[number]}": tuple(row) for row in rows}

    return _two_level(_SEATS_LOCAL, (hall_id, layout_version, seat_count), "hallseats", build)


def frozen_prices(showtime_id: int, published_at: Any) -> dict[str, int]:
    """A published (or cancelled) showtime's prices, which can no longer change.

    ``published_at`` as the ORM gives it or as SQLite's cursor does (naive UTC
    text): both name the same cache entry.
    """
    if not isinstance(published_at, datetime):
        published_at = datetime.fromisoformat(str(published_at))
    if published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=UTC)
    found = _two_level(
        _PRICES_LOCAL,
        (showtime_id, published_at.timestamp()),
        "showtimeprices",
        lambda: tuple(
            ShowtimePrice.objects.filter(showtime_id=showtime_id)
            .order_by("seat_type")
            .values_list("seat_type", "price_minor")
        ),
    )
    return dict(found)


_HEAD_FIELDS = (
    "status",
    "published_at",
    "currency",
    "service_fee_minor",
    "hall_id",
    "hall__layout_version",
    "hall__seat_count",
    "hall__rows",
    "hall__columns",
    "hall__name",
    "hall__screen_side",
    "hall__aisles_after_rows",
    "hall__aisles_after_columns",
)
_HEAD_SQL: dict[str, str] = {}
_STATES_SQL: dict[str, str] = {}


def _showtime_head(showtime_id: int) -> tuple | None:
    """The showtime and hall fields of a seat map, as raw values (``None``: no such showtime).

    The ORM's SQL for this lookup is compiled once per database vendor and run
    through the cursor: compiling it costs more than running it. Values are as
    the driver returns them (SQLite: JSON as text, datetimes naive).
    """
    if not -(2**63) <= showtime_id < 2**63:  # no such id; the driver would refuse it
        return None
    vendor = connection.vendor
    sql = _HEAD_SQL.get(vendor)
    if sql is None:
        qs = Showtime.objects.filter(pk=-1).order_by().values_list(*_HEAD_FIELDS)[:1]
        sql, params = qs.query.sql_with_params()
        if tuple(params) != (-1,):  # pragma: no cover - the only parameter is the id
            raise RuntimeError(f"Unexpected parameters in the seat map's SQL: {params!r}")
        _HEAD_SQL[vendor] = sql
    with connection.cursor() as cursor:
        cursor.execute(sql, [showtime_id])
        row = cursor.fetchone()
    return tuple(row) if row is not None else None


def _seat_states(showtime_id: int) -> dict[int, tuple[str, datetime | None]]:
    """``{seat id: (state, hold_expires_at)}`` of a showtime's inventory: ONE query.

    Compiled once per vendor like :func:`_showtime_head`; ``hold_expires_at`` is
    naive (UTC) on SQLite.
    """
    vendor = connection.vendor
    sql = _STATES_SQL.get(vendor)
    if sql is None:
        qs = (
            SeatInventory.objects.filter(showtime_id=-1)
            .order_by()
            .values_list("seat_id", "state", "hold_expires_at")
        )
        sql, params = qs.query.sql_with_params()
        if tuple(params) != (-1,):  # pragma: no cover - the only parameter is the id
            raise RuntimeError(f"Unexpected parameters in the seat map's SQL: {params!r}")
        _STATES_SQL[vendor] = sql
    with connection.cursor() as cursor:
        cursor.execute(sql, [showtime_id])
        return {seat_id: (state, expires) for seat_id, state, expires in cursor.fetchall()}


def seat_map_json(
    *,
    showtime_id: int,
    acting_user: Callable[[], AnyUser | None],
    now: datetime | None = None,
) -> bytes:
    """The seat map of a showtime as the JSON body of ``SeatMapOut`` (see :func:`seat_map`).

    Within the microcache window a public showtime's map costs no query; outside
    it, one small query for the showtime and one for the states; ``acting_user`` is called only for a draft (whose visibility
    depends on who asks). Raises :class:`NotFound` ``showtime_not_found``.
    """
    now = now or timezone.now()
    ttl = _micro_seconds()
    cached = _MICRO.get(showtime_id)
    if cached is not None:
        built_at, valid_until, content = cached
        if built_at <= now < valid_until:
            return content  # a public showtime's map, younger than the window: no query
    generation = _MICRO_GENERATION[0]
    head = _showtime_head(showtime_id)
    if head is None:
        raise NotFound(TicketingErrorCode.SHOWTIME_NOT_FOUND, f"No showtime {showtime_id}.")
    if head[0] == Showtime.Status.DRAFT:
        body = seat_map_body(seat_map(user=acting_user(), showtime_id=showtime_id, now=now))
        return _dumps(body).encode()
    (
        status,
        published_at,
        currency,
        fee,
        hall_id,
        version,
        seat_count,
        rows,
        columns,
        hall_name,
        screen_side,
        aisle_rows,
        aisle_columns,
    ) = head
    if isinstance(aisle_rows, str):  # raw JSON from SQLite
        aisle_rows, aisle_columns = json.loads(aisle_rows), json.loads(aisle_columns)
    ids, prefixes, kinds, id_set = _layout(hall_id, (version, seat_count, rows, columns))
    prices = frozen_prices(showtime_id, published_at)
    states = _seat_states(showtime_id)
    if states.keys() != id_set:  # only a layout cached under a reused id can differ
        _LAYOUT_LOCAL.clear()
        body = seat_map_body(seat_map(user=None, showtime_id=showtime_id, now=now))
        return _dumps(body).encode()
    held, free = SeatInventory.State.HELD, SeatInventory.State.FREE
    valid_until = now + timedelta(seconds=ttl)
    counts: dict[str, int] = {}
    parts = []
    for seat_id, prefix, kind in zip(ids, prefixes, kinds, strict=True):
        state, expires = states[seat_id]
        if state == held:
            if expires is not None and expires.tzinfo is None:  # SQLite: naive UTC
                expires = expires.replace(tzinfo=UTC)
            if expires is None or expires <= now:
                state = free
            elif expires < valid_until:
                valid_until = expires
        counts[state] = counts.get(state, 0) + 1
        price = prices.get(kind)
        parts.append(f'{prefix}{state}","price_minor":{"null" if price is None else price}}}')
    top = {
        "showtime_id": showtime_id,
        "status": status,
        "hall_id": hall_id,
        "hall_name": hall_name,
        "rows": rows,
        "columns": columns,
        "screen_side": screen_side,
        "aisles_after_rows": list(aisle_rows or []),
        "aisles_after_columns": list(aisle_columns or []),
        "currency": currency,
        "service_fee_minor": fee,
        "prices": prices,
        "counts": counts,
    }
    content = (_dumps(top)[:-1] + ',"seats":[' + ",".join(parts) + "]}").encode()
    if ttl > 0 and generation == _MICRO_GENERATION[0]:
        _remember(_MICRO, showtime_id, (now, valid_until, content))
    return content


def seat_map_body(seat_map: SeatMap) -> dict[str, Any]:
    """``seat_map`` as the plain dict of ``SeatMapOut``."""
    return {
        "showtime_id": seat_map.showtime_id,
        "status": seat_map.status,
        "hall_id": seat_map.hall_id,
        "hall_name": seat_map.hall_name,
        "rows": seat_map.rows,
        "columns": seat_map.columns,
        "screen_side": seat_map.screen_side,
        "aisles_after_rows": seat_map.aisles_after_rows,
        "aisles_after_columns": seat_map.aisles_after_columns,
        "currency": seat_map.currency,
        "service_fee_minor": seat_map.service_fee_minor,
        "prices": seat_map.prices,
        "counts": seat_map.counts,
        "seats": [s.__dict__ for s in seat_map.seats],
    }


# --- rounds and interest ----------------------------------------------------------


def list_rounds(
    *, title: str | None = None, open_only: bool = False, now: datetime | None = None
) -> QuerySet[PresaleRound]:
    """Pre-sale rounds (public), by title slug; ``open_only`` keeps those selling now."""
    qs = PresaleRound.objects.select_related("title").prefetch_related("venues", "cities")
    if title:
        qs = qs.filter(title__slug=title)
    if open_only:
        now = now or timezone.now()
        qs = qs.filter(opens_at__lte=now, closes_at__gt=now)
    return qs.order_by("opens_at", "pk")


def get_round(round_id: int) -> PresaleRound:
    found = (
        PresaleRound.objects.select_related("title")
        .prefetch_related("venues", "cities")
        .filter(pk=round_id)
        .first()
    )
    if found is None:
        raise NotFound(TicketingErrorCode.ROUND_NOT_FOUND, f"No pre-sale round {round_id}.")
    return found


def round_usage(*, round_id: int, user: AnyUser | None, now: datetime | None = None) -> int:
    """Seats ``user`` holds or bought in the round, as the per-account limit counts them.

    Holds that expired but were not yet given back are left out: they are
    given back before the next hold is counted.
    """
    if not _authenticated(user):
        return 0
    now = now or timezone.now()
    counted = (
        RoundAllowance.objects.filter(round_id=round_id, user=user)
        .values_list("tickets", flat=True)
        .first()
    ) or 0
    stale = (
        Hold.objects.filter(
            round_id=round_id, user=user, status=Hold.Status.ACTIVE, expires_at__lte=now
        ).aggregate(n=Sum("seat_count"))["n"]
        or 0
    )
    return max(counted - stale, 0)


def want_to_see_count(title: Title) -> int:
    return WantToSee.objects.filter(title=title).count()


def wants_to_see(user: AnyUser | None, title: Title) -> bool:
    return _authenticated(user) and WantToSee.objects.filter(user=user, title=title).exists()


# --- holds, orders, tickets -------------------------------------------------------


def _hold_queryset() -> QuerySet[Hold]:
    return Hold.objects.select_related("showtime").prefetch_related(
        Prefetch("seats", queryset=Seat.objects.order_by("row", "column"))
    )


def hold_of(*, user: AnyUser | None, hold_id: int) -> Hold:
    """The user's own hold with its seats; anyone else's is :class:`NotFound`."""
    hold = (
        _hold_queryset().filter(pk=hold_id, user=user).order_by().first()
        if _authenticated(user)
        else None
    )
    if hold is None:
        raise NotFound(TicketingErrorCode.HOLD_NOT_FOUND, f"No hold {hold_id} of yours.")
    return hold


def _order_queryset() -> QuerySet[Order]:
    return Order.objects.select_related(
        "hold", "showtime", "showtime__title", "showtime__venue", "showtime__hall"
    ).prefetch_related("lines__seat")


def orders_of(user: AnyUser | None) -> QuerySet[Order]:
    """The user's orders, newest first."""
    if not _authenticated(user):
        return Order.objects.none()
    return _order_queryset().filter(user=user).order_by("-created_at", "-pk")


def order_of(*, user: AnyUser | None, order_id: int) -> Order:
    """The user's own order with lines; anyone else's is :class:`NotFound`."""
    order = orders_of(user).filter(pk=order_id).order_by().first()
    if order is None:
        raise NotFound(TicketingErrorCode.ORDER_NOT_FOUND, f"No order {order_id} of yours.")
    return order


def tickets_of_order(*, user: AnyUser | None, order_id: int) -> list[Ticket]:
    """The tickets of the user's own order (empty until it is paid); admins see any order's."""
    owned = _owners_or_admins(Order.objects.filter(pk=order_id).values_list("pk"), user)
    if not owned:
        raise NotFound(TicketingErrorCode.ORDER_NOT_FOUND, f"No order {order_id} of yours.")
    return _ORDER_TICKETS.rows(order_id=order_id)


#: An order's tickets with what a ticket's response shows (compiled once).
_ORDER_TICKETS = Prepared(
    lambda order_id: (
        Ticket.objects.filter(order_id=order_id)
        .select_related(
            "seat", "line", "showtime", "showtime__title", "showtime__venue", "showtime__hall"
        )
        .order_by("seat__row", "seat__column")
    ),
    order_id=int,
)


def _owners_or_admins(queryset: QuerySet, user: AnyUser | None) -> Any:
    """The first row of ``queryset`` if ``user`` owns it or is an admin, else ``None``.

    The owner's read comes first: a buyer (the hot path) costs no membership query.
    """
    if not _authenticated(user):
        return None
    found = queryset.filter(user=user).order_by().first()
    if found is None and is_admin(user):
        found = queryset.order_by().first()
    return found


def order_for_owner(*, user: AnyUser | None, order_id: int) -> Order:
    """The order for its owner (or an admin, e.g. support refunding for a buyer)."""
    order = _owners_or_admins(_order_queryset().filter(pk=order_id), user)
    if order is None:
        raise NotFound(TicketingErrorCode.ORDER_NOT_FOUND, f"No order {order_id} of yours.")
    return order


def _ticket_details(qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return qs.select_related(
        "seat",
        "line",
        "order",
        "showtime",
        "showtime__title",
        "showtime__venue",
        "showtime__hall",
    )


def ticket_for_owner(*, user: AnyUser | None, ticket_id: int) -> Ticket:
    """A ticket for the owner of its order (or an admin); anyone else's is :class:`NotFound`."""
    qs = _ticket_details(Ticket.objects.all())
    if not _authenticated(user):
        qs = qs.none()
    elif not is_admin(user):
        qs = qs.filter(order__user=user)
    ticket = qs.filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound(TicketingErrorCode.TICKET_NOT_FOUND, f"No ticket {ticket_id} of yours.")
    return ticket


def tickets_of(order: Order, *, active_only: bool = False) -> list[Ticket]:
    """The tickets of ``order`` in seat order, with seat, line and showtime details."""
    qs = _ticket_details(Ticket.objects.filter(order=order))
    if active_only:
        qs = qs.filter(status__in=Ticket.ACTIVE_STATUSES)
    return list(qs.order_by("seat__row", "seat__column", "pk"))


# --- door scans -------------------------------------------------------------------


@dataclass(frozen=True)
class ScanSummary:
    venue_id: int
    day: date
    time_zone: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def admitted(self) -> int:
        return self.counts.get(Scan.Verdict.VALID, 0)


def scan_summary(*, venue: Venue, day: date) -> ScanSummary:
    """How many scans of each verdict ``venue``'s doors recorded on ``day`` (its local day).

    The caller checks :func:`can_check_in`. Every verdict is present (0 when none).
    """
    start, end = local_day_bounds(day, venue.time_zone)
    counts = dict.fromkeys(Scan.Verdict.values, 0)
    for verdict, n in (
        Scan.objects.filter(venue=venue, at__gte=start, at__lt=end)
        .order_by()
        .values_list("verdict")
        .annotate(n=Count("pk"))
    ):
        counts[verdict] = n
    return ScanSummary(venue_id=venue.pk, day=day, time_zone=venue.time_zone, counts=counts)
