"""The demo slate loads fast, twice without copies, and Rogue Nation's waterfall adds up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Sum

from marquee.accounts.models import Membership, Organisation, Role
from marquee.core.demo import load_demo_rates
from marquee.demo.catalog_data import STUDIO
from marquee.demo.investment import PARTNER_USERNAME, ROGUE_NATION, load_demo_investment
from marquee.investment import queries
from marquee.investment.models import CostEntry, Participant, Payout, Project, Receipt
from tests.catalog.factories import TitleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_world(db):
    load_demo_rates()
    Organisation.objects.create(slug=STUDIO, name="Marquee Pictures", kind="studio")
    Organisation.objects.create(slug="paramount-pictures", name="Paramount", kind="partner")
    TitleFactory(slug=ROGUE_NATION, title_en="Mission: Impossible – Rogue Nation")
    TitleFactory(slug="sci", title_en="SCI", kind="series")


def test_the_demo_slate_and_rogue_nations_waterfall(small_world):
    today = dt.date(2026, 12, 2)
    first = load_demo_investment(today=today)
    counts = (Project.objects.count(), CostEntry.objects.count(), Payout.objects.count())
    again = load_demo_investment(today=today)
    assert (Project.objects.count(), CostEntry.objects.count(), Payout.objects.count()) == counts
    assert first.projects == again.projects == 4  # two titles here, a concert, a venue
    assert Project.objects.get(slug="sci").kind == "series"
    rogue = Project.objects.get(slug=ROGUE_NATION)
    assert rogue.stage == "release" and rogue.stakes_bp == 10_000
    received = Receipt.objects.aggregate(t=Sum("amount_minor"))["t"]
    assert Payout.objects.aggregate(t=Sum("amount_minor"))["t"] == received
    # Over-spent below the line (104 %), as the plan says.
    btl = next(c for c in queries.variance(rogue).categories if c.category == "below_the_line")
    assert btl.variance.minor < 0
    partner = Membership.objects.get(user__username=PARTNER_USERNAME)
    assert partner.role == Role.PARTNER and partner.organisation.slug == "paramount-pictures"
    paramount = Participant.objects.get(project=rogue, organisation=partner.organisation)
    statement = queries.statement(paramount)
    assert statement.total_minor > 0
    # The history was paid out in 2016; only what came later is still owed.
    assert 0 < paramount.paid_minor <= paramount.earned_minor
