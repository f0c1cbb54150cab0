"""The demo merchandise loads fast, holds thirty merchants for Rogue Nation, and reloads as is."""

from __future__ import annotations

import pytest
from django.utils import timezone

from marquee.accounts.models import Role
from marquee.demo.merch import MI5, load_demo_merch
from marquee.merch.models import Licence, Merchant, Order, Product
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.catalog.factories import TitleFactory

pytestmark = pytest.mark.django_db


def test_the_demo_merchandise_is_believable_and_idempotent():
    TitleFactory(slug=MI5, title_en="Mission: Impossible – Rogue Nation")
    TitleFactory(slug="star-trek-beyond")
    UserFactory(username="rights", role=Role.RIGHTS, organisation=OrganisationFactory())
    UserFactory(username="fan")
    UserFactory(username="boss", superuser=True)
    first = load_demo_merch(today=timezone.localdate())
    assert Merchant.objects.count() == 30
    assert Licence.objects.filter(title__slug=MI5).count() == 30
    assert Product.objects.filter(status="submitted").exists()
    assert Product.objects.filter(edition_size=500).exists()
    assert first.orders == 2
    assert Order.objects.filter(status="shipped").count() == 1
    counts = (Merchant.objects.count(), Licence.objects.count(), Product.objects.count())
    load_demo_merch(today=timezone.localdate())
    assert (Merchant.objects.count(), Licence.objects.count(), Product.objects.count()) == counts
    assert Order.objects.count() == 2
