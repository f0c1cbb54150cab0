"""Request and response bodies of the marketing API."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any, get_type_hints

from ninja import Field, Schema
from pydantic import create_model

from marquee.marketing.models import Campaign, Segment, Voucher
from marquee.marketing.queries import CampaignReport, Invitation, Profile, voucher_state


class SegmentIn(Schema):
    slug: str = Field(..., max_length=60, description="a-z, 0-9 and hyphens")
    name: str = Field(..., max_length=120)
    rule: str = Field(..., max_length=2000, description="The rule (docs/marketing.md)")


class SegmentPatch(Schema):
    name: str | None = Field(None, max_length=120)
    rule: str | None = Field(None, max_length=2000)


class RuleIn(Schema):
    rule: str = Field(..., max_length=2000)
    size: int = Field(20, ge=0, le=100, description="How many (masked) accounts to preview")


class MemberOut(Schema):
    id: int
    username: str = Field(..., description="Masked: first and last letter")
    joined: datetime


class PreviewOut(Schema):
    rule: str = Field(..., description="The rule in its canonical spelling")
    tree: dict[str, Any]
    count: int
    members: list[MemberOut]


class AudienceSegmentOut(Schema):
    slug: str
    name: str
    rule: str
    tree: dict[str, Any]
    created_at: datetime
    count: int | None = Field(None, description="The live count (on a single segment's read)")


def segment_out(segment: Segment, count: int | None = None) -> AudienceSegmentOut:
    return AudienceSegmentOut(
        slug=segment.slug,
        name=segment.name,
        rule=segment.rule_text,
        tree=segment.rule,
        created_at=segment.created_at,
        count=count,
    )


class CampaignIn(Schema):
    slug: str = Field(..., max_length=60)
    name: str = Field(..., max_length=120)
    segment: str = Field(..., max_length=60, description="The segment's slug")
    kind: str = Field("voucher", description="voucher or invitation")
    starts_at: datetime
    ends_at: datetime
    currency: str = Field("CNY", max_length=3)
    payer: str = Field("platform", description="platform, distributor or cinema")
    discount_kind: str = Field("fixed", description="fixed, percent or price")
    amount_minor: int = Field(0, ge=0, le=10**13, description="fixed: off; price: the price")
    percent_bp: int = Field(0, ge=0, le=10_000, description="percent: basis points (2500 = 25 %)")
    cap_minor: int = Field(0, ge=0, le=10**13, description="percent: the most taken off")
    per_account_limit: int = Field(1, ge=0, le=1000)
    total_limit: int = Field(0, ge=0, le=10**8, description="0: only the budget limits")
    budget_minor: int = Field(0, ge=0, le=10**13)
    titles: list[str] = Field(default_factory=list, max_length=500)
    cinemas: list[str] = Field(default_factory=list, max_length=500)
    showtimes: list[int] = Field(default_factory=list, max_length=500)
    weekdays: list[int] = Field(default_factory=list, max_length=7, description="1 = Monday")
    presale_round: int | None = Field(None, ge=1, le=2**62)


class CampaignOut(Schema):
    slug: str
    name: str
    segment: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    currency: str
    payer: str
    discount_kind: str
    amount_minor: int
    percent_bp: int
    cap_minor: int
    per_account_limit: int
    total_limit: int
    budget_minor: int
    committed_minor: int
    redeemed_count: int
    weekdays: list[int]
    presale_round: int | None


def campaign_out(c: Campaign) -> CampaignOut:
    return CampaignOut(
        slug=c.slug,
        name=c.name,
        segment=c.segment.slug,
        kind=c.kind,
        starts_at=c.starts_at,
        ends_at=c.ends_at,
        currency=c.currency,
        payer=c.payer,
        discount_kind=c.discount_kind,
        amount_minor=c.amount_minor,
        percent_bp=c.percent_bp,
        cap_minor=c.cap_minor,
        per_account_limit=c.per_account_limit,
        total_limit=c.total_limit,
        budget_minor=c.budget_minor,
        committed_minor=c.committed_minor,
        redeemed_count=c.redeemed_count,
        weekdays=list(c.weekdays),
        presale_round=c.presale_round_id,
    )


class SentOut(Schema):
    campaign: str
    sent: int = Field(..., description="Accounts newly sent a voucher or an invitation")


class DayOut(Schema):
    day: str
    redeemed: int
    tickets: int
    cost_minor: int


def _fields_of(cls: type, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """A query's frozen dataclass as pydantic fields: the fields are declared once, there."""
    hints = get_type_hints(cls)
    return {f.name: (hints[f.name], ...) for f in fields(cls) if f.name not in skip}


#: A campaign report: the campaign's slug, currency and budget beside its figures.
ReportOut = create_model(
    "ReportOut",
    __base__=Schema,
    campaign=(str, ...),
    currency=(str, ...),
    budget_minor=(int, ...),
    days=(list[DayOut], ...),
    **_fields_of(CampaignReport, skip=("campaign", "days")),
)

#: A pre-sale invitation of the account (``state``: upcoming, open, closed or accepted).
MarketingInvitationOut = create_model(
    "MarketingInvitationOut", __base__=Schema, **_fields_of(Invitation)
)


class VoucherOut(Schema):
    code: str
    campaign: str
    name: str
    state: str = Field(..., description="usable, used, not_started or expired")
    uses: int
    max_uses: int
    currency: str
    discount_kind: str
    amount_minor: int
    percent_bp: int
    cap_minor: int
    starts_at: datetime
    ends_at: datetime


def voucher_out(v: Voucher, now: datetime) -> VoucherOut:
    c = v.campaign
    return VoucherOut(
        code=v.code,
        campaign=c.slug,
        name=c.name,
        state=voucher_state(v, now),
        uses=v.uses,
        max_uses=v.max_uses,
        currency=c.currency,
        discount_kind=c.discount_kind,
        amount_minor=c.amount_minor,
        percent_bp=c.percent_bp,
        cap_minor=c.cap_minor,
        starts_at=c.starts_at,
        ends_at=c.ends_at,
    )


class ProfileIn(Schema):
    age_band: str = Field("", max_length=10, description="'' or under_18, 18_24 … 55_plus")
    gender: str = Field("", max_length=10, description="'' or female, male, other")


class CountOut(Schema):
    name: str
    count: int


class ProfileOut(Schema):
    age_band: str
    gender: str
    orders: int
    tickets: int
    spend_minor: dict[str, int] = Field(..., description="currency → minor units, net of refunds")
    titles: list[CountOut]
    genres: list[CountOut]
    cities: list[CountOut]
    dayparts: list[CountOut]
    first_purchase: datetime | None
    last_purchase: datetime | None
    orders_per_month: str


def profile_out(p: Profile) -> ProfileOut:
    def counts(rows: list[tuple[str, int]]) -> list[CountOut]:
        return [CountOut(name=name, count=n) for name, n in rows]

    return ProfileOut(
        age_band=p.age_band,
        gender=p.gender,
        orders=p.orders,
        tickets=p.tickets,
        spend_minor=p.spend,
        titles=counts(p.titles),
        genres=counts(p.genres),
        cities=counts(p.cities),
        dayparts=counts(p.dayparts),
        first_purchase=p.first_purchase,
        last_purchase=p.last_purchase,
        orders_per_month=p.orders_per_month,
    )
