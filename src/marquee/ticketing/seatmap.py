"""The seat map of a showtime: the plain read and the cached hot path of a sale.

:func:`seat_map` reads a showtime's hall layout with every seat's sale state;
:func:`seat_map_json` answers the same body from process and shared caches
(the hall layout, a published showtime's frozen prices) plus one query for the
states. :func:`hall_seat_rows` and :func:`frozen_prices` are the caches the
hold and order services read too.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from marquee.accounts.permissions import AnyUser
from marquee.core.errors import NotFound
from marquee.core.prepared import Prepared
from marquee.ticketing.errors import TicketingErrorCode
from marquee.ticketing.models import SeatInventory, Showtime, ShowtimePrice
from marquee.ticketing.queries import visible_showtimes
from marquee.venues.models import Seat, seat_code, seat_label

# --- seat map ---------------------------------------------------------------------


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
    codes = {row[0]: seat_code(row[3], row[4]) for row in rows}
    seats: list[SeatState] = []
    counts: dict[str, int] = {}
    for seat_id, r, c, row_label, number, kind, partner_id, state, expires in sorted(
        rows, key=lambda x: (x[1], x[2])
    ):
        if state == SeatInventory.State.HELD and (expires is None or expires <= now):
            state = SeatInventory.State.FREE
        counts[state] = counts.get(state, 0) + 1
        seats.append(
            SeatState(
                code=codes[seat_id],
                label=seat_label(row_label, number),
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
        codes = {row[0]: seat_code(row[3], row[4]) for row in rows}
        ids, prefixes, kinds = [], [], []
        for pk, r, c, row_label, number, kind, partner_id in rows:
            ids.append(pk)
            kinds.append(kind)
            seat = {
                "code": codes[pk],
                "label": seat_label(row_label, number),
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
        return {seat_code(row[label], row[number]): tuple(row) for row in rows}

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
#: The showtime and hall fields of a seat map, compiled once (core.prepared), as
#: the driver returns them (SQLite: JSON as text, datetimes naive): decoding
#: them here costs less than the ORM's converters.
_HEAD = Prepared(
    lambda pk: Showtime.objects.filter(pk=pk).order_by().values_list(*_HEAD_FIELDS)[:1],
    pk=int,
    raw=True,
)
#: A showtime's inventory states, compiled once; ``hold_expires_at`` is naive
#: (UTC) on SQLite.
_STATES = Prepared(
    lambda showtime_id: (
        SeatInventory.objects.filter(showtime_id=showtime_id)
        .order_by()
        .values_list("seat_id", "state", "hold_expires_at")
    ),
    showtime_id=int,
    raw=True,
)


def _showtime_head(showtime_id: int) -> tuple | None:
    """The showtime and hall fields of a seat map, raw (``None``: no such showtime)."""
    return _HEAD.first(pk=showtime_id)


def _seat_states(showtime_id: int) -> dict[int, tuple[str, datetime | None]]:
    """``{seat id: (state, hold_expires_at)}`` of a showtime's inventory: ONE query."""
    return {
        seat_id: (state, expires)
        for seat_id, state, expires in _STATES.rows(showtime_id=showtime_id)
    }


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
