"""Factories and helpers of the crowdfunding tests: projects, offerings, paid pledges."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from marquee.accounts.models import Organisation, Role, User
from marquee.crowdfunding.models import Offering, Pledge
from marquee.crowdfunding.services import offerings, pledges
from marquee.investment.models import Project
from marquee.payments.simulator.gateway import authorize_sim_payment
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.catalog.factories import TitleFactory

_seq = itertools.count(1)


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project

    slug = factory.Sequence(lambda n: f"project-{n}")
    name_en = factory.Sequence(lambda n: f"Project {n}")
    name_zh_hans = "项目"
    name_zh_hant = "項目"
    title = factory.SubFactory(TitleFactory)


def investment_staff() -> User:
    org = OrganisationFactory(kind=Organisation.Kind.STUDIO)
    return UserFactory(
        username=f"cf-investor-{next(_seq)}", password=None, role=Role.INVESTMENT, organisation=org
    )


def distribution_staff() -> User:
    org = OrganisationFactory(kind=Organisation.Kind.STUDIO)
    return UserFactory(
        username=f"cf-distributor-{next(_seq)}",
        password=None,
        role=Role.DISTRIBUTION,
        organisation=org,
    )


def fan() -> User:
    return UserFactory(username=f"cf-fan-{next(_seq)}", password=None)


def make_offering(
    *, actor: User | None = None, project: Project | None = None, **kw: Any
) -> Offering:
    """An offering open now: 100 units of ¥100, target 60, 1–20 per backer, 5 % minimum."""
    now = timezone.now()
    values: dict[str, Any] = {
        "slug": f"offering-{next(_seq)}",
        "names": ("Back the film", "支持电影", "支持電影"),
        "currency": "CNY",
        "unit_price_minor": 10_000,
        "target_units": 60,
        "cap_units": 100,
        "min_units_per_backer": 1,
        "max_units_per_backer": 20,
        "opens_at": now - dt.timedelta(days=1),
        "closes_at": now + dt.timedelta(days=10),
        "min_return_bp": 500,
        "bonus_tiers": [(1_000_000, 300), (5_000_000, 700)],
    }
    values.update(kw)
    return offerings.create_offering(
        actor=actor or investment_staff(), project=project or ProjectFactory(), **values
    )


def pledge_and_pay(offering: Offering, user: User, units: int, outcome: str = "succeed") -> Pledge:
    """A pledge placed and paid through the simulated gateway (``outcome`` as the buyer chose)."""
    started = pledges.place_pledge(offering=offering, user=user, units=units)
    authorize_sim_payment(payment_id=started.payment_id, user=user, outcome=outcome)
    return Pledge.objects.get(pk=started.pledge.pk)


def funded_offering(title, backers: list[tuple[User, int]], **kw: Any) -> Offering:
    """A successful offering of ``title``'s project (target 5 units): the backers paid, it closed."""
    from marquee.crowdfunding.services import closing

    kw.setdefault("target_units", 5)
    offering = make_offering(project=ProjectFactory(title=title), **kw)
    for user, units in backers:
        pledge_and_pay(offering, user, units)
    return closing.close_offering(offering=offering, now=offering.closes_at)
