"""Bundles, pre-orders, tracking, expiry, cancellation, verification and the approval workflow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from marquee.finance.models import JournalLine
from marquee.merch import codes
from marquee.merch.errors import ForgedCode, MerchError
from marquee.merch.models import Order, Product, ProductReview, SaleRecord
from marquee.merch.services import authenticity, orders, products, tracking
from marquee.payments.models import Payment
from tests.merch.factories import buy, checkout, drain, make_product, make_shop, pay

pytestmark = pytest.mark.django_db


def test_the_approval_workflow_records_each_step_with_comments():
    shop = make_shop()
    product, _ = make_product(licence=shop.licence, merchant_user=shop.merchant_user, approve=False)
    with pytest.raises(MerchError) as caught:
        products.review_product(actor=shop.licensor, product_id=product.pk, decision="approved")
    assert caught.value.code == "product_not_reviewable"  # still a draft
    products.submit_product(actor=shop.merchant_user, product_id=product.pk)
    with pytest.raises(MerchError) as caught:
        products.review_product(
            actor=shop.licensor, product_id=product.pk, decision="changes_requested"
        )
    assert caught.value.code == "comment_required"
    products.review_product(
        actor=shop.licensor,
        product_id=product.pk,
        decision="changes_requested",
        comment="Use the approved logo lock-up.",
    )
    products.submit_product(actor=shop.merchant_user, product_id=product.pk, comment="Fixed.")
    products.review_product(actor=shop.licensor, product_id=product.pk, decision="approved")
    product.refresh_from_db()
    assert product.status == Product.Status.APPROVED
    assert list(product.reviews.values_list("action", flat=True)) == [
        "submitted",
        "changes_requested",
        "submitted",
        "approved",
    ]
    assert ProductReview.objects.filter(comment="Use the approved logo lock-up.").exists()


def test_paid_shipped_delivered_with_a_tracking_number(make_user):
    shop = make_shop()
    order = buy(make_user(), shop.variant)
    tracking.ship_order(actor=shop.merchant_user, order_id=order.pk, tracking_number="SF1234567")
    tracking.deliver_order(actor=shop.merchant_user, order_id=order.pk)
    order.refresh_from_db()
    assert (order.status, order.tracking_number) == (Order.Status.DELIVERED, "SF1234567")
    with pytest.raises(MerchError) as caught:
        tracking.ship_order(actor=shop.merchant_user, order_id=order.pk, tracking_number="X")
    assert caught.value.code == "invalid_order_transition"


def test_a_pre_order_ships_on_its_day(make_user):
    shop = make_shop()
    ships_on = timezone.localdate() + dt.timedelta(days=20)
    _, variant = make_product(
        licence=shop.licence, merchant_user=shop.merchant_user, ships_on=ships_on
    )
    order = buy(make_user(), variant)
    with pytest.raises(MerchError) as caught:
        tracking.ship_order(actor=shop.merchant_user, order_id=order.pk, tracking_number="SF1")
    assert caught.value.code == "preorder_not_shippable"
    tracking.ship_order(
        actor=shop.merchant_user, order_id=order.pk, tracking_number="SF1", today=ships_on
    )


def test_an_expired_order_gives_stock_back_and_a_late_payment_is_refunded(make_user):
    shop = make_shop()
    fan = make_user()
    order = checkout(fan, shop.variant, 3)
    payment = orders.pay_order(user=fan, order_id=order.pk)
    later = timezone.now() + dt.timedelta(minutes=30)
    assert orders.expire_stale_orders(now=later) == 1
    shop.variant.refresh_from_db()
    assert shop.variant.stock == 10
    from marquee.payments.simulator.gateway import authorize_sim_payment

    authorize_sim_payment(payment_id=payment.pk, user=fan, outcome="succeed")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED  # no goods, so no money kept
    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED


def test_buyer_cancels_unpaid_and_paid_orders(make_user):
    shop = make_shop()
    fan = make_user()
    pending = checkout(fan, shop.variant, 2)
    tracking.cancel_order(user=fan, order_id=pending.pk)
    paid = buy(fan, shop.variant, 1)
    tracking.cancel_order(user=fan, order_id=paid.pk)
    shop.variant.refresh_from_db()
    assert (shop.variant.stock, shop.variant.sold) == (10, 0)
    assert Payment.objects.get(pk=paid.payment_id).status == Payment.Status.REFUNDED
    drain()
    gateway = JournalLine.objects.filter(account__code="1020", entry__source__startswith="merch.")
    assert sum(line.debit_minor - line.credit_minor for line in gateway) == 0


def test_a_ticket_bundle_prices_one_unit_per_ticket(make_user):
    from tests.ticketing.buying import buy as buy_tickets
    from tests.ticketing.conftest import build_world, make_showtime

    world = build_world(make_user)
    showtime = make_showtime(world)
    fan = make_user()
    ticket_order = buy_tickets(showtime, fan, "3-4", "3-5")
    shop = make_shop(title=showtime.title)
    _, variant = make_product(
        licence=shop.licence,
        merchant_user=shop.merchant_user,
        price_minor=10_000,
        bundle_price_minor=8_000,
    )
    order = buy(fan, variant, 3, ticket_order_id=ticket_order.pk)
    assert order.discount_minor == 2 * 2_000
    assert order.total_minor == 3 * 10_000 - 4_000
    assert sum(line.bundled_units for line in order.lines.all()) == 2
    # the two tickets' bundle is spent: a second order cannot use it again
    with pytest.raises(MerchError) as caught:
        checkout(fan, variant, 1, ticket_order_id=ticket_order.pk)
    assert caught.value.code == "invalid_bundle"
    stranger = make_user()
    with pytest.raises(MerchError) as caught:
        checkout(stranger, variant, 1, ticket_order_id=ticket_order.pk)
    assert caught.value.code == "invalid_bundle"


def test_verification_counts_checks_and_flags_a_code_seen_in_many_places(make_user):
    shop = make_shop()
    order = buy(make_user(), shop.variant)
    unit = order.lines.get().units.get()
    first = authenticity.verify_code(code=unit.code, place="declared:Shanghai")
    assert (first.previous_checks, first.likely_copy) == (0, False)
    assert first.claims.serial == unit.serial and first.claims.licence_id == shop.licence.pk
    authenticity.verify_code(code=unit.code, place="declared:Shanghai")
    authenticity.verify_code(code=unit.code, place="declared:Lagos")
    third = authenticity.verify_code(code=unit.code, place="declared:Lima")
    assert third.previous_checks == 3
    assert third.likely_copy


def test_a_tampered_code_is_forged(make_user):
    shop = make_shop()
    order = buy(make_user(), shop.variant)
    code = order.lines.get().units.get().code
    claims = codes.verify_unit(code)
    # flip one character of the payload: the signature no longer matches
    i = len(codes.PREFIX) + 20
    tampered = code[:i] + ("0" if code[i] != "0" else "1") + code[i + 1 :]
    for bad in (tampered, code[:-2], code + "A", "", "MQT1:" + code[5:]):
        with pytest.raises(ForgedCode):
            authenticity.verify_code(code=bad, place="x")
    assert claims.product_id == shop.product.pk


def test_a_refunded_units_code_no_longer_verifies(make_user):
    shop = make_shop()
    fan = make_user()
    order = buy(fan, shop.variant)
    code = order.lines.get().units.get().code
    tracking.refund_order(actor=shop.merchant_user, order_id=order.pk)
    with pytest.raises(ForgedCode):
        authenticity.verify_code(code=code, place="x")


def test_replaying_the_sale_event_records_and_posts_nothing_more(make_user):
    from marquee.core.models import EventDelivery, OutboxEvent
    from marquee.core.outbox import registered_consumers

    shop = make_shop()
    buy(make_user(), shop.variant, 2)
    drain()
    event = OutboxEvent.objects.get(type="merch.order_paid")
    entries = JournalLine.objects.count()
    for name in ("merch.ledger", "merch.royalty_sales"):
        consumer = registered_consumers()[name]
        consumer.fn([event]) if consumer.bulk else consumer.fn(event)
    assert SaleRecord.objects.count() == 1
    assert JournalLine.objects.count() == entries
    assert EventDelivery.objects.filter(event=event).count() == 2


def test_pay_refuses_an_order_not_pending(make_user):
    shop = make_shop()
    fan = make_user()
    order = pay(fan, checkout(fan, shop.variant))
    with pytest.raises(MerchError) as caught:
        orders.pay_order(user=fan, order_id=order.pk)
    assert caught.value.code == "merch_order_not_pending"
