"""PostgreSQL stands behind the service: unbalanced or altered entries never commit."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from marquee.finance.models import Account, JournalEntry, JournalLine, Segment
from marquee.finance.services import post_entry
from marquee.finance.services.periods import lock_open_period
from tests.finance.conftest import DAY, cr, dr

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the ledger's triggers exist on PostgreSQL only; run with DATABASE_URL=…")


def _raw_entry(lines: list[tuple[str, int, int]]) -> None:
    with transaction.atomic():
        period = lock_open_period(DAY)
        entry = JournalEntry.objects.create(
            date=DAY, memo="raw", period=period, created_at=timezone.now()
        )
        segment = Segment.objects.get(code="corporate")
        for code, debit, credit in lines:
            JournalLine.objects.create(
                entry=entry,
                account=Account.objects.get(code=code),
                segment=segment,
                currency="CNY",
                debit_minor=debit,
                credit_minor=credit,
                functional_debit_minor=debit,
                functional_credit_minor=credit,
                rate=1,
            )


def test_trigger_refuses_an_unbalanced_entry_at_commit(chart):
    with pytest.raises(DatabaseError, match="unbalanced"):
        _raw_entry([("1010", 100, 0), ("4010", 0, 99)])
    assert not JournalEntry.objects.exists()


def test_trigger_refuses_an_entry_without_lines(chart):
    with pytest.raises(DatabaseError, match="at least two"):
        _raw_entry([])
    assert not JournalEntry.objects.exists()


def test_trigger_accepts_a_balanced_entry(chart):
    _raw_entry([("1010", 100, 0), ("4010", 0, 100)])
    assert JournalLine.objects.count() == 2


def test_posted_rows_cannot_be_updated_or_deleted_in_sql(chart):
    entry = post_entry(date=DAY, memo="x", lines=[dr("1010", 10), cr("4010", 10)])
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        JournalLine.objects.filter(entry=entry).update(debit_minor=11)
    with (
        pytest.raises(DatabaseError, match="immutable"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM finance_journalline WHERE entry_id = %s", [entry.pk])
    assert JournalLine.objects.filter(entry=entry, debit_minor=10).count() == 1
