"""The posting service: the one way in, all or nothing, exactly once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Sum

from marquee.core.errors import DomainError
from marquee.finance.models import Balance, ImmutableRow, JournalEntry, JournalLine, Period
from marquee.finance.services import close_period, post_entry, reopen_period, reverse_entry
from tests.finance.conftest import DAY, cr, dr

pytestmark = pytest.mark.django_db


def _codes(exc_info) -> str:
    return exc_info.value.code


def test_post_entry_writes_entry_lines_and_rollups(chart):
    entry = post_entry(
        date=DAY,
        memo="Office rent",
        lines=[dr("6120", 1_000_00), cr("1010", 1_000_00)],
    )
    assert entry.period.start == dt.date(2026, 5, 1)
    lines = list(entry.lines.order_by("id"))
    assert [(line.debit_minor, line.credit_minor) for line in lines] == [(100000, 0), (0, 100000)]
    assert [line.functional_debit_minor for line in lines] == [100000, 0]
    balance = Balance.objects.get(account__code="6120", month=dt.date(2026, 5, 1))
    assert (balance.debit_minor, balance.functional_debit_minor, balance.line_count) == (
        100000,
        100000,
        1,
    )
    post_entry(date=DAY, memo="More rent", lines=[dr("6120", 50), cr("1010", 50)])
    balance.refresh_from_db()
    assert (balance.debit_minor, balance.line_count) == (100050, 2)


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([dr("6120", 100), cr("1010", 99)], "unbalanced_entry"),
        ([dr("6120", 100)], "empty_entry"),
        ([dr("9999", 100), cr("1010", 100)], "unknown_account"),
        ([dr("6120", 100, segment="nope"), cr("1010", 100)], "unknown_segment"),
        ([dr("6120", 100, currency="XXX"), cr("1010", 100, currency="XXX")], "unknown_currency"),
        ([dr("6120", 100, currency="EUR"), cr("1010", 100, currency="EUR")], "missing_rate"),
        ([dr("6120", -100), cr("1010", -100)], "invalid_line"),
    ],
)
def test_bad_entries_are_refused_and_write_nothing(chart, rates, lines, code):
    with pytest.raises(DomainError) as exc_info:
        post_entry(date=DAY, memo="bad", lines=lines)
    assert _codes(exc_info) == code
    assert not JournalEntry.objects.exists()
    assert not JournalLine.objects.exists()
    assert not Balance.objects.exists()


def test_float_amounts_are_refused(chart):
    with pytest.raises(DomainError) as exc_info:
        post_entry(date=DAY, memo="float", lines=[dr("6120", 1.5), cr("1010", 1.5)])
    assert exc_info.value.code == "invalid_line"


def test_inactive_account_is_refused(chart):
    from marquee.finance.models import Account

    Account.objects.filter(code="6120").update(active=False)
    with pytest.raises(DomainError) as exc_info:
        post_entry(date=DAY, memo="x", lines=[dr("6120", 100), cr("1010", 100)])
    assert exc_info.value.code == "inactive_account"


def test_foreign_lines_carry_cny_at_the_days_rate_and_balance_after_rounding(chart, rates):
    # Three USD debits whose individual conversions round differently from their sum.
    entry = post_entry(
        date=DAY,
        memo="USD expenses",
        lines=[
            dr("6120", 333, currency="USD"),
            dr("6010", 333, currency="USD"),
            dr("6110", 334, currency="USD"),
            cr("1010", 1000, currency="USD"),
        ],
    )
    lines = list(entry.lines.all())
    debit = sum(line.functional_debit_minor for line in lines)
    credit = sum(line.functional_credit_minor for line in lines)
    assert debit == credit == 7123  # 10.00 USD × 7.1234, rounded once
    assert all(str(line.rate).startswith("7.1234") for line in lines)


def test_multi_currency_entry_must_balance_in_cny(chart, rates):
    # HKD 100.00 = CNY 91.25 exactly.
    post_entry(
        date=DAY,
        memo="FX",
        lines=[dr("1010", 100_00, currency="HKD"), cr("1010", 91_25, currency="CNY")],
    )
    with pytest.raises(DomainError) as exc_info:
        post_entry(
            date=DAY,
            memo="FX off",
            lines=[dr("1010", 100_00, currency="HKD"), cr("1010", 91_26, currency="CNY")],
        )
    assert exc_info.value.code == "unbalanced_entry"
    assert JournalEntry.objects.count() == 1


def test_an_event_id_posts_once(chart):
    first = post_entry(
        date=DAY, memo="fee", lines=[dr("1010", 10), cr("4010", 10)], source_event_id="evt-1"
    )
    again = post_entry(
        date=DAY, memo="fee", lines=[dr("1010", 10), cr("4010", 10)], source_event_id="evt-1"
    )
    assert again.pk == first.pk
    assert JournalEntry.objects.count() == 1
    assert Balance.objects.get(account__code="4010").credit_minor == 10


def test_closed_period_refuses_and_reopened_accepts(chart):
    close_period(month=DAY)
    with pytest.raises(DomainError) as exc_info:
        post_entry(date=DAY, memo="late", lines=[dr("1010", 10), cr("4010", 10)])
    assert exc_info.value.code == "period_closed"
    assert exc_info.value.status == 409
    assert Period.objects.get(start=dt.date(2026, 5, 1)).status == "closed"
    # Other months are unaffected.
    post_entry(date=dt.date(2026, 6, 1), memo="June", lines=[dr("1010", 10), cr("4010", 10)])
    reopen_period(month=DAY)
    post_entry(date=DAY, memo="late", lines=[dr("1010", 10), cr("4010", 10)])
    assert JournalEntry.objects.count() == 2


def test_reversal_mirrors_the_original_and_nets_to_zero(chart, rates):
    original = post_entry(
        date=DAY,
        memo="USD fee",
        lines=[dr("1010", 999, currency="USD"), cr("4010", 999, currency="USD")],
    )
    reversal = reverse_entry(entry_id=original.pk, date=dt.date(2026, 7, 2))
    assert reversal.reverses_id == original.pk
    totals = JournalLine.objects.filter(account__code="4010").aggregate(
        d=Sum("functional_debit_minor"), c=Sum("functional_credit_minor")
    )
    assert totals["d"] == totals["c"] > 0
    with pytest.raises(DomainError) as exc_info:
        reverse_entry(entry_id=original.pk)
    assert exc_info.value.code == "already_reversed"


def test_posted_rows_refuse_save_and_delete(chart):
    entry = post_entry(date=DAY, memo="x", lines=[dr("1010", 10), cr("4010", 10)])
    entry.memo = "changed"
    with pytest.raises(ImmutableRow):
        entry.save()
    with pytest.raises(ImmutableRow):
        entry.lines.first().delete()


def test_post_entries_posts_a_batch_all_or_nothing(chart):
    from marquee.finance.services import EntryRequest, post_entries

    good = [
        EntryRequest(DAY, "a", [dr("1010", 10), cr("4010", 10)], source_event_id="b1"),
        EntryRequest(DAY, "b", [dr("1010", 20), cr("4010", 20)], source_event_id="b2"),
        EntryRequest(DAY, "a again", [dr("1010", 10), cr("4010", 10)], source_event_id="b1"),
        EntryRequest(dt.date(2026, 7, 1), "c", [dr("1010", 5), cr("4010", 5)]),
    ]
    bad = EntryRequest(DAY, "bad", [dr("1010", 1), cr("4010", 2)], source_event_id="b3")
    with pytest.raises(DomainError) as exc_info:
        post_entries([*good, bad])
    assert exc_info.value.code == "unbalanced_entry"
    assert not JournalEntry.objects.exists()

    entries = post_entries(good)
    assert entries[0].pk == entries[2].pk  # the same event id twice: posted once
    assert JournalEntry.objects.count() == 3
    assert JournalLine.objects.count() == 6
    assert Balance.objects.get(account__code="4010", month=dt.date(2026, 5, 1)).credit_minor == 30
    assert Balance.objects.get(account__code="4010", month=dt.date(2026, 7, 1)).credit_minor == 5
    again = post_entries(good[:2])
    assert [e.pk for e in again] == [entries[0].pk, entries[1].pk]
    assert JournalEntry.objects.count() == 3


def test_a_replayed_event_returns_its_entry_after_the_period_closed(chart):
    first = post_entry(
        date=DAY, memo="fee", lines=[dr("1010", 10), cr("4010", 10)], source_event_id="late"
    )
    close_period(month=DAY)
    again = post_entry(
        date=DAY, memo="fee", lines=[dr("1010", 10), cr("4010", 10)], source_event_id="late"
    )
    assert again.pk == first.pk
