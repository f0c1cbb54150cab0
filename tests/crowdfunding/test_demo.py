"""The demo's offerings: one open with backers, one funded; loading twice adds nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from marquee.catalog.models import Title
from marquee.core import outbox
from marquee.crowdfunding import queries
from marquee.crowdfunding.models import Offering, PayoutAccount, PerkGrant, Pledge
from marquee.demo.crowdfunding import FUNDED_SLUG, OPEN_SLUG, load_demo_crowdfunding
from marquee.investment.models import Participant
from tests.accounts.factories import UserFactory
from tests.crowdfunding.factories import distribution_staff, investment_staff
from tests.finance.conftest import rates  # noqa: F401  (the pool's HKD receipt is reported in CNY)


def _prerequisites() -> None:
    for slug, name in (
        ("harbour-lights", "Harbour Lights"),
        ("a-guilty-conscience", "A Guilty Conscience"),
    ):
        Title.objects.create(slug=slug, original_title=name, title_en=name, runtime_minutes=100)
    investor = investment_staff()
    investor.username = "investment"
    investor.save(update_fields=["username"])
    planner = distribution_staff()
    planner.username = "distribution"
    planner.save(update_fields=["username"])
    UserFactory(username="fan", password=None)
    UserFactory(username="fan2", password=None)


@pytest.mark.usefixtures("rates")
def test_the_demo_has_an_open_and_a_funded_offering_and_loads_once():
    _prerequisites()
    loaded = load_demo_crowdfunding(today=dt.date.today())  # noqa: DTZ011
    assert loaded.offerings == [OPEN_SLUG, FUNDED_SLUG]
    open_one = Offering.objects.get(slug=OPEN_SLUG)
    funded = Offering.objects.get(slug=FUNDED_SLUG)
    assert open_one.phase() == "open"
    assert 0 < open_one.paid_units < open_one.target_units
    assert open_one.premiere_min_units == 10
    assert funded.status == Offering.Status.SUCCEEDED
    assert funded.paid_units >= funded.target_units
    assert PerkGrant.objects.filter(offering=funded, kind="premiere").exists()
    assert Pledge.objects.filter(backer__username="fan", status="paid").count() == 2
    assert "黃家明" in Pledge.objects.filter(offering=open_one).values_list(
        "backer__display_name", flat=True
    ).get(backer__username="backer-wong-ka-ming")
    banked = PayoutAccount.objects.filter(kind="bank").values_list("backer__username", flat=True)
    assert set(banked) == {"backer-chen-jing", "backer-wong-ka-ming"}
    pool = queries.pool_receipts(funded)
    assert funded.pool_participant.kind == Participant.Kind.CROWDFUNDING
    assert funded.pool_participant.project_id == funded.project_id
    assert pool is not None and pool.received_minor > 0
    outbox.drain()
    pledges = Pledge.objects.count()
    assert load_demo_crowdfunding(today=dt.date.today()).offerings == []  # noqa: DTZ011
    assert Pledge.objects.count() == pledges
    again = queries.pool_receipts(Offering.objects.get(pk=funded.pk))
    assert (again.participant_id, again.received_minor) == (
        pool.participant_id,
        pool.received_minor,
    )
    assert Participant.objects.filter(project=funded.project, kind="crowdfunding").count() == 1
