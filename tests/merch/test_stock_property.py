"""Stock never goes negative, and stock + sold is what the merchant put in, whatever happens."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marquee.merch.models import Variant
from marquee.merch.services import orders
from tests.merch.factories import make_shop

pytestmark = pytest.mark.django_db

ops = st.lists(
    st.tuples(st.sampled_from(["claim", "release"]), st.integers(1, 6)), min_size=1, max_size=25
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=ops, start=st.integers(0, 12))
def test_claims_and_releases_keep_stock_between_zero_and_the_total(plan, start):
    shop = make_shop()
    Variant.objects.filter(pk=shop.variant.pk).update(stock=start, sold=0)
    model_stock, held = start, []
    for op, n in plan:
        if op == "claim":
            ok = orders.claim_stock(shop.variant.pk, n)
            assert ok == (model_stock >= n)
            if ok:
                model_stock -= n
                held.append(n)
        elif held:
            orders.release_stock(shop.variant.pk, held.pop())
            model_stock = start - sum(held)
        row = Variant.objects.values("stock", "sold").get(pk=shop.variant.pk)
        assert row["stock"] >= 0
        assert row["stock"] == model_stock
        assert row["stock"] + row["sold"] == start
