"""Posting: the one way money enters the books.

:func:`post_entry` validates a whole entry and writes it, its lines and the
running balances in one transaction, or writes nothing. Every domain that
moves money (ticketing, payments, and the later pillars) posts through it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import partial
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from marquee.core.errors import CoreErrorCode, DomainError
from marquee.core.fx import quote_on
from marquee.core.money import get_currency, round_half_even
from marquee.finance.errors import (
    AlreadyReversed,
    EntryNotFound,
    FinanceError,
    FinanceErrorCode,
)
from marquee.finance.models import (
    FUNCTIONAL_CURRENCY,
    JournalEntry,
    JournalLine,
)
from marquee.finance.services.periods import lock_open_period

#: Decimal places kept of a rate on a line (the column's scale).
_RATE_PLACES = 16


@dataclass(frozen=True, slots=True)
class LineSpec:
    """One line to post: exactly one of ``debit_minor``/``credit_minor`` is positive.

    ``functional_minor`` fixes the CNY amount instead of converting at the
    day's rate (a reversal copies the original's; an FX deal states what was
    paid); ``rate`` then records the rate it implies.
    """

    account: str
    segment: str
    currency: str
    debit_minor: int = 0
    credit_minor: int = 0
    venue_id: int | None = None
    title_id: int | None = None
    project: str = ""
    reference: str = ""
    functional_minor: int | None = None
    rate: Decimal | None = None

    @property
    def amount_minor(self) -> int:
        return self.debit_minor or self.credit_minor

    @property
    def is_debit(self) -> bool:
        return self.debit_minor > 0


def _refuse(code: FinanceErrorCode, message: str, **detail: Any) -> FinanceError:
    return FinanceError(code, message, **detail)


def _check_shape(lines: Sequence[LineSpec]) -> None:
    if len(lines) < 2:
        raise _refuse(FinanceErrorCode.EMPTY_ENTRY, "An entry needs at least two lines.")
    for index, line in enumerate(lines):
        amounts = (line.debit_minor, line.credit_minor)
        if any(type(a) is not int for a in amounts):
            raise _refuse(
                FinanceErrorCode.INVALID_LINE,
                "Amounts are integers of minor units.",
                line=index,
            )
        if min(amounts) < 0 or (line.debit_minor > 0) == (line.credit_minor > 0):
            raise _refuse(
                FinanceErrorCode.INVALID_LINE,
                "Each line has exactly one positive side: a debit or a credit.",
                line=index,
            )
        if line.functional_minor is not None and (
            type(line.functional_minor) is not int or line.functional_minor < 0
        ):
            raise _refuse(
                FinanceErrorCode.INVALID_LINE,
                "A fixed functional amount is a non-negative integer.",
                line=index,
            )


def _check_currencies(lines: Sequence[LineSpec]) -> None:
    for index, line in enumerate(lines):
        try:
            get_currency(line.currency)
        except DomainError as exc:
            raise _refuse(
                FinanceErrorCode.UNKNOWN_CURRENCY,
                f"Unknown currency {line.currency!r}.",
                line=index,
                currency=line.currency,
            ) from exc
        if line.currency != line.currency.upper():
            raise _refuse(
                FinanceErrorCode.UNKNOWN_CURRENCY,
                f"Currency codes are upper case, not {line.currency!r}.",
                line=index,
                currency=line.currency,
            )
    by_currency: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for line in lines:
        by_currency[line.currency][0] += line.debit_minor
        by_currency[line.currency][1] += line.credit_minor
    if len(by_currency) == 1:
        ((currency, (debit, credit)),) = by_currency.items()
        _check_balanced(currency, debit, credit)


def _check_balanced(currency: str, debit: int, credit: int) -> None:
    if debit != credit:
        raise _refuse(
            FinanceErrorCode.UNBALANCED_ENTRY,
            f"Debits ({debit}) and credits ({credit}) in {currency} differ.",
            currency=currency,
            debit_minor=debit,
            credit_minor=credit,
        )


def _load_chart(lines: Sequence[LineSpec]) -> tuple[dict[str, int], dict[str, int]]:
    """Ids of the lines' accounts and segments, in one query; refuses unknown or closed ones."""
    accounts = sorted({line.account for line in lines})
    segments = sorted({line.segment for line in lines})
    marks_a = ", ".join(["%s"] * len(accounts))
    marks_s = ", ".join(["%s"] * len(segments))
    sql = (
        f"SELECT 'a', id, code, active FROM finance_account WHERE code IN ({marks_a})"  # noqa: S608
        f" UNION ALL SELECT 's', id, code, active FROM finance_segment WHERE code IN ({marks_s})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*accounts, *segments])
        rows = cursor.fetchall()
    found = {(kind, code): (pk, bool(active)) for kind, pk, code, active in rows}
    for code in accounts:
        if ("a", code) not in found:
            raise _refuse(
                FinanceErrorCode.UNKNOWN_ACCOUNT, f"No account {code!r} in the chart.", account=code
            )
        if not found[("a", code)][1]:
            raise _refuse(
                FinanceErrorCode.INACTIVE_ACCOUNT, f"Account {code!r} is closed.", account=code
            )
    for code in segments:
        if not found.get(("s", code), (0, False))[1]:
            raise _refuse(
                FinanceErrorCode.UNKNOWN_SEGMENT, f"No active segment {code!r}.", segment=code
            )
    return (
        {code: found[("a", code)][0] for code in accounts},
        {code: found[("s", code)][0] for code in segments},
    )


def _rates(lines: Sequence[LineSpec], day: dt.date) -> dict[str, Fraction]:
    rates: dict[str, Fraction] = {FUNCTIONAL_CURRENCY: Fraction(1)}
    for line in lines:
        if line.currency in rates or line.functional_minor is not None:
            continue
        try:
            rates[line.currency] = quote_on(line.currency, FUNCTIONAL_CURRENCY, day).rate
        except DomainError as exc:
            if exc.code != CoreErrorCode.NO_RATE:
                raise
            raise _refuse(
                FinanceErrorCode.MISSING_RATE,
                f"No {line.currency}→{FUNCTIONAL_CURRENCY} rate covers {day.isoformat()}.",
                currency=line.currency,
                on=day.isoformat(),
            ) from exc
    return rates


def _functional_amounts(lines: Sequence[LineSpec], rates: dict[str, Fraction]) -> list[int]:
    """Each line's CNY amount; converted lines round once per currency and side.

    The total of each currency's debits (and credits) is converted and
    rounded once, and the rounding residue goes to that side's largest line,
    so a currency whose debits equal its credits balances in CNY too.
    """
    amounts: list[int] = [0] * len(lines)
    groups: dict[tuple[str, bool], list[int]] = defaultdict(list)
    for index, line in enumerate(lines):
        if line.functional_minor is not None:
            amounts[index] = line.functional_minor
        else:
            groups[(line.currency, line.is_debit)].append(index)
    for (currency, _side), indexes in groups.items():
        scale = rates[currency] * Fraction(
            get_currency(FUNCTIONAL_CURRENCY).minor_per_major,
            get_currency(currency).minor_per_major,
        )
        total = round_half_even(sum(lines[i].amount_minor for i in indexes) * scale)
        for i in indexes:
            amounts[i] = round_half_even(lines[i].amount_minor * scale)
        largest = max(indexes, key=lambda i: lines[i].amount_minor)
        amounts[largest] += total - sum(amounts[i] for i in indexes)
    return amounts


def _line_rate(line: LineSpec, functional: int, rates: dict[str, Fraction]) -> Decimal:
    if line.rate is not None:
        return line.rate
    if line.currency in rates:
        exact = rates[line.currency]
    else:
        major = Fraction(
            get_currency(line.currency).minor_per_major,
            get_currency(FUNCTIONAL_CURRENCY).minor_per_major,
        )
        exact = Fraction(functional, line.amount_minor) * major
    quantum = Decimal(1).scaleb(-_RATE_PLACES)
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(quantum)


_BALANCE_COLUMNS = (
    "(account_id, segment_id, month, currency, debit_minor, credit_minor,"
    " functional_debit_minor, functional_credit_minor, line_count)"
)
_UPSERT = (
    "ON CONFLICT (account_id, segment_id, month, currency) DO UPDATE SET"
    " debit_minor = finance_balance.debit_minor + excluded.debit_minor,"
    " credit_minor = finance_balance.credit_minor + excluded.credit_minor,"
    " functional_debit_minor = finance_balance.functional_debit_minor"
    " + excluded.functional_debit_minor,"
    " functional_credit_minor = finance_balance.functional_credit_minor"
    " + excluded.functional_credit_minor,"
    " line_count = finance_balance.line_count + excluded.line_count"
)


def _upsert_balances(lines: list[JournalLine], month: dt.date) -> None:
    sums: dict[tuple[int, int, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for line in lines:
        row = sums[(line.account_id, line.segment_id, line.currency)]
        row[0] += line.debit_minor
        row[1] += line.credit_minor
        row[2] += line.functional_debit_minor
        row[3] += line.functional_credit_minor
        row[4] += 1
    # Keys in one order in every transaction, so concurrent postings never deadlock.
    keys = sorted(sums)
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(keys))
    params: list[Any] = []
    for account_id, segment_id, currency in keys:
        params += [
            account_id,
            segment_id,
            month.isoformat(),
            currency,
            *sums[(account_id, segment_id, currency)],
        ]
    sql = f"INSERT INTO finance_balance {_BALANCE_COLUMNS} VALUES {values} {_UPSERT}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


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
    returned and nothing is posted, also when two deliveries race.
    """
    if isinstance(date, dt.datetime) or not isinstance(date, dt.date):
        raise TypeError("date is a date (the business day), not a datetime.")
    key = None if source_event_id is None else str(source_event_id)
    lines = list(lines)
    try:
        _check_shape(lines)
        _check_currencies(lines)
        write = partial(
            _write,
            date=date,
            memo=memo,
            lines=lines,
            key=key,
            source=source,
            posted_by=posted_by,
            reverses=reverses,
        )
        if connection.in_atomic_block:
            # Inside the caller's transaction (an outbox consumer's savepoint): every
            # refusal is raised before the first write, so no savepoint of our own.
            return write()
        with transaction.atomic():
            return write()
    except FinanceError:
        # A replay of a posted event returns its entry even if it would be refused
        # now (its period closed since, an account retired).
        existing = _existing(key)
        if existing is None:
            raise
        return existing


def _existing(key: str | None) -> JournalEntry | None:
    if key is None:
        return None
    return JournalEntry.objects.filter(source_event_id=key).first()


_INSERT_ENTRY = (
    "INSERT INTO finance_journalentry"
    " (date, memo, source, source_event_id, reverses_id, period_id, posted_by_id, created_at)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (source_event_id) DO NOTHING RETURNING id"
)


def _insert_entry(entry: JournalEntry) -> bool:
    """INSERT the entry unless its event id is posted already (then False, nothing written)."""
    ops = connection.ops
    params = [
        ops.adapt_datefield_value(entry.date),
        entry.memo,
        entry.source,
        entry.source_event_id,
        entry.reverses_id,
        entry.period_id,
        entry.posted_by_id,
        ops.adapt_datetimefield_value(entry.created_at),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_ENTRY, params)
        row = cursor.fetchone()
    if row is None:
        return False
    entry.pk = row[0]
    entry._state.adding = False
    entry._state.db = connection.alias
    return True


def _write(
    *,
    date: dt.date,
    memo: str,
    lines: list[LineSpec],
    key: str | None,
    source: str,
    posted_by: Any,
    reverses: JournalEntry | None,
) -> JournalEntry:
    """The posting itself, inside the caller's transaction: validate, then write."""
    accounts, segments = _load_chart(lines)
    rates = _rates(lines, date)
    functional = _functional_amounts(lines, rates)
    debit = sum(f for f, line in zip(functional, lines, strict=True) if line.is_debit)
    credit = sum(f for f, line in zip(functional, lines, strict=True) if not line.is_debit)
    _check_balanced(FUNCTIONAL_CURRENCY, debit, credit)
    period = lock_open_period(date)
    entry = JournalEntry(
        date=date,
        memo=memo[:500],
        source=source,
        source_event_id=key,
        reverses=reverses,
        period=period,
        posted_by=posted_by,
        created_at=timezone.now(),
    )
    if reverses is None:
        inserted = _insert_entry(entry)
    else:
        try:
            with transaction.atomic():  # a savepoint: the reversed-once constraint may refuse
                inserted = _insert_entry(entry)
        except IntegrityError:
            raise AlreadyReversed(
                FinanceErrorCode.ALREADY_REVERSED,
                f"Entry #{reverses.pk} is already reversed.",
                entry_id=reverses.pk,
            ) from None
    if not inserted:
        return _existing(key)  # posted by a concurrent delivery of the same event
    rows = [
        JournalLine(
            entry=entry,
            account_id=accounts[line.account],
            segment_id=segments[line.segment],
            currency=line.currency,
            debit_minor=line.debit_minor,
            credit_minor=line.credit_minor,
            functional_debit_minor=amount if line.is_debit else 0,
            functional_credit_minor=0 if line.is_debit else amount,
            rate=_line_rate(line, amount, rates),
            venue_id=line.venue_id,
            title_id=line.title_id,
            project=line.project,
            reference=line.reference,
        )
        for line, amount in zip(lines, functional, strict=True)
    ]
    JournalLine.objects.bulk_create(rows)
    _upsert_balances(rows, period.start)
    return entry


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
