"""Royalties: Σ sales × rates, the advance recouped, the MG shortfall at term end; the ledger agrees."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marquee.core.money import round_half_even
from marquee.finance.models import JournalLine
from marquee.merch import documents
from marquee.merch.errors import MerchConflict
from marquee.merch.models import RoyaltyStatement, SaleRecord
from marquee.merch.services import royalties
from tests.merch.factories import drain, make_licence, make_merchant

CATEGORIES = ["apparel", "toys", "posters"]

quarter_sales = st.dictionaries(
    st.sampled_from(CATEGORIES),
    st.tuples(st.integers(0, 5_000_000), st.integers(0, 500)),
    max_size=3,
)


@settings(max_examples=150, deadline=None)
@given(
    quarters=st.lists(quarter_sales, min_size=1, max_size=8),
    rates=st.fixed_dictionaries({c: st.integers(0, 10_000) for c in CATEGORIES}),
    advance=st.integers(0, 3_000_000),
    mg=st.integers(0, 5_000_000),
)
def test_statements_over_a_term_pay_the_licensor_max_of_earned_advance_and_mg(
    quarters, rates, advance, mg
):
    earned = recouped = 0
    payable = forfeited = shortfall = 0
    for i, sales in enumerate(quarters):
        s = royalties.compute_statement(
            sales=sales,
            rates=rates,
            advance_minor=advance,
            earned_before_minor=earned,
            recouped_before_minor=recouped,
            minimum_guarantee_minor=mg,
            final=i == len(quarters) - 1,
        )
        # royalty = Σ over categories of net sales × rate, rounded once per category
        assert s.royalty_minor == sum(
            round_half_even(Fraction(net * rates[c], 10_000)) for c, (net, _) in sales.items()
        )
        assert s.net_sales_minor == sum(net for net, _ in sales.values())
        assert s.payable_minor == s.royalty_minor - s.advance_recouped_minor
        assert 0 <= s.advance_recouped_minor <= advance
        assert s.advance_remaining_minor >= 0
        earned += s.royalty_minor
        recouped += s.advance_recouped_minor
        payable += s.payable_minor
        forfeited += s.advance_forfeited_minor
        shortfall += s.mg_shortfall_minor
    assert recouped == min(earned, advance)
    # what the licensor gets over the term: the advance, royalties beyond it, the MG top-up
    assert advance + payable + shortfall == max(earned, advance, mg)
    # and what is recognised as royalty revenue is the same amount
    assert earned + forfeited + shortfall == max(earned, advance, mg)


def test_quarter_bounds_and_term_quarters():
    assert royalties.quarter_bounds(2026, 1) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert royalties.quarter_bounds(2026, 4) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert royalties.quarter_of(dt.date(2026, 8, 15)) == (2026, 3)


@pytest.mark.django_db
def test_issued_statements_post_to_the_ledger_and_match_the_sales():
    merchant, _ = make_merchant()
    licence = make_licence(
        merchant=merchant,
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 12, 31),
        categories={"apparel": 1000, "toys": 1500},
        advance_minor=50_000,
        minimum_guarantee_minor=400_000,
    )
    for event_id, (day, category, amount) in enumerate(
        [
            (dt.date(2025, 2, 1), "apparel", 300_000),
            (dt.date(2025, 2, 9), "toys", 200_000),
            (dt.date(2025, 5, 1), "apparel", 1_000_000),
            (dt.date(2025, 5, 2), "apparel", -100_000),
        ],
        start=1,
    ):
        SaleRecord.objects.create(
            event_id=event_id,
            licence=licence,
            category=category,
            day=day,
            currency="CNY",
            amount_minor=amount,
            units=1 if amount > 0 else -1,
        )
    today = dt.date(2026, 2, 1)
    with pytest.raises(MerchConflict):
        royalties.issue_statement(actor=None, licence=licence, year=2026, quarter=1, today=today)
    last = royalties.issue_statement(actor=None, licence=licence, year=2025, quarter=4, today=today)
    statements = list(RoyaltyStatement.objects.filter(licence=licence).order_by("quarter"))
    assert [s.quarter for s in statements] == [1, 2, 3, 4]
    q1, q2 = statements[0], statements[1]
    assert q1.royalty_minor == 30_000 + 30_000  # 10 % of 3,000 + 15 % of 2,000
    assert (q1.advance_recouped_minor, q1.payable_minor) == (50_000, 10_000)
    assert q2.royalty_minor == 90_000 and q2.payable_minor == 90_000
    assert last.final and last.mg_shortfall_minor == 400_000 - 150_000
    # issuing again changes nothing
    again = royalties.issue_statement(
        actor=None, licence=licence, year=2025, quarter=4, today=today
    )
    assert again.pk == last.pk
    drain()
    royalty_revenue = sum(
        line.credit_minor - line.debit_minor
        for line in JournalLine.objects.filter(account__code="4151")
    )
    assert royalty_revenue == 400_000  # max(earned 150,000, advance 50,000, MG 400,000)
    advances = sum(
        line.credit_minor - line.debit_minor
        for line in JournalLine.objects.filter(account__code="2671")
    )
    assert advances == 0  # the advance was received and fully recouped
    assert "royalty_minor" in documents.statement_csv(last)
    assert documents.statement_pdf(last).startswith(b"%PDF")
