"""Reads of the ledger. Visibility: finance staff and administrators (checked by callers)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from marquee.finance.models import Account, JournalEntry, Period, Segment


def accounts(*, include_inactive: bool = True) -> QuerySet[Account]:
    qs = Account.objects.order_by("code")
    return qs if include_inactive else qs.filter(active=True)


def segments() -> QuerySet[Segment]:
    return Segment.objects.order_by("code")


def periods() -> QuerySet[Period]:
    return Period.objects.select_related("closed_by").order_by("start")


def journal_entries(
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    account: str | None = None,
    segment: str | None = None,
    source: str | None = None,
    venue_id: int | None = None,
) -> QuerySet[JournalEntry]:
    """Entries, newest first, with their lines (account and segment) prefetched."""
    qs = JournalEntry.objects.select_related("posted_by").prefetch_related(
        "lines__account", "lines__segment"
    )
    if date_from is not None:
        qs = qs.filter(date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(date__lte=date_to)
    if source:
        qs = qs.filter(source=source)
    line_filter = {}
    if account:
        line_filter["lines__account__code"] = account
    if segment:
        line_filter["lines__segment__code"] = segment
    if venue_id is not None:
        line_filter["lines__venue_id"] = venue_id
    if line_filter:
        qs = qs.filter(**line_filter).distinct()
    return qs.order_by("-date", "-id")


def journal_entry(entry_id: int) -> JournalEntry | None:
    return (
        JournalEntry.objects.select_related("posted_by")
        .prefetch_related("lines__account", "lines__segment")
        .filter(pk=entry_id)
        .first()
    )
