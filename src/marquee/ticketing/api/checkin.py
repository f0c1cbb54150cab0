"""Door check-in and the day's scan summary (the venue's operators)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from marquee.accounts.auth import AUTH
from marquee.ticketing import queries
from marquee.ticketing.schemas.checkin import (
    CheckInIn,
    CheckInOut,
    ScanSummaryFilters,
    ScanSummaryOut,
    check_in_out,
)
from marquee.ticketing.services import checkin

router = Router()


@router.post(
    "/checkins",
    response=CheckInOut,
    auth=AUTH,
    summary="Scan a ticket at a venue's door: the verdict, seat and showtime (venue operators)",
)
def check_in(request: HttpRequest, payload: CheckInIn):
    venue = queries.venue_by_ref(venue_id=payload.venue_id, slug=payload.venue)
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
