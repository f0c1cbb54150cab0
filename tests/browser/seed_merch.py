"""The browser tests' merchandise: a licensor, a merchant with a licence for *The Long Night*,
an approved T-shirt with a bundle price, a poster awaiting approval, and fan2's paid order."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from marquee.accounts.models import Organisation, Role
from marquee.merch.services import licences, orders, products
from marquee.merch.services.cart import set_cart_item
from marquee.payments.simulator.gateway import authorize_sim_payment
from tests.accounts.factories import OrganisationFactory, UserFactory


def seed_merch(world: Any) -> None:
    from tests.web.world import PASSWORD

    studio = Organisation.objects.get(slug="marquee-pictures")
    licensor = UserFactory(
        username="licensor", password=PASSWORD, role=Role.RIGHTS, organisation=studio
    )
    org = OrganisationFactory(
        name="Night Owl Goods", slug="night-owl-goods", kind=Organisation.Kind.MERCHANT
    )
    seller = UserFactory(
        username="shopkeeper", password=PASSWORD, role=Role.MERCHANT, organisation=org
    )
    merchant = licences.create_merchant(
        organisation=org, names=("Night Owl Goods", "夜猫周边", "夜貓周邊"), currencies=("CNY",)
    )
    today = timezone.localdate()
    licence = licences.grant_licence(
        actor=licensor,
        title=world.titles["the-long-night"],
        merchant=merchant,
        territory="WW",
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=400),
        currency="CNY",
        categories={"apparel": 1000, "toys": 1200, "posters": 1500},
        advance_minor=100_000,
        minimum_guarantee_minor=500_000,
        reference="LIC-NIGHT-001",
    )
    tee = products.create_product(
        actor=seller,
        licence=licence,
        category="apparel",
        names=("Long Night tee", "长夜T恤", "長夜T恤"),
        currency="CNY",
        bundle_price_minor=9_900,
    )
    variant = products.add_variant(
        actor=seller, product_id=tee.pk, sku="TEE-M", labels=("M",), price_minor=12_900, stock=50
    )
    products.submit_product(actor=seller, product_id=tee.pk)
    products.review_product(actor=licensor, product_id=tee.pk, decision="approved")
    poster = products.create_product(
        actor=seller,
        licence=licence,
        category="posters",
        names=("Long Night poster", "长夜海报", "長夜海報"),
        currency="CNY",
    )
    products.add_variant(
        actor=seller, product_id=poster.pk, sku="POSTER", labels=("A2",), price_minor=8_900
    )
    products.submit_product(actor=seller, product_id=poster.pk)
    fan2 = world.users["fan2"]
    set_cart_item(user=fan2, variant_id=variant.pk, quantity=1)
    order = orders.place_order(
        user=fan2,
        merchant_id=merchant.pk,
        currency="CNY",
        address=orders.Address("陳嘉欣", "+852 9000 0000", "1 Queen's Road", "Hong Kong", "HK"),
    )
    payment = orders.pay_order(user=fan2, order_id=order.pk)
    authorize_sim_payment(payment_id=payment.pk, user=fan2, outcome="succeed")
