"""Property: settled and provisional payouts together are the distributor's receipts, exactly.

Whatever the waterfall, the settled receipts and the cinema-days sold but
not yet settled (some of them in another currency with no rate yet), the
provisional part never creates or loses a unit: Σ settled payouts +
Σ provisional payouts = Σ settled receipts + the unsettled distributor share,
and each participant's provisional payout is engine(settled + unsettled) −
engine(settled).
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marquee.core.money import Money
from marquee.investment import waterfall as engine
from marquee.investment.live import UnsettledDay, run_provisional
from tests.investment.test_engine import STAKES, tier_lists

DAY = dt.date(2026, 5, 14)

unsettled = st.lists(
    st.tuples(st.integers(0, 10**9), st.booleans()),  # (distributor share, a rate for the day?)
    max_size=8,
)


def _days(drawn: list[tuple[int, bool]], currency: str) -> list[UnsettledDay]:
    return [
        UnsettledDay(
            venue_id=n,
            day=DAY + dt.timedelta(days=n),
            tickets=1,
            gross=Money(share * 2, currency),
            distributor_share=Money(share, currency),
            amount=Money(share, currency) if priced else None,
        )
        for n, (share, priced) in enumerate(drawn)
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tiers=tier_lists(),
    settled=st.lists(st.integers(0, 10**10), max_size=8),
    sold=unsettled,
    currency=st.sampled_from(["CNY", "JPY", "KWD"]),
)
def test_settled_and_provisional_payouts_sum_to_the_distributor_receipts(
    tiers, settled, sold, currency
):
    parsed = engine.parse_tiers(tiers, STAKES)
    settled_periods, state = engine.run(parsed, settled, currency)
    settled_paid = engine.totals([s for shares in settled_periods for s in shares])
    days = _days(sold, currency)
    live = run_provisional(parsed, state, days, currency)
    provisional_paid = live.payouts()

    receipts = sum(settled) + sum(share for share, priced in sold if priced)
    assert live.received_minor == sum(share for share, priced in sold if priced)
    assert sum(settled_paid.values()) + sum(provisional_paid.values()) == receipts
    assert all(amount > 0 for amount in provisional_paid.values())
    # Each participant: engine over settled + unsettled, minus engine over settled.
    priced = [share for share, ok in sold if ok and share]
    all_periods, _ = engine.run(parsed, [*settled, *priced], currency)
    everything = engine.totals([s for shares in all_periods for s in shares])
    for pid in STAKES:
        assert provisional_paid.get(pid, 0) == everything.get(pid, 0) - settled_paid.get(pid, 0)
    # The stored state is not touched by a reading.
    assert state == engine.run(parsed, settled, currency)[1]
    # Each participant's own part reads the same figure, in the waterfall currency.
    for pid in STAKES:
        part = live.for_participant(pid)
        assert part["amount"] == {
            "amount_minor": provisional_paid.get(pid, 0),
            "currency": currency,
        }
        assert sum(t["amount_minor"] for t in part["by_tier"]) == part["amount"]["amount_minor"]
