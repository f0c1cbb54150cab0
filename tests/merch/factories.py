"""Factories of the merchandise domain: merchants, licences, approved products, buyers' orders."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from marquee.accounts.models import Organisation, Role, User
from marquee.catalog.models import Title
from marquee.merch.models import Licence, Merchant, Order, Product, Variant
from marquee.merch.services import licences, orders, products
from marquee.merch.services.cart import set_cart_item
from marquee.payments.simulator.gateway import authorize_sim_payment
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.catalog.factories import TitleFactory

_seq = itertools.count(1)

ADDRESS = orders.Address(
    recipient="Li Wei",
    phone="+86 138 0000 0000",
    address="1 Century Avenue",
    city="Shanghai",
    territory="CN",
    postcode="200120",
)
HK_ADDRESS = orders.Address(
    recipient="Chan Tai Man",
    phone="+852 9000 0000",
    address="1 Queen's Road",
    city="Hong Kong",
    territory="HK",
)


def make_merchant(*, currencies: tuple[str, ...] = ("CNY", "HKD"), commission_bp: int = 800):
    """A merchant organisation, its member (role merchant) and the Merchant row."""
    n = next(_seq)
    org = OrganisationFactory(
        name=f"Merchant {n}", slug=f"merchant-{n}", kind=Organisation.Kind.MERCHANT
    )
    user = UserFactory(username=f"merchant{n}", role=Role.MERCHANT, organisation=org)
    merchant = licences.create_merchant(
        organisation=org,
        names=(f"Merchant {n}", f"商户{n}", f"商戶{n}"),
        currencies=currencies,
        commission_bp=commission_bp,
    )
    return merchant, user


def make_licensor() -> User:
    n = next(_seq)
    org = OrganisationFactory(name=f"Studio {n}", slug=f"studio-{n}")
    return UserFactory(username=f"rights{n}", role=Role.RIGHTS, organisation=org)


def make_licence(
    *,
    merchant: Merchant,
    title: Title | None = None,
    territory: str = "WW",
    currency: str = "CNY",
    categories: dict[str, int] | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    advance_minor: int = 0,
    minimum_guarantee_minor: int = 0,
) -> Licence:
    today = timezone.localdate()
    return licences.grant_licence(
        actor=None,
        title=title or TitleFactory(),
        merchant=merchant,
        territory=territory,
        starts_on=starts_on or today - dt.timedelta(days=30),
        ends_on=ends_on or today + dt.timedelta(days=365),
        currency=currency,
        categories=categories or {"apparel": 1000, "toys": 1200},
        advance_minor=advance_minor,
        minimum_guarantee_minor=minimum_guarantee_minor,
    )


def make_product(
    *,
    licence: Licence,
    merchant_user: User,
    licensor: User | None = None,
    category: str = "apparel",
    price_minor: int = 12_900,
    stock: int = 10,
    edition_size: int | None = None,
    bundle_price_minor: int | None = None,
    ships_on: dt.date | None = None,
    approve: bool = True,
) -> tuple[Product, Variant]:
    """A product with one variant, submitted and approved (unless ``approve=False``)."""
    product = products.create_product(
        actor=merchant_user,
        licence=licence,
        category=category,
        names=("Agent T-shirt", "特工T恤", "特工T恤"),
        currency=licence.currency,
        edition_size=edition_size,
        bundle_price_minor=bundle_price_minor,
        ships_on=ships_on,
    )
    variant = products.add_variant(
        actor=merchant_user,
        product_id=product.pk,
        sku=f"SKU-{next(_seq)}",
        labels=("M / black", "M / 黑色", "M / 黑色"),
        price_minor=price_minor,
        stock=stock,
    )
    if approve:
        products.submit_product(actor=merchant_user, product_id=product.pk)
        products.review_product(
            actor=licensor or make_licensor(), product_id=product.pk, decision="approved"
        )
        product.refresh_from_db()
    return product, variant


@dataclass
class Shop:
    merchant: Merchant
    merchant_user: User
    licensor: User
    licence: Licence
    product: Product
    variant: Variant


def make_shop(**licence_kw: Any) -> Shop:
    merchant, merchant_user = make_merchant()
    licensor = make_licensor()
    licence = make_licence(merchant=merchant, **licence_kw)
    product, variant = make_product(licence=licence, merchant_user=merchant_user, licensor=licensor)
    return Shop(merchant, merchant_user, licensor, licence, product, variant)


def checkout(user: User, variant: Variant, quantity: int = 1, **kw: Any) -> Order:
    set_cart_item(user=user, variant_id=variant.pk, quantity=quantity)
    return orders.place_order(
        user=user,
        merchant_id=variant.product.merchant_id,
        currency=variant.product.currency,
        address=kw.pop("address", ADDRESS),
        **kw,
    )


def pay(user: User, order: Order, outcome: str = "succeed") -> Order:
    payment = orders.pay_order(user=user, order_id=order.pk)
    authorize_sim_payment(payment_id=payment.pk, user=user, outcome=outcome)
    order.refresh_from_db()
    return order


def buy(user: User, variant: Variant, quantity: int = 1, **kw: Any) -> Order:
    """A paid order through the simulated gateway, as a fan buys."""
    return pay(user, checkout(user, variant, quantity, **kw))


def drain() -> None:
    """Run the outbox consumers now; every merchandise delivery must have succeeded."""
    from marquee.core import outbox
    from marquee.core.models import EventDelivery

    outbox.drain()
    stuck = EventDelivery.objects.filter(consumer__startswith="merch.").exclude(
        status=EventDelivery.Status.DONE
    )
    if stuck.exists():
        raise AssertionError([(d.consumer, d.last_error[:500]) for d in stuck])
