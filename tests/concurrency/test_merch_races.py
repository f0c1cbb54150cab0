"""Races on PostgreSQL: a limited edition under many more buyers than units.

Every buyer checks out (the stock claim: one conditional UPDATE whose row
count decides) and pays the winners' orders through the simulated gateway,
all at the same instant. Exactly the run is sold, nobody pays without goods,
and the control — the same race with a read-then-write claim — oversells.
"""

from __future__ import annotations

import pytest
from django.db.models import F

from marquee.merch.errors import MerchConflict
from marquee.merch.models import Order, Unit, Variant
from marquee.merch.services import orders
from marquee.payments.models import Payment
from marquee.payments.simulator.gateway import authorize_sim_payment
from tests.merch.factories import ADDRESS, make_licence, make_merchant, make_product

from .conftest import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BUYERS = 50
RUN = 20


@pytest.fixture
def edition(db):
    import importlib

    from django.apps import apps

    from marquee.finance.chart import ensure_chart

    # A transactional test starts from a flushed database: seed what migrations seeded.
    importlib.import_module("marquee.places.migrations.0001_initial").seed_tree(apps)
    ensure_chart()
    merchant, seller = make_merchant()
    licence = make_licence(merchant=merchant)
    _, variant = make_product(
        licence=licence, merchant_user=seller, category="toys", edition_size=RUN, stock=RUN
    )
    return variant


def _buy_and_pay(user, variant_id: int) -> int:
    order = orders.buy_now(user=user, variant_id=variant_id, quantity=1, address=ADDRESS)
    payment = orders.pay_order(user=user, order_id=order.pk)
    authorize_sim_payment(payment_id=payment.pk, user=user, outcome="succeed")
    return order.pk


def test_a_limited_edition_sells_exactly_its_run_and_no_payment_is_lost(edition, make_user):
    users = [make_user() for _ in range(BUYERS)]
    outcomes = race([lambda u=u: _buy_and_pay(u, edition.pk) for u in users])
    winners = [o.value for o in outcomes if o.ok]
    losers = [o.error for o in outcomes if not o.ok]
    assert len(winners) == RUN
    assert all(isinstance(e, MerchConflict) and e.code == "sold_out" for e in losers), losers
    edition.refresh_from_db()
    assert (edition.stock, edition.sold) == (0, RUN)
    paid = Order.objects.filter(status=Order.Status.PAID)
    assert sorted(paid.values_list("pk", flat=True)) == sorted(winners)
    serials = sorted(Unit.objects.values_list("serial", flat=True))
    assert serials == list(range(1, RUN + 1))
    # No lost payment: every captured payment bought a paid order, one each.
    captured = Payment.objects.filter(status=Payment.Status.SUCCEEDED)
    assert sorted(int(p.reference) for p in captured) == sorted(winners)
    assert Payment.objects.exclude(status=Payment.Status.SUCCEEDED).count() == 0


def _read_then_write_claim(variant_id: int, quantity: int) -> bool:
    """The control: decide on an earlier read (what the conditional UPDATE prevents)."""
    import time

    stock = Variant.objects.values_list("stock", flat=True).get(pk=variant_id)
    if stock < quantity:
        return False
    time.sleep(0.01)  # widen the window between the read and the write
    Variant.objects.filter(pk=variant_id).update(stock=stock - quantity, sold=F("sold") + quantity)
    return True


def test_control_a_read_then_write_claim_oversells(edition, make_user, monkeypatch):
    monkeypatch.setattr(orders, "claim_stock", _read_then_write_claim)
    users = [make_user() for _ in range(BUYERS)]
    outcomes = race(
        [
            lambda u=u: orders.buy_now(user=u, variant_id=edition.pk, quantity=1, address=ADDRESS)
            for u in users
        ]
    )
    assert sum(o.ok for o in outcomes) > RUN, "without the guard the claim should race"
    edition.refresh_from_db()
    assert edition.sold > RUN


def test_a_buyer_cancelling_while_the_merchant_refunds_refunds_once(db, make_user):
    import importlib

    from django.apps import apps

    from marquee.finance.chart import ensure_chart
    from marquee.merch.services import tracking
    from tests.merch.factories import buy, make_shop

    importlib.import_module("marquee.places.migrations.0001_initial").seed_tree(apps)
    ensure_chart()
    shop = make_shop()
    fans = [make_user() for _ in range(8)]
    paid = [buy(fan, shop.variant, 1) for fan in fans]
    calls = []
    for fan, order in zip(fans, paid, strict=True):
        calls.append(lambda f=fan, o=order: tracking.cancel_order(user=f, order_id=o.pk))
        calls.append(lambda o=order: tracking.refund_order(actor=shop.merchant_user, order_id=o.pk))
    outcomes = race(calls)
    assert sum(o.ok for o in outcomes) == len(paid)  # one of each pair wins
    losers = [o.error for o in outcomes if not o.ok]
    assert all(getattr(e, "code", None) == "invalid_order_transition" for e in losers), losers
    shop.variant.refresh_from_db()
    assert (shop.variant.stock, shop.variant.sold) == (10, 0)  # stock back exactly once each
    for order in paid:
        payment = Payment.objects.get(pk=order.payment_id)
        assert payment.refunded_minor == order.total_minor  # refunded once, not twice
