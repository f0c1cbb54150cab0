"""The waiting list of a sold-out showtime: join, look, accept or decline an offer, leave."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from marquee.accounts.auth import AUTH
from marquee.core.idempotency import IdempotencyKey, idempotent
from marquee.ticketing import audience_queries, queries
from marquee.ticketing.schemas.audience import AcceptOut, WaitlistIn, WaitlistOut, waitlist_out
from marquee.ticketing.services import waitlist

router = Router()


@router.post(
    "/waitlist",
    response={201: WaitlistOut},
    auth=AUTH,
    summary="Join a sold-out showtime's waiting list",
    description=(
        "Only a showtime on sale with fewer free seats than `party_size` has a list "
        "(409 `waitlist_not_sold_out` otherwise). Seats a refund, an exchange or a lapsed "
        "hold frees are offered to waiters in the order they joined, held for each for "
        "a few minutes (`offer_expires_at`)."
    ),
)
def join(request: HttpRequest, payload: WaitlistIn):
    showtime = queries.showtime_for_sale(user=request.user, showtime_id=payload.showtime_id)
    entry = waitlist.join_waitlist(
        showtime=showtime, user=request.user, party_size=payload.party_size
    )
    entry = waitlist.entry_of(entry_id=entry.pk, user=request.user)
    return Status(201, waitlist_out(entry, now=timezone.now()))


@router.get(
    "/waitlist",
    response=list[WaitlistOut],
    auth=AUTH,
    summary="Your waiting-list places and offers, newest first",
    description=(
        "Reads only: an offer whose time ran out shows as `lapsed`, a place on a list of a "
        "showtime that no longer sells as `closed`. Seats a lapsed hold frees are offered "
        "by the next sweep (`marquee waitlist_sweep`, every minute)."
    ),
)
def mine(request: HttpRequest):
    now = timezone.now()
    return [waitlist_out(e, now=now) for e in audience_queries.waitlist_of(request.user)[:100]]


@router.get("/waitlist/{entry_id}", response=WaitlistOut, auth=AUTH, summary="One of your places")
def one(request: HttpRequest, entry_id: int):
    entry = waitlist.entry_of(entry_id=entry_id, user=request.user)
    return waitlist_out(entry, now=timezone.now())


@router.post(
    "/waitlist/{entry_id}/accept",
    response={201: AcceptOut},
    auth=AUTH,
    summary="Accept the seats offered to you: opens the order to pay (send an Idempotency-Key)",
)
@idempotent(
    scope="ticketing.accept_waitlist_offer", fingerprint=lambda entry_id, **_: {"entry": entry_id}
)
def accept(request: HttpRequest, entry_id: int, idempotency_key: IdempotencyKey = None):
    order = waitlist.accept_offer(entry_id=entry_id, user=request.user)
    body = AcceptOut(
        order_id=order.pk,
        hold_expires_at=order.hold.expires_at,
        total_minor=order.total_minor,
        currency=order.currency,
    )
    return 201, body.model_dump(mode="json")


@router.post(
    "/waitlist/{entry_id}/decline",
    response=WaitlistOut,
    auth=AUTH,
    summary="Decline the seats offered to you: they go to the next waiter",
)
def decline(request: HttpRequest, entry_id: int):
    entry = waitlist.decline_offer(entry_id=entry_id, user=request.user)
    return waitlist_out(waitlist.entry_of(entry_id=entry.pk, user=request.user), now=timezone.now())


@router.delete(
    "/waitlist/{entry_id}",
    response=WaitlistOut,
    auth=AUTH,
    summary="Leave the waiting list (an open offer is declined)",
)
def leave(request: HttpRequest, entry_id: int):
    entry = waitlist.leave_waitlist(entry_id=entry_id, user=request.user)
    return waitlist_out(waitlist.entry_of(entry_id=entry.pk, user=request.user), now=timezone.now())
