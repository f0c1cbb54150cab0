"""Crowdfunding's part of the browser tests' world: one open offering per language journey,
a funded offering whose backer claims premiere tickets and sees their payout, and a funded
offering whose returns investment staff pay from the console."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from marquee.accounts.models import Organisation, Role
from marquee.crowdfunding.models import Offering
from marquee.crowdfunding.services import closing, payouts, premiere, returns
from marquee.crowdfunding.services.offerings import create_offering
from marquee.crowdfunding.services.pledges import place_pledge
from marquee.investment.models import Project
from marquee.payments.simulator.gateway import authorize_sim_payment
from tests.accounts.factories import UserFactory

#: (offering slug, names) — each journey pledges on its own offering.
OFFERINGS = {
    "en": ("cf-long-night-en", ("Back The Long Night", "支持《漫长的夜》", "支持《漫長的夜》")),
    "zh-hans": (
        "cf-long-night-hans",
        ("Back The Long Night II", "支持《漫长的夜》二", "支持《漫長的夜》二"),
    ),
    "zh-hant": (
        "cf-long-night-hant",
        ("Back The Long Night III", "支持《漫长的夜》三", "支持《漫長的夜》三"),
    ),
}

#: Funded: its backer ``cf-backer`` claims 2 premiere tickets and sees the returns paid out.
FUNDED_SLUG = "cf-long-night-funded"
#: Funded, returns not yet paid: ``cf-console`` (investment staff) pays them.
TO_PAY_SLUG = "cf-long-night-to-pay"
#: A backer of the funded offering whose bank refused the payout (a ``4000`` account).
RETRY_BACKER = "cf-retry"


def seed_crowdfunding(world) -> None:
    """An investment account and three open offerings of *The Long Night*'s project."""
    studio = Organisation.objects.get(slug="marquee-pictures")
    staff = UserFactory(
        username="cf-investment", password=None, role=Role.INVESTMENT, organisation=studio
    )
    title = world.titles["the-long-night"]
    project = Project.objects.create(
        slug="cf-the-long-night", name_en="The Long Night", name_zh_hans="漫长的夜", title=title
    )
    now = timezone.now()
    for slug, names in OFFERINGS.values():
        create_offering(
            actor=staff,
            project=project,
            slug=slug,
            names=names,
            currency="CNY",
            unit_price_minor=10_000,
            target_units=20,
            cap_units=30,
            max_units_per_backer=10,
            opens_at=now - dt.timedelta(days=1),
            closes_at=now + dt.timedelta(days=20),
            min_return_bp=500,
            bonus_tiers=[(1_000_000, 300)],
            premiere_min_units=5,
            premiere_tickets=2,
        )
    _funded(world, staff, project, now)


def _funded(world, staff, project, now) -> None:
    from tests.web.world import PASSWORD

    backer = UserFactory(username="cf-backer", password=PASSWORD)
    other = UserFactory(username="cf-backer-2", password=PASSWORD)
    UserFactory(
        username="cf-console", password=PASSWORD, role=Role.INVESTMENT, organisation=staff_org()
    )
    for slug, name, number in (
        (FUNDED_SLUG, "Back The Long Night IV", "四"),
        (TO_PAY_SLUG, "Back The Long Night V", "五"),
    ):
        offering = create_offering(
            actor=staff,
            project=project,
            slug=slug,
            names=(name, f"支持《漫长的夜》{number}", f"支持《漫長的夜》{number}"),
            currency="CNY",
            unit_price_minor=10_000,
            target_units=5,
            cap_units=30,
            max_units_per_backer=10,
            opens_at=now - dt.timedelta(days=2),
            closes_at=now + dt.timedelta(days=20),
            min_return_bp=500,
            premiere_min_units=5,
            premiere_tickets=2,
        )
        for user in (backer, other):
            started = place_pledge(offering=offering, user=user, units=5)
            authorize_sim_payment(payment_id=started.payment_id, user=user, outcome="succeed")
        if slug == FUNDED_SLUG:
            _refused_backer(offering)
        closing.close_offering(offering=offering.pk, now=offering.closes_at)
    funded = Offering.objects.get(slug=FUNDED_SLUG)
    premiere.set_premiere_showtime(
        actor=staff, offering=funded, showtime=world.showtimes["long-night-13-d2"]
    )
    returns.pay_returns(actor=staff, offering=funded, as_of=now.date())


def _refused_backer(offering: Offering) -> None:
    """``cf-retry`` backs ``offering`` with 1 unit; their bank account is one the bank refuses."""
    from tests.web.world import PASSWORD

    user = UserFactory(username=RETRY_BACKER, password=PASSWORD)
    payouts.set_payout_account(
        user=user,
        kind="bank",
        account_name="Chan Tai-man",
        bank_name="BOC",
        account_number="40009999",
    )
    started = place_pledge(offering=offering, user=user, units=1)
    authorize_sim_payment(payment_id=started.payment_id, user=user, outcome="succeed")


def staff_org() -> Organisation:
    return Organisation.objects.get(slug="marquee-pictures")
