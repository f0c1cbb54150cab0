"""Holds of seats."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from marquee.accounts.auth import AUTH
from marquee.core.ratelimit import enforce_rate_limits
from marquee.ticketing import queries
from marquee.ticketing.schemas.holds import HoldIn, HoldOut, hold_out
from marquee.ticketing.services import holds

router = Router()


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
