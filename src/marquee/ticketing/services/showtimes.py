"""Writes for showtimes: create, update, publish (builds the seat inventory), cancel."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from marquee.accounts.models import User
from marquee.catalog.models import Title
from marquee.core.errors import Conflict, DomainError, PermissionDenied
from marquee.ticketing import events
from marquee.ticketing.errors import TicketingErrorCode
from marquee.ticketing.limits import cleaning_buffer
from marquee.ticketing.models import (
    Hold,
    Order,
    SeatInventory,
    Showtime,
    ShowtimeFormat,
    ShowtimePrice,
)
from marquee.ticketing.permissions import can_schedule_at
from marquee.ticketing.services import waiting_room
from marquee.ticketing.services._common import lock_inventory, require_aware
from marquee.venues.models import Hall, Seat, SeatType

logger = logging.getLogger(__name__)

#: A price above this (minor units) is a typo, not a ticket price.
MAX_PRICE_MINOR = 100_000_00
MAX_RUNTIME_MINUTES = 24 * 60


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


#: "Leave this field as it is" for :func:`update_showtime`.
UNSET: Any = _Unset()

#: Fields :func:`update_showtime` may change once a showtime is published.
PUBLISHED_EDITABLE = frozenset(
    {"audio_language", "subtitle_language", "sales_open_at", "waiting_room_size"}
)


def _require_scheduler(actor: User, hall: Hall) -> None:
    if not can_schedule_at(actor, hall.venue):
        raise PermissionDenied(
            TicketingErrorCode.NOT_VENUE_SCHEDULER,
            "Only the venue chain's operators, distribution staff or admins schedule showtimes here.",
        )


def _clean_prices(prices: Mapping[str, Any]) -> dict[str, int]:
    if not isinstance(prices, Mapping):
        raise DomainError(TicketingErrorCode.INVALID_PRICE, "Prices map seat types to amounts.")
    clean: dict[str, int] = {}
    for seat_type, amount in prices.items():
        if seat_type not in SeatType.values:
            raise DomainError(
                TicketingErrorCode.INVALID_PRICE,
                f"{seat_type!r} is not a seat type; use one of {', '.join(SeatType.values)}.",
                seat_type=str(seat_type),
            )
        if (
            isinstance(amount, bool)
            or not isinstance(amount, int)
            or not 0 <= amount <= MAX_PRICE_MINOR
        ):
            raise DomainError(
                TicketingErrorCode.INVALID_PRICE,
                f"The {seat_type} price must be a whole number of minor units from 0 to {MAX_PRICE_MINOR}.",
                seat_type=seat_type,
            )
        clean[seat_type] = amount
    return clean


def _clean_fee(fee: Any) -> int:
    if isinstance(fee, bool) or not isinstance(fee, int) or not 0 <= fee <= MAX_PRICE_MINOR:
        raise DomainError(
            TicketingErrorCode.INVALID_PRICE,
            "The service fee must be a whole number of minor units, 0 or more.",
            field="service_fee_minor",
        )
    return fee


def _clean_format(fmt: str, hall: Hall) -> str:
    value = (fmt or "").upper()
    if value not in ShowtimeFormat.values:
        raise DomainError(
            TicketingErrorCode.FORMAT_NOT_SUPPORTED,
            f"{fmt!r} is not a format; use one of {', '.join(ShowtimeFormat.values)}.",
        )
    supported = {str(f).upper() for f in (hall.formats or [])}
    if supported and value not in supported:
        raise DomainError(
            TicketingErrorCode.FORMAT_NOT_SUPPORTED,
            f"{hall.name} shows {', '.join(sorted(supported))}, not {value}.",
            hall_formats=sorted(supported),
        )
    return value


def _runtime(title: Title, runtime_minutes: int | None) -> int:
    runtime = runtime_minutes if runtime_minutes is not None else title.runtime_minutes
    if runtime is None:
        raise DomainError(
            TicketingErrorCode.RUNTIME_UNKNOWN,
            f"{title.title_en} has no runtime; give runtime_minutes for the showtime.",
        )
    if (
        isinstance(runtime, bool)
        or not isinstance(runtime, int)
        or not 0 < runtime <= MAX_RUNTIME_MINUTES
    ):
        raise DomainError(
            TicketingErrorCode.RUNTIME_UNKNOWN,
            f"A runtime is 1–{MAX_RUNTIME_MINUTES} minutes.",
        )
    return runtime


def _check_times(starts_at: datetime, sales_open_at: datetime | None, now: datetime) -> None:
    require_aware(starts_at, "starts_at")
    require_aware(sales_open_at, "sales_open_at")
    if starts_at <= now:
        raise DomainError(
            TicketingErrorCode.SHOWTIME_IN_PAST, "A showtime must start in the future."
        )
    if sales_open_at is not None and sales_open_at >= starts_at:
        raise DomainError(
            TicketingErrorCode.SHOWTIME_IN_PAST,
            "General sale must open before the showtime starts.",
            field="sales_open_at",
        )


def check_overlap(
    *, hall: Hall, starts_at: datetime, ends_at: datetime, exclude_pk: int | None = None
) -> None:
    """Raise :class:`Conflict` ``showtime_overlap`` naming the showtime in the way.

    Two non-cancelled showtimes of one hall must be at least the cleaning buffer
    apart. The caller holds the hall's row lock so that two schedulers cannot
    both pass this check for the same slot.
    """
    buffer = cleaning_buffer()
    clash = (
        Showtime.objects.filter(
            hall=hall, starts_at__lt=ends_at + buffer, ends_at__gt=starts_at - buffer
        )
        .exclude(status=Showtime.Status.CANCELLED)
        .exclude(pk=exclude_pk)
        .select_related("title")
        .order_by("starts_at")
        .first()
    )
    if clash is None:
        return
    zone = ZoneInfo(hall.venue.time_zone)
    start = clash.starts_at.astimezone(zone)
    end = clash.ends_at.astimezone(zone)
    minutes = int(buffer.total_seconds() // 60)
    raise Conflict(
        TicketingErrorCode.SHOWTIME_OVERLAP,
        f"{hall.name} already shows {clash.title.title_en} (showtime {clash.pk}) "
        f"{start:%Y-%m-%d %H:%M}–{end:%H:%M} {hall.venue.time_zone}; showtimes in one hall "
        f"need {minutes} minutes between them for cleaning.",
        conflicting_showtime_id=clash.pk,
        conflicting_starts_at=clash.starts_at.isoformat(),
        conflicting_ends_at=clash.ends_at.isoformat(),
        conflicting_title=clash.title.title,
        hall_name=hall.name,
        time_zone=hall.venue.time_zone,
        cleaning_buffer_minutes=minutes,
    )


def _lock_hall(hall: Hall) -> None:
    # Serialises scheduling in one hall: the overlap check below is a read.
    list(
        Hall.objects.select_for_update(no_key=True).filter(pk=hall.pk).values_list("pk", flat=True)
    )


def create_showtime(
    *,
    actor: User,
    title: Title,
    hall: Hall,
    starts_at: datetime,
    prices: Mapping[str, int],
    format: str = ShowtimeFormat.TWO_D,
    audio_language: str = "",
    subtitle_language: str = "",
    service_fee_minor: int = 0,
    sales_open_at: datetime | None = None,
    runtime_minutes: int | None = None,
) -> Showtime:
    """Schedule a draft showtime of ``title`` in ``hall``.

    ``actor`` must operate the hall's chain (or be distribution staff or an
    admin). The runtime is the title's unless ``runtime_minutes`` is given; the
    currency is the venue's. Raises :class:`PermissionDenied`,
    :class:`DomainError` (``naive_datetime``, ``showtime_in_past``,
    ``runtime_unknown``, ``format_not_supported``, ``invalid_price``) and
    :class:`Conflict` ``showtime_overlap``.
    """
    venue = hall.venue
    _require_scheduler(actor, hall)
    now = timezone.now()
    _check_times(starts_at, sales_open_at, now)
    runtime = _runtime(title, runtime_minutes)
    fmt = _clean_format(format, hall)
    clean_prices = _clean_prices(prices)
    fee = _clean_fee(service_fee_minor)
    ends_at = starts_at + timedelta(minutes=runtime)
    with transaction.atomic():
        _lock_hall(hall)
        check_overlap(hall=hall, starts_at=starts_at, ends_at=ends_at)
        showtime = Showtime.objects.create(
            title=title,
            hall=hall,
            venue=venue,
            starts_at=starts_at,
            ends_at=ends_at,
            runtime_minutes=runtime,
            format=fmt,
            audio_language=(audio_language or "")[:16],
            subtitle_language=(subtitle_language or "")[:16],
            currency=venue.currency,
            service_fee_minor=fee,
            sales_open_at=sales_open_at,
            created_by=actor,
        )
        ShowtimePrice.objects.bulk_create(
            [
                ShowtimePrice(showtime=showtime, seat_type=t, price_minor=p)
                for t, p in sorted(clean_prices.items())
            ]
        )
    return showtime


def update_showtime(
    *,
    actor: User,
    showtime: Showtime,
    starts_at: datetime = UNSET,
    runtime_minutes: int | None = UNSET,
    format: str = UNSET,
    audio_language: str = UNSET,
    subtitle_language: str = UNSET,
    prices: Mapping[str, int] = UNSET,
    service_fee_minor: int = UNSET,
    sales_open_at: datetime | None = UNSET,
    waiting_room_size: int | None = UNSET,
) -> Showtime:
    """Change a showtime; arguments left :data:`UNSET` stay as they are.

    Drafts may change anything. Once published only languages, the waiting
    room's size (``services/waiting_room.py``; empty or 0 for none) and
    ``sales_open_at`` change (prices, time and format are what buyers paid for);
    a cancelled showtime changes no more. ``prices`` replaces the whole price
    list. Raises what :func:`create_showtime` raises and :class:`Conflict`
    ``showtime_not_editable``.
    """
    changes = {
        name: value
        for name, value in {
            "starts_at": starts_at,
            "runtime_minutes": runtime_minutes,
            "format": format,
            "audio_language": audio_language,
            "subtitle_language": subtitle_language,
            "prices": prices,
            "service_fee_minor": service_fee_minor,
            "sales_open_at": sales_open_at,
            "waiting_room_size": waiting_room_size,
        }.items()
        if value is not UNSET
    }
    if "waiting_room_size" in changes:
        changes["waiting_room_size"] = waiting_room.clean_size(changes["waiting_room_size"])
    hall = showtime.hall
    _require_scheduler(actor, hall)
    required = sorted(
        n
        for n in ("starts_at", "format", "prices", "service_fee_minor")
        if n in changes and changes[n] is None
    )
    if required:
        raise DomainError(
            TicketingErrorCode.INVALID_SHOWTIME,
            "These fields cannot be emptied: " + ", ".join(required) + ".",
            fields=required,
        )
    now = timezone.now()
    with transaction.atomic():
        _lock_hall(hall)
        current = (
            Showtime.objects.select_for_update(no_key=True, of=("self",))
            .select_related("title")
            .get(pk=showtime.pk)
        )
        if current.status == Showtime.Status.CANCELLED or (
            current.status == Showtime.Status.PUBLISHED and set(changes) - PUBLISHED_EDITABLE
        ):
            raise Conflict(
                TicketingErrorCode.SHOWTIME_NOT_EDITABLE,
                f"A {current.status} showtime cannot change "
                + ", ".join(
                    sorted(set(changes) - PUBLISHED_EDITABLE) or sorted(changes) or ["anything"]
                )
                + ".",
                status_now=current.status,
            )
        new_start = changes.get("starts_at", current.starts_at)
        new_open = changes.get("sales_open_at", current.sales_open_at)
        if "starts_at" in changes or "sales_open_at" in changes:
            require_aware(new_start, "starts_at")
            require_aware(new_open, "sales_open_at")
            if "starts_at" in changes and new_start <= now:
                raise DomainError(
                    TicketingErrorCode.SHOWTIME_IN_PAST, "A showtime must start in the future."
                )
            if new_open is not None and new_open >= new_start:
                raise DomainError(
                    TicketingErrorCode.SHOWTIME_IN_PAST,
                    "General sale must open before the showtime starts.",
                    field="sales_open_at",
                )
        if "runtime_minutes" in changes:
            current.runtime_minutes = _runtime(current.title, changes["runtime_minutes"])
        if "format" in changes:
            current.format = _clean_format(changes["format"], hall)
        if "service_fee_minor" in changes:
            current.service_fee_minor = _clean_fee(changes["service_fee_minor"])
        for name in ("audio_language", "subtitle_language"):
            if name in changes:
                setattr(current, name, (changes[name] or "")[:16])
        if "waiting_room_size" in changes:
            current.waiting_room_size = changes["waiting_room_size"]
        current.starts_at = new_start
        current.sales_open_at = new_open
        current.ends_at = current.starts_at + timedelta(minutes=current.runtime_minutes)
        if {"starts_at", "runtime_minutes"} & set(changes):
            check_overlap(
                hall=hall,
                starts_at=current.starts_at,
                ends_at=current.ends_at,
                exclude_pk=current.pk,
            )
        current.save()
        if "prices" in changes:
            clean_prices = _clean_prices(changes["prices"])
            ShowtimePrice.objects.filter(showtime=current).delete()
            ShowtimePrice.objects.bulk_create(
                [
                    ShowtimePrice(showtime=current, seat_type=t, price_minor=p)
                    for t, p in sorted(clean_prices.items())
                ]
            )
    return current


def publish_showtime(*, actor: User, showtime: Showtime) -> Showtime:
    """Put a draft on sale: create its seat inventory (one row per seat) and freeze the layout.

    Every seat type in the hall needs a price. Raises :class:`PermissionDenied`,
    :class:`Conflict` ``showtime_not_draft`` / ``showtime_overlap`` and
    :class:`DomainError` ``showtime_in_past``, ``hall_empty``, ``price_missing``.
    """
    from marquee.venues.services import lock_hall_layout

    hall = showtime.hall
    _require_scheduler(actor, hall)
    now = timezone.now()
    with transaction.atomic():
        # Freeze the layout first: it takes the hall's row lock, so the seats read
        # below are the ones that stay (and it serialises the overlap check).
        lock_hall_layout(hall_id=hall.pk)
        current = Showtime.objects.select_for_update(no_key=True).get(pk=showtime.pk)
        if current.status != Showtime.Status.DRAFT:
            raise Conflict(
                TicketingErrorCode.SHOWTIME_NOT_DRAFT,
                f"Only a draft can be published; this showtime is {current.status}.",
                status_now=current.status,
            )
        if current.starts_at <= now:
            raise DomainError(
                TicketingErrorCode.SHOWTIME_IN_PAST,
                "A showtime that has started cannot go on sale.",
            )
        check_overlap(
            hall=hall, starts_at=current.starts_at, ends_at=current.ends_at, exclude_pk=current.pk
        )
        seats = list(Seat.objects.filter(hall=hall).order_by("pk").values_list("pk", "kind"))
        if not seats:
            raise DomainError(TicketingErrorCode.HALL_EMPTY, f"{hall.name} has no seats.")
        priced = set(
            ShowtimePrice.objects.filter(showtime=current).values_list("seat_type", flat=True)
        )
        missing = sorted({kind for _, kind in seats} - priced)
        if missing:
            raise DomainError(
                TicketingErrorCode.PRICE_MISSING,
                "Give a price for every seat type in the hall; missing: "
                + ", ".join(missing)
                + ".",
                seat_types=missing,
            )
        # Rows in seat order, so inventory primary keys follow seats: the lock order
        # of lock_inventory() is then also the seat order of any index scan.
        SeatInventory.objects.bulk_create(
            [SeatInventory(showtime=current, seat_id=pk) for pk, _ in seats], batch_size=1000
        )
        current.status = Showtime.Status.PUBLISHED
        current.published_at = now
        current.save(update_fields=["status", "published_at", "updated_at"])
    return current


@dataclass
class CancellationResult:
    showtime: Showtime
    cancelled_hold_ids: list[int] = field(default_factory=list)
    cancelled_order_ids: list[int] = field(default_factory=list)
    paid_order_ids: list[int] = field(default_factory=list)


def cancel_showtime(*, actor: User, showtime: Showtime, reason: str = "") -> CancellationResult:
    """Cancel a showtime: stop all sales, end every hold, cancel pending orders, tell the world.

    In one transaction: the showtime becomes ``cancelled``; every free or held
    seat becomes ``closed`` (so an in-flight claim can no longer take it);
    active holds become ``cancelled`` and their round allowance is given back;
    pending orders become ``cancelled``; paid orders go to
    :func:`settle_paid_orders_of_cancelled_showtime` (refunds); and
    ``ticketing.showtime_cancelled`` is published. Raises
    :class:`PermissionDenied` and :class:`Conflict` ``showtime_already_cancelled``.
    """
    from marquee.ticketing.services.rounds import give_back_allowance

    _require_scheduler(actor, showtime.hall)
    now = timezone.now()
    result = CancellationResult(showtime=showtime)
    with transaction.atomic():
        current = Showtime.objects.select_for_update(no_key=True).get(pk=showtime.pk)
        if current.status == Showtime.Status.CANCELLED:
            raise Conflict(
                TicketingErrorCode.SHOWTIME_ALREADY_CANCELLED, "The showtime is already cancelled."
            )
        current.status = Showtime.Status.CANCELLED
        current.cancelled_at = now
        current.cancel_reason = (reason or "")[:300]
        current.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])

        rows = SeatInventory.objects.filter(showtime=current)
        lock_inventory(rows)
        rows.filter(state__in=[SeatInventory.State.FREE, SeatInventory.State.HELD]).update(
            state=SeatInventory.State.CLOSED, hold=None, hold_expires_at=None
        )
        holds = list(
            Hold.objects.select_for_update(no_key=True)
            .filter(showtime=current, status=Hold.Status.ACTIVE)
            .order_by("pk")
        )
        if holds:
            Hold.objects.filter(pk__in=[h.pk for h in holds]).update(
                status=Hold.Status.CANCELLED, ended_at=now
            )
        for hold in holds:
            # Live or silently expired, a cancelled hold's seats go back to the round.
            if hold.round_id is not None:
                give_back_allowance(
                    round_id=hold.round_id, user_id=hold.user_id, seats=hold.seat_count
                )
        result.cancelled_hold_ids = [h.pk for h in holds]
        pending = list(
            Order.objects.select_for_update(no_key=True)
            .filter(showtime=current, status=Order.Status.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if pending:
            Order.objects.filter(pk__in=pending).update(
                status=Order.Status.CANCELLED, closed_at=now
            )
        result.cancelled_order_ids = pending
        result.paid_order_ids = settle_paid_orders_of_cancelled_showtime(
            showtime=current, reason=reason
        )
        events.publish(
            events.SHOWTIME_CANCELLED,
            aggregate="showtime",
            aggregate_id=current.pk,
            payload={
                "showtime_id": current.pk,
                "title_id": current.title_id,
                "venue_id": current.venue_id,
                "hall_id": current.hall_id,
                "starts_at": current.starts_at.isoformat(),
                "reason": current.cancel_reason,
                "cancelled_by": actor.pk,
                "cancelled_hold_ids": result.cancelled_hold_ids,
                "cancelled_order_ids": result.cancelled_order_ids,
                "paid_order_ids": result.paid_order_ids,
            },
        )
    result.showtime = current
    return result


def settle_paid_orders_of_cancelled_showtime(*, showtime: Showtime, reason: str) -> list[int]:
    """Refund the paid orders of a showtime being cancelled (runs inside :func:`cancel_showtime`).

    Every paid or partly refunded order is refunded in full, with no fee, in
    the cancellation's transaction, and its buyer is emailed after the commit
    (:func:`marquee.ticketing.services.refunds.refund_cancelled_showtime`).
    Its tickets' seats stay ``sold``: a cancelled showtime never returns
    seats to sale. Returns the ids of the orders it refunded.
    """
    from marquee.ticketing.services.refunds import refund_cancelled_showtime

    return refund_cancelled_showtime(showtime=showtime, reason=reason)
