"""Request and response schemas of the ticketing API, and the functions that fill them.

Seat codes are ``"row_label-number"`` (``"5-8"``) next to the display label
(``"5排8座"``). Money is integer minor units with the ISO currency beside it.
Instants are UTC; ``local_*`` fields repeat them in the venue's time zone.
"""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from ninja import Field, Schema

from marquee.ticketing.models import (
    Hold,
    InvitationCode,
    Order,
    PresaleRound,
    Showtime,
    Ticket,
)
from marquee.ticketing.queries import SeatMap
from marquee.venues.models import Seat

Lang = Field("", max_length=16, description="Language code, e.g. yue, cmn, en")


# --- showtimes --------------------------------------------------------------------


class ShowtimeFilters(Schema):
    title: str | None = Field(None, max_length=120, description="Title slug")
    city: str | None = Field(None, max_length=40, description="City code")
    venue: str | None = Field(None, max_length=120, description="Venue slug")
    date: dt.date | None = Field(None, description="A calendar day in each venue's own time zone")
    status: str | None = Field(
        "published", description="published (default), cancelled, or draft (schedulers)"
    )
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=100_000)


class ShowtimeIn(Schema):
    title: str = Field(..., max_length=120, description="Title slug")
    hall_id: int
    starts_at: datetime = Field(..., description="With a UTC offset")
    format: str = Field("2D", max_length=8, description="2D, 3D, IMAX or DOLBY")
    audio_language: str = Lang
    subtitle_language: str = Lang
    prices: dict[str, int] = Field(
        ..., description='Price per seat type in minor units, e.g. {"standard": 4500}'
    )
    service_fee_minor: int = Field(0, description="Platform service fee per ticket")
    sales_open_at: datetime | None = Field(
        None, description="General sale opens here; before it only pre-sale rounds sell"
    )
    runtime_minutes: int | None = Field(None, description="Defaults to the title's runtime")


class ShowtimePatch(Schema):
    starts_at: datetime | None = None
    runtime_minutes: int | None = None
    format: str | None = Field(None, max_length=8)
    audio_language: str | None = Field(None, max_length=16)
    subtitle_language: str | None = Field(None, max_length=16)
    prices: dict[str, int] | None = None
    service_fee_minor: int | None = None
    sales_open_at: datetime | None = None


class CancelIn(Schema):
    reason: str = Field("", max_length=300)


class PriceOut(Schema):
    seat_type: str
    price_minor: int


class TitleRef(Schema):
    slug: str
    name: str


class VenueRef(Schema):
    slug: str
    name: str
    city: str
    time_zone: str


class HallRef(Schema):
    id: int
    name: str


class ShowtimeOut(Schema):
    id: int
    status: str
    title: TitleRef
    venue: VenueRef
    hall: HallRef
    starts_at: datetime
    ends_at: datetime
    local_starts_at: datetime
    local_ends_at: datetime
    runtime_minutes: int
    format: str
    audio_language: str
    subtitle_language: str
    currency: str
    service_fee_minor: int
    prices: list[PriceOut]
    sales_open_at: datetime | None
    general_sale_open: bool


class ShowtimePage(Schema):
    items: list[ShowtimeOut]
    count: int


class CancellationOut(Schema):
    showtime: ShowtimeOut
    cancelled_hold_ids: list[int]
    cancelled_order_ids: list[int]
    paid_order_ids: list[int]


