"""Door check-in and the day's scan summary."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import TYPE_CHECKING

from ninja import Field, Schema

from marquee.ticketing.schemas._common import (
    AtVenue,
    Id,
    SeatRef,
    ShowtimeBrief,
    seat_ref,
    showtime_brief,
)

if TYPE_CHECKING:
    from marquee.ticketing.models import Ticket
    from marquee.ticketing.services.checkin import CheckInResult


class CheckInIn(AtVenue):
    code: str = Field(
        ...,
        max_length=1000,
        description="The scanned ticket code (MQT1:…) or the ticket's 10-digit pickup code",
    )
    showtime_id: Id | None = Field(None, description="Admit only this showtime's tickets")
    door: str = Field("", max_length=40, description="Which door scanned, e.g. Door A")


class CheckInOut(Schema):
    verdict: str = Field(
        ...,
        description="valid, already_used, wrong_venue, wrong_showtime, not_yet_open, expired, "
        "refunded or forged",
    )
    admitted: bool
    message: str
    scan_id: int
    scanned_at: datetime
    ticket_id: int | None
    seat: SeatRef | None
    showtime: ShowtimeBrief | None
    used_at: datetime | None = Field(None, description="When it was admitted (already_used)")
    used_door: str = Field("", description="At which door it was admitted (already_used)")
    exchanged: bool = Field(False, description="refunded: the ticket was exchanged")


def check_in_out(result: CheckInResult) -> CheckInOut:
    ticket = result.ticket
    return CheckInOut(
        verdict=result.verdict,
        admitted=result.admitted,
        message=result.message,
        scan_id=result.scan.pk,
        scanned_at=result.scan.at,
        ticket_id=ticket.pk if ticket else None,
        seat=seat_ref(ticket.seat) if ticket else None,
        showtime=showtime_brief(result.showtime) if result.showtime else None,
        used_at=result.used_at,
        used_door=result.used_door,
        exchanged=result.exchanged,
    )


class PickupLookupIn(AtVenue):
    code: str = Field(..., max_length=30, description="The 10-digit pickup code (取票码)")


class PickupTicketOut(Schema):
    ticket_id: int
    order_id: int
    status: str = Field(..., description="valid, used, refunded or exchanged")
    pickup_code: str
    seat: SeatRef
    showtime: ShowtimeBrief


def pickup_ticket_out(ticket: Ticket) -> PickupTicketOut:
    return PickupTicketOut(
        ticket_id=ticket.pk,
        order_id=ticket.order_id,
        status=ticket.status,
        pickup_code=ticket.pickup_code or "",
        seat=seat_ref(ticket.seat),
        showtime=showtime_brief(ticket.showtime),
    )


class ScanSummaryFilters(AtVenue):
    date: dt.date | None = Field(None, description="Local day at the venue (default: today)")


class ScanSummaryOut(Schema):
    venue_id: int
    date: dt.date
    time_zone: str
    counts: dict[str, int] = Field(..., description="Scans per verdict")
    total: int
    admitted: int
