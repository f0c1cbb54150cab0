"""API shapes of the rights domain, and the functions that serialise its rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import StrictInt

from marquee.rights import avails, queries
from marquee.rights.models import Deal, LineKind
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


class RightsReportIn(Schema):
    period_start: dt.date
    period_end: dt.date = Field(..., description="Last day of the period (included)")
    gross_minor: StrictInt = Field(
        ..., description="The licensee's gross revenue for the period, in minor units"
    )
    due_on: dt.date | None = Field(None, description="When any share above the MG is due")
    source: str = Field("manual", max_length=20, description="'manual' or 'statement'")

    def service_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of ``revenue.record_revenue_report`` this body gives."""
        return self.model_dump()


class RightsCancelIn(Schema):
    on: dt.date = Field(..., description="The first day the deal no longer holds")
    note: str = Field("", max_length=200)

    def service_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of ``changes.cancel_deal`` this body gives."""
        return self.model_dump()


class RightsAmendIn(Schema):
    start_on: dt.date | None = Field(None, description="A new first day for every right")
    end_on: dt.date | None = Field(None, description="A new last day for every right")
    add: list[RightIn] = Field(default_factory=list, max_length=50)
    instalments: list[InstalmentIn] | None = Field(
        None,
        max_length=60,
        description="A new schedule replacing the open (unsettled) instalments; "
        "settled + new = the fee",
    )
    fee_minor: StrictInt | None = Field(
        None, ge=0, le=10**15, description="A new total fee (flat fee or minimum guarantee)"
    )
    effective_on: dt.date | None = None
    note: str = Field("", max_length=200)

    def service_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of ``changes.amend_deal`` this body gives."""
        schedule = self.instalments
        return {
            **self.model_dump(exclude={"add", "instalments"}),
            "add": [r.spec(LineKind.GRANT) for r in self.add],
            "instalments": None
            if schedule is None
            else [InstalmentSpec(i.due_on, i.amount_minor) for i in schedule],
        }


class AvailsQuestionIn(Schema):
    """The question both avails reads ask: media × territory × languages × window."""

    media: list[str] = Field(..., min_length=1, max_length=9)
    territory: str = Field("WW", max_length=40)
    start_on: dt.date
    end_on: dt.date
    exclusive: bool = False
    languages: list[str] = Field(default_factory=list, max_length=20)

    def question(self) -> Any:
        """The checked question (``queries.question``), lists given either way:
        ``media=svod,avod`` and ``media=svod&media=avod`` mean the same."""
        return queries.question(
            media=_split(self.media),
            territory=self.territory,
            start_on=self.start_on,
            end_on=self.end_on,
            exclusive=self.exclusive,
            languages=_split(self.languages),
        )


class AvailsQuery(AvailsQuestionIn):
    title_id: int = Field(..., ge=1, le=MAX_ID)


class SearchQuery(AvailsQuestionIn):
    limit: int = Field(50, ge=1, le=500)


def _split(values: list[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


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
        "cancelled_on": deal.cancelled_on.isoformat() if deal.cancelled_on else None,
        "share_booked_minor": deal.share_booked_minor,
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
        body["instalments"] = [_row(i, INSTALMENT_ROW) for i in deal.instalments.all()]
        body["reports"] = [_row(r, REPORT_ROW) for r in deal.reports.all()]
        body["changes"] = [
            {
                **_row(c, CHANGE_ROW),
                "changed_by": c.changed_by.get_username() if c.changed_by else None,
            }
            for c in deal.changes.all()
        ]
    return body


#: The rows of a deal's detail: JSON key → attribute (dates as ISO text).
INSTALMENT_ROW = {
    "seq": "seq",
    "due_on": "due_on",
    "amount_minor": "amount_minor",
    "settled_on": "received_on",
    "cancelled_on": "cancelled_on",
    "revenue_report_id": "report_id",
    "journal_entry_id": "entry_id",
}
REPORT_ROW = {
    "id": "pk",
    "period_start": "period_start",
    "period_end": "period_end",
    "gross_minor": "gross_minor",
    "share_minor": "share_minor",
    "overage_minor": "overage_minor",
    "source": "source",
    "journal_entry_id": "entry_id",
}
CHANGE_ROW = {
    "kind": "kind",
    "effective_on": "effective_on",
    "note": "note",
    "before": "before",
    "after": "after",
    "reversed_minor": "reversed_minor",
    "journal_entry_id": "entry_id",
    "fee_before": "fee_before",
    "fee_after": "fee_after",
    "booked_minor": "booked_minor",
    "booked_journal_entry_id": "booked_entry_id",
    "changed_at": "changed_at",
}


def _row(obj: object, fields: dict[str, str]) -> dict[str, Any]:
    values = {key: getattr(obj, attr) for key, attr in fields.items()}
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}
