"""The sale from licence to delivery: stock, payment, units and codes, the ledger."""

from __future__ import annotations

import pytest

from marquee.finance.models import JournalLine
from marquee.merch.models import Order, SaleRecord, Unit
from marquee.merch.services import tracking
from marquee.payments.models import Payment
from tests.merch.factories import buy, drain, make_shop

pytestmark = pytest.mark.django_db


def test_a_paid_order_claims_stock_issues_signed_units_and_posts_once(make_user):
    shop = make_shop()
    fan = make_user()
    order = buy(fan, shop.variant, 2)
    assert order.status == Order.Status.PAID
    shop.variant.refresh_from_db()
    assert (shop.variant.stock, shop.variant.sold) == (8, 2)
    units = list(Unit.objects.filter(line__order=order))
    assert [u.serial for u in units] == [1, 2]
    assert all(u.code.startswith("MQA1:") for u in units)
    drain()
    drain()  # a second drain posts nothing more
    lines = JournalLine.objects.filter(entry__source="merch.order_paid")
    assert sum(line.debit_minor for line in lines) == 25_800
    commission = sum(line.credit_minor for line in lines if line.account.code == "4150")
    assert commission == 2_064  # 8 % of 258.00
    assert SaleRecord.objects.get().amount_minor == 25_800


def test_refund_puts_stock_back_voids_units_and_refunds_payment(make_user):
    shop = make_shop()
    fan = make_user()
    order = buy(fan, shop.variant, 1)
    tracking.ship_order(actor=shop.merchant_user, order_id=order.pk, tracking_number="SF123")
    order = tracking.refund_order(actor=shop.merchant_user, order_id=order.pk)
    drain()
    assert order.status == Order.Status.REFUNDED
    shop.variant.refresh_from_db()
    assert shop.variant.stock == 10
    assert Unit.objects.get(line__order=order).void
    assert Payment.objects.get(pk=order.payment_id).status == Payment.Status.REFUNDED
    assert sum(r.amount_minor for r in SaleRecord.objects.all()) == 0


def test_the_ledger_agrees_with_the_orders_after_sales_and_refunds(make_user):
    from marquee.merch.services.orders import commission_of

    shop = make_shop()
    fans = [make_user() for _ in range(3)]
    kept = [buy(fans[0], shop.variant, 1), buy(fans[1], shop.variant, 3)]
    returned = buy(fans[2], shop.variant, 2)
    tracking.refund_order(actor=shop.merchant_user, order_id=returned.pk)
    drain()

    def net(code: str) -> int:
        lines = JournalLine.objects.filter(account__code=code, entry__source__startswith="merch.")
        return sum(line.credit_minor - line.debit_minor for line in lines)

    for order in kept:
        order.refresh_from_db()
    totals = sum(o.total_minor for o in kept)
    commissions = sum(commission_of(o) for o in kept)
    assert -net("1020") == totals
    assert net("4150") == commissions
    assert net("2670") == totals - commissions
    assert sum(r.amount_minor for r in SaleRecord.objects.all()) == totals
    assert sum(r.units for r in SaleRecord.objects.all()) == 4
