"""Schemas of the crowdfunding API. Money: integer minor units beside the currency."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from ninja import Field, Schema
from pydantic import StrictInt

from marquee.crowdfunding.models import Offering, PerkGrant, Pledge
from marquee.crowdfunding.services.returns import ReturnQuote

BIG = 10**15


class TierIn(Schema):
    threshold_minor: StrictInt = Field(..., ge=1, le=BIG, description="Box office, minor units")
    bonus_bp: StrictInt = Field(..., ge=1, le=100_000, description="Bonus, basis points")


class OfferingIn(Schema):
    project: str = Field(..., max_length=120, description="Project slug")
    slug: str = Field(..., max_length=120)
    name_en: str = Field(..., max_length=200)
    name_zh_hans: str = Field("", max_length=200)
    name_zh_hant: str = Field("", max_length=200)
    currency: str = Field(..., max_length=3)
    unit_price_minor: StrictInt = Field(..., ge=-BIG, le=BIG)
    target_units: StrictInt = Field(..., ge=-BIG, le=BIG)
    cap_units: StrictInt = Field(..., ge=-BIG, le=BIG, description="The hard cap, in units")
    min_units_per_backer: StrictInt = Field(1, ge=-BIG, le=BIG)
    max_units_per_backer: StrictInt = Field(..., ge=-BIG, le=BIG)
    opens_at: datetime
    closes_at: datetime
    min_return_bp: StrictInt = Field(0, ge=-BIG, le=BIG, description="Basis points (500 = 5 %)")
    bonus_tiers: list[TierIn] = Field(default_factory=list, max_length=50)
    premiere_min_units: StrictInt | None = Field(None, ge=-BIG, le=BIG)
    premiere_tickets: StrictInt = Field(0, ge=0, le=1000)


class TierOut(Schema):
    threshold_minor: int
    bonus_bp: int


class OfferingOut(Schema):
    id: int
    slug: str
    project: str
    title_slug: str | None
    name: str
    name_en: str
    name_zh_hans: str
    name_zh_hant: str
    currency: str
    unit_price_minor: int
    target_units: int
    cap_units: int
    min_units_per_backer: int
    max_units_per_backer: int
    opens_at: datetime
    closes_at: datetime
    phase: str = Field(..., description="upcoming, open, closing, succeeded or failed")
    reserved_units: int
    paid_units: int
    available_units: int
    raised_minor: int
    target_minor: int
    cap_minor: int
    progress_bp: int = Field(..., description="Paid units in basis points of the target")
    min_return_bp: int
    bonus_tiers: list[TierOut]
    premiere_min_units: int | None
    premiere_tickets: int
    presale_round_id: int | None
    premiere_showtime_id: int | None
    pool_participant_id: int | None


def offering_out(offering: Offering, *, now: datetime) -> OfferingOut:
    title = offering.project.title
    return OfferingOut(
        id=offering.pk,
        slug=offering.slug,
        project=offering.project.slug,
        title_slug=title.slug if title else None,
        name=offering.name,
        name_en=offering.name_en,
        name_zh_hans=offering.name_zh_hans,
        name_zh_hant=offering.name_zh_hant,
        currency=offering.currency,
        unit_price_minor=offering.unit_price_minor,
        target_units=offering.target_units,
        cap_units=offering.cap_units,
        min_units_per_backer=offering.min_units_per_backer,
        max_units_per_backer=offering.max_units_per_backer,
        opens_at=offering.opens_at,
        closes_at=offering.closes_at,
        phase=offering.phase(now),
        reserved_units=offering.reserved_units,
        paid_units=offering.paid_units,
        available_units=offering.available_units,
        raised_minor=offering.raised_minor,
        target_minor=offering.target_minor,
        cap_minor=offering.cap_minor,
        progress_bp=offering.progress_bp,
        min_return_bp=offering.min_return_bp,
        bonus_tiers=[
            TierOut(threshold_minor=t.threshold_minor, bonus_bp=t.bonus_bp)
            for t in offering.bonus_tiers.all()
        ],
        premiere_min_units=offering.premiere_min_units,
        premiere_tickets=offering.premiere_tickets,
        presale_round_id=offering.presale_round_id,
        premiere_showtime_id=offering.premiere_showtime_id,
        pool_participant_id=offering.pool_participant_id,
    )


class OfferingFilters(Schema):
    phase: str | None = Field(None, pattern="^(upcoming|open|closed)$")


class PresalePerkIn(Schema):
    round_id: int = Field(..., ge=1, le=2**62)


class PledgeIn(Schema):
    units: StrictInt = Field(..., ge=-BIG, le=BIG, description="Whole units, at least one")
    return_url: str = Field("", max_length=500, description="Where the payment page sends you back")


class PledgeOut(Schema):
    id: int
    offering_id: int
    offering_slug: str
    offering_name: str
    backer_id: int
    units: int
    amount_minor: int
    currency: str
    status: str
    expires_at: datetime
    created_at: datetime
    paid_at: datetime | None
    payment_id: UUID | None


def pledge_out(pledge: Pledge) -> PledgeOut:
    return PledgeOut(
        id=pledge.pk,
        offering_id=pledge.offering_id,
        offering_slug=pledge.offering.slug,
        offering_name=pledge.offering.name,
        backer_id=pledge.backer_id,
        units=pledge.units,
        amount_minor=pledge.amount_minor,
        currency=pledge.currency,
        status=pledge.status,
        expires_at=pledge.expires_at,
        created_at=pledge.created_at,
        paid_at=pledge.paid_at,
        payment_id=pledge.payment_id,
    )


class PledgeStartOut(Schema):
    pledge: PledgeOut
    payment_id: UUID
    redirect_url: str = Field(..., description="The payment page to send the backer to")


class PerkOut(Schema):
    id: int
    offering_id: int
    kind: str
    quantity: int
    invitation_code: str | None
    presale_round_id: int | None
    claimed: int = Field(0, description="Premiere tickets claimed so far")


def perk_out(grant: PerkGrant) -> PerkOut:
    invitation = grant.invitation
    return PerkOut(
        id=grant.pk,
        offering_id=grant.offering_id,
        kind=grant.kind,
        quantity=grant.quantity,
        invitation_code=invitation.code if invitation else None,
        presale_round_id=invitation.round_id if invitation else None,
        claimed=grant.claimed,
    )


class PayoutOut(Schema):
    backer_id: int
    units: int
    amount_minor: int
    share_id: int | None = Field(None, description="The paid share (null in a quote)")
    payout_status: str | None = Field(
        None, description="requested, sent, paid or failed (null in a quote)"
    )


class CrowdfundingPoolOut(Schema):
    participant_id: int
    name: str
    currency: str
    received_minor: int = Field(..., description="What the waterfall has paid the pool so far")


class ReturnsOut(Schema):
    offering_id: int
    as_of: date
    currency: str
    box_office_minor: int
    thresholds_reached: list[int]
    rate_bp: int
    principal_minor: int
    return_minor: int
    total_minor: int
    paid: bool = Field(..., description="True once the returns were paid (then final)")
    payouts: list[PayoutOut]
    pool: CrowdfundingPoolOut | None = Field(
        None, description="The offering's crowdfunding pool in the project's waterfall"
    )


def returns_out(quote: ReturnQuote, *, paid: bool) -> ReturnsOut:
    return ReturnsOut(
        offering_id=quote.offering.pk,
        as_of=quote.as_of,
        currency=quote.offering.currency,
        box_office_minor=quote.box_office.minor,
        thresholds_reached=quote.thresholds_reached,
        rate_bp=quote.rate_bp,
        principal_minor=quote.principal.minor,
        return_minor=quote.return_amount.minor,
        total_minor=quote.total.minor,
        paid=paid,
        payouts=[
            PayoutOut(backer_id=b, units=u, amount_minor=m.minor) for b, u, m in quote.payouts
        ],
    )


class PayReturnsIn(Schema):
    as_of: date | None = Field(None, description="The box office counted up to (default today)")


class CrowdfundingPremiereIn(Schema):
    showtime_id: int = Field(..., ge=1, le=2**62)


class CrowdfundingPoolIn(Schema):
    participant_id: int = Field(..., ge=1, le=2**62)


class CrowdfundingClaimIn(Schema):
    count: StrictInt | None = Field(None, ge=-BIG, le=BIG, description="Best available seats")
    seats: list[str] = Field(
        default_factory=list, max_length=20, description="Seat codes picked on the map"
    )


class CrowdfundingClaimOut(Schema):
    id: int
    grant_id: int
    tickets: int
    order_id: int
    showtime_id: int
    claimed: int
    quantity: int


class CrowdfundingPayoutAccountIn(Schema):
    kind: str = Field(..., max_length=10, description="bank or original (the pledge's method)")
    account_name: str = Field("", max_length=100)
    bank_name: str = Field("", max_length=100)
    account_number: str = Field("", max_length=60)


class CrowdfundingPayoutAccountOut(Schema):
    kind: str
    account_name: str
    bank_name: str
    account_number_masked: str


class CrowdfundingMyPayoutOut(Schema):
    share_id: int
    offering_id: int
    offering_name: str
    amount_minor: int
    currency: str
    status: str = Field(..., description="requested, sent, paid or failed")
    destination: str | None
    paid_at: datetime | None
    failure_reason: str
