"""Pre-sale rounds, invitation codes and "want to see"."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from marquee.ticketing.models import InvitationCode, PresaleRound
from marquee.ticketing.schemas._common import TitleRef


class RoundFilters(Schema):
    title: str | None = Field(None, max_length=120, description="Title slug")
    open: bool = Field(False, description="Only rounds selling now")


class RoundIn(Schema):
    title: str = Field(..., max_length=120, description="Title slug")
    name: str = Field(..., max_length=120)
    opens_at: datetime
    closes_at: datetime
    audience: str = Field("everyone", description="everyone, want_to_see or invitation")
    per_account_limit: int | None = Field(None, description="Seats per account in the round")
    currency: str = Field("", max_length=3, description="Currency of the price override")
    price_override_minor: int | None = None
    price_overrides: dict[str, int] = Field(default_factory=dict)
    venues: list[str] = Field(default_factory=list, max_length=500, description="Venue slugs")
    cities: list[str] = Field(default_factory=list, max_length=100, description="City codes")


class RoundOut(Schema):
    id: int
    title: TitleRef
    name: str
    opens_at: datetime
    closes_at: datetime
    is_open: bool
    audience: str
    per_account_limit: int | None
    currency: str
    price_override_minor: int | None
    price_overrides: dict[str, int]
    venues: list[str]
    cities: list[str]
    used_by_me: int | None = Field(None, description="Seats counted against you (signed in)")


def round_out(presale: PresaleRound, *, now: datetime, used: int | None = None) -> RoundOut:
    return RoundOut(
        id=presale.pk,
        title=TitleRef(slug=presale.title.slug, name=presale.title.title),
        name=presale.name,
        opens_at=presale.opens_at,
        closes_at=presale.closes_at,
        is_open=presale.is_open(now),
        audience=presale.audience,
        per_account_limit=presale.per_account_limit,
        currency=presale.currency,
        price_override_minor=presale.price_override_minor,
        price_overrides=presale.price_overrides or {},
        venues=sorted(v.slug for v in presale.venues.all()),
        cities=sorted(c.code for c in presale.cities.all()),
        used_by_me=used,
    )


class InvitationsIn(Schema):
    count: int = Field(1, ge=1, le=1000)
    max_uses: int = Field(1, ge=1, le=1_000_000)
    user_id: int | None = Field(None, description="Only this account may redeem the code")


class InvitationOut(Schema):
    code: str
    max_uses: int
    uses: int
    user_id: int | None


def invitation_out(code: InvitationCode) -> InvitationOut:
    return InvitationOut(
        code=code.code, max_uses=code.max_uses, uses=code.uses, user_id=code.user_id
    )


class WantToSeeOut(Schema):
    title: str
    count: int
    registered: bool | None = Field(None, description="Whether you registered (signed in)")
