"""Reads of the waiting list and of reviews, shared by the API and the pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from marquee.accounts.permissions import AnyUser
from marquee.catalog.models import Title
from marquee.ticketing.models import Review, SeatInventory, Showtime, WaitlistEntry
from marquee.ticketing.queries import on_sale_at, sale_state
from marquee.ticketing.services.holds import claimable
from marquee.venues.models import Seat, SeatType

#: Seat kinds a waiter may be offered: a wheelchair space or a lone couple seat is not
#: what a waiter asked for (couple seats are sold as pairs; see ``holds.resolve_seats``).
OFFERED_KINDS = (SeatType.STANDARD, SeatType.VIP)


def offerable_seats(showtime: Showtime, now: datetime | None = None) -> list[Seat]:
    """Seats of ``showtime`` a waiter could be offered at ``now``, by row then column."""
    now = now or timezone.now()
    ids = SeatInventory.objects.filter(showtime=showtime).filter(claimable(now))
    return list(
        Seat.objects.filter(pk__in=ids.values("seat_id"), kind__in=OFFERED_KINDS).order_by(
            "row", "column"
        )
    )


def sold_out(showtime: Showtime, now: datetime | None = None) -> bool:
    """No seat a waiter could be offered is free: the showtime's waiting list is open."""
    now = now or timezone.now()
    ids = SeatInventory.objects.filter(showtime=showtime).filter(claimable(now))
    return not Seat.objects.filter(pk__in=ids.values("seat_id"), kind__in=OFFERED_KINDS).exists()


@dataclass(frozen=True)
class Rating:
    """A title's visible reviews summed up: ``average`` is a Decimal with one decimal place."""

    count: int
    total: int

    @property
    def average(self) -> Decimal | None:
        if not self.count:
            return None
        return (Decimal(self.total) / Decimal(self.count)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_EVEN
        )


NO_RATING = Rating(count=0, total=0)


def ratings(title_ids: list[int]) -> dict[int, Rating]:
    """The visible (not hidden) reviews' count and star total per title, in one query."""
    if not title_ids:
        return {}
    rows = (
        Review.objects.filter(title_id__in=title_ids, hidden=False)
        .values("title_id")
        .annotate(n=Count("id"), stars=Sum("stars"))
        .order_by()
    )
    return {r["title_id"]: Rating(count=r["n"], total=r["stars"] or 0) for r in rows}


def rating_of(title: Title) -> Rating:
    return ratings([title.pk]).get(title.pk, NO_RATING)


def reviews_of_title(title: Title, *, viewer: AnyUser | None = None, limit: int = 50):
    """The title's visible reviews, newest first, plus ``viewer``'s own even when hidden."""
    mine = Q(user_id=viewer.pk) if viewer is not None and viewer.is_authenticated else Q(pk=None)
    return (
        Review.objects.filter(Q(title=title) & (Q(hidden=False) | mine))
        .select_related("user")
        .order_by("-created_at", "-pk")[:limit]
    )


def review_of(title: Title, user: AnyUser | None) -> Review | None:
    if user is None or not user.is_authenticated:
        return None
    return Review.objects.filter(title=title, user_id=user.pk).first()


def waitlist_status(entry: WaitlistEntry, now: datetime) -> str:
    """``entry``'s status as the next sweep will record it (reads write nothing).

    ``lapsed`` for an offer whose time ran out, ``closed`` for a waiter of a
    showtime that no longer sells (``services.waitlist.offer_freed_seats``).
    """
    status = entry.current_status(now)
    if status == WaitlistEntry.Status.WAITING and not sale_state(entry.showtime, now).on_sale:
        return WaitlistEntry.Status.CLOSED
    return status


def _open_at(now: datetime) -> Q:
    """The entries :func:`waitlist_status` calls open: waiting for a showtime that still
    sells (published, not started), or offered and not lapsed."""
    waiting = Q(status=WaitlistEntry.Status.WAITING) & on_sale_at(now, via="showtime__")
    return waiting | Q(status=WaitlistEntry.Status.OFFERED, offer_expires_at__gt=now)


def waitlist_of(
    user: AnyUser | None, *, open_only: bool = False, now: datetime | None = None
) -> QuerySet[WaitlistEntry]:
    """``user``'s waiting-list entries, newest first, with showtime, venue, title and hold seats.

    ``open_only``: the entries still open at ``now``, as the next sweep will leave them.
    """
    if user is None or not user.is_authenticated:
        return WaitlistEntry.objects.none()
    qs = WaitlistEntry.objects.filter(user_id=user.pk)
    if open_only:
        qs = qs.filter(_open_at(now or timezone.now()))
    return (
        qs.select_related("showtime__venue", "showtime__title", "showtime__hall", "hold")
        .prefetch_related("hold__seats")
        .order_by("-joined_at", "-pk")
    )


def waitlist_entry_for(user: AnyUser | None, showtime_id: int) -> WaitlistEntry | None:
    """``user``'s open entry on ``showtime_id``'s list, if any."""
    return waitlist_of(user, open_only=True).filter(showtime_id=showtime_id).first()


def waiting_count(showtime_id: int) -> int:
    """How many accounts wait for ``showtime_id`` now."""
    return WaitlistEntry.objects.filter(
        showtime_id=showtime_id, status=WaitlistEntry.Status.WAITING
    ).count()
