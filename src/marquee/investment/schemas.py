"""Request bodies of the investment API (responses are plain dicts: ids and amounts integers)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

_MAX = 10**15


class ProjectIn(Schema):
    slug: str = Field(..., max_length=120)
    name_en: str = Field(..., max_length=300)
    name_zh_hans: str = Field("", max_length=300)
    name_zh_hant: str = Field("", max_length=300)
    kind: str = Field("film", description="film, series, concert or venue")
    title: str | None = Field(None, max_length=200, description="A catalog title's slug")
    currency: str = Field("CNY", max_length=3)
    logline: str = Field("", max_length=500)


class StageIn(Schema):
    to_stage: str = Field(..., max_length=40)
    note: str = Field("", max_length=500)


class BudgetLineIn(Schema):
    category: str = Field(..., max_length=40)
    currency: str = Field(..., max_length=3)
    amount_minor: int = Field(..., ge=0, lt=_MAX)


class BudgetIn(Schema):
    as_of: dt.date
    lines: list[BudgetLineIn] = Field(..., max_length=100)


class CostIn(Schema):
    category: str = Field(..., max_length=40)
    date: dt.date
    currency: str = Field(..., max_length=3)
    amount_minor: int = Field(..., gt=0, lt=_MAX)
    memo: str = Field("", max_length=300)


class FundingIn(Schema):
    programme: str = Field(..., max_length=40, description="The programme's code")
    category: str = Field(..., max_length=40)
    date: dt.date
    currency: str = Field(..., max_length=3)
    amount_minor: int = Field(..., gt=0, lt=_MAX)
    memo: str = Field("", max_length=500)


class ParticipantIn(Schema):
    name: str = Field(..., max_length=200)
    kind: str = Field(..., description="studio, partner, crowdfunding or talent")
    stake_bp: int = Field(0, ge=0, le=10_000, description="Basis points: 10000 = 100%")
    organisation: str | None = Field(None, max_length=120, description="An organisation slug")


class StakeIn(Schema):
    stake_bp: int = Field(..., ge=0, le=10_000)


class WaterfallIn(Schema):
    tiers: list[dict[str, Any]] = Field(..., max_length=50)
    currency: str | None = Field(None, max_length=3, description="Only for the first version")
    note: str = Field("", max_length=300)


class ReceiptIn(Schema):
    received_on: dt.date
    currency: str = Field(..., max_length=3)
    amount_minor: int = Field(..., gt=0, lt=_MAX)
    description: str = Field("", max_length=300)


class SimulationIn(Schema):
    """Try tiers on made-up participants and revenues without storing anything."""

    currency: str = Field("CNY", max_length=3)
    stakes: dict[int, int] = Field(..., description="participant id → stake in basis points")
    tiers: list[dict[str, Any]] = Field(..., max_length=50)
    revenues_minor: list[int] = Field(..., max_length=400)


class PaymentIn(Schema):
    date: dt.date
    amount_minor: int | None = Field(
        None, gt=0, lt=_MAX, description="In the waterfall currency; default: all that is owed"
    )
