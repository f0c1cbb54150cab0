"""The writes of a posting: entries (exactly once per event id), lines, rollups.

Called by :mod:`marquee.finance.services.posting` inside its transaction,
after every check passed. Raw SQL where the ORM has no form for it: an
``INSERT … ON CONFLICT DO NOTHING RETURNING`` of many entries, and the
additive upsert of the running balances.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import connection

from marquee.finance.models import JournalEntry, JournalLine

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


def upsert_balances(lines: list[tuple[JournalLine, dt.date]]) -> None:
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


def insert_entries(entries: list[JournalEntry]) -> list[JournalEntry]:
    """INSERT the entries in one statement; those whose event id is posted already are skipped.

    Returns the entries inserted, their ``pk`` set. Event ids must be unique
    within ``entries`` (the caller dedupes). A reversal's reversed-once
    constraint is not handled here: :class:`IntegrityError` propagates.
    """
    ops = connection.ops
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(entries))
    params: list[Any] = []
    for entry in entries:
        params += [
            ops.adapt_datefield_value(entry.date),
            entry.memo,
            entry.source,
            entry.source_event_id,
            entry.reverses_id,
            entry.period_id,
            entry.posted_by_id,
            ops.adapt_datetimefield_value(entry.created_at),
        ]
    sql = (
        f"INSERT INTO finance_journalentry {_ENTRY_COLUMNS} VALUES {values}"  # noqa: S608
        " ON CONFLICT (source_event_id) DO NOTHING RETURNING id, source_event_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
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
