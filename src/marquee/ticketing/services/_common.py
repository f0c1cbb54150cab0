"""Shared pieces of the ticketing services: time checks, the inventory lock.

The limits from settings are public, in :mod:`marquee.ticketing.limits`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet

from marquee.core.errors import Conflict, DomainError
from marquee.core.idempotency import MAX_KEY_LENGTH
from marquee.ticketing.errors import TicketingErrorCode
from marquee.ticketing.models import Order, SeatInventory, Ticket
from marquee.ticketing.seatmap import forget_seat_maps


class Guard(StrEnum):
    """The concurrency guards the race tests turn off to prove each one matters."""

    #: The conditional UPDATE of a seat claim (free or expired-held → held).
    SEAT_CLAIM = "seat_claim"
    #: The conditional UPDATE of a door's admission (valid → used).
    CHECK_IN = "check_in"
    #: The conditional UPDATE of a round allowance (tickets + n <= limit).
    ROUND_LIMIT = "round_limit"
    #: The quota row lock before counting an account's held seats.
    HELD_SEATS_CAP = "held_seats_cap"


#: Guards turned off (tests only, like pretix's skip-locking flag): the real
#: code path runs without them — deciding on what it read earlier instead of
#: in the write — so a race test's control shows the race is real and that the
#: guard is what wins it.
_UNGUARDED: set[Guard] = set()


def guarded(guard: Guard) -> bool:
    """Is ``guard`` on? Always, outside a race test's control."""
    return guard not in _UNGUARDED


@contextmanager
def without_guard(*guards: Guard) -> Iterator[None]:
    """Run the block with ``guards`` off, in every thread (race-test controls only)."""
    _UNGUARDED.update(guards)
    try:
        yield
    finally:
        _UNGUARDED.difference_update(guards)


class SeatsTaken(Exception):
    """Raised inside a claim's transaction to roll it back when a seat was not free."""


def require_aware(value: datetime | None, field: str) -> None:
    """Refuse a naive datetime: every instant the domain stores is UTC-aware."""
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise DomainError(
            TicketingErrorCode.NAIVE_DATETIME,
            f"{field} needs a time zone offset (for example 2025-05-01T19:30:00+08:00).",
            field=field,
        )


def lock_timeout_ms() -> int:
    """How long a claim waits for a row lock (``MARQUEE_LOCK_TIMEOUT_MS``, default 5000)."""
    return int(getattr(settings, "MARQUEE_LOCK_TIMEOUT_MS", 5000))


def limit_lock_wait() -> None:
    """PostgreSQL: make this transaction give up on a row lock after :func:`lock_timeout_ms`.

    ``SET LOCAL lock_timeout`` (as ``set_config(…, true)``, which takes a
    parameter): a claim stuck behind a lock — a hung transaction, a long
    cancellation — fails fast with ``LockNotAvailable`` (the API answers 503,
    retry) instead of piling up every worker behind it, as pretix does on its
    locking paths. Lasts until the transaction ends; SQLite has no row locks.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('lock_timeout', %s, true)", [f"{lock_timeout_ms()}ms"]
            )


def lock_inventory(rows: QuerySet[SeatInventory]) -> None:
    """Lock inventory rows in primary-key order before a multi-row UPDATE of them.

    Every service that changes several inventory rows calls this first, once per
    transaction, so two transactions always meet the rows in the same order and
    cannot deadlock (holds, fulfilment, release and cancellation all lock
    inventory before holds, orders and round allowances). The lock decides
    nothing: the conditional UPDATE after it does. On SQLite the whole database
    is the lock and this is a plain read.

    Every row lock in ticketing is ``FOR NO KEY UPDATE`` (what an UPDATE takes
    anyway): it never blocks the ``KEY SHARE`` locks that inserting a hold,
    order or ticket takes on the showtime it refers to, so cancelling a
    showtime cannot deadlock with a payment issuing tickets for it.
    """
    limit_lock_wait()
    list(rows.select_for_update(no_key=True).order_by("pk").values_list("pk", flat=True))
    # Seat states are about to change: this process's microcached seat maps go now
    # (and again at commit, over any map re-read before it).
    forget_seat_maps()
    transaction.on_commit(forget_seat_maps)


def update_inventory(rows: QuerySet[SeatInventory], *, where: Q, **changes: Any) -> int:
    """Lock ``rows`` in primary-key order and update those matching ``where``: ONE statement.

    :func:`lock_inventory` and the conditional UPDATE in one round trip::

        UPDATE seat_inventory SET …
         WHERE <rows> AND <where>
           AND id IN (SELECT id FROM seat_inventory WHERE <rows>
                      ORDER BY id FOR NO KEY UPDATE)

    The subquery takes the row locks in the same order as :func:`lock_inventory`
    (so no deadlock with the services that lock first), and PostgreSQL
    re-checks ``where`` against the newest version of each locked row, so the
    row count is exact under concurrency. Returns the number of rows changed.
    """
    limit_lock_wait()
    locked = rows.select_for_update(no_key=True).order_by("pk").values("pk")
    changed = rows.filter(where, pk__in=locked).update(**changes)
    forget_seat_maps()
    transaction.on_commit(forget_seat_maps)
    return changed


def close_valid_tickets(
    *, order: Order, ticket_ids: list[int], status: str, now: datetime, verb: str
) -> None:
    """Move ``order``'s still-valid tickets to ``status`` with one conditional UPDATE.

    The row count decides: if any ticket was refunded, exchanged or used
    meanwhile, raise :class:`Conflict` ``tickets_changed`` ("nothing was
    ``verb``") so the caller's transaction rolls back whole.
    """
    changed = Ticket.objects.filter(
        pk__in=ticket_ids, order=order, status=Ticket.Status.VALID
    ).update(status=status, closed_at=now)
    if changed != len(ticket_ids):
        raise Conflict(
            TicketingErrorCode.TICKETS_CHANGED,
            "Some of these tickets were refunded, exchanged or used meanwhile; "
            f"nothing was {verb}. Look at the order again.",
        )


def return_seats_to_sale(rows: QuerySet[SeatInventory]) -> None:
    """Put the sold seats among ``rows`` back on sale; the caller has locked them."""
    rows.filter(state=SeatInventory.State.SOLD).update(
        state=SeatInventory.State.FREE, hold=None, hold_expires_at=None
    )


def clean_idempotency_key(raw: str | None) -> str:
    """A refund's or exchange's ``Idempotency-Key``: ``""`` for none, else 1–255 printable.

    Raises :class:`DomainError` ``invalid_idempotency_key``.
    """
    key = (raw or "").strip()
    if raw is not None and not (1 <= len(key) <= MAX_KEY_LENGTH and key.isprintable()):
        raise DomainError(
            TicketingErrorCode.INVALID_IDEMPOTENCY_KEY,
            "An idempotency key is 1–255 printable characters.",
        )
    return key
