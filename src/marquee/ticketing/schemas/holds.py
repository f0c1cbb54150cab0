"""Holds of seats."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from marquee.ticketing.models import Hold
from marquee.ticketing.schemas._common import SeatRef, seat_ref
from marquee.venues.models import Seat


class HoldIn(Schema):
    showtime_id: int
    seats: list[str] = Field(..., max_length=100, description='Seat codes, e.g. ["5-8", "5-9"]')
    invitation_code: str | None = Field(None, max_length=32)


class HoldOut(Schema):
    id: int
    showtime_id: int
    status: str = Field(..., description="active, released, expired, completed or cancelled")
    expires_at: datetime
    seats: list[SeatRef]
    round_id: int | None


def hold_out(hold: Hold, *, now: datetime, seats: list[Seat] | None = None) -> HoldOut:
    """``seats``: the hold's seats in display order when the caller has them (else read)."""
    return HoldOut(
        id=hold.pk,
        showtime_id=hold.showtime_id,
        status=hold.current_status(now),
        expires_at=hold.expires_at,
        seats=[seat_ref(s) for s in (hold.seats.all() if seats is None else seats)],
        round_id=hold.round_id,
    )
