"""Crowdfunding's part of the browser tests' world: one open offering per language journey."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from marquee.accounts.models import Organisation, Role
from marquee.crowdfunding.services.offerings import create_offering
from marquee.investment.models import Project
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
