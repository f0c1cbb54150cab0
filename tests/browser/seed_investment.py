"""Seed of the investment journeys: a slate, a co-financed film with a waterfall, two partners.

Called from ``world_ctl seed`` inside its transaction. Users (password: the
world's): ``investor`` (investment staff of the studio), ``partner-a`` and
``partner-b`` (partners of two organisations with stakes in the film).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

PROJECT = "browser-blockbuster"
DAY = dt.date(2026, 5, 14)


def seed_investment(world: Any) -> None:
    """The slate of the browser tests (CNY only: no exchange rates needed)."""
    # Imported here: world_ctl imports this module before Django is set up.
    from marquee.accounts.models import Organisation, Role
    from marquee.core.money import Money
    from marquee.finance.chart import ensure_chart
    from marquee.investment import services
    from marquee.investment.models import Receipt
    from tests.accounts.factories import OrganisationFactory, UserFactory
    from tests.web.world import PASSWORD

    ensure_chart()
    studio = Organisation.objects.get(slug="marquee-pictures")
    UserFactory(username="investor", password=PASSWORD, role=Role.INVESTMENT, organisation=studio)
    orgs = {}
    for key, name in (("partner-a", "Summit Partners"), ("partner-b", "Harbour Capital")):
        orgs[key] = OrganisationFactory(name=name, slug=key, kind=Organisation.Kind.PARTNER)
        UserFactory(username=key, password=PASSWORD, role=Role.PARTNER, organisation=orgs[key])
    title = next(iter(world.titles.values()))
    services.create_project(
        slug=PROJECT,
        name_en="Browser Blockbuster",
        name_zh_hans="浏览器大片",
        name_zh_hant="瀏覽器大片",
        title=title.slug,
    )
    services.create_project(slug="browser-sequel", name_en="Browser Sequel")
    services.move_stage(project=PROJECT, to_stage="pre_production")
    services.set_budget(
        project=PROJECT,
        as_of=DAY,
        lines=[
            {"category": "above_the_line", "currency": "CNY", "amount_minor": 30_000_000},
            {"category": "below_the_line", "currency": "CNY", "amount_minor": 50_000_000},
        ],
    )
    services.record_cost(
        project=PROJECT, category="below_the_line", date=DAY, currency="CNY",
        amount_minor=55_000_000,
    )  # fmt: skip
    add = services.add_participant
    studio_part = add(project=PROJECT, name="Marquee Pictures", kind="studio", stake_bp=5000)
    add(project=PROJECT, name="Summit Partners", kind="partner", stake_bp=3000,
        organisation="partner-a")  # fmt: skip
    add(project=PROJECT, name="Harbour Capital", kind="partner", stake_bp=2000,
        organisation="partner-b")  # fmt: skip
    services.set_waterfall(
        project=PROJECT,
        tiers=[
            {"key": "fee", "label": "Distribution fee 15%", "type": "fee",
             "participant": studio_part.pk, "percent": "15"},
            {"key": "rest", "label": "Net profits", "type": "residual"},
        ],
    )  # fmt: skip
    project = services.get_project(PROJECT)
    for n, amount in enumerate((10_000_000, 4_000_000)):
        services.receive(
            project=project,
            source=Receipt.Source.MANUAL,
            source_key=f"browser:{n}",
            received_on=DAY + dt.timedelta(days=n),
            money=Money(amount, "CNY"),
            description=f"Week {n + 1} box office",
        )
