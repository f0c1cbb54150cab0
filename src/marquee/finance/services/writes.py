"""The writes of a posting: entries (exactly once per event id), lines, rollups.

Called by :mod:`marquee.finance.services.posting` inside its transaction,
after every check passed. Raw SQL where the ORM has no form for it: an
``INSERT … ON CONFLICT DO NOTHING RETURNING`` of many entries, and the
additive upsert of the running balances.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection

from marquee.finance.models import JournalEntry

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


class LineRow(NamedTuple):
    """One journal line as written (the columns of ``finance_journalline``)."""

    entry_id: int
    account_id: int
    segment_id: int
    currency: str
    debit_minor: int
    credit_minor: int
    functional_debit_minor: int
    functional_credit_minor: int
    rate: Decimal
    venue_id: int | None
    title_id: int | None
    project: str
    reference: str


_LINE_COLUMNS = f"({', '.join(LineRow._fields)})"
#: Lines per INSERT: 13 parameters each stays under PostgreSQL's 65,535.
_LINES_PER_INSERT = 4000


#: PostgreSQL: the lines as one array per column, so the statement text stays short
#: (the driver parses a statement's text on every call; 13 parameters, any row count).
_UNNEST_LINES = (
    f"INSERT INTO finance_journalline {_LINE_COLUMNS} SELECT * FROM unnest("  # noqa: S608
    "%s::bigint[], %s::bigint[], %s::bigint[], %s::varchar[], %s::bigint[], %s::bigint[],"
    " %s::bigint[], %s::bigint[], %s::numeric[], %s::bigint[], %s::bigint[], %s::varchar[],"
    " %s::varchar[])"
)


def insert_lines(rows: list[LineRow]) -> None:
    """INSERT the lines in one statement (PostgreSQL) or one per 4,000 (no model instances)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_UNNEST_LINES, [list(column) for column in zip(*rows, strict=True)])
        return
    ops = connection.ops
    marks = "(" + ", ".join(["%s"] * len(LineRow._fields)) + ")"
    for start in range(0, len(rows), _LINES_PER_INSERT):
        chunk = rows[start : start + _LINES_PER_INSERT]
        params: list[Any] = []
        for row in chunk:
            params += [*row[:8], ops.adapt_decimalfield_value(row.rate), *row[9:]]
        values = ", ".join([marks] * len(chunk))
        sql = f"INSERT INTO finance_journalline {_LINE_COLUMNS} VALUES {values}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def upsert_balances(lines: list[tuple[LineRow, dt.date]]) -> None:
    """Add the lines to their account × segment × month × currency rows."""
    sums: dict[tuple[int, int, dt.date, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for line, month in lines:
        row = sums[(line.account_id, line.segment_id, month, line.currency)]
        row[0] += line.debit_minor
        row[1] += line.credit_minor
        row[2] += line.functional_debit_minor
        row[3] += line.functional_credit_minor
        row[4] += 1
    # Keys in one order in every transaction, so concurrent postings never deadlock.
    keys = sorted(sums)
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(keys))
    params: list[Any] = []
    for key in keys:
        account_id, segment_id, month, currency = key
        params += [account_id, segment_id, month.isoformat(), currency, *sums[key]]
    sql = f"INSERT INTO finance_balance {_BALANCE_COLUMNS} VALUES {values} {_UPSERT}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


_ENTRY_COLUMNS = (
    "(date, memo, source, source_event_id, reverses_id, period_id, posted_by_id, created_at)"
)


_ON_EVENT_CONFLICT = " ON CONFLICT (source_event_id) DO NOTHING RETURNING id, source_event_id"
_UNNEST_ENTRIES = (
    f"INSERT INTO finance_journalentry {_ENTRY_COLUMNS} SELECT * FROM unnest("  # noqa: S608
    "%s::date[], %s::varchar[], %s::varchar[], %s::varchar[], %s::bigint[], %s::bigint[],"
    " %s::bigint[], %s::timestamptz[])"
)


def insert_entries(entries: list[JournalEntry]) -> list[JournalEntry]:
    """INSERT the entries in one statement; those whose event id is posted already are skipped.

    Returns the entries inserted, their ``pk`` set. Event ids must be unique
    within ``entries`` (the caller dedupes). A reversal's reversed-once
    constraint is not handled here: :class:`IntegrityError` propagates.
    """
    ops = connection.ops
    rows = [
        [
            ops.adapt_datefield_value(entry.date),
            entry.memo,
            entry.source,
            entry.source_event_id,
            entry.reverses_id,
            entry.period_id,
            entry.posted_by_id,
            ops.adapt_datetimefield_value(entry.created_at),
        ]
        for entry in entries
    ]
    if connection.vendor == "postgresql":
        sql, params = _UNNEST_ENTRIES, [list(column) for column in zip(*rows, strict=True)]
    else:
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(entries))
        sql = f"INSERT INTO finance_journalentry {_ENTRY_COLUMNS} VALUES {values}"  # noqa: S608
        params = [value for row in rows for value in row]
    with connection.cursor() as cursor:
        cursor.execute(sql + _ON_EVENT_CONFLICT, params)
        returned = cursor.fetchall()
    by_key = {key: pk for pk, key in returned if key is not None}
    unkeyed = iter([pk for pk, key in returned if key is None])
    inserted = []
    for entry in entries:
        if entry.source_event_id is None:
            pk = next(unkeyed)  # rows without a key are never skipped: same order
        elif entry.source_event_id in by_key:
            pk = by_key[entry.source_event_id]
        else:
            continue
        entry.pk = pk
        entry._state.adding = False
        entry._state.db = connection.alias
        inserted.append(entry)
    return inserted
