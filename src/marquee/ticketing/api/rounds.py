"""Pre-sale rounds, invitation codes and "want to see" interest."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from marquee.accounts.auth import AUTH, acting_user
from marquee.ticketing import queries
from marquee.ticketing.schemas.rounds import (
    InvitationOut,
    InvitationsIn,
    RoundFilters,
    RoundIn,
    RoundOut,
    WantToSeeOut,
    invitation_out,
    round_out,
)
from marquee.ticketing.services import rounds

router = Router()


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
    interest = queries.want_to_see(user, title)
    return WantToSeeOut(
        title=title.slug, count=interest.count, registered=interest.mine if user else None
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
