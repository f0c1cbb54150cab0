"""A showtime's waiting room in a rush."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from marquee.accounts.auth import AUTH
from marquee.ticketing import queries
from marquee.ticketing.schemas.waiting_room import WaitingRoomOut
from marquee.ticketing.services import waiting_room

router = Router()


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