def showtime_out(showtime: Showtime, *, now: datetime) -> ShowtimeOut:
    venue = showtime.venue
    zone = ZoneInfo(venue.time_zone)
    return ShowtimeOut(
        id=showtime.pk,
        status=showtime.status,
        title=TitleRef(slug=showtime.title.slug, name=showtime.title.title),
        venue=VenueRef(
            slug=venue.slug, name=venue.name, city=venue.city.code, time_zone=venue.time_zone
        ),
        hall=HallRef(id=showtime.hall_id, name=showtime.hall.name),
        starts_at=showtime.starts_at,
        ends_at=showtime.ends_at,
        local_starts_at=showtime.starts_at.astimezone(zone),
        local_ends_at=showtime.ends_at.astimezone(zone),
        runtime_minutes=showtime.runtime_minutes,
        format=showtime.format,
        audio_language=showtime.audio_language,
        subtitle_language=showtime.subtitle_language,
        currency=showtime.currency,
        service_fee_minor=showtime.service_fee_minor,
        prices=[
            PriceOut(seat_type=p.seat_type, price_minor=p.price_minor)
            for p in showtime.prices.all()
        ],
        sales_open_at=showtime.sales_open_at,
        general_sale_open=showtime.status == Showtime.Status.PUBLISHED
        and (showtime.sales_open_at is None or showtime.sales_open_at <= now),
    )


# --- seat map ---------------------------------------------------------------------


class SeatStateOut(Schema):
    code: str = Field(..., description="row_label-number, e.g. 5-8")
    label: str = Field(..., description="Display label, e.g. 5排8座")
    row: int
    column: int
    seat_type: str
    partner: str | None = Field(None, description="The other half of a couple pair")
    state: str = Field(..., description="free, held, sold or closed")
    price_minor: int | None


class SeatMapOut(Schema):
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
    counts: dict[str, int]
    seats: list[SeatStateOut]


def seat_map_out(seat_map: SeatMap) -> dict[str, Any]:
    # A plain dict: building hundreds of seat models through pydantic twice is waste.
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


# --- rounds, invitations, want to see ---------------------------------------------


class RoundFilters(Schema):
    title: str | None = Field(None, max_length=120, description="Title slug")
    open: bool = Field(False, description="Only rounds selling now")


class RoundIn(Schema):
    title: str = Field(..., max_length=120, description="Title slug")
    name: str = Field(..., max_length=120)
    opens_at: datetime
    closes_at: datetime
    audience: str = Field("everyone", description="everyone, want_to_see or invitation")
    per_account_limit: int | None = Field(None, description="Seats per account in the round")
    currency: str = Field("", max_length=3, description="Currency of the price override")
    price_override_minor: int | None = None
    price_overrides: dict[str, int] = Field(default_factory=dict)
    venues: list[str] = Field(default_factory=list, max_length=500, description="Venue slugs")
    cities: list[str] = Field(default_factory=list, max_length=100, description="City codes")


class RoundOut(Schema):
    id: int
    title: TitleRef
    name: str
    opens_at: datetime
    closes_at: datetime
    is_open: bool
    audience: str
    per_account_limit: int | None
    currency: str
    price_override_minor: int | None
    price_overrides: dict[str, int]
    venues: list[str]
    cities: list[str]
    used_by_me: int | None = Field(None, description="Seats counted against you (signed in)")


def round_out(presale: PresaleRound, *, now: datetime, used: int | None = None) -> RoundOut:
    return RoundOut(
        id=presale.pk,
        title=TitleRef(slug=presale.title.slug, name=presale.title.title),
        name=presale.name,
        opens_at=presale.opens_at,
        closes_at=presale.closes_at,
        is_open=presale.is_open(now),
        audience=presale.audience,
        per_account_limit=presale.per_account_limit,
        currency=presale.currency,
        price_override_minor=presale.price_override_minor,
        price_overrides=presale.price_overrides or {},
        venues=sorted(v.slug for v in presale.venues.all()),
        cities=sorted(c.code for c in presale.cities.all()),
        used_by_me=used,
    )


class InvitationsIn(Schema):
    count: int = Field(1, ge=1, le=1000)
    max_uses: int = Field(1, ge=1, le=1_000_000)
    user_id: int | None = Field(None, description="Only this account may redeem the code")


class InvitationOut(Schema):
    code: str
    max_uses: int
    uses: int
    user_id: int | None


def invitation_out(code: InvitationCode) -> InvitationOut:
    return InvitationOut(
        code=code.code, max_uses=code.max_uses, uses=code.uses, user_id=code.user_id
    )


class WantToSeeOut(Schema):
    title: str
    count: int
    registered: bool | None = Field(None, description="Whether you registered (signed in)")


# --- holds, orders, tickets -------------------------------------------------------


