"""Door check-in: verify a scanned ticket code, admit it at most once, record every scan.

The verdict is decided in the order of ``docs/tickets.md`` §6 (and
``docs/ticketing.md``)::

    forged → wrong_venue → refunded → wrong_showtime → not_yet_open → expired → already_used → valid

The verdicts that can never admit here come first: a refunded or exchanged
ticket is told so, not "too early", whenever it is scanned.

Admission is ONE conditional UPDATE ``ticket: valid → used`` whose row count
decides: two doors scanning the same ticket at the same instant both pass
every check above it, but only one UPDATE changes the row; the other door
reads ``used`` and answers ``already_used`` with the first door's time and
name. Each scan — admitted or not — is a :class:`~marquee.ticketing.models.Scan`
row written in the same transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from marquee.accounts.models import User
from marquee.core.errors import DomainError, NotFound, PermissionDenied
from marquee.ticketing import etickets, events, pickup
from marquee.ticketing.errors import TicketingErrorCode
from marquee.ticketing.models import Scan, Showtime, Ticket
from marquee.ticketing.permissions import can_check_in
from marquee.ticketing.services._common import Guard, guarded
from marquee.venues.models import Venue

#: Ticket statuses that never admit again (refunded, or exchanged for a new ticket).
CLOSED_STATUSES = frozenset({Ticket.Status.REFUNDED, Ticket.Status.EXCHANGED})
MAX_DOOR_LENGTH = 40


@dataclass(frozen=True)
class CheckInResult:
    """What the door shows: the verdict, why, and the ticket's seat and showtime when known."""

    verdict: str
    message: str
    scan: Scan
    ticket: Ticket | None = None
    showtime: Showtime | None = None
    used_at: datetime | None = None
    used_door: str = ""
    exchanged: bool = False

    @property
    def admitted(self) -> bool:
        return self.verdict == Scan.Verdict.VALID

    @property
    def seat_code(self) -> str:
        return self.ticket.seat.code if self.ticket else ""

    @property
    def seat_label(self) -> str:
        return self.ticket.seat.label if self.ticket else ""

    @property
    def time_zone(self) -> str:
        return self.showtime.venue.time_zone if self.showtime else ""


def code_digest(code: object) -> str:
    """SHA-256 (hex) of the scanned text: what the scan log keeps instead of the code."""
    text = code if isinstance(code, str) else repr(code)
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def _local(moment: datetime, showtime: Showtime | None, venue: Venue) -> str:
    zone = ZoneInfo((showtime.venue if showtime else venue).time_zone)
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M}"


def _message(
    verdict: str,
    *,
    venue: Venue,
    ticket: Ticket | None,
    showtime: Showtime | None,
    used_at: datetime | None,
    used_door: str,
    exchanged: bool,
    by_pickup_code: bool = False,
) -> str:
    seat = ticket.seat.label if ticket else ""
    if verdict == Scan.Verdict.VALID:
        return _("Valid: welcome. Seat %(seat)s.") % {"seat": seat}
    if verdict == Scan.Verdict.ALREADY_USED:
        when = _local(used_at, showtime, venue) if used_at else "?"
        if used_door:
            return _("Already used at %(when)s (door %(door)s).") % {
                "when": when,
                "door": used_door,
            }
        return _("Already used at %(when)s.") % {"when": when}
    if verdict == Scan.Verdict.WRONG_VENUE:
        return _("This ticket is for another cinema.")
    if verdict == Scan.Verdict.WRONG_SHOWTIME:
        when = _local(showtime.starts_at, showtime, venue) if showtime else "?"
        return _("This ticket is for another showtime (%(when)s).") % {"when": when}
    if verdict == Scan.Verdict.NOT_YET_OPEN:
        opens = _local(ticket.valid_from, showtime, venue) if ticket else "?"
        return _("Too early: doors open at %(when)s.") % {"when": opens}
    if verdict == Scan.Verdict.EXPIRED:
        return _("Expired: this showtime is over.")
    if verdict == Scan.Verdict.REFUNDED:
        if exchanged:
            return _("Exchanged: this ticket was replaced by a ticket for another showtime.")
        return _("Refunded: this ticket no longer admits.")
    if by_pickup_code:
        return _("No ticket with this pickup code at this cinema.")
    return _("Forged: this is not a ticket we issued.")


_WITH_DETAILS = (
    "seat",
    "order",
    "showtime",
    "showtime__title",
    "showtime__venue",
    "showtime__hall",
)


