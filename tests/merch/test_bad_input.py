"""Bad input: clear errors with stable codes, nothing half-written, nothing oversold."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from marquee.accounts.services import create_api_token
from marquee.merch.errors import MerchError
from marquee.merch.models import CartItem, Order, Product, Variant
from marquee.merch.services import licences, orders, products
from marquee.merch.services.cart import set_cart_item
from tests.merch.factories import (
    HK_ADDRESS,
    checkout,
    make_licence,
    make_merchant,
    make_product,
    make_shop,
)

pytestmark = pytest.mark.django_db


def _code(fn, *args, **kwargs) -> str:
    with pytest.raises(MerchError) as caught:
        fn(*args, **kwargs)
    return str(caught.value.code)


def _order_refusal(user, shop, **kwargs) -> str:
    """The code refusing to place ``user``'s cart at ``shop`` (CNY, a mainland address)."""
    return _code(
        orders.place_order,
        user=user,
        merchant_id=shop.merchant.pk,
        currency="CNY",
        address=orders.Address("A", "1", "x", "y", "CN"),
        **kwargs,
    )


def test_out_of_licence_products_cannot_be_created_or_sold(make_user):
    merchant, seller = make_merchant()
    licence = make_licence(merchant=merchant, territory="CN", categories={"apparel": 1000})
    kw = {"actor": seller, "licence": licence, "names": ("Mug",), "currency": "CNY"}
    assert _code(products.create_product, category="homeware", **kw) == "category_not_licensed"
    after = licence.ends_on + dt.timedelta(days=1)
    assert (
        _code(products.create_product, category="apparel", today=after, **kw)
        == "outside_licence_term"
    )
    _product, variant = make_product(licence=licence, merchant_user=seller)
    fan = make_user()
    # a mainland licence does not cover a Hong Kong address
    assert _code(checkout, fan, variant, address=HK_ADDRESS) == "territory_not_licensed"
    variant.refresh_from_db()
    assert variant.stock == 10 and not Order.objects.exists()


def test_checkout_after_the_term_is_refused(make_user):
    shop = make_shop()
    fan = make_user()
    set_cart_item(user=fan, variant_id=shop.variant.pk, quantity=1)
    later = timezone.now() + dt.timedelta(days=400)
    code = _order_refusal(fan, shop, now=later)
    assert code == "outside_licence_term"


@pytest.mark.parametrize("stock", [-1, 1.5, "3", True])
def test_negative_or_fractional_stock_is_refused(stock):
    shop = make_shop()
    code = _code(
        products.set_stock, actor=shop.merchant_user, variant_id=shop.variant.pk, stock=stock
    )
    assert code == "invalid_stock"
    shop.variant.refresh_from_db()
    assert shop.variant.stock == 10


def test_a_price_in_a_currency_the_merchant_does_not_sell_in():
    merchant, seller = make_merchant(currencies=("CNY",))
    licence = make_licence(merchant=merchant)
    code = _code(
        products.create_product,
        actor=seller,
        licence=licence,
        category="apparel",
        names=("Cap",),
        currency="HKD",
    )
    assert code == "currency_not_sold"
    assert not Product.objects.exists()


def test_a_cart_with_a_sold_out_variant_claims_nothing(make_user):
    shop = make_shop()
    _, other = make_product(licence=shop.licence, merchant_user=shop.merchant_user, stock=1)
    fan, rival = make_user(), make_user()
    set_cart_item(user=fan, variant_id=shop.variant.pk, quantity=2)
    set_cart_item(user=fan, variant_id=other.pk, quantity=1)
    checkout(rival, other)  # the last unit goes to someone else
    code = _order_refusal(fan, shop)
    assert code == "sold_out"
    shop.variant.refresh_from_db()
    assert shop.variant.stock == 10  # the first line's claim was rolled back
    assert CartItem.objects.filter(user=fan).count() == 2
    assert Order.objects.filter(user=fan).count() == 0


def test_a_merchant_cannot_touch_another_merchants_products():
    shop = make_shop()
    _, intruder = make_merchant()
    for fn, kw in (
        (products.set_stock, {"variant_id": shop.variant.pk, "stock": 0}),
        (products.submit_product, {"product_id": shop.product.pk}),
        (
            products.add_variant,
            {"product_id": shop.product.pk, "sku": "X", "labels": ("X",), "price_minor": 100},
        ),
    ):
        with pytest.raises(MerchError) as caught:
            fn(actor=intruder, **kw)
        assert caught.value.status == 404
    assert Variant.objects.filter(product=shop.product).count() == 1


def test_limited_edition_run_is_fixed():
    merchant, seller = make_merchant()
    licence = make_licence(merchant=merchant)
    _, variant = make_product(licence=licence, merchant_user=seller, edition_size=5, stock=5)
    assert (
        _code(products.set_stock, actor=seller, variant_id=variant.pk, stock=6) == "edition_fixed"
    )
    assert (
        _code(
            products.add_variant,
            actor=seller,
            product_id=variant.product_id,
            sku="GOLD",
            labels=("Gold",),
            price_minor=100,
            stock=1,
        )
        == "edition_fixed"
    )


def test_licence_terms_are_checked():
    merchant, _ = make_merchant()
    title_kw = {"actor": None, "merchant": merchant, "currency": "CNY"}
    from tests.catalog.factories import TitleFactory

    base = {
        "title": TitleFactory(),
        "territory": "CN",
        "starts_on": dt.date(2026, 1, 1),
        "ends_on": dt.date(2026, 12, 31),
        "categories": {"apparel": 1000},
    }
    assert _code(licences.grant_licence, **title_kw, **{**base, "territory": "XX"}) == (
        "unknown_territory"
    )
    assert _code(
        licences.grant_licence, **title_kw, **{**base, "categories": {"apparel": 1.5}}
    ) == ("invalid_royalty_rate")
    assert _code(
        licences.grant_licence, **title_kw, **{**base, "ends_on": dt.date(2025, 1, 1)}
    ) == ("invalid_licence")


def test_api_answers_problem_json_for_fractional_stock_and_a_forged_code():
    shop = make_shop()
    _, raw = create_api_token(user=shop.merchant_user, name="t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.put(
        f"/api/v1/merch/merchant/variants/{shop.variant.pk}/stock",
        data=json.dumps({"stock": 2.5}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_stock"
    forged = Client().post(
        "/api/v1/merch/verify",
        data=json.dumps({"code": "MQA1:NOTACODE"}),
        content_type="application/json",
    )
    assert forged.status_code == 400 and forged.json()["code"] == "forged_code"
