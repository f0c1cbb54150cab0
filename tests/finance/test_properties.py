"""Property tests of the ledger's invariants, over random entries (hypothesis).

Whatever is asked, every posted entry balances in CNY (and in its currency
when it has one), Σ debits = Σ credits per currency and in total, the
running balances equal the lines, refused entries leave nothing behind, and
an event id posts once however often it is delivered.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marquee.core.errors import DomainError
from marquee.finance.models import Balance, JournalEntry, JournalLine
from marquee.finance.services import LineSpec, post_entry

pytestmark = pytest.mark.django_db

ACCOUNTS = ["1010", "1020", "2010", "4010", "5020", "6120", "1400", "7030"]
SEGMENTS = ["promotion_distribution", "content", "merchandising", "corporate"]
CURRENCIES = ["CNY", "HKD", "USD"]
amounts = st.integers(min_value=1, max_value=10**11)


@st.composite
def entries(draw):
    """An entry request: usually balanced in one currency, sometimes deliberately not."""
    currency = draw(st.sampled_from(CURRENCIES))
    debits = draw(st.lists(amounts, min_size=1, max_size=4))
    total = sum(debits)
    cuts = sorted(draw(st.lists(st.integers(1, max(total - 1, 1)), max_size=3, unique=True)))
    cuts = [c for c in cuts if 0 < c < total]
    credits = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    if draw(st.booleans()) and draw(st.integers(0, 4)) == 0:
        credits[0] += draw(st.sampled_from([-1, 1, 100]))  # unbalanced: must be refused
        credits[0] = max(credits[0], 1)

    def line(amount: int, debit: bool) -> LineSpec:
        return LineSpec(
            account=draw(st.sampled_from(ACCOUNTS)),
            segment=draw(st.sampled_from(SEGMENTS)),
            currency=currency,
            debit_minor=amount if debit else 0,
            credit_minor=0 if debit else amount,
        )

    lines = [line(a, True) for a in debits] + [line(a, False) for a in credits]
    day = dt.date(2026, 1, 1) + dt.timedelta(days=draw(st.integers(0, 400)))
    event = draw(st.none() | st.sampled_from(["e1", "e2", "e3", "e4"]))
    balanced = sum(debits) == sum(credits)
    return day, lines, event, balanced


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(requests=st.lists(entries(), min_size=1, max_size=8))
def test_ledger_invariants_hold_for_any_sequence_of_postings(chart, rates, requests):
    with transaction.atomic():
        posted_events: dict[str, int] = {}
        for day, lines, event, balanced in requests:
            before = JournalLine.objects.count()
            try:
                entry = post_entry(date=day, memo="p", lines=lines, source_event_id=event)
            except DomainError as exc:
                # Only an unbalanced request is refused (a balanced one in HKD or USD
                # must balance in CNY too, whatever the rounding).
                assert not balanced, exc
                assert exc.code == "unbalanced_entry"
                assert JournalLine.objects.count() == before  # nothing half-posted
                continue
            if event is not None:
                # Exactly once: the first posting of an event id is the only one.
                assert posted_events.setdefault(event, entry.pk) == entry.pk
        _assert_invariants(len(posted_events))
        transaction.set_rollback(True)


def _assert_invariants(distinct_events: int) -> None:
    for entry in JournalEntry.objects.prefetch_related("lines"):
        lines = list(entry.lines.all())
        assert sum(x.functional_debit_minor for x in lines) == sum(
            x.functional_credit_minor for x in lines
        )
        if len({x.currency for x in lines}) == 1:
            assert sum(x.debit_minor for x in lines) == sum(x.credit_minor for x in lines)
    per_currency = JournalLine.objects.values("currency").annotate(
        d=Sum("debit_minor"), c=Sum("credit_minor")
    )
    for row in per_currency:
        assert row["d"] == row["c"], row
    total = JournalLine.objects.aggregate(
        d=Sum("functional_debit_minor"), c=Sum("functional_credit_minor")
    )
    assert total["d"] == total["c"]
    # The running balances are exactly the lines, key by key.
    fields = ("debit_minor", "credit_minor", "functional_debit_minor", "functional_credit_minor")
    from_lines = {
        (r["account_id"], r["segment_id"], r["entry__period__start"], r["currency"]): tuple(
            r[f] for f in fields
        )
        for r in JournalLine.objects.values(
            "account_id", "segment_id", "entry__period__start", "currency"
        ).annotate(**{f: Sum(f) for f in fields})
    }
    from_rollup = {
        (b.account_id, b.segment_id, b.month, b.currency): tuple(getattr(b, f) for f in fields)
        for b in Balance.objects.all()
    }
    assert from_rollup == from_lines
    assert JournalEntry.objects.exclude(source_event_id=None).count() == distinct_events
