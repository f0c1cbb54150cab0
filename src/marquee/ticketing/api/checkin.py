"""Door check-in and the day's scan summary (the venue's operators)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from marquee.accounts.auth import AUTH
from marquee.core.ratelimit import enforce_rate_limits
from marquee.ticketing import pickup, queries
from marquee.ticketing.schemas.checkin import (
    CheckInIn,
    CheckInOut,
    PickupLookupIn,
    PickupTicketOut,
    ScanSummaryFilters,
    ScanSummaryOut,
    check_in_out,
    pickup_ticket_out,
)
from marquee.ticketing.services import checkin

router = Router()


@router.post(
    "/checkins",
    response=CheckInOut,
    auth=AUTH,
    summary="Scan a ticket at a venue's door: the verdict, seat and showtime (venue operators)",
    description="`code` is the signed code or the 10-digit pickup code; pickup codes are "
    "rate-limited per account and address (429 problem `rate_limited`).",
)
def check_in(request: HttpRequest, payload: CheckInIn):
    if pickup.normalise(payload.code) is not None:
        enforce_rate_limits(request, "pickup_codes")
    venue = queries.venue_by_ref(venue_id=payload.venue_id, slug=payload.venue)
    showtime = (
        queries.showtime_by_id(payload.showtime_id) if payload.showtime_id is not None else None
    )
    result = checkin.check_in(
        code=payload.code, venue=venue, actor=request.user, showtime=showtime, door=payload.door
    )
    return check_in_out(result)


@router.post(
    "/pickups/lookup",
    response=PickupTicketOut,
    auth=AUTH,
    summary="A kiosk finds a ticket by its pickup code at a venue (venue operators)",
    description="404 problem `pickup_code_not_found` when no ticket of the venue has the "
    "code. Rate-limited per account and address (429 problem `rate_limited`).",
)
def pickup_lookup(request: HttpRequest, payload: PickupLookupIn):
    enforce_rate_limits(request, "pickup_codes")
    venue = queries.venue_by_ref(venue_id=payload.venue_id, slug=payload.venue)
    ticket = checkin.find_ticket_for_pickup(code=payload.code, venue=venue, actor=request.user)
    return pickup_ticket_out(ticket)


@router.get(
    "/checkins/summary",
    response=ScanSummaryOut,
    auth=AUTH,
    summary="A venue's scans of one local day, counted by verdict (venue operators)",
)
def check_in_summary(request: HttpRequest, filters: Query[ScanSummaryFilters]):
    venue = queries.venue_by_ref(venue_id=filters.venue_id, slug=filters.venue)
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
