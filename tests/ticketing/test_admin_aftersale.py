"""The admin for scans, refunds, exchanges and settlement rules."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib import admin

from marquee.accounts.models import Role
from marquee.ticketing.models import (
    OrderRefund,
    Scan,
    SettlementRule,
    TicketExchange,
    TitleSettlementRule,
)
from marquee.ticketing.services import checkin

from .buying import buy, tickets
from .conftest import build_world, make_showtime

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def test_the_new_models_are_registered():
    for model in (Scan, OrderRefund, TicketExchange, SettlementRule, TitleSettlementRule):
        assert admin.site.is_registered(model), model


def test_operators_see_their_own_scans_only(world, showtime, make_user, client_for):
    other = build_world(make_user)
    other_show = make_showtime(other)
    for w, st in ((world, showtime), (other, other_show)):
        order = buy(st, make_user(), "2-2")
        with time_machine.travel(st.starts_at - timedelta(minutes=5)):
            checkin.check_in(code=tickets(order)["2-2"].code, venue=w.venue, actor=w.operator)
    listing = client_for(world.operator).get("/admin/ticketing/scan/")
    assert listing.status_code == 200
    assert {s.venue_id for s in listing.context["cl"].queryset} == {world.venue.pk}
    assert client_for(world.operator).get("/admin/ticketing/settlementrule/").status_code == 403


def test_distribution_staff_set_rules_through_the_service(make_user, client_for):
    staff = client_for(make_user(role=Role.DISTRIBUTION))
    r = staff.post(
        "/admin/ticketing/settlementrule/add/",
        {"territory": "CN", "film_fund_rate": "0.05", "tax_rate": "0.033", "cinema_share": "0.57"},
    )
    assert r.status_code == 302, r.content
    rule = SettlementRule.objects.get(territory="CN")
    assert (rule.film_fund_rate, rule.cinema_share) == (Decimal("0.05"), Decimal("0.57"))
    refused = staff.post(
        "/admin/ticketing/settlementrule/add/",
        {"territory": "HK", "film_fund_rate": "0.8", "tax_rate": "0.5", "cinema_share": "0.5"},
    )
    assert refused.status_code == 200  # the form shows the error
    assert not SettlementRule.objects.filter(territory="HK").exists()
