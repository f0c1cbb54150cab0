"""The waiting list and reviews."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from marquee.ticketing.audience_queries import waitlist_status
from marquee.ticketing.models import Review, WaitlistEntry
from marquee.ticketing.models.audience import MAX_PARTY, MAX_REVIEW_TEXT
from marquee.ticketing.schemas._common import ShowtimeBrief, showtime_brief


class WaitlistIn(Schema):
    showtime_id: int = Field(..., ge=1, le=2**63 - 1)
    party_size: int = Field(1, ge=1, le=MAX_PARTY, description="Seats wanted together")


class WaitlistOut(Schema):
    id: int
    status: str = Field(
        ..., description="waiting, offered, accepted, lapsed, declined, left, closed"
    )
    showtime: ShowtimeBrief
    party_size: int
    joined_at: datetime
    offered_seats: list[str] = Field(
        default_factory=list, description="Seat codes held for you while the offer lasts"
    )
    hold_id: int | None = None
    offer_expires_at: datetime | None = None


def waitlist_out(entry: WaitlistEntry, *, now: datetime) -> WaitlistOut:
    status = waitlist_status(entry, now)
    seats = (
        [s.code for s in entry.hold.seats.order_by("row", "column")]
        if status == WaitlistEntry.Status.OFFERED and entry.hold is not None
        else []
    )
    return WaitlistOut(
        id=entry.pk,
        status=status,
        showtime=showtime_brief(entry.showtime),
        party_size=entry.party_size,
        joined_at=entry.joined_at,
        offered_seats=seats,
        hold_id=entry.hold_id if status == WaitlistEntry.Status.OFFERED else None,
        offer_expires_at=entry.offer_expires_at if status == WaitlistEntry.Status.OFFERED else None,
    )


class AcceptOut(Schema):
    order_id: int
    hold_expires_at: datetime
    total_minor: int
    currency: str


class ReviewIn(Schema):
    stars: int = Field(..., description="1 to 5")
    text: str = Field("", max_length=MAX_REVIEW_TEXT)


class ReviewOut(Schema):
    id: int
    title: str = Field(..., description="The title's slug")
    author: str
    stars: int
    text: str
    hidden: bool
    created_at: datetime
    updated_at: datetime


def review_out(review: Review, *, slug: str) -> ReviewOut:
    return ReviewOut(
        id=review.pk,
        title=slug,
        author=review.user.username,
        stars=review.stars,
        text=review.text,
        hidden=review.hidden,
        created_at=review.created_at,
        updated_at=review.updated_at,
    )


class ReviewsOut(Schema):
    title: str
    count: int
    average: str | None = Field(None, description="Mean stars, one decimal place, as a string")
    reviews: list[ReviewOut]


class ModerateIn(Schema):
    hidden: bool
