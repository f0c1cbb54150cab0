"""API shapes of the rights domain, and the functions that serialise its rows."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from marquee.rights import avails
from marquee.rights.models import Deal
from marquee.rights.queries import Answer
from marquee.rights.validation import FeeSpec, InstalmentSpec, RightSpec

MAX_ID = 2**62


class RightIn(Schema):
    media: list[str] = Field(..., min_length=1, max_length=9, description="svod, avod, free_tv…")
    territories: list[str] = Field(
        ..., min_length=1, max_length=40, description="Territory codes (any node: WW, GCN, CN…)"
    )
    start_on: dt.date
    end_on: dt.date = Field(..., description="Last day (included)")

    def spec(self, kind: str) -> RightSpec:
        return RightSpec(
            [m[:40] for m in self.media], [t[:40] for t in self.territories],
            self.start_on, self.end_on, kind,
        )  # fmt: skip


class InstalmentIn(Schema):
    due_on: dt.date
    amount_minor: int = Field(..., ge=0, le=10**15, description="In the deal's currency")


class DealIn(Schema):
    title_id: int = Field(..., ge=1, le=MAX_ID)
    direction: str = Field(..., max_length=3, description="'out' (licensed) or 'in' (acquired)")
    counterparty: str = Field(..., max_length=200, description="Licensee or licensor")
    reference: str = Field("", max_length=80)
    exclusive: bool = False
    languages: list[str] = Field(default_factory=list, max_length=20)
    rights: list[RightIn] = Field(..., max_length=50)
    holdbacks: list[RightIn] = Field(default_factory=list, max_length=50)
    currency: str = Field(..., max_length=3)
    fee_kind: str = Field("flat", max_length=10, description="'flat' or 'mg_share'")
    fee_minor: int = Field(..., ge=0, le=10**15, description="Flat fee, or the minimum guarantee")
    revenue_share_bp: int = Field(0, ge=0, le=10000, description="MG deals: share in basis points")
    instalments: list[InstalmentIn] = Field(default_factory=list, max_length=60)
    signed_on: dt.date

    def fee(self) -> FeeSpec:
        return FeeSpec(
            currency=self.currency,
            fee_minor=self.fee_minor,
            kind=self.fee_kind,
            revenue_share_bp=self.revenue_share_bp,
            instalments=[InstalmentSpec(i.due_on, i.amount_minor) for i in self.instalments],
        )


class SettleIn(Schema):
    on: dt.date = Field(..., description="The day the money arrived (or left)")


class AvailsQuery(Schema):
    title_id: int = Field(..., ge=1, le=MAX_ID)
    media: list[str] = Field(..., min_length=1, max_length=9)
    territory: str = Field("WW", max_length=40)
    start_on: dt.date
    end_on: dt.date
    exclusive: bool = False


class SearchQuery(Schema):
    media: list[str] = Field(..., min_length=1, max_length=9)
    territory: str = Field("WW", max_length=40)
    start_on: dt.date
    end_on: dt.date
    exclusive: bool = False
    limit: int = Field(50, ge=1, le=500)


def window(interval: avails.Interval) -> dict[str, str]:
    first, last = avails.as_dates(interval)
    return {"start": first.isoformat(), "end": last.isoformat()}


def part_out(part: avails.Part) -> dict:
    return {
        "media": part.media,
        "territories": list(part.territories),
        "windows": [window(iv) for iv in part.intervals],
    }


def answer_out(title_id: int, answer: Answer) -> dict:
    q = answer.question
    taken = {}
    for c in answer.cells:
        for interval, deal_id in c.taken:
            d = answer.deals.get(deal_id)
            entry = taken.setdefault(
                deal_id,
                {
                    "deal_id": deal_id,
                    "counterparty": d.counterparty if d else "",
                    "exclusive": bool(d and d.exclusive),
                    "media": set(),
                    "territories": set(),
                    "start": interval,
                },
            )
            entry["media"].add(c.media)
            entry["territories"].add(c.leaf)
    return {
        "title_id": title_id,
        "question": {
            "media": q.media,
            "territory": q.territory,
            "start": q.start_on.isoformat(),
            "end": q.end_on.isoformat(),
            "exclusive": q.exclusive,
        },
        "free": [part_out(p) for p in answer.free],
        "not_held": [part_out(p) for p in answer.not_held],
        "taken_by": [
            {
                "deal_id": t["deal_id"],
                "counterparty": t["counterparty"],
                "exclusive": t["exclusive"],
                "media": sorted(t["media"]),
                "territories": sorted(t["territories"]),
            }
            for t in sorted(taken.values(), key=lambda t: t["deal_id"])
        ],
        "cells": [
            {
                "media": c.media,
                "territory": c.leaf,
                "free": [window(iv) for iv in c.free],
                "taken": [{**window(iv), "deal_id": deal_id} for iv, deal_id in c.taken],
                "not_held": [window(iv) for iv in c.not_held],
            }
            for c in answer.cells
        ],
    }


def deal_out(deal: Deal, *, detail: bool = False) -> dict:
    body = {
        "id": deal.pk,
        "title_id": deal.title_id,
        "title": deal.title.title,
        "direction": deal.direction,
        "counterparty": deal.counterparty,
        "reference": deal.reference,
        "exclusive": deal.exclusive,
        "languages": list(deal.languages),
        "currency": deal.currency,
        "fee_kind": deal.fee_kind,
        "fee_minor": deal.fee_minor,
        "revenue_share_bp": deal.revenue_share_bp,
        "signed_on": deal.signed_on.isoformat(),
        "journal_entry_id": deal.entry_id,
    }
    if detail:
        body["rights"] = [
            {
                "kind": line.kind,
                "media": line.media,
                "territory": line.territory,
                "start_on": line.start_on.isoformat(),
                "end_on": line.end_on.isoformat(),
            }
            for line in deal.lines.all()
        ]
        body["instalments"] = [
            {
                "seq": i.seq,
                "due_on": i.due_on.isoformat(),
                "amount_minor": i.amount_minor,
                "settled_on": i.received_on.isoformat() if i.received_on else None,
                "journal_entry_id": i.entry_id,
            }
            for i in deal.instalments.all()
        ]
    return body