class SeatRef(Schema):
    code: str
    label: str
    seat_type: str


def seat_ref(seat: Seat) -> SeatRef:
    return SeatRef(code=seat.code, label=seat.label, seat_type=seat.kind)


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


def hold_out(hold: Hold, *, now: datetime) -> HoldOut:
    return HoldOut(
        id=hold.pk,
        showtime_id=hold.showtime_id,
        status=hold.current_status(now),
        expires_at=hold.expires_at,
        seats=[seat_ref(s) for s in hold.seats.all()],
        round_id=hold.round_id,
    )


class OrderIn(Schema):
    hold_id: int


class ShowtimeBrief(Schema):
    id: int
    title: TitleRef
    venue: str
    hall: str
    starts_at: datetime
    local_starts_at: datetime
    time_zone: str


class OrderLineOut(Schema):
    seat: SeatRef
    price_minor: int
    fee_minor: int


class OrderOut(Schema):
    id: int
    status: str = Field(
        ...,
        description="pending, paid, expired, cancelled, refunded, partially_refunded, exchanged",
    )
    showtime: ShowtimeBrief
    currency: str
    subtotal_minor: int
    fees_minor: int
    total_minor: int
    refunded_minor: int
    lines: list[OrderLineOut]
    hold_id: int
    hold_expires_at: datetime
    payment_id: UUID | None
    created_at: datetime
    paid_at: datetime | None


def order_out(order: Order, *, now: datetime) -> OrderOut:
    showtime = order.showtime
    zone = ZoneInfo(showtime.venue.time_zone)
    return OrderOut(
        id=order.pk,
        status=order.current_status(now),
        showtime=ShowtimeBrief(
            id=showtime.pk,
            title=TitleRef(slug=showtime.title.slug, name=showtime.title.title),
            venue=showtime.venue.name,
            hall=showtime.hall.name,
            starts_at=showtime.starts_at,
            local_starts_at=showtime.starts_at.astimezone(zone),
            time_zone=showtime.venue.time_zone,
        ),
        currency=order.currency,
        subtotal_minor=order.subtotal_minor,
        fees_minor=order.fees_minor,
        total_minor=order.total_minor,
        refunded_minor=order.refunded_minor,
        lines=[
            OrderLineOut(
                seat=seat_ref(line.seat), price_minor=line.price_minor, fee_minor=line.fee_minor
            )
            for line in order.lines.all()
        ],
        hold_id=order.hold_id,
        hold_expires_at=order.hold.expires_at,
        payment_id=order.payment_id,
        created_at=order.created_at,
        paid_at=order.paid_at,
    )


class PayIn(Schema):
    return_url: str = Field(
        "", max_length=500, description="Where the payment page sends the buyer back"
    )


class PayOut(Schema):
    order_id: int
    order_status: str
    payment_id: UUID | None = Field(None, description="None when nothing was due (total 0)")
    redirect_url: str = Field(
        ..., description="The provider's payment page; empty when nothing was due"
    )


class TicketOut(Schema):
    id: int
    status: str = Field(..., description="valid, used, refunded or exchanged")
    showtime_id: int
    seat: SeatRef
    code: str = Field(..., description="The signed payload the QR code carries (docs/tickets.md)")
    valid_from: datetime
    valid_until: datetime
    price_minor: int
    fee_minor: int
    currency: str
    issued_at: datetime


def ticket_out(ticket: Ticket) -> TicketOut:
    return TicketOut(
        id=ticket.pk,
        status=ticket.status,
        showtime_id=ticket.showtime_id,
        seat=seat_ref(ticket.seat),
        code=ticket.code,
        valid_from=ticket.valid_from,
        valid_until=ticket.valid_until,
        price_minor=ticket.line.price_minor,
        fee_minor=ticket.line.fee_minor,
        currency=ticket.showtime.currency,
        issued_at=ticket.issued_at,
    )


class KeyOut(Schema):
    kid: str
    alg: str
    public_key: str = Field(..., description="base64url of the raw 32-byte Ed25519 public key")
    pem: str
