"""Request and response schemas of the ticketing API, and the functions that fill them.

Seat codes are ``"row_label-number"`` (``"5-8"``) next to the display label
(``"5排8座"``). Money is integer minor units with the ISO currency beside it.
Instants are UTC; ``local_*`` fields repeat them in the venue's time zone.
"""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from ninja import Field, Schema

from marquee.ticketing.models import (
    Hold,
    InvitationCode,
    Order,
    OrderLine,
    PresaleRound,
    Showtime,
    Ticket,
)
from marquee.ticketing.queries import SeatMap, seat_map_body
from marquee.venues.models import Seat

Lang = Field("", max_length=16, description="Language code, e.g. yue, cmn, en")
#: A database id: positive and within a 64-bit signed integer.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


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
    waiting_room_size: int | None = Field(
        None,
        description="For a rush: buyers who may hold seats at once, the rest wait in line "
        "(null or 0: no waiting room). Editable after publication.",
    )


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
    waiting_room_size: int | None = Field(
        None, description="Buyers who may hold seats at once in a rush (null: no waiting room)"
    )


class WaitingRoomOut(Schema):
    admitted: bool = Field(..., description="May hold seats now")
    position: int | None = Field(None, description="Your place in line while waiting (1 = next)")
    admitted_until: datetime | None = Field(None, description="Hold seats before this instant")
    retry_after: int = Field(..., description="Seconds before asking again (0 when admitted)")
    room_size: int = Field(..., description="Buyers let in at once (0: no waiting room)")


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
        waiting_room_size=showtime.waiting_room_size,
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
    return seat_map_body(seat_map)


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


def order_out(order: Order, *, now: datetime, lines: list[OrderLine] | None = None) -> OrderOut:
    """``lines``: the order's lines with their seats when the caller has them (else read)."""
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
            for line in (order.lines.all() if lines is None else lines)
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


# --- check-in ---------------------------------------------------------------------


class CheckInIn(Schema):
    code: str = Field(..., max_length=1000, description="The scanned ticket code (MQT1:…)")
    venue_id: Id
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


def showtime_brief(showtime: Showtime) -> ShowtimeBrief:
    zone = ZoneInfo(showtime.venue.time_zone)
    return ShowtimeBrief(
        id=showtime.pk,
        title=TitleRef(slug=showtime.title.slug, name=showtime.title.title),
        venue=showtime.venue.name,
        hall=showtime.hall.name,
        starts_at=showtime.starts_at,
        local_starts_at=showtime.starts_at.astimezone(zone),
        time_zone=showtime.venue.time_zone,
    )


def check_in_out(result: Any) -> CheckInOut:
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


class ScanSummaryFilters(Schema):
    venue_id: Id
    date: dt.date | None = Field(None, description="Local day at the venue (default: today)")


class ScanSummaryOut(Schema):
    venue_id: int
    date: dt.date
    time_zone: str
    counts: dict[str, int] = Field(..., description="Scans per verdict")
    total: int
    admitted: int


# --- refunds and exchanges --------------------------------------------------------


class RefundIn(Schema):
    ticket_ids: list[Id] | None = Field(
        None, max_length=100, description="Tickets to refund; omit for every valid ticket"
    )


class RefundOut(Schema):
    order_id: int
    order_status: str
    refund_id: int
    refunded_ticket_ids: list[int]
    amount_minor: int = Field(..., description="Given back: seat price + service fee − venue fee")
    fee_minor: int = Field(..., description="Venue refund fees kept")
    currency: str
    order_refunded_minor: int = Field(..., description="Everything refunded on the order so far")


class RefundQuoteFilters(Schema):
    ticket_ids: list[Id] | None = Field(None, max_length=100)


class RefundLineOut(Schema):
    ticket_id: int
    seat: str
    seat_label: str
    status: str
    refundable: bool
    reason: str = Field(..., description="Why not (an error code), empty when refundable")
    price_minor: int
    service_fee_minor: int
    venue_fee_minor: int
    refund_minor: int


class RefundQuoteOut(Schema):
    order_id: int
    order_status: str
    currency: str
    refundable: bool
    reason: str = Field(..., description="Why not (an error code), empty when refundable")
    message: str
    rule: str = Field(..., description="The venue's refund rule in words")
    cutoff_minutes: int
    cutoff_at: datetime
    local_cutoff_at: datetime
    window_open: bool
    venue_fee_per_ticket_minor: int
    refund_minor: int
    fee_minor: int
    tickets: list[RefundLineOut]


