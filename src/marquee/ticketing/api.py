"""HTTP API of the ticketing domain (mounted by ``marquee.api`` at ``/api/v1/ticketing``).

Reads of showtimes, seat maps, rounds and interest counts are public (an
identified scheduler also sees its drafts); everything else needs ``AUTH``.
Calls that create or move money (``POST /orders``, ``POST /orders/{id}/pay``,
``/refund``, ``/exchange``) honour an ``Idempotency-Key`` header with Stripe's
semantics. Downloads (QR, PDF, iCalendar) are the order owner's (and admins').
Door check-in is for the venue's operators; settlements for its operators and
distribution staff. Each handler parses, calls one query or service, and
serialises (``schemas.py``).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Header, P, Query, Router, Status

from marquee.accounts.auth import AUTH, acting_user
from marquee.core.ratelimit import enforce_rate_limits
from marquee.payments.idempotency import run_idempotent
from marquee.ticketing import downloads, queries
from marquee.ticketing.schemas import (
    CancelIn,
    CancellationOut,
    CheckInIn,
    CheckInOut,
    ExchangeIn,
    ExchangeOut,
    HoldIn,
    HoldOut,
    InvitationOut,
    InvitationsIn,
    KeyOut,
    OrderIn,
    OrderOut,
    PayIn,
    PayOut,
    RefundIn,
    RefundOut,
    RefundQuoteFilters,
    RefundQuoteOut,
    RoundFilters,
    RoundIn,
    RoundOut,
    ScanSummaryFilters,
    ScanSummaryOut,
    SeatMapOut,
    SettlementFilters,
    SettlementOut,
    ShowtimeFilters,
    ShowtimeIn,
    ShowtimeOut,
    ShowtimePage,
    ShowtimePatch,
    TicketOut,
    WaitingRoomOut,
    WantToSeeOut,
    check_in_out,
    hold_out,
    invitation_out,
    order_out,
    refund_quote_out,
    round_out,
    settlement_out,
    showtime_out,
    ticket_out,
)
from marquee.ticketing.services import (
    checkin,
    exchanges,
    holds,
    orders,
    refunds,
    rounds,
    settlement,
    showtimes,
    waiting_room,
)

router = Router(tags=["ticketing"])

IdempotencyKey = Header[
    str | None,
    P(
        alias="Idempotency-Key",
        description="Repeat a request safely: the same key and request return the first response.",
        max_length=255,
    ),
]

# --- showtimes --------------------------------------------------------------------


@router.get(
    "/showtimes",
    response=ShowtimePage,
    auth=None,
    summary="Find showtimes by title, city, venue and local day",
)
def list_showtimes(request: HttpRequest, filters: Query[ShowtimeFilters]):
    now = timezone.now()
    qs = queries.list_showtimes(
        user=acting_user(request),
        title=filters.title,
        city=filters.city,
        venue=filters.venue,
        on=filters.date,
        status=filters.status,
        now=now,
    )
    items = list(qs[filters.offset : filters.offset + filters.limit])
    return ShowtimePage(items=[showtime_out(s, now=now) for s in items], count=qs.count())


@router.get("/showtimes/{showtime_id}", response=ShowtimeOut, auth=None, summary="One showtime")
def get_showtime(request: HttpRequest, showtime_id: int):
    showtime = queries.get_showtime(user=acting_user(request), showtime_id=showtime_id)
    return showtime_out(showtime, now=timezone.now())


@router.get(
    "/showtimes/{showtime_id}/seats",
    response=SeatMapOut,
    auth=None,
    summary="Seat map: the hall layout with every seat's state (free, held, sold, closed)",
)
def get_seat_map(request: HttpRequest, showtime_id: int):
    # The hot read of a sale: the body is built as JSON directly (cached layout, one
    # query for the states); ``response=SeatMapOut`` documents it.
    content = queries.seat_map_json(
        showtime_id=showtime_id, acting_user=lambda: acting_user(request)
    )
    return HttpResponse(content, content_type="application/json")


@router.post(
    "/showtimes",
    response={201: ShowtimeOut},
    auth=AUTH,
    summary="Schedule a draft showtime (the venue chain's operators, distribution staff)",
)
def create_showtime(request: HttpRequest, payload: ShowtimeIn):
    showtime = showtimes.create_showtime(
        actor=request.user,
        title=queries.title_by_slug(payload.title),
        hall=queries.hall_by_id(payload.hall_id),
        starts_at=payload.starts_at,
        prices=payload.prices,
        format=payload.format,
        audio_language=payload.audio_language,
        subtitle_language=payload.subtitle_language,
        service_fee_minor=payload.service_fee_minor,
        sales_open_at=payload.sales_open_at,
        runtime_minutes=payload.runtime_minutes,
    )
    fresh = queries.get_showtime(user=request.user, showtime_id=showtime.pk)
    return Status(201, showtime_out(fresh, now=timezone.now()))


@router.patch(
    "/showtimes/{showtime_id}",
    response=ShowtimeOut,
    auth=AUTH,
    summary="Change a showtime (drafts: anything; published: languages and sales opening)",
)
def update_showtime(request: HttpRequest, showtime_id: int, payload: ShowtimePatch):
    showtime = queries.get_showtime(user=request.user, showtime_id=showtime_id)
    showtimes.update_showtime(
        actor=request.user, showtime=showtime, **payload.model_dump(exclude_unset=True)
    )
    fresh = queries.get_showtime(user=request.user, showtime_id=showtime_id)
    return showtime_out(fresh, now=timezone.now())


@router.post(
    "/showtimes/{showtime_id}/publish",
    response=ShowtimeOut,
    auth=AUTH,
    summary="Put a draft on sale (creates its seat inventory)",
)
def publish_showtime(request: HttpRequest, showtime_id: int):
    showtime = queries.get_showtime(user=request.user, showtime_id=showtime_id)
    showtimes.publish_showtime(actor=request.user, showtime=showtime)
    fresh = queries.get_showtime(user=request.user, showtime_id=showtime_id)
    return showtime_out(fresh, now=timezone.now())


@router.post(
    "/showtimes/{showtime_id}/cancel",
    response=CancellationOut,
    auth=AUTH,
    summary="Cancel a showtime: sales stop, holds end, paid orders are refunded",
)
def cancel_showtime(request: HttpRequest, showtime_id: int, payload: CancelIn | None = None):
    showtime = queries.get_showtime(user=request.user, showtime_id=showtime_id)
    result = showtimes.cancel_showtime(
        actor=request.user, showtime=showtime, reason=payload.reason if payload else ""
    )
    fresh = queries.get_showtime(user=request.user, showtime_id=showtime_id)
    return CancellationOut(
        showtime=showtime_out(fresh, now=timezone.now()),
        cancelled_hold_ids=result.cancelled_hold_ids,
        cancelled_order_ids=result.cancelled_order_ids,
        paid_order_ids=result.paid_order_ids,
    )


# --- pre-sale rounds and interest -------------------------------------------------


@router.get("/rounds", response=list[RoundOut], auth=None, summary="Pre-sale rounds")
def list_rounds(request: HttpRequest, filters: Query[RoundFilters]):
    now = timezone.now()
    return [
        round_out(r, now=now)
        for r in queries.list_rounds(title=filters.title, open_only=filters.open, now=now)
    ]


@router.get(
    "/rounds/{round_id}",
    response=RoundOut,
    auth=None,
    summary="One pre-sale round (with the seats counted against you when signed in)",
)
def get_round(request: HttpRequest, round_id: int):
    now = timezone.now()
    presale = queries.get_round(round_id)
    user = acting_user(request)
    used = queries.round_usage(round_id=presale.pk, user=user, now=now) if user else None
    return round_out(presale, now=now, used=used)


@router.post(
    "/rounds",
    response={201: RoundOut},
    auth=AUTH,
    summary="Plan a pre-sale round (distribution staff)",
)
def create_round(request: HttpRequest, payload: RoundIn):
    presale = rounds.create_presale_round(
        actor=request.user,
        title=queries.title_by_slug(payload.title),
        name=payload.name,
        opens_at=payload.opens_at,
        closes_at=payload.closes_at,
        audience=payload.audience,
        per_account_limit=payload.per_account_limit,
        currency=payload.currency,
        price_override_minor=payload.price_override_minor,
        price_overrides=payload.price_overrides,
        venue_slugs=payload.venues,
        city_codes=payload.cities,
    )
    return Status(201, round_out(queries.get_round(presale.pk), now=timezone.now()))


@router.post(
    "/rounds/{round_id}/invitations",
    response={201: list[InvitationOut]},
    auth=AUTH,
    summary="Issue invitation codes for an invitation round (distribution staff)",
)
def create_invitations(request: HttpRequest, round_id: int, payload: InvitationsIn):
    presale = queries.get_round(round_id)
    invitee = queries.account_by_id(payload.user_id) if payload.user_id is not None else None
    codes = rounds.create_invitation_codes(
        actor=request.user,
        presale=presale,
        count=payload.count,
        max_uses=payload.max_uses,
        user=invitee,
    )
    return Status(201, [invitation_out(c) for c in codes])


def _want_to_see(title, user) -> WantToSeeOut:
    return WantToSeeOut(
        title=title.slug,
        count=queries.want_to_see_count(title),
        registered=queries.wants_to_see(user, title) if user else None,
    )


@router.get(
    "/titles/{slug}/want-to-see",
    response=WantToSeeOut,
    auth=None,
    summary="How many accounts want to see a title",
)
def want_to_see_count(request: HttpRequest, slug: str):
    return _want_to_see(queries.title_by_slug(slug), acting_user(request))


@router.post(
    "/titles/{slug}/want-to-see",
    response=WantToSeeOut,
    auth=AUTH,
    summary="Register that you want to see a title (idempotent)",
)
def register_want_to_see(request: HttpRequest, slug: str):
    title = queries.title_by_slug(slug)
    rounds.register_want_to_see(user=request.user, title=title)
    return _want_to_see(title, request.user)


@router.delete(
    "/titles/{slug}/want-to-see",
    response=WantToSeeOut,
    auth=AUTH,
    summary="Withdraw your want-to-see (idempotent)",
)
def unregister_want_to_see(request: HttpRequest, slug: str):
    title = queries.title_by_slug(slug)
    rounds.unregister_want_to_see(user=request.user, title=title)
    return _want_to_see(title, request.user)


@router.post(
    "/showtimes/{showtime_id}/waiting-room",
    response={200: WaitingRoomOut, 429: WaitingRoomOut},
    auth=AUTH,
    summary="Enter (or ask again at) a showtime's waiting room: admitted, or your place in line",
    description=(
        "Only showtimes with a `waiting_room_size` have a room; elsewhere everyone is admitted. "
        "Waiting answers 429 with `Retry-After`; asking again keeps your place. `POST /holds` "
        "enters the room the same way (429 problem `in_waiting_room`)."
    ),
)
def enter_waiting_room(request: HttpRequest, response: HttpResponse, showtime_id: int):
    showtime = queries.showtime_for_sale(user=request.user, showtime_id=showtime_id)
    status = waiting_room.check_in(showtime=showtime, user=request.user)
    body = WaitingRoomOut(
        admitted=status.admitted,
        position=status.position,
        admitted_until=status.admitted_until,
        retry_after=status.retry_after,
        room_size=status.size,
    )
    if status.admitted:
        return body
    response["Retry-After"] = str(status.retry_after)
    return Status(429, body)


# --- holds ------------------------------------------------------------------------


@router.post(
    "/holds",
    response={201: HoldOut},
    auth=AUTH,
    summary="Hold seats for a few minutes (all or nothing)",
    description=(
        "Rate-limited per account and per client address (429 problem `rate_limited` "
        "with a `Retry-After` header)."
    ),
)
def create_hold(request: HttpRequest, payload: HoldIn):
    enforce_rate_limits(request, "holds")
    showtime = queries.showtime_for_sale(user=request.user, showtime_id=payload.showtime_id)
    placed = holds.place_hold(
        showtime=showtime,
        seat_codes=payload.seats,
        user=request.user,
        invitation_code=payload.invitation_code,
    )
    return Status(201, hold_out(placed.hold, now=timezone.now(), seats=placed.seats))


@router.get("/holds/{hold_id}", response=HoldOut, auth=AUTH, summary="One of your holds")
def get_hold(request: HttpRequest, hold_id: int):
    return hold_out(queries.hold_of(user=request.user, hold_id=hold_id), now=timezone.now())


@router.delete(
    "/holds/{hold_id}",
    response=HoldOut,
    auth=AUTH,
    summary="Release your hold (seats back on sale)",
)
def release_hold(request: HttpRequest, hold_id: int):
    hold = queries.hold_of(user=request.user, hold_id=hold_id)
    holds.release_hold(hold=hold, user=request.user)
    return hold_out(queries.hold_of(user=request.user, hold_id=hold_id), now=timezone.now())


# --- orders and tickets -----------------------------------------------------------


@router.post(
    "/orders",
    response={201: OrderOut},
    auth=AUTH,
    summary="Create an order from your hold (send an Idempotency-Key)",
)
def create_order(request: HttpRequest, payload: OrderIn, idempotency_key: IdempotencyKey = None):
    user = request.user

    def run() -> tuple[int, dict]:
        placed = orders.place_order(hold=payload.hold_id, user=user)
        body = order_out(placed.order, now=timezone.now(), lines=placed.lines)
        return 201, body.model_dump(mode="json")

    status, body = run_idempotent(
        key=idempotency_key,
        user=user,
        scope="ticketing.create_order",
        fingerprint={"hold_id": payload.hold_id},
        fn=run,
    )
    return Status(status, body)


@router.get("/orders", response=list[OrderOut], auth=AUTH, summary="Your orders, newest first")
def list_orders(
    request: HttpRequest,
    limit: Query[int, P(ge=1, le=200)] = 50,
    offset: Query[int, P(ge=0, le=100_000)] = 0,
):
    now = timezone.now()
    return [order_out(o, now=now) for o in queries.orders_of(request.user)[offset : offset + limit]]


@router.get(
    "/orders/{order_id}",
    response=OrderOut,
    auth=AUTH,
    summary="One of your orders (admins: any order, as for refunds)",
)
def get_order(request: HttpRequest, order_id: int):
    order = queries.order_for_owner(user=request.user, order_id=order_id)
    return order_out(order, now=timezone.now())


@router.post(
    "/orders/{order_id}/pay",
    response=PayOut,
    auth=AUTH,
    summary="Pay an order: returns the payment page to redirect to (send an Idempotency-Key)",
)
def pay_order(
    request: HttpRequest,
    order_id: int,
    payload: PayIn | None = None,
    idempotency_key: IdempotencyKey = None,
):
    user = request.user
    return_url = payload.return_url if payload else ""

    def run() -> tuple[int, dict]:
        started = orders.pay_order(order=order_id, user=user, return_url=return_url)
        body = PayOut(
            order_id=started.order.pk,
            order_status=started.order.current_status(),
            payment_id=started.payment_id,
            redirect_url=started.redirect_url,
        )
        return 200, body.model_dump(mode="json")

    status, body = run_idempotent(
        key=idempotency_key,
        user=user,
        scope="ticketing.pay_order",
        fingerprint={"order_id": order_id, "return_url": return_url},
        fn=run,
    )
    return Status(status, body)


@router.post(
    "/orders/{order_id}/cancel",
    response=OrderOut,
    auth=AUTH,
    summary="Cancel your pending order (its seats go back on sale)",
)
def cancel_order(request: HttpRequest, order_id: int):
    order = queries.order_of(user=request.user, order_id=order_id)
    orders.cancel_order(order=order, user=request.user)
    return order_out(queries.order_of(user=request.user, order_id=order_id), now=timezone.now())


@router.get(
    "/orders/{order_id}/tickets",
    response=list[TicketOut],
    auth=AUTH,
    summary="The tickets of your paid order (the signed QR payload in `code`; admins: any)",
)
def order_tickets(request: HttpRequest, order_id: int):
    return [ticket_out(t) for t in queries.tickets_of_order(user=request.user, order_id=order_id)]


@router.get(
    "/keys",
    response=KeyOut,
    auth=None,
    summary="The Ed25519 public key that verifies ticket QR codes offline (docs/tickets.md)",
)
def ticket_keys(request: HttpRequest):
    from marquee.ticketing import etickets

    return etickets.public_key_info()


# --- downloads --------------------------------------------------------------------


def _file(download: downloads.Download) -> HttpResponse:
    response = HttpResponse(download.content, content_type=download.content_type)
    response["Content-Disposition"] = download.content_disposition
    response["Cache-Control"] = "private, no-store"
    return response


def _binary(content_type: str) -> dict:
    return {
        "responses": {
            200: {
                "description": "The file",
                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


@router.get(
    "/tickets/{ticket_id}/qr.png",
    auth=AUTH,
    summary="A ticket's QR code as PNG (owner of the order)",
    openapi_extra=_binary(downloads.PNG),
)
def ticket_qr_png(request: HttpRequest, ticket_id: int):
    ticket = queries.ticket_for_owner(user=request.user, ticket_id=ticket_id)
    return _file(downloads.ticket_qr_png(ticket))


@router.get(
    "/tickets/{ticket_id}/qr.svg",
    auth=AUTH,
    summary="A ticket's QR code as SVG (owner of the order)",
    openapi_extra=_binary(downloads.SVG),
)
def ticket_qr_svg(request: HttpRequest, ticket_id: int):
    ticket = queries.ticket_for_owner(user=request.user, ticket_id=ticket_id)
    return _file(downloads.ticket_qr_svg(ticket))


@router.get(
    "/tickets/{ticket_id}/ticket.pdf",
    auth=AUTH,
    summary="A ticket as a printable PDF (owner of the order)",
    openapi_extra=_binary(downloads.PDF),
)
def ticket_pdf(request: HttpRequest, ticket_id: int):
    ticket = queries.ticket_for_owner(user=request.user, ticket_id=ticket_id)
    return _file(downloads.ticket_pdf(ticket))


@router.get(
    "/tickets/{ticket_id}/ticket.ics",
    auth=AUTH,
    summary="A ticket as an iCalendar event in the venue's time zone (owner of the order)",
    openapi_extra=_binary("text/calendar"),
)
def ticket_ics(request: HttpRequest, ticket_id: int):
    ticket = queries.ticket_for_owner(user=request.user, ticket_id=ticket_id)
    return _file(downloads.ticket_ics(ticket))


@router.get(
    "/orders/{order_id}/tickets.pdf",
    auth=AUTH,
    summary="Every ticket of an order that admits, one PDF page each (owner of the order)",
    openapi_extra=_binary(downloads.PDF),
)
def order_tickets_pdf(request: HttpRequest, order_id: int):
    order = queries.order_for_owner(user=request.user, order_id=order_id)
    return _file(downloads.order_pdf(order, queries.tickets_of(order)))


@router.get(
    "/orders/{order_id}/tickets.ics",
    auth=AUTH,
    summary="Every ticket of an order that admits as one calendar (owner of the order)",
    openapi_extra=_binary("text/calendar"),
)
def order_tickets_ics(request: HttpRequest, order_id: int):
    order = queries.order_for_owner(user=request.user, order_id=order_id)
    return _file(downloads.order_ics(order, queries.tickets_of(order)))


# --- refunds and exchanges --------------------------------------------------------


@router.get(
    "/orders/{order_id}/refund-quote",
    response=RefundQuoteOut,
    auth=AUTH,
    summary="What a refund would give back under the venue's rule, before you confirm",
)
def refund_quote(request: HttpRequest, order_id: int, filters: Query[RefundQuoteFilters]):
    order = queries.order_for_owner(user=request.user, order_id=order_id)
    quote = refunds.quote_refund(order=order, actor=request.user, ticket_ids=filters.ticket_ids)
    return refund_quote_out(quote)


@router.post(
    "/orders/{order_id}/refund",
    response=RefundOut,
    auth=AUTH,
    summary="Refund some or all valid tickets of your paid order (send an Idempotency-Key)",
)
def refund_order(
    request: HttpRequest,
    order_id: int,
    payload: RefundIn | None = None,
    idempotency_key: IdempotencyKey = None,
):
    user = request.user
    ticket_ids = payload.ticket_ids if payload else None

    def run() -> tuple[int, dict]:
        order = queries.order_for_owner(user=user, order_id=order_id)
        result = refunds.refund_tickets(
            order=order, ticket_ids=ticket_ids, actor=user, idempotency_key=idempotency_key
        )
        body = RefundOut(
            order_id=result.order.pk,
            order_status=result.order.status,
            refund_id=result.record.pk,
            refunded_ticket_ids=sorted(t.pk for t in result.tickets),
            amount_minor=result.amount_minor,
            fee_minor=result.fee_minor,
            currency=result.currency,
            order_refunded_minor=result.order.refunded_minor,
        )
        return 200, body.model_dump(mode="json")

    status, body = run_idempotent(
        key=idempotency_key,
        user=user,
        scope="ticketing.refund_order",
        fingerprint={
            "order_id": order_id,
            "ticket_ids": sorted(set(ticket_ids)) if ticket_ids is not None else None,
        },
        fn=run,
    )
    return Status(status, body)


@router.post(
    "/orders/{order_id}/exchange",
    response={201: ExchangeOut},
    auth=AUTH,
    summary="Exchange valid tickets for seats at another showtime of the film (Idempotency-Key)",
)
def exchange_order(
    request: HttpRequest,
    order_id: int,
    payload: ExchangeIn,
    idempotency_key: IdempotencyKey = None,
):
    user = request.user

    def run() -> tuple[int, dict]:
        order = queries.order_for_owner(user=user, order_id=order_id)
        new_showtime = queries.get_showtime(user=user, showtime_id=payload.showtime_id)
        result = exchanges.exchange_tickets(
            order=order,
            ticket_ids=payload.ticket_ids,
            new_showtime=new_showtime,
            seat_codes=payload.seats,
            actor=user,
            idempotency_key=idempotency_key,
        )
        now = timezone.now()
        new_order = queries.order_for_owner(user=user, order_id=result.new_order.pk)
        body = ExchangeOut(
            order_id=result.order.pk,
            order_status=result.order.status,
            exchange_id=result.exchange.pk,
            new_order=order_out(new_order, now=now),
            tickets=[ticket_out(t) for t in queries.tickets_of(new_order)],
            refunded_minor=result.refunded_minor,
            currency=result.currency,
        )
        return 201, body.model_dump(mode="json")

    status, body = run_idempotent(
        key=idempotency_key,
        user=user,
        scope="ticketing.exchange_order",
        fingerprint={
            "order_id": order_id,
            "ticket_ids": sorted(set(payload.ticket_ids)),
            "showtime_id": payload.showtime_id,
            "seats": sorted(payload.seats),
        },
        fn=run,
    )
    return Status(status, body)


# --- door check-in ----------------------------------------------------------------


@router.post(
    "/checkins",
    response=CheckInOut,
    auth=AUTH,
    summary="Scan a ticket at a venue's door: the verdict, seat and showtime (venue operators)",
)
def check_in(request: HttpRequest, payload: CheckInIn):
    venue = queries.venue_by_id(payload.venue_id)
    showtime = (
        queries.showtime_by_id(payload.showtime_id) if payload.showtime_id is not None else None
    )
    result = checkin.check_in(
        code=payload.code, venue=venue, actor=request.user, showtime=showtime, door=payload.door
    )
    return check_in_out(result)


@router.get(
    "/checkins/summary",
    response=ScanSummaryOut,
    auth=AUTH,
    summary="A venue's scans of one local day, counted by verdict (venue operators)",
)
def check_in_summary(request: HttpRequest, filters: Query[ScanSummaryFilters]):
    venue = queries.venue_by_id(filters.venue_id)
    checkin.require_door_access(actor=request.user, venue=venue)
    day = filters.date or queries.local_today(venue.time_zone)
    summary = queries.scan_summary(venue=venue, day=day)
    return ScanSummaryOut(
        venue_id=summary.venue_id,
        date=summary.day,
        time_zone=summary.time_zone,
        counts=summary.counts,
        total=summary.total,
        admitted=summary.admitted,
    )


# --- settlement -------------------------------------------------------------------


@router.get(
    "/settlements",
    response=SettlementOut,
    auth=AUTH,
    summary="A venue's settlement for one local day (its operators, distribution staff)",
)
def get_settlement(request: HttpRequest, filters: Query[SettlementFilters]):
    venue = queries.venue_by_id(filters.venue_id)
    day = filters.date or queries.local_today(venue.time_zone)
    return settlement_out(settlement.settlement_for(venue=venue, day=day, actor=request.user))


@router.get(
    "/settlements.csv",
    auth=AUTH,
    summary="The same settlement as a CSV download",
    openapi_extra=_binary("text/csv"),
)
def get_settlement_csv(request: HttpRequest, filters: Query[SettlementFilters]):
    venue = queries.venue_by_id(filters.venue_id)
    day = filters.date or queries.local_today(venue.time_zone)
    result = settlement.settlement_for(venue=venue, day=day, actor=request.user)
    return _file(
        downloads.Download(
            settlement.settlement_csv(result).encode("utf-8-sig"),
            "text/csv; charset=utf-8",
            f"settlement-{venue.slug}-{day.isoformat()}.csv",
        )
    )
