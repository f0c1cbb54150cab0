"""Reads of the ledger. Visibility: finance staff and administrators (checked by callers)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet, Sum

from marquee.finance.models import Account, Balance, JournalEntry, Period, Segment


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


def exchange_rates(*, base: str | None = None, quote: str | None = None) -> QuerySet:
    """Stored rates, newest first per pair (``core.fx`` keeps them)."""
    from marquee.core.models import ExchangeRate

    qs = ExchangeRate.objects.order_by("base", "quote", "-valid_from")
    if base:
        qs = qs.filter(base=base.upper())
    if quote:
        qs = qs.filter(quote=quote.upper())
    return qs


@dataclass(frozen=True, slots=True)
class AccountBalance:
    """One account's net movement in one currency: debit − credit, and its CNY equivalent."""

    account: str
    currency: str
    debit_minor: int
    credit_minor: int
    functional_debit_minor: int
    functional_credit_minor: int

    @property
    def net_minor(self) -> int:
        return self.debit_minor - self.credit_minor

    @property
    def functional_net_minor(self) -> int:
        return self.functional_debit_minor - self.functional_credit_minor


def account_balances(
    *, month_from: dt.date | None = None, month_to: dt.date | None = None
) -> list[AccountBalance]:
    """Sums per account and currency from the running balances (never the lines).

    ``month_from``/``month_to`` are any days of the first and last month included.
    """
    qs = Balance.objects.all()
    if month_from is not None:
        qs = qs.filter(month__gte=month_from.replace(day=1))
    if month_to is not None:
        qs = qs.filter(month__lte=month_to.replace(day=1))
    rows = (
        qs.values("account__code", "currency")
        .annotate(
            d=Sum("debit_minor"),
            c=Sum("credit_minor"),
            fd=Sum("functional_debit_minor"),
            fc=Sum("functional_credit_minor"),
        )
        .order_by("account__code", "currency")
    )
    return [
        AccountBalance(r["account__code"], r["currency"], r["d"], r["c"], r["fd"], r["fc"])
        for r in rows
    ]
