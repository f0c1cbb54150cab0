"""The merchandise pages: a fan buys through the cart, a merchant lists, the licensor approves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from marquee import web
from marquee.merch.models import Order, Product
from marquee.payments.models import Payment
from marquee.payments.simulator.gateway import authorize_sim_payment
from tests.merch.factories import buy, make_shop

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_fan_buys_from_the_film_page_through_the_cart(make_user):
    shop = make_shop()
    fan = make_user()
    client = _client(fan)
    film = client.get(f"/films/{shop.licence.title.slug}/")
    assert f"/shop/products/{shop.product.pk}/" in film.content.decode()
    page = client.get(f"/shop/products/{shop.product.pk}/")
    assert page.status_code == 200
    client.post("/shop/cart/add/", {"variant": shop.variant.pk, "quantity": 2})
    cart = client.get("/shop/cart/").content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', cart).group(1)
    form = {
        "idempotency_key": key,
        "merchant": shop.merchant.pk,
        "currency": "CNY",
        "recipient": "Li Wei",
        "phone": "138",
        "address": "1 Century Avenue",
        "city": "Shanghai",
        "territory": "CN",
    }
    response = client.post("/shop/checkout/", form)
    assert response.status_code == 302
    again = client.post("/shop/checkout/", form)  # a double submit: the same order, once
    assert again["Location"] == response["Location"]
    order = Order.objects.get(user=fan)
    payment = Payment.objects.get(purpose="merch_order", reference=str(order.pk))
    authorize_sim_payment(payment_id=payment.pk, user=fan, outcome="succeed")
    detail = client.get(f"/shop/orders/{order.pk}/").content.decode()
    assert detail.count('data-testid="unit-code"') == 2
    # base45 codes hold runs of spaces: the page keeps every one, so a copied code still verifies.
    assert detail.count('class="code code--signed"') == 2
    css = (Path(web.__file__).parent / "static" / "web" / "marquee.css").read_text()
    assert ".code--signed { white-space: break-spaces;" in css
    assert client.get("/shop/orders/").status_code == 200


def test_merchant_lists_and_licensor_approves_through_the_pages():
    shop = make_shop()
    merchant = _client(shop.merchant_user)
    response = merchant.post(
        "/shop/merchant/",
        {
            "action": "create",
            "licence": shop.licence.pk,
            "category": "toys",
            "name_en": "Ethan figure",
            "currency": "CNY",
            "sku": "FIG-1",
            "label_en": "Standard",
            "price": "299.00",
            "stock": "50",
        },
    )
    assert response.status_code == 302
    product = Product.objects.get(name_en="Ethan figure")
    # the same form with negative stock is refused whole: no draft without its variant
    merchant.post(
        "/shop/merchant/",
        {
            "action": "create",
            "licence": shop.licence.pk,
            "category": "toys",
            "name_en": "Broken figure",
            "currency": "CNY",
            "sku": "FIG-2",
            "label_en": "Standard",
            "price": "299.00",
            "stock": "-1",
            "ships_on": "not-a-date",
        },
    )
    assert not Product.objects.filter(name_en="Broken figure").exists()
    assert product.variants.get().price_minor == 29_900
    merchant.post("/shop/merchant/", {"action": "submit", "product": product.pk})
    licensor = _client(shop.licensor)
    assert "Ethan figure" in licensor.get("/shop/approvals/").content.decode()
    licensor.post("/shop/approvals/", {"product": product.pk, "decision": "approved"})
    product.refresh_from_db()
    assert product.status == Product.Status.APPROVED
    # a merchant may not open the licensor's queue
    assert merchant.get("/shop/approvals/").status_code == 403
    assert _client(shop.licensor).get("/shop/licences/").status_code == 200


def test_the_verification_page_says_genuine_or_forged(make_user):
    shop = make_shop()
    order = buy(make_user(), shop.variant)
    code = order.lines.get().units.get().code
    client = Client()
    genuine = client.post("/shop/verify/", {"code": code}).content.decode()
    assert 'data-testid="verify-result"' in genuine
    forged = client.post("/shop/verify/", {"code": code[:-3] + "AAA"}).content.decode()
    assert 'data-testid="verify-forged"' in forged


def test_merchant_ships_from_the_portal(make_user):
    shop = make_shop()
    order = buy(make_user(), shop.variant)
    merchant = _client(shop.merchant_user)
    merchant.post(
        "/shop/merchant/", {"action": "ship", "order": order.pk, "tracking_number": "SF998"}
    )
    order.refresh_from_db()
    assert (order.status, order.tracking_number) == ("shipped", "SF998")
    assert "SF998" in merchant.get("/shop/merchant/").content.decode()


def test_merchant_uploads_a_picture_and_the_admin_shows_the_shop(make_user, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.accounts.factories import UserFactory
    from tests.permission_world import png_bytes

    settings.MEDIA_ROOT = tmp_path
    shop = make_shop()
    merchant = _client(shop.merchant_user)
    upload = SimpleUploadedFile("tee.png", png_bytes(), content_type="image/png")
    merchant.post(
        "/shop/merchant/", {"action": "image", "product": shop.product.pk, "image": upload}
    )
    assert shop.product.images.count() == 1
    merchant.post("/shop/merchant/", {"action": "image", "product": shop.product.pk})  # no file
    assert shop.product.images.count() == 1
    boss = _client(UserFactory(superuser=True))
    for path in ("merchant", "licence", "product", "order", "unit", "royaltystatement"):
        assert boss.get(f"/admin/merch/{path}/").status_code == 200


def test_the_expiry_command_gives_stock_back(make_user):
    import datetime as dt
    import io

    from django.core.management import call_command
    from django.utils import timezone

    from tests.merch.factories import checkout

    shop = make_shop()
    order = checkout(make_user(), shop.variant, 4)
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    out = io.StringIO()
    call_command("expire_merch_orders", stdout=out)
    assert "1 order(s) expired" in out.getvalue()
    shop.variant.refresh_from_db()
    assert shop.variant.stock == 10


def test_a_titles_goods_are_read_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    from tests.merch.factories import make_product

    shop = make_shop()
    for _ in range(5):
        make_product(licence=shop.licence, merchant_user=shop.merchant_user, licensor=shop.licensor)
    client = Client()
    url = f"/api/v1/merch/titles/{shop.licence.title.slug}/products"
    with django_assert_max_num_queries(4):
        response = client.get(url)
    assert response.status_code == 200 and len(response.json()) == 6
