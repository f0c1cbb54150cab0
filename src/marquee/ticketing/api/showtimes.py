"""Showtimes: find, read, schedule, publish, cancel; and the seat map of a sale."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Status

from marquee.accounts.auth import AUTH, acting_user
from marquee.ticketing import queries, seatmap
from marquee.ticketing.schemas.showtimes import (
    CancelIn,
    CancellationOut,
    SeatMapOut,
    ShowtimeFilters,
    ShowtimeIn,
    ShowtimeOut,
    ShowtimePage,
    ShowtimePatch,
    showtime_out,
)
from marquee.ticketing.services import showtimes

router = Router()


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
    content = seatmap.seat_map_json(
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
