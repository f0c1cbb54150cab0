"""Posting: the one way money enters the books.

:func:`post_entry` (and :func:`post_entries` for a batch) validates whole
entries and writes them, their lines and the running balances in one
transaction, or writes nothing. Every domain that moves money (ticketing,
payments, and the later pillars) posts through it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from marquee.finance.errors import AlreadyReversed, EntryNotFound, FinanceError, FinanceErrorCode
from marquee.finance.models import FUNCTIONAL_CURRENCY, JournalEntry, Period
from marquee.finance.services.periods import lock_open_period
from marquee.finance.services.validation import (
    LineSpec,
    check_balanced,
    check_currencies,
    check_shape,
    functional_amounts,
    line_rate,
    load_chart,
    rates,
)
from marquee.finance.services.writes import (
    LineRow,
    insert_entries,
    insert_lines,
    upsert_balances,
)

__all__ = ["EntryRequest", "LineSpec", "post_entries", "post_entry", "reverse_entry"]


@dataclass(frozen=True, slots=True)
class EntryRequest:
    """One entry to post: what :func:`post_entry` takes, as a value (for batches)."""

    date: dt.date
    memo: str
    lines: Sequence[LineSpec]
    source_event_id: str | None = None
    source: str = "manual"
    posted_by: Any = None
    reverses: JournalEntry | None = field(default=None)


def post_entry(
    *,
    date: dt.date,
    memo: str,
    lines: Sequence[LineSpec],
    source_event_id: str | None = None,
    source: str = "manual",
    posted_by: Any = None,
    reverses: JournalEntry | None = None,
) -> JournalEntry:
    """Post one balanced entry, its lines and the running balances, in one transaction.

    The transaction is the caller's when there is one (every refusal is raised
    before anything is written), else its own.

    Refuses (:class:`FinanceError`, nothing written): ``empty_entry``,
    ``invalid_line``, ``unknown_currency``, ``unknown_account``,
    ``inactive_account``, ``unknown_segment``, ``missing_rate`` (no rate to
    CNY for ``date``), ``unbalanced_entry`` (debits ≠ credits in CNY, or in
    the currency when every line shares one), ``period_closed``.

    When ``source_event_id`` was posted already the existing entry is
    returned and nothing is posted, also when two deliveries race and when
    the repeat would be refused now (its period closed since).
    """
    request = EntryRequest(
        date=date,
        memo=memo,
        lines=list(lines),
        source_event_id=None if source_event_id is None else str(source_event_id),
        source=source,
        posted_by=posted_by,
        reverses=reverses,
    )
    return post_entries([request])[0]


def post_entries(requests: Sequence[EntryRequest]) -> list[JournalEntry]:
    """Post several entries at once — all or none — with a few statements in all.

    The same rules and refusals as :func:`post_entry`; one refused entry
    refuses the batch. Returns the entries in the order asked; an event id
    posted before (or twice in the batch) gives the entry posted first.
    """
    requests = list(requests)
    if not requests:
        return []
    try:
        for request in requests:
            if isinstance(request.date, dt.datetime) or not isinstance(request.date, dt.date):
                raise TypeError("date is a date (the business day), not a datetime.")
            check_shape(request.lines)
            check_currencies(request.lines)
        if connection.in_atomic_block:
            # Inside the caller's transaction (an outbox consumer's savepoint): every
            # refusal is raised before the first write, so no savepoint of our own.
            return _write(requests)
        with transaction.atomic():
            return _write(requests)
    except FinanceError:
        # A replay of posted events returns their entries even if they would be
        # refused now (their period closed since, an account retired).
        keys = [r.source_event_id for r in requests]
        if None in keys:
            raise
        posted = {
            e.source_event_id: e for e in JournalEntry.objects.filter(source_event_id__in=keys)
        }
        if len(posted) < len(set(keys)):
            raise
        return [posted[key] for key in keys]


def _write(requests: list[EntryRequest]) -> list[JournalEntry]:
    """Validate every entry against the database, then write them all."""
    accounts, segments = load_chart([line for r in requests for line in r.lines])
    known_rates: dict = {}
    prepared = []
    for request in requests:
        day_rates = rates(request.lines, request.date, known_rates)
        functional = functional_amounts(request.lines, day_rates)
        lines = request.lines
        check_balanced(
            FUNCTIONAL_CURRENCY,
            sum(f for f, line in zip(functional, lines, strict=True) if line.is_debit),
            sum(f for f, line in zip(functional, lines, strict=True) if not line.is_debit),
        )
        prepared.append((request, functional, day_rates))
    periods: dict[dt.date, Period] = {}
    for day in sorted({r.date.replace(day=1) for r in requests}):
        periods[day] = lock_open_period(day)
    now = timezone.now()
    entries: list[JournalEntry] = []
    first_of: dict[str, JournalEntry] = {}
    for request in requests:
        entry = JournalEntry(
            date=request.date,
            memo=request.memo[:500],
            source=request.source,
            source_event_id=request.source_event_id,
            reverses=request.reverses,
            period=periods[request.date.replace(day=1)],
            posted_by=request.posted_by,
            created_at=now,
        )
        if request.source_event_id is not None:
            entry = first_of.setdefault(request.source_event_id, entry)
        entries.append(entry)
    fresh = list({id(e): e for e in entries}.values())
    inserted = _insert(fresh)
    done = {id(e) for e in inserted}
    rows: list[tuple[LineRow, dt.date]] = []
    for entry, (request, functional, day_rates) in zip(entries, prepared, strict=True):
        if id(entry) not in done:
            continue
        done.discard(id(entry))  # a repeated event id in the batch: lines once
        for line, amount in zip(request.lines, functional, strict=True):
            row = LineRow(
                entry.pk,
                accounts[line.account],
                segments[line.segment],
                line.currency,
                line.debit_minor,
                line.credit_minor,
                amount if line.is_debit else 0,
                0 if line.is_debit else amount,
                line_rate(line, amount, day_rates),
                line.venue_id,
                line.title_id,
                line.project,
                line.reference,
            )
            rows.append((row, entry.period.start))
    if rows:
        insert_lines([row for row, _ in rows])
        upsert_balances(rows)
    skipped = [e.source_event_id for e in fresh if e.pk is None]
    if skipped:
        # Posted before (or by a concurrent delivery): the entry that exists is the answer.
        existing = {
            e.source_event_id: e for e in JournalEntry.objects.filter(source_event_id__in=skipped)
        }
        entries = [existing.get(e.source_event_id, e) if e.pk is None else e for e in entries]
    return entries


def _insert(entries: list[JournalEntry]) -> list[JournalEntry]:
    reversal = next((e for e in entries if e.reverses_id is not None), None)
    if reversal is None:
        return insert_entries(entries)
    try:
        with transaction.atomic():  # a savepoint: the reversed-once constraint may refuse
            return insert_entries(entries)
    except IntegrityError:
        raise AlreadyReversed(
            FinanceErrorCode.ALREADY_REVERSED,
            f"Entry #{reversal.reverses_id} is already reversed.",
            entry_id=reversal.reverses_id,
        ) from None


def reverse_entry(
    *,
    entry_id: int,
    date: dt.date | None = None,
    memo: str | None = None,
    posted_by: Any = None,
    source_event_id: str | None = None,
) -> JournalEntry:
    """Post the mirror image of entry ``entry_id`` (debits and credits swapped).

    The reversal copies the original's CNY amounts and rates, so the two net
    to zero exactly whatever the date. ``date`` defaults to the original's.
    Raises ``entry_not_found``, ``already_reversed``, ``period_closed``.
    """
    original = JournalEntry.objects.filter(pk=entry_id).first()
    if original is None:
        raise EntryNotFound(
            FinanceErrorCode.ENTRY_NOT_FOUND, f"No journal entry #{entry_id}.", entry_id=entry_id
        )
    if source_event_id is not None:
        existing = JournalEntry.objects.filter(source_event_id=str(source_event_id)).first()
        if existing is not None:
            return existing
    if JournalEntry.objects.filter(reverses=original).exists():
        raise AlreadyReversed(
            FinanceErrorCode.ALREADY_REVERSED,
            f"Entry #{original.pk} is already reversed.",
            entry_id=original.pk,
        )
    lines = [
        LineSpec(
            account=line.account.code,
            segment=line.segment.code,
            currency=line.currency,
            debit_minor=line.credit_minor,
            credit_minor=line.debit_minor,
            venue_id=line.venue_id,
            title_id=line.title_id,
            project=line.project,
            reference=line.reference,
            functional_minor=line.functional_debit_minor or line.functional_credit_minor,
            rate=line.rate,
        )
        for line in original.lines.select_related("account", "segment").order_by("id")
    ]
    return post_entry(
        date=date or original.date,
        memo=memo or f"Reversal of #{original.pk}: {original.memo}",
        lines=lines,
        source_event_id=source_event_id,
        source="reversal",
        posted_by=posted_by,
        reverses=original,
    )
