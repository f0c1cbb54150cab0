"""The waiting room of a showtime in a rush: a few buyers choose seats at a time.

A showtime with ``waiting_room_size`` N lets at most N buyers hold seats at
once; everyone else waits in line, first come first served, and is told their
place and when to ask again (429 ``in_waiting_room`` with ``position`` and
``Retry-After``). Without a size there is no room and nothing here runs.

- A buyer enters by asking to hold seats (API ``POST /holds``, the seat page's
  form) or ``POST /showtimes/{id}/waiting-room``; asking again keeps the place.
- Free places go to the longest-waiting buyers, each admitted for
  ``MARQUEE_WAITING_ROOM_ADMIT_SECONDS`` (default 120) to hold seats. Losing a
  seat race keeps the admission: choose again.
- A successful hold gives the place back (the buyer has seats and ten minutes
  to pay); so does an admission that runs out unused.
- A waiting buyer who stops asking for ``MARQUEE_WAITING_ROOM_STALE_SECONDS``
  (default 30) leaves the line, so a closed tab holds up nobody.

Admissions are decided in one transaction per showtime, serialised by a row
lock on the showtime (``FOR NO KEY UPDATE``: it never blocks the key-share
locks of holds and orders on that showtime), so N is never exceeded. The room
lives in the database: every app worker sees the same line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from marquee.accounts.models import User
from marquee.core.errors import DomainError
from marquee.ticketing.errors import TicketingErrorCode
from marquee.ticketing.models import Showtime, WaitingRoomEntry

MAX_SIZE = 10_000


class InWaitingRoom(DomainError):
    """Not your turn yet: HTTP 429 with ``position`` and ``Retry-After``."""

    status = 429
    title = "In the waiting room"


@dataclass(frozen=True)
class RoomStatus:
    """Where a buyer stands: admitted (until when) or waiting (at which place)."""

    admitted: bool
    position: int | None
    admitted_until: datetime | None
    retry_after: int
    size: int


def admit_seconds() -> int:
    return int(getattr(settings, "MARQUEE_WAITING_ROOM_ADMIT_SECONDS", 120))


def stale_seconds() -> int:
    return int(getattr(settings, "MARQUEE_WAITING_ROOM_STALE_SECONDS", 30))


def clean_size(value: int | None) -> int | None:
    """A room size as stored: ``None`` or 0 (no room), else 1–10,000."""
    if value is None or value == 0:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_SIZE:
        raise DomainError(
            TicketingErrorCode.INVALID_WAITING_ROOM,
            f"A waiting room lets 1–{MAX_SIZE} buyers in at once (empty or 0: no room).",
            field="waiting_room_size",
        )
    return value


def check_in(*, showtime: Showtime, user: User, now: datetime | None = None) -> RoomStatus:
    """Enter (or knock again at) the showtime's waiting room; where ``user`` stands now.

    A showtime without a room admits everyone (``admitted`` with no deadline).
    """
    now = now or timezone.now()
    size = showtime.waiting_room_size
    if not size:
        return RoomStatus(True, None, None, 0, 0)
    mine = (
        WaitingRoomEntry.objects.filter(showtime=showtime, user=user, admitted_until__gt=now)
        .values_list("admitted_until", flat=True)
        .first()
    )
    if mine is not None:  # admitted already: no lock, no write
        return RoomStatus(True, None, mine, 0, size)
    with transaction.atomic():
        # One decision at a time per showtime.
        Showtime.objects.select_for_update(no_key=True).filter(pk=showtime.pk).values_list(
            "pk"
        ).first()
        line = WaitingRoomEntry.objects.filter(showtime=showtime)
        line.filter(
            Q(admitted_until__lte=now)
            | Q(admitted_until__isnull=True, seen_at__lt=now - timedelta(seconds=stale_seconds()))
        ).delete()
        entry, created = WaitingRoomEntry.objects.get_or_create(
            showtime=showtime, user=user, defaults={"joined_at": now, "seen_at": now}
        )
        if not created:
            line.filter(pk=entry.pk).update(seen_at=now)
        free = size - line.filter(admitted_until__gt=now).count()
        if free > 0:
            next_in = list(
                line.filter(admitted_until__isnull=True)
                .order_by("pk")  # arrival order: entries are created under the lock
                .values_list("pk", flat=True)[:free]
            )
            until = now + timedelta(seconds=admit_seconds())
            line.filter(pk__in=next_in).update(admitted_until=until)
            if entry.pk in next_in:
                return RoomStatus(True, None, until, 0, size)
        ahead = line.filter(admitted_until__isnull=True, pk__lt=entry.pk).count()
    position = ahead + 1
    # A place frees as soon as an admitted buyer holds seats (about a second in a
    # rush): the next two roomfuls ask every second, the rest less often (≤ 5 s).
    retry = max(1, min(5, math.ceil(position / (2 * size))))
    return RoomStatus(False, position, None, retry, size)


def require_admission(*, showtime: Showtime, user: User, now: datetime | None = None) -> None:
    """Let ``user`` hold seats of ``showtime`` now, or raise :class:`InWaitingRoom`."""
    status = check_in(showtime=showtime, user=user, now=now)
    if not status.admitted:
        raise InWaitingRoom(
            TicketingErrorCode.IN_WAITING_ROOM,
            f"Many people are buying for this showtime right now. You are number "
            f"{status.position} in line; ask again in {status.retry_after} s — your place is kept.",
            position=status.position,
            retry_after=status.retry_after,
            room_size=status.size,
        )


def leave(*, showtime: Showtime, user: User) -> None:
    """Give ``user``'s place back (after a successful hold); call in its transaction."""
    if showtime.waiting_room_size:
        WaitingRoomEntry.objects.filter(showtime=showtime, user=user).delete()
