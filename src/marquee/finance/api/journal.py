"""Journal entries: list and read them, post a manual one, reverse one."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Header, P, Query, Router, Schema, Status

from marquee.accounts.auth import AUTH
from marquee.finance import queries, services
from marquee.finance.api._common import require_finance
from marquee.finance.errors import EntryNotFound, FinanceErrorCode
from marquee.finance.schemas import EntryIn, EntryOut, ReverseIn

router = Router(tags=["finance"])

IdempotencyKey = Header[
    str | None,
    P(
        alias="Idempotency-Key",
        description="Post safely again: the same key returns the entry it posted first.",
        max_length=200,
    ),
]


class EntryFilters(Schema):
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")
    account: str | None = None
    segment: str | None = None
    source: str | None = None
    venue_id: int | None = None
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0)


@router.get("/journal-entries", response=list[EntryOut], auth=AUTH, summary="Journal entries")
def list_entries(request: HttpRequest, filters: Query[EntryFilters]) -> list:
    require_finance(request)
    qs = queries.journal_entries(
        date_from=filters.date_from,
        date_to=filters.date_to,
        account=filters.account,
        segment=filters.segment,
        source=filters.source,
        venue_id=filters.venue_id,
    )
    return list(qs[filters.offset : filters.offset + filters.limit])


@router.get(
    "/journal-entries/{entry_id}", response=EntryOut, auth=AUTH, summary="One journal entry"
)
def get_entry(request: HttpRequest, entry_id: int):
    require_finance(request)
    entry = queries.journal_entry(entry_id)
    if entry is None:
        raise EntryNotFound(FinanceErrorCode.ENTRY_NOT_FOUND, f"No journal entry #{entry_id}.")
    return entry


@router.post(
    "/journal-entries",
    response={201: EntryOut},
    auth=AUTH,
    summary="Post a manual entry",
)
def post_entry(request: HttpRequest, body: EntryIn, idempotency_key: IdempotencyKey = None):
    require_finance(request)
    entry = services.post_entry(
        date=body.date,
        memo=body.memo,
        lines=[services.LineSpec(**line.dict()) for line in body.lines],
        source="manual",
        source_event_id=f"api:{request.user.pk}:{idempotency_key}" if idempotency_key else None,
        posted_by=request.user,
    )
    return Status(201, queries.journal_entry(entry.pk))


@router.post(
    "/journal-entries/{entry_id}/reverse",
    response={201: EntryOut},
    auth=AUTH,
    summary="Reverse an entry",
)
def reverse_entry(request: HttpRequest, entry_id: int, body: ReverseIn):
    """Post the mirror image of an entry; the body may be ``{}`` (same date, default memo)."""
    require_finance(request)
    entry = services.reverse_entry(
        entry_id=entry_id, date=body.date, memo=body.memo, posted_by=request.user
    )
    return Status(201, queries.journal_entry(entry.pk))
