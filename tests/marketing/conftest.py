"""Marketing fixtures: the ticketing world, marketing staff, a segment of buyers, a campaign."""

from __future__ import annotations

import pytest

from marquee.accounts.models import Role
from marquee.finance.chart import ensure_chart
from marquee.marketing.services.campaigns import issue_vouchers
from tests.marketing.factories import CampaignFactory, SegmentFactory
from tests.ticketing.conftest import (  # noqa: F401
    buyer,
    make_showtime,
    showtime,
    world,
)


@pytest.fixture(autouse=True)
def chart(db):
    """The chart with the voucher accounts (a flushed database lost the migrations' rows)."""
    ensure_chart()


@pytest.fixture
def staff(make_user):
    return make_user(role=Role.DISTRIBUTION)


@pytest.fixture
def everyone(staff):
    """A segment every account with a profile answer… simplest: everyone who is active."""
    return SegmentFactory(actor=staff, rule_text="not profile(gender=other)")


@pytest.fixture
def campaign(staff, everyone):
    return CampaignFactory(actor=staff, segment=everyone)


@pytest.fixture
def voucher(campaign, staff, buyer):  # noqa: F811
    issue_vouchers(actor=staff, campaign=campaign)
    return campaign.vouchers.get(user=buyer)
