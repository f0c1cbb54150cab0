"""The waterfall engine: pure functions, exact integers, Σ payouts = revenue for any input."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marquee.investment import waterfall as engine
from marquee.investment.errors import InvestmentError

STAKES = {1: 5000, 2: 3000, 3: 1500, 4: 500, 5: 0}  # 5: talent, no stake

TIERS = [
    {"key": "dist-fee", "label": "Distribution fee", "type": "fee", "participant": 1,
     "percent": "15"},
    {"key": "expenses", "label": "P&A", "type": "expenses", "participant": 1,
     "cap_minor": 1_000_000},
    {"key": "negative-cost", "label": "Negative cost", "type": "negative_cost",
     "amount_minor": 4_000_000, "premium_percent": "10"},
    {"key": "deferment", "label": "Deferment", "type": "deferment", "participant": 5,
     "amount_minor": 500_000},
    {"key": "corridor", "label": "Corridor", "type": "corridor", "participant": 5,
     "percent": "5", "cap_minor": 300_000},
    {"key": "residual", "label": "Net profits", "type": "residual"},
]  # fmt: skip


def _by_tier(shares):
    out = {}
    for s in shares:
        out.setdefault(s.tier_key, {})[s.participant] = s.amount_minor
    return out


def test_the_worked_example_of_the_docs():
    tiers = engine.parse_tiers(TIERS, STAKES)
    (first, second), state = engine.run(tiers, [12_000_000, 3_000_000], "CNY")
    assert _by_tier(first) == {
        "dist-fee": {1: 1_800_000},
        "expenses": {1: 1_000_000},
        "negative-cost": {1: 2_200_000, 2: 1_320_000, 3: 660_000, 4: 220_000},
        "deferment": {5: 500_000},
        "corridor": {5: 215_000},
        "residual": {1: 2_042_500, 2: 1_225_500, 3: 612_750, 4: 204_250},
    }
    assert _by_tier(second) == {
        "dist-fee": {1: 450_000},
        "corridor": {5: 85_000},
        "residual": {1: 1_232_500, 2: 739_500, 3: 369_750, 4: 123_250},
    }
    assert sum(s.amount_minor for s in first) == 12_000_000
    assert sum(s.amount_minor for s in second) == 3_000_000
    assert state["gross"] == 15_000_000
    assert state["tiers"]["corridor"]["paid"] == 300_000


def test_percentages_round_once_on_running_totals():
    tiers = engine.parse_tiers(
        [
            {"key": "fee", "type": "fee", "participant": 1, "percent": "10"},
            {"key": "rest", "type": "residual", "shares": {"2": 1}},
        ],
        STAKES,
    )
    periods, _ = engine.run(tiers, [5, 5, 5, 5], "CNY")
    fees = [sum(s.amount_minor for s in p if s.tier_key == "fee") for p in periods]
    # 10 % of 5, 10, 15, 20 rounded half-to-even: 0, 1, 2, 2 → paid 0, 1, 1, 0
    assert fees == [0, 1, 1, 0]


def test_a_small_receipt_fills_what_it_can_and_the_rest_waits():
    tiers = engine.parse_tiers(TIERS, STAKES)
    (shares,), state = engine.run(tiers, [100], "CNY")
    assert _by_tier(shares) == {"dist-fee": {1: 15}, "expenses": {1: 85}}
    assert state["tiers"]["expenses"]["paid"] == 85


@pytest.mark.parametrize(
    ("tiers", "reason"),
    [
        ([], "no_tiers"),
        ([{"key": "fee", "type": "fee", "participant": 1, "percent": "10"}], "no_residual"),
        (
            [
                {"key": "rest", "type": "residual"},
                {"key": "fee", "type": "fee", "participant": 1, "percent": "10"},
            ],
            "no_residual",
        ),
        (
            [{"key": "rest", "type": "residual"}, {"key": "rest2", "type": "residual"}],
            "residual_not_last",
        ),
        ([{"key": "rest", "type": "residual", "shares": {"5": 0, "1": 0}}], "no_residual_shares"),
        ([{"key": "rest", "type": "residual", "shares": {"99": 1}}], "unknown_participant"),
        ([{"key": "x", "type": "bonus"}, {"key": "rest", "type": "residual"}], "unknown_tier_type"),
        (
            [
                {"key": "fee", "type": "fee", "participant": 1, "percent": "101"},
                {"key": "rest", "type": "residual"},
            ],
            "invalid_percent",
        ),
        (
            [
                {"key": "fee", "type": "fee", "participant": 1, "percent": 0.15},
                {"key": "rest", "type": "residual"},
            ],
            "invalid_percent",
        ),
        (
            [
                {"key": "d", "type": "deferment", "participant": 1, "amount_minor": -1},
                {"key": "rest", "type": "residual"},
            ],
            "invalid_amount",
        ),
        (
            [
                {"key": "d", "type": "deferment", "participant": 1, "amount_minor": 10},
                {"key": "d", "type": "deferment", "participant": 1, "amount_minor": 10},
                {"key": "rest", "type": "residual"},
            ],
            "duplicate_tier",
        ),
        ([{"key": "Bad Key", "type": "residual"}], "invalid_tier"),
    ],
)
def test_tiers_that_cannot_run_are_refused_with_a_reason(tiers, reason):
    with pytest.raises(InvestmentError) as refused:
        engine.parse_tiers(tiers, STAKES)
    assert refused.value.code == "invalid_waterfall"
    assert refused.value.detail["reason"] == reason
    assert refused.value.msg  # a sentence for every reason


def test_a_residual_without_any_stake_does_not_terminate():
    with pytest.raises(InvestmentError) as refused:
        engine.parse_tiers([{"key": "rest", "type": "residual"}], {1: 0, 2: 0})
    assert refused.value.detail["reason"] == "no_residual_shares"


# --- properties ---------------------------------------------------------------------------

PIDS = [1, 2, 3, 4, 5]
percents = st.integers(1, 10_000).map(lambda bp: f"{bp // 100}.{bp % 100:02d}")
amounts = st.integers(1, 5_000_000)


@st.composite
def tier_lists(draw):
    n = draw(st.integers(0, 6))
    tiers = []
    for i in range(n):
        kind = draw(st.sampled_from(["fee", "expenses", "negative_cost", "deferment", "corridor"]))
        tier = {"key": f"t{i}", "type": kind}
        if kind in ("fee", "corridor"):
            tier |= {"participant": draw(st.sampled_from(PIDS)), "percent": draw(percents)}
            if draw(st.booleans()):
                tier["cap_minor"] = draw(amounts)
        elif kind == "expenses":
            tier |= {"participant": draw(st.sampled_from(PIDS)), "cap_minor": draw(amounts)}
        elif kind == "deferment":
            tier |= {"participant": draw(st.sampled_from(PIDS)), "amount_minor": draw(amounts)}
        else:
            tier |= {"amount_minor": draw(amounts), "premium_percent": draw(percents)}
            if draw(st.booleans()):
                tier["participant"] = draw(st.sampled_from(PIDS))
        tiers.append(tier)
    residual = {"key": "rest", "type": "residual"}
    if draw(st.booleans()):
        weights = draw(st.lists(st.integers(0, 1000), min_size=5, max_size=5))
        if sum(weights):
            residual["shares"] = {str(p): w for p, w in zip(PIDS, weights, strict=True)}
    tiers.append(residual)
    return tiers


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tiers=tier_lists(),
    revenues=st.lists(st.integers(0, 10**10), max_size=12),
    currency=st.sampled_from(["CNY", "JPY", "KWD"]),
)
def test_every_unit_of_revenue_is_paid_to_someone_exactly_once(tiers, revenues, currency):
    parsed = engine.parse_tiers(tiers, STAKES)
    periods, state = engine.run(parsed, revenues, currency)
    for amount, shares in zip(revenues, periods, strict=True):
        assert sum(s.amount_minor for s in shares) == amount
        assert all(s.amount_minor > 0 and s.participant in STAKES for s in shares)
    assert state["gross"] == sum(revenues)
    # Caps hold across periods: no capped tier ever paid more than its cap.
    for tier in parsed:
        if tier.cap_minor is not None:
            assert state["tiers"].get(tier.key, {"paid": 0})["paid"] <= tier.cap_minor


@settings(max_examples=80, deadline=None)
@given(tiers=tier_lists(), revenues=st.lists(st.integers(0, 10**9), min_size=1, max_size=8))
def test_splitting_revenue_into_periods_changes_no_tier_before_the_residual(tiers, revenues):
    """What the fixed tiers (caps, recoupments, deferments) absorb depends on totals only."""
    parsed = engine.parse_tiers(tiers, STAKES)
    _, by_period = engine.run(parsed, revenues, "CNY")
    _, at_once = engine.run(parsed, [sum(revenues)], "CNY")
    for tier in parsed:
        if tier.type in ("expenses", "deferment") or (
            tier.type == "negative_cost" and tier.participant is not None
        ):
            assert by_period["tiers"][tier.key]["paid"] == at_once["tiers"][tier.key]["paid"]