def _genuine_ticket(code: str) -> Ticket | None:
    """The ticket a code names, or ``None`` when the code is not one we signed for a ticket we hold."""
    try:
        claims = etickets.verify_ticket(code)
    except etickets.ForgedTicket:
        return None
    ticket = Ticket.objects.select_related(*_WITH_DETAILS).filter(pk=claims.ticket_id).first()
    # A genuine signature over facts that disagree with our rows is not a ticket we issued.
    if (
        ticket is None
        or ticket.showtime_id != claims.showtime_id
        or ticket.showtime.venue_id != claims.venue_id
        or ticket.showtime.hall_id != claims.hall_id
        or ticket.seat.code != claims.seat
    ):
        return None
    return ticket


def ticket_by_pickup_code(
    *, code: str, venue: Venue, showtime: Showtime | None = None, now: datetime | None = None
) -> Ticket | None:
    """The ticket of ``venue`` (of ``showtime`` when given) whose pickup code is ``code``.

    Never looks beyond ``venue``: a pickup code is only unique per showtime, and
    a door must learn nothing of other cinemas' tickets. When several of the
    venue's showtimes issued the same code, the ticket whose showtime is nearest
    to ``now`` wins (the one at the door). ``code`` must be normalised
    (:func:`marquee.ticketing.pickup.normalise`). The caller checks access.
    """
    rows = Ticket.objects.select_related(*_WITH_DETAILS).filter(
        pickup_code=code, showtime__venue=venue
    )
    if showtime is not None:
        rows = rows.filter(showtime=showtime)
    candidates = list(rows[:50])
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    moment = now or timezone.now()
    return min(candidates, key=lambda t: abs((t.showtime.starts_at - moment).total_seconds()))


def find_ticket_for_pickup(*, code: str, venue: Venue, actor: User) -> Ticket:
    """The kiosk's look-up: ``venue``'s ticket with pickup code ``code``.

    ``actor`` must operate the venue (:class:`PermissionDenied`
    ``not_venue_operator`` otherwise). ``code`` may carry spaces or hyphens
    between its digits. Raises :class:`NotFound` ``pickup_code_not_found``
    when no ticket of the venue has it (or the text is not a pickup code).
    Reads only: printing or admitting is the caller's next step.
    """
    require_door_access(actor=actor, venue=venue)
    normalised = pickup.normalise(code)
    ticket = ticket_by_pickup_code(code=normalised, venue=venue) if normalised else None
    if ticket is None:
        raise NotFound(
            TicketingErrorCode.PICKUP_CODE_NOT_FOUND,
            "No ticket with this pickup code at this cinema.",
        )
    return ticket


def _first_admission(ticket: Ticket) -> Scan | None:
    return (
        Scan.objects.filter(ticket=ticket, verdict=Scan.Verdict.VALID)
        .order_by("at", "pk")
        .only("door")
        .first()
    )


def _admission(ticket: Ticket) -> QuerySet[Ticket]:
    """The rows admitting ``ticket`` changes: itself, if still valid (the row count decides)."""
    rows = Ticket.objects.filter(pk=ticket.pk)
    if guarded(Guard.CHECK_IN):
        return rows.filter(status=Ticket.Status.VALID)
    # Race-test control: decide on the status read before the transaction.
    return rows if ticket.status == Ticket.Status.VALID else rows.none()


def require_door_access(*, actor: User, venue: Venue) -> None:
    """Raise :class:`PermissionDenied` ``not_venue_operator`` unless ``actor`` works ``venue``'s doors."""
    if not can_check_in(actor, venue):
        raise PermissionDenied(
            TicketingErrorCode.NOT_VENUE_OPERATOR,
            "Only this cinema's operators check tickets in at its doors.",
        )


