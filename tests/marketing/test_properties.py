"""Invariants of the discount arithmetic (hypothesis), no database needed."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from marquee.core.money import round_half_even
from marquee.marketing.models import Campaign
from marquee.marketing.services.redemption import discount_lines

prices = st.lists(st.integers(min_value=0, max_value=200_000), min_size=1, max_size=8)


def _campaign(kind: str, amount: int = 0, bp: int = 0, cap: int = 0) -> Campaign:
    return Campaign(
        currency="CNY", discount_kind=kind, amount_minor=amount, percent_bp=bp, cap_minor=cap
    )


@settings(max_examples=200, deadline=None)
@given(prices=prices, amount=st.integers(min_value=1, max_value=500_000))
def test_fixed_parts_add_up_and_never_pass_a_seat(prices, amount):
    parts = discount_lines(_campaign("fixed", amount=amount), prices)
    assert sum(parts) == min(amount, sum(prices))
    assert all(0 <= part <= price for part, price in zip(parts, prices, strict=True))


@settings(max_examples=200, deadline=None)
@given(
    prices=prices,
    bp=st.integers(min_value=1, max_value=10_000),
    cap=st.integers(min_value=1, max_value=500_000),
)
def test_percent_is_rounded_once_and_capped(prices, bp, cap):
    parts = discount_lines(_campaign("percent", bp=bp, cap=cap), prices)
    whole = round_half_even(Fraction(sum(prices) * bp, 10_000))
    assert sum(parts) == min(whole, cap, sum(prices))
    assert all(0 <= part <= price for part, price in zip(parts, prices, strict=True))


@settings(max_examples=100, deadline=None)
@given(prices=prices, price=st.integers(min_value=0, max_value=100_000))
def test_a_set_price_takes_off_only_what_is_above_it(prices, price):
    parts = discount_lines(_campaign("price", amount=price), prices)
    assert [p - d for p, d in zip(prices, parts, strict=True)] == [min(p, price) for p in prices]
