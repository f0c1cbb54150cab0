"""The merchandise rows of the API permission matrix (tests/test_permission_matrix.py).

Object-level rows act on the world's merchant's objects (its licence, products and
orders) and moviegoer M1's merchandise order; the other moviegoer and every other
role are outsiders. ``call`` builds what a row needs inside the cell's savepoint.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from marquee.accounts.models import Organisation, Role
from marquee.merch.models import Licence, Merchant, Order, Product, Variant
from marquee.merch.services import licences, orders, products, royalties
from marquee.merch.services.cart import set_cart_item
from marquee.payments.simulator.gateway import authorize_sim_payment
from tests.catalog.factories import TitleFactory
from tests.merch.factories import ADDRESS, make_licensor
from tests.permission_world import Call, PermWorld, png_bytes

PREFIX = "/merch/"
API = "/api/v1"

# Cells: anonymous | moviegoer M1, moviegoer_other M2, operator_a, operator_b, distribution,
#        investment, rights, finance, merchant, partner, admin
PUBLIC = "pub  pub pub pub pub pub pub pub pub pub pub pub"
ANY_ACCOUNT = "no   ok ok ok ok ok ok ok ok ok ok ok"
M1_ONLY = "no   ok no no no no no no no no no no"
MERCHANT = "no   no no no no no no no no ok no ok"
LICENSOR = "no   no no no no no no ok no no no ok"
STUDIO = "no   no no no no no no ok ok no no ok"
STUDIO_AND_MERCHANT = "no   no no no no no no ok ok ok no ok"

# fmt: off
ROWS: dict[tuple[str, str], str] = {
    ("GET", "/merch/titles/{slug}/products"):                      PUBLIC,
    ("GET", "/merch/products/{product_id}"):                       PUBLIC,
    ("POST", "/merch/verify"):                                     PUBLIC,
    ("GET", "/merch/cart"):                                        ANY_ACCOUNT,
    ("POST", "/merch/cart/items"):                                 ANY_ACCOUNT,
    ("DELETE", "/merch/cart/items/{variant_id}"):                  ANY_ACCOUNT,
    ("POST", "/merch/orders"):                                     ANY_ACCOUNT,
    ("GET", "/merch/orders"):                                      ANY_ACCOUNT,
    ("GET", "/merch/orders/{order_id}"):                           M1_ONLY,
    ("GET", "/merch/orders/{order_id}/units"):                     M1_ONLY,
    ("POST", "/merch/orders/{order_id}/pay"):                      M1_ONLY,
    ("POST", "/merch/orders/{order_id}/cancel"):                   M1_ONLY,
    ("GET", "/merch/merchant/products"):                           MERCHANT,
    ("POST", "/merch/merchant/products"):                          MERCHANT,
    ("POST", "/merch/merchant/products/{product_id}/variants"):    MERCHANT,
    ("PUT", "/merch/merchant/variants/{variant_id}/stock"):        MERCHANT,
    ("POST", "/merch/merchant/products/{product_id}/images"):      MERCHANT,
    ("POST", "/merch/merchant/products/{product_id}/submit"):      MERCHANT,
    ("GET", "/merch/merchant/orders"):                             MERCHANT,
    ("POST", "/merch/merchant/orders/{order_id}/ship"):            MERCHANT,
    ("POST", "/merch/merchant/orders/{order_id}/deliver"):         MERCHANT,
    ("POST", "/merch/merchant/orders/{order_id}/refund"):          MERCHANT,
    ("GET", "/merch/licences"):                                    STUDIO_AND_MERCHANT,
    ("POST", "/merch/licences"):                                   LICENSOR,
    ("GET", "/merch/reviews"):                                     LICENSOR,
    ("POST", "/merch/products/{product_id}/review"):               LICENSOR,
    ("GET", "/merch/licences/{licence_id}/statements"):            STUDIO_AND_MERCHANT,
    ("POST", "/merch/licences/{licence_id}/statements"):           STUDIO,
    ("GET", "/merch/statements/{statement_id}.csv"):               STUDIO_AND_MERCHANT,
    ("GET", "/merch/statements/{statement_id}.pdf"):               STUDIO_AND_MERCHANT,
}
# fmt: on


def _merchant(w: PermWorld) -> Merchant:
    """The world's merchant organisation as a Merchant (created in the cell's savepoint)."""
    org = (
        w.users["merchant"]
        .memberships.filter(role=Role.MERCHANT, organisation__kind=Organisation.Kind.MERCHANT)
        .get()
        .organisation
    )
    existing = Merchant.objects.filter(organisation=org).first()
    return existing or licences.create_merchant(
        organisation=org, names=("Matrix goods", "", ""), currencies=("CNY",)
    )


def _licence(w: PermWorld, merchant: Merchant) -> Licence:
    today = timezone.localdate()
    return licences.grant_licence(
        actor=None,
        title=TitleFactory(),
        merchant=merchant,
        territory="WW",
        starts_on=today - dt.timedelta(days=200),
        ends_on=today + dt.timedelta(days=200),
        currency="CNY",
        categories={"apparel": 1000, "toys": 1200},
        advance_minor=10_000,
    )


def _product(w: PermWorld, licence: Licence, *, status: str = "approved") -> Variant:
    seller = w.users["merchant"]
    product = products.create_product(
        actor=seller, licence=licence, category="apparel", names=("Tee", "", ""), currency="CNY"
    )
    variant = products.add_variant(
        actor=seller, product_id=product.pk, sku="T-M", labels=("M",), price_minor=9_900, stock=5
    )
    if status != "draft":
        products.submit_product(actor=seller, product_id=product.pk)
    if status == "approved":
        products.review_product(actor=make_licensor(), product_id=product.pk, decision="approved")
    return variant


def _order(w: PermWorld, variant: Variant, *, paid: bool) -> Order:
    buyer = w.users["moviegoer"]
    set_cart_item(user=buyer, variant_id=variant.pk, quantity=1)
    order = orders.place_order(
        user=buyer, merchant_id=variant.product.merchant_id, currency="CNY", address=ADDRESS
    )
    if paid:
        payment = orders.pay_order(user=buyer, order_id=order.pk)
        authorize_sim_payment(payment_id=payment.pk, user=buyer, outcome="succeed")
        order.refresh_from_db()
    return order


def call(w: PermWorld, role: str, method: str, template: str) -> Call:
    merchant = _merchant(w)
    licence = _licence(w, merchant)
    key = (method, template)
    status = "approved"
    if key == ("POST", "/merch/merchant/products/{product_id}/submit"):
        status = "draft"
    elif key == ("POST", "/merch/products/{product_id}/review"):
        status = "submitted"
    variant = _product(w, licence, status=status)
    fill: dict[str, object] = {
        "slug": licence.title.slug,
        "product_id": variant.product_id,
        "variant_id": variant.pk,
        "licence_id": licence.pk,
    }
    body: object = None
    if "{order_id}" in template:
        paid = not template.endswith(("/pay", "/cancel")) or template.endswith("/refund")
        order = _order(w, variant, paid=paid)
        fill["order_id"] = order.pk
        if template.endswith("/deliver"):
            order.status = Order.Status.SHIPPED
            order.save(update_fields=["status"])
    if "{statement_id}" in template:
        last_quarter_end = royalties.quarter_bounds(*royalties.quarter_of(timezone.localdate()))[0]
        fill["statement_id"] = royalties.issue_statement(
            actor=None,
            licence=licence,
            **dict(
                zip(
                    ("year", "quarter"),
                    royalties.quarter_of(last_quarter_end - dt.timedelta(days=1)),
                    strict=True,
                )
            ),
        ).pk
    path = API + template.format(**fill)
    user = w.users[role]
    if key == ("POST", "/merch/orders") and user is not None:
        set_cart_item(user=user, variant_id=variant.pk, quantity=1)
    if key == ("POST", "/merch/verify"):
        order = _order(w, variant, paid=True)
        code = order.lines.get().units.get().code
        body = {"code": code, "place": "Shanghai"}
    year, quarter = royalties.quarter_of(
        royalties.quarter_bounds(*royalties.quarter_of(timezone.localdate()))[0]
        - dt.timedelta(days=1)
    )
    bodies: dict[tuple[str, str], object] = {
        ("POST", "/merch/cart/items"): {"variant_id": variant.pk, "quantity": 1},
        ("POST", "/merch/orders"): {
            "merchant_id": merchant.pk,
            "currency": "CNY",
            "address": ADDRESS.__dict__,
        },
        ("POST", "/merch/orders/{order_id}/pay"): {"return_url": ""},
        ("POST", "/merch/merchant/products"): {
            "licence_id": licence.pk,
            "category": "toys",
            "name_en": "Figure",
            "currency": "CNY",
        },
        ("POST", "/merch/merchant/products/{product_id}/variants"): {
            "sku": "T-L",
            "label_en": "L",
            "price_minor": 9_900,
            "stock": 3,
        },
        ("PUT", "/merch/merchant/variants/{variant_id}/stock"): {"stock": 7},
        ("POST", "/merch/merchant/orders/{order_id}/ship"): {"tracking_number": "SF100"},
        ("POST", "/merch/licences"): {
            "title": licence.title.slug,
            "merchant_id": merchant.pk,
            "territory": "CN",
            "starts_on": "2031-01-01",
            "ends_on": "2031-12-31",
            "currency": "CNY",
            "categories": {"posters": 1500},
        },
        ("POST", "/merch/products/{product_id}/review"): {"decision": "approved"},
        ("POST", "/merch/licences/{licence_id}/statements"): {"year": year, "quarter": quarter},
    }
    if key == ("POST", "/merch/merchant/products/{product_id}/images"):
        return Call(path, files={"poster": png_bytes()})
    return Call(path, json=body if body is not None else bodies.get(key))


__all__ = ["PREFIX", "ROWS", "Product", "call"]