def check_in(
    *,
    code: str,
    venue: Venue,
    actor: User,
    showtime: Showtime | None = None,
    door: str = "",
    now: datetime | None = None,
) -> CheckInResult:
    """Scan ``code`` at ``venue``'s door (admitting only ``showtime`` when given) and record it.

    ``code`` is the signed ticket code or the ticket's 10-digit pickup code
    (spaces and hyphens between digits allowed), which is looked up among
    ``venue``'s tickets only; an unknown pickup code is ``forged``.

    ``actor`` must operate the venue (its chain's cinema operators, or an
    admin): :class:`PermissionDenied` ``not_venue_operator`` otherwise, and
    nothing is recorded. A ``showtime`` of another venue is a caller's
    mistake: :class:`DomainError` ``showtime_not_at_venue``. Every other
    outcome is a verdict, never an exception: ``valid`` (admitted now),
    ``already_used`` (with when and at which door), ``wrong_venue``,
    ``wrong_showtime``, ``not_yet_open``, ``expired``, ``refunded`` (also for
    an exchanged ticket, flagged ``exchanged``) and ``forged`` (bad signature,
    or a genuine signature naming no ticket we hold). Publishes
    ``ticketing.ticket_checked_in`` when a ticket is admitted. ``now`` is for
    tests and the demo's replayed history.
    """
    require_door_access(actor=actor, venue=venue)
    if showtime is not None and showtime.venue_id != venue.pk:
        raise DomainError(
            TicketingErrorCode.SHOWTIME_NOT_AT_VENUE,
            f"Showtime {showtime.pk} is not at {venue.name_en}.",
        )
    now = now or timezone.now()
    # Printable text only: a scanner's stray control characters (NUL) are not a door's name.
    door = "".join(ch for ch in str(door or "") if ch.isprintable()).strip()[:MAX_DOOR_LENGTH]
    if isinstance(code, str):  # a code never starts or ends with a space (docs/tickets.md §1)
        code = code.strip()
    pickup_code = pickup.normalise(code) if isinstance(code, str) else None
    if pickup_code is not None:
        # Short digits typed at the door: a look-up at this venue only (docs/tickets.md §7).
        code = pickup_code
        ticket = ticket_by_pickup_code(code=code, venue=venue, showtime=showtime, now=now)
        if ticket is None and showtime is not None:  # another showtime here: say which
            ticket = ticket_by_pickup_code(code=code, venue=venue, now=now)
    else:
        ticket = _genuine_ticket(code) if isinstance(code, str) else None
    used_at: datetime | None = None
    used_door = ""
    exchanged = False
    with transaction.atomic():
        if ticket is None:
            verdict = Scan.Verdict.FORGED
        elif ticket.showtime.venue_id != venue.pk:
            verdict = Scan.Verdict.WRONG_VENUE
        elif ticket.status in CLOSED_STATUSES:
            verdict = Scan.Verdict.REFUNDED
            exchanged = ticket.status == Ticket.Status.EXCHANGED
        elif showtime is not None and ticket.showtime_id != showtime.pk:
            verdict = Scan.Verdict.WRONG_SHOWTIME
        elif now < ticket.valid_from:
            verdict = Scan.Verdict.NOT_YET_OPEN
        elif now > ticket.valid_until:
            verdict = Scan.Verdict.EXPIRED
        elif _admission(ticket).update(status=Ticket.Status.USED, used_at=now):
            # The row count decided: this door admits the ticket, no other can.
            verdict = Scan.Verdict.VALID
            ticket.status, ticket.used_at = Ticket.Status.USED, now
        else:
            current = Ticket.objects.filter(pk=ticket.pk).values("status", "used_at").get()
            ticket.status, ticket.used_at = current["status"], current["used_at"]
            if ticket.status == Ticket.Status.USED:
                verdict = Scan.Verdict.ALREADY_USED
                used_at = ticket.used_at
                first = _first_admission(ticket)
                used_door = first.door if first else ""
            else:
                verdict = Scan.Verdict.REFUNDED
                exchanged = ticket.status == Ticket.Status.EXCHANGED
        scan = Scan.objects.create(
            ticket=ticket,
            venue=venue,
            showtime=ticket.showtime if ticket else showtime,
            door_showtime=showtime,
            actor=actor,
            door=door,
            verdict=verdict,
            at=now,
            code_digest=code_digest(code),
        )
        if verdict == Scan.Verdict.VALID:
            assert ticket is not None  # noqa: S101 - VALID implies a ticket
            events.publish(
                events.TICKET_CHECKED_IN,
                aggregate="ticket",
                aggregate_id=ticket.pk,
                payload={
                    **events.ticket_fields(
                        ticket, order=ticket.order, showtime=ticket.showtime, seat=ticket.seat.code
                    ),
                    "hall_id": ticket.showtime.hall_id,
                    "door": door,
                    "scan_id": scan.pk,
                    "checked_in_by": actor.pk,
                    "at": now.isoformat(),
                },
            )
    # Another cinema's ticket: say so, but show nothing of it (it may be another chain's).
    shown_ticket = None if verdict == Scan.Verdict.WRONG_VENUE else ticket
    shown = shown_ticket.showtime if shown_ticket is not None else showtime
    return CheckInResult(
        verdict=verdict,
        message=_message(
            verdict,
            venue=venue,
            ticket=shown_ticket,
            showtime=shown,
            used_at=used_at,
            used_door=used_door,
            exchanged=exchanged,
            by_pickup_code=pickup_code is not None,
        ),
        scan=scan,
        ticket=shown_ticket,
        showtime=shown,
        used_at=used_at
        if verdict == Scan.Verdict.ALREADY_USED
        else (now if verdict == Scan.Verdict.VALID else None),
        used_door=used_door
        if verdict == Scan.Verdict.ALREADY_USED
        else (door if verdict == Scan.Verdict.VALID else ""),
        exchanged=exchanged,
    )
