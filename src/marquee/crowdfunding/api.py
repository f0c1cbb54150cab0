"""HTTP API of crowdfunding (mounted by ``marquee.api`` at ``/api/v1/crowdfunding``).

Offerings are public. Any signed-in account pledges (``POST
/offerings/{id}/pledges`` reserves the units and opens the payment; send an
``Idempotency-Key``) and reads its own pledges and perks. Investment staff and
admins create offerings, read their backers, close due offerings and pay
returns; distribution staff and admins link an offering to a pre-sale round.
Each handler parses, calls one query or service, and serialises.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import P, Path, Query, Router, Status

from marquee.accounts.auth import AUTH
from marquee.core.idempotency import IdempotencyKey, idempotent
from marquee.crowdfunding import queries
from marquee.crowdfunding.schemas import (
    CrowdfundingClaimIn,
    CrowdfundingClaimOut,
    CrowdfundingMyPayoutOut,
    CrowdfundingPayoutAccountIn,
    CrowdfundingPayoutAccountOut,
    CrowdfundingPoolIn,
    CrowdfundingPoolOut,
    CrowdfundingPremiereIn,
    OfferingFilters,
    OfferingIn,
    OfferingOut,
    PayoutOut,
    PayReturnsIn,
    PerkOut,
    PledgeIn,
    PledgeOut,
    PledgeStartOut,
    PresalePerkIn,
    ReturnsOut,
    offering_out,
    perk_out,
    pledge_out,
    returns_out,
)
from marquee.crowdfunding.services import closing, offerings, payouts, pledges, premiere, returns

router = Router(tags=["crowdfunding"])

#: An id in a path: positive and inside a 64-bit column (larger → 422, not a 500).
Id = Path[int, P(ge=1, le=2**62)]


@router.get("/offerings", response=list[OfferingOut], auth=None, summary="Offerings (public)")
def list_offerings(request: HttpRequest, filters: Query[OfferingFilters]):
    now = timezone.now()
    return [offering_out(o, now=now) for o in queries.offerings(phase=filters.phase, now=now)]


@router.post(
    "/offerings",
    response={201: OfferingOut},
    auth=AUTH,
    summary="Create an offering (investment staff)",
)
def create_offering(request: HttpRequest, payload: OfferingIn):
    created = offerings.create_offering(
        actor=request.user,
        project=payload.project,
        slug=payload.slug,
        names=(payload.name_en, payload.name_zh_hans, payload.name_zh_hant),
        currency=payload.currency,
        unit_price_minor=payload.unit_price_minor,
        target_units=payload.target_units,
        cap_units=payload.cap_units,
        min_units_per_backer=payload.min_units_per_backer,
        max_units_per_backer=payload.max_units_per_backer,
        opens_at=payload.opens_at,
        closes_at=payload.closes_at,
        min_return_bp=payload.min_return_bp,
        bonus_tiers=[(t.threshold_minor, t.bonus_bp) for t in payload.bonus_tiers],
        premiere_min_units=payload.premiere_min_units,
        premiere_tickets=payload.premiere_tickets,
    )
    return Status(201, offering_out(queries.offering(created.pk), now=timezone.now()))


@router.get(
    "/offerings/{offering_id}",
    response=OfferingOut,
    auth=None,
    summary="One offering with its progress (public)",
)
def get_offering(request: HttpRequest, offering_id: Id):
    return offering_out(queries.offering(offering_id), now=timezone.now())


@router.post(
    "/offerings/{offering_id}/presale-perk",
    response=OfferingOut,
    auth=AUTH,
    summary="Invite the backers to a pre-sale round of the film (distribution staff)",
)
def link_presale_round(request: HttpRequest, payload: PresalePerkIn, offering_id: Id):
    from marquee.ticketing.queries import get_round

    offering = queries.offering(offering_id)
    offerings.link_presale_round(
        actor=request.user, offering=offering, presale=get_round(payload.round_id)
    )
    return offering_out(queries.offering(offering_id), now=timezone.now())


@router.post(
    "/offerings/{offering_id}/close",
    response=OfferingOut,
    auth=AUTH,
    summary="Close an offering past its closing time: release or refund (investment staff)",
)
def close_offering(request: HttpRequest, offering_id: Id):
    queries.require_manager(request.user)
    closing.close_offering(offering=queries.offering(offering_id))
    return offering_out(queries.offering(offering_id), now=timezone.now())


@router.get(
    "/offerings/{offering_id}/pledges",
    response=list[PledgeOut],
    auth=AUTH,
    summary="Every pledge of an offering (investment staff)",
)
def list_backers(request: HttpRequest, offering_id: Id):
    return [pledge_out(p) for p in queries.backers(request.user, queries.offering(offering_id))]


@router.post(
    "/offerings/{offering_id}/pledges",
    response={201: PledgeStartOut},
    auth=AUTH,
    summary="Pledge units: reserves them and returns the payment page (send an Idempotency-Key)",
)
@idempotent(
    scope="crowdfunding.place_pledge",
    fingerprint=lambda offering_id, payload, **_: {
        "offering_id": offering_id,
        "units": payload.units,
        "return_url": payload.return_url,
    },
)
def place_pledge(
    request: HttpRequest,
    payload: PledgeIn,
    offering_id: Id,
    idempotency_key: IdempotencyKey = None,
):
    started = pledges.place_pledge(
        offering=queries.offering(offering_id),
        user=request.user,
        units=payload.units,
        return_url=payload.return_url,
    )
    pledge = queries.pledge_for_owner_or_admin(request.user, started.pledge.pk)
    body = PledgeStartOut(
        pledge=pledge_out(pledge), payment_id=started.payment_id, redirect_url=started.redirect_url
    )
    return 201, body.model_dump(mode="json")


@router.get(
    "/offerings/{offering_id}/returns",
    response=ReturnsOut,
    auth=AUTH,
    summary="The backers' returns from the box office so far, or as paid (investment staff)",
)
def get_returns(request: HttpRequest, offering_id: Id):
    queries.require_manager(request.user)
    offering = queries.offering(offering_id)
    run = queries.return_run(offering)
    if run is not None:
        return _run_out(run)
    quote = returns.quote_returns(offering=offering, as_of=timezone.now().date())
    out = returns_out(quote, paid=False)
    out.pool = _pool_out(offering)
    return out


@router.post(
    "/offerings/{offering_id}/returns",
    response={201: ReturnsOut},
    auth=AUTH,
    summary="Pay the backers' returns, once (investment staff; send an Idempotency-Key)",
)
@idempotent(
    scope="crowdfunding.pay_returns",
    fingerprint=lambda offering_id, payload=None, **_: {
        "offering_id": offering_id,
        "as_of": payload.as_of.isoformat() if payload and payload.as_of else None,
    },
    guard=lambda request, *_, **__: queries.require_manager(request.user),
)
def pay_returns(
    request: HttpRequest,
    offering_id: Id,
    payload: PayReturnsIn | None = None,
    idempotency_key: IdempotencyKey = None,
):
    as_of = payload.as_of if payload and payload.as_of else timezone.now().date()
    run = returns.pay_returns(
        actor=request.user, offering=queries.offering(offering_id), as_of=as_of
    )
    return 201, _run_out(run).model_dump(mode="json")


def _pool_out(offering) -> CrowdfundingPoolOut | None:
    pool = queries.pool_receipts(offering)
    if pool is None:
        return None
    return CrowdfundingPoolOut(
        participant_id=pool.participant_id,
        name=pool.name,
        currency=pool.currency,
        received_minor=pool.received_minor,
    )


def _run_out(run) -> ReturnsOut:
    shares = list(run.payouts.select_related("payout").order_by("backer_id"))
    reached = [
        t.threshold_minor
        for t in run.offering.bonus_tiers.all()
        if t.threshold_minor <= run.box_office_minor
    ]
    return ReturnsOut(
        offering_id=run.offering_id,
        as_of=run.as_of,
        currency=run.currency,
        box_office_minor=run.box_office_minor,
        thresholds_reached=reached,
        rate_bp=run.rate_bp,
        principal_minor=run.principal_minor,
        return_minor=run.total_minor - run.principal_minor,
        total_minor=run.total_minor,
        paid=True,
        payouts=[
            PayoutOut(
                backer_id=p.backer_id,
                units=p.units,
                amount_minor=p.amount_minor,
                share_id=p.pk,
                payout_status=p.payout.status if p.payout else None,
            )
            for p in shares
        ],
        pool=_pool_out(run.offering),
    )


@router.get("/pledges", response=list[PledgeOut], auth=AUTH, summary="Your pledges, newest first")
def my_pledges(
    request: HttpRequest,
    limit: Query[int, P(ge=1, le=200)] = 50,
    offset: Query[int, P(ge=0, le=100_000)] = 0,
):
    return [pledge_out(p) for p in queries.pledges_of(request.user, limit=limit, offset=offset)]


@router.get(
    "/pledges/{pledge_id}",
    response=PledgeOut,
    auth=AUTH,
    summary="One of your pledges (admins: anyone's)",
)
def get_pledge(request: HttpRequest, pledge_id: Id):
    return pledge_out(queries.pledge_for_owner_or_admin(request.user, pledge_id))


@router.get("/perks", response=list[PerkOut], auth=AUTH, summary="Your perks")
def my_perks(request: HttpRequest):
    return [perk_out(g) for g in queries.perks_of(request.user)]


@router.post(
    "/offerings/{offering_id}/premiere",
    response=OfferingOut,
    auth=AUTH,
    summary="Pick the premiere showtime of the premiere-ticket perk (investment staff)",
)
def set_premiere(request: HttpRequest, payload: CrowdfundingPremiereIn, offering_id: Id):
    from marquee.ticketing.queries import get_showtime

    premiere.set_premiere_showtime(
        actor=request.user,
        offering=queries.offering(offering_id),
        showtime=get_showtime(user=request.user, showtime_id=payload.showtime_id),
    )
    return offering_out(queries.offering(offering_id), now=timezone.now())


@router.post(
    "/offerings/{offering_id}/pool",
    response=OfferingOut,
    auth=AUTH,
    summary="Link the project's crowdfunding-pool participant of the waterfall (investment staff)",
)
def link_pool(request: HttpRequest, payload: CrowdfundingPoolIn, offering_id: Id):
    offerings.link_pool_participant(
        actor=request.user,
        offering=queries.offering(offering_id),
        participant=queries.pool_candidate(request.user, payload.participant_id),
    )
    return offering_out(queries.offering(offering_id), now=timezone.now())


@router.post(
    "/perks/{grant_id}/claim",
    response={201: CrowdfundingClaimOut},
    auth=AUTH,
    summary="Claim premiere tickets on your perk: picked seats or best available",
)
@idempotent(
    scope="crowdfunding.claim_premiere",
    fingerprint=lambda grant_id, payload, **_: {
        "grant_id": grant_id,
        "count": payload.count,
        "seats": payload.seats,
    },
)
def claim_premiere(
    request: HttpRequest,
    payload: CrowdfundingClaimIn,
    grant_id: Id,
    idempotency_key: IdempotencyKey = None,
):
    claim = premiere.claim_premiere_tickets(
        user=request.user,
        grant=grant_id,
        count=payload.count,
        seat_codes=payload.seats or None,
        idempotency_key=idempotency_key,
    )
    return 201, _claim_out(claim).model_dump(mode="json")


def _claim_out(claim) -> CrowdfundingClaimOut:
    claim.grant.refresh_from_db(fields=["claimed"])
    return CrowdfundingClaimOut(
        id=claim.pk,
        grant_id=claim.grant_id,
        tickets=claim.tickets,
        order_id=claim.order_id,
        showtime_id=claim.order.showtime_id,
        claimed=claim.grant.claimed,
        quantity=claim.grant.quantity,
    )


@router.get(
    "/payout-account",
    response={200: CrowdfundingPayoutAccountOut},
    auth=AUTH,
    summary="Where your returns are paid (default: the method you paid with)",
)
def get_payout_account(request: HttpRequest):
    return _account_out(payouts.payout_account(request.user))


@router.put(
    "/payout-account",
    response=CrowdfundingPayoutAccountOut,
    auth=AUTH,
    summary="Set where your returns are paid: a bank account, or the original method",
)
def put_payout_account(request: HttpRequest, payload: CrowdfundingPayoutAccountIn):
    account = payouts.set_payout_account(
        user=request.user,
        kind=payload.kind,
        account_name=payload.account_name,
        bank_name=payload.bank_name,
        account_number=payload.account_number,
    )
    return _account_out(account)


def _account_out(account) -> CrowdfundingPayoutAccountOut:
    if account is None or account.kind == "original":
        return CrowdfundingPayoutAccountOut(
            kind="original", account_name="", bank_name="", account_number_masked=""
        )
    return CrowdfundingPayoutAccountOut(
        kind=account.kind,
        account_name=account.account_name,
        bank_name=account.bank_name,
        account_number_masked=account.masked_number,
    )


@router.get(
    "/payouts",
    response=list[CrowdfundingMyPayoutOut],
    auth=AUTH,
    summary="Your returns and whether they have been paid out",
)
def my_payouts(request: HttpRequest):
    return [_my_payout_out(s) for s in queries.return_payouts_of(request.user)]


def _my_payout_out(share) -> CrowdfundingMyPayoutOut:
    payout = share.payout
    return CrowdfundingMyPayoutOut(
        share_id=share.pk,
        offering_id=share.run.offering_id,
        offering_name=share.run.offering.name,
        amount_minor=share.amount_minor,
        currency=share.run.currency,
        status=payout.status if payout else "requested",
        destination=payout.destination if payout else None,
        paid_at=payout.paid_at if payout else None,
        failure_reason=payout.failure_reason if payout else "",
    )


@router.post(
    "/return-payouts/{share_id}/retry",
    response=CrowdfundingMyPayoutOut,
    auth=AUTH,
    summary="Send a failed payout of returns again (investment staff)",
)
def retry_payout(request: HttpRequest, share_id: Id):
    payouts.retry_return_payout(actor=request.user, share=share_id)
    return _my_payout_out(queries.return_payout(request.user, share_id))


@router.post(
    "/payouts/{share_id}/retry",
    response={200: CrowdfundingMyPayoutOut},
    auth=AUTH,
    summary="Ask for your failed payout of returns to be sent again (after fixing your account)",
)
@idempotent(
    scope="crowdfunding.retry_my_payout",
    fingerprint=lambda share_id, **_: {"share_id": share_id},
)
def retry_my_payout(request: HttpRequest, share_id: Id, idempotency_key: IdempotencyKey = None):
    payouts.retry_my_return_payout(user=request.user, share=share_id)
    body = _my_payout_out(queries.my_return_payout(request.user, share_id))
    return 200, body.model_dump(mode="json")