def refund_quote_out(quote: Any) -> RefundQuoteOut:
    return RefundQuoteOut(
        order_id=quote.order_id,
        order_status=quote.order_status,
        currency=quote.currency,
        refundable=quote.refundable,
        reason=quote.reason,
        message=quote.message,
        rule=quote.rule,
        cutoff_minutes=quote.cutoff_minutes,
        cutoff_at=quote.cutoff_at,
        local_cutoff_at=quote.local_cutoff_at,
        window_open=quote.window_open,
        venue_fee_per_ticket_minor=quote.venue_fee_per_ticket_minor,
        refund_minor=quote.refund_minor,
        fee_minor=quote.fee_minor,
        tickets=[
            RefundLineOut(
                ticket_id=line.ticket_id,
                seat=line.seat_code,
                seat_label=line.seat_label,
                status=line.status,
                refundable=line.refundable,
                reason=line.reason,
                price_minor=line.price_minor,
                service_fee_minor=line.service_fee_minor,
                venue_fee_minor=line.venue_fee_minor,
                refund_minor=line.refund_minor,
            )
            for line in quote.lines
        ],
    )


class ExchangeIn(Schema):
    ticket_ids: list[Id] = Field(..., min_length=1, max_length=100)
    showtime_id: Id = Field(..., description="Another showtime of the same film, same cinema")
    seats: list[str] = Field(..., max_length=100, description='New seat codes, e.g. ["6-4"]')


class ExchangeOut(Schema):
    order_id: int
    order_status: str
    exchange_id: int
    new_order: OrderOut
    tickets: list[TicketOut]
    refunded_minor: int = Field(..., description="The price difference given back (0 if none)")
    currency: str


# --- settlement -------------------------------------------------------------------


class SettlementFilters(Schema):
    venue_id: Id
    date: dt.date | None = Field(None, description="Local day at the venue (default: today)")


class SettlementLineOut(Schema):
    title_slug: str | None = Field(None, description="None on the venue total")
    title: str
    showtimes: int
    tickets: int
    gross_minor: int = Field(..., description="Seat prices of the tickets that admit")
    film_fund_minor: int
    taxes_minor: int
    net_minor: int
    cinema_share_minor: int
    distributor_share_minor: int
    service_fees_minor: int = Field(..., description="Platform fees, not box office")
    refund_fees_minor: int = Field(..., description="Venue refund fees kept, outside the split")
    film_fund_rate: str | None = Field(None, description='Exact fraction, e.g. "0.05"')
    tax_rate: str | None = None
    cinema_share_rate: str | None = None


class SettlementOut(Schema):
    venue_id: int
    venue: str
    territory: str
    date: dt.date
    time_zone: str
    currency: str
    lines: list[SettlementLineOut]
    total: SettlementLineOut


def _rate(value: Any) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _settlement_line_out(line: Any) -> SettlementLineOut:
    rates = line.rates
    return SettlementLineOut(
        title_slug=line.title_slug or None,
        title=line.title,
        showtimes=line.showtimes,
        tickets=line.tickets,
        gross_minor=line.gross.minor,
        film_fund_minor=line.film_fund.minor,
        taxes_minor=line.taxes.minor,
        net_minor=line.net.minor,
        cinema_share_minor=line.cinema_share.minor,
        distributor_share_minor=line.distributor_share.minor,
        service_fees_minor=line.service_fees.minor,
        refund_fees_minor=line.refund_fees.minor,
        film_fund_rate=_rate(rates.film_fund_rate) if rates else None,
        tax_rate=_rate(rates.tax_rate) if rates else None,
        cinema_share_rate=_rate(rates.cinema_share) if rates else None,
    )


def settlement_out(settlement: Any) -> SettlementOut:
    return SettlementOut(
        venue_id=settlement.venue_id,
        venue=settlement.venue_name,
        territory=settlement.territory,
        date=settlement.day,
        time_zone=settlement.time_zone,
        currency=settlement.currency,
        lines=[_settlement_line_out(line) for line in settlement.lines],
        total=_settlement_line_out(settlement.total),
    )
