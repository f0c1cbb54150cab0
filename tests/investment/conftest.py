"""Investment fixtures: the chart, dated rates, a project with participants and a waterfall."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from marquee.accounts.models import Organisation
from marquee.investment import services
from marquee.investment.models import Participant, Project

# The seeded chart and the dated rates (USD and HKD to CNY) are finance's fixtures; the
# test day is finance's too.
from tests.finance.conftest import (  # noqa: F401
    DAY,
    chart,
    rates,
)

# The ticketing world (a cinema, a hall, a film, showtimes) for the settlement tests.
from tests.ticketing.conftest import (  # noqa: F401
    buyer,
    showtime,
    world,
)


@dataclass
class Deal:
    project: Project
    studio: Participant
    paramount: Participant
    skydance: Participant
    pool: Participant
    paramount_org: Organisation
    skydance_org: Organisation


#: The worked example of docs/investment.md: fee 15 %, expenses ≤ 1,000,000, a
#: negative cost of 4,000,000 with a 10 % premium, a 500,000 deferment, a 5 %
#: corridor to talent capped at 300,000, then the stakes split the rest.
def deal_tiers(d: Deal, talent: Participant) -> list[dict]:
    return [
        {"key": "dist-fee", "label": "Distribution fee", "type": "fee",
         "participant": d.studio.pk, "percent": "15"},
        {"key": "expenses", "label": "P&A expenses", "type": "expenses",
         "participant": d.studio.pk, "cap_minor": 1_000_000},
        {"key": "negative-cost", "label": "Negative cost + 10%", "type": "negative_cost",
         "amount_minor": 4_000_000, "premium_percent": "10"},
        {"key": "deferment", "label": "Director's deferment", "type": "deferment",
         "participant": talent.pk, "amount_minor": 500_000},
        {"key": "corridor", "label": "Talent corridor 5%", "type": "corridor",
         "participant": talent.pk, "percent": "5", "cap_minor": 300_000},
        {"key": "residual", "label": "Net profits", "type": "residual"},
    ]  # fmt: skip


@pytest.fixture
def deal(db, chart, rates, make_org) -> Deal:  # noqa: F811 - finance's fixtures, by name
    """A CNY film: the studio 50 %, Paramount 30 %, Skydance 15 %, a crowdfunding pool 5 %."""
    paramount_org = make_org(kind=Organisation.Kind.PARTNER, name="Paramount Pictures")
    skydance_org = make_org(kind=Organisation.Kind.PARTNER, name="Skydance")
    project = services.create_project(slug="rogue-nation", name_en="Rogue Nation")
    add = services.add_participant
    studio = add(project=project.slug, name="Marquee Pictures", kind="studio", stake_bp=5000)
    paramount = add(
        project=project.slug,
        name="Paramount",
        kind="partner",
        stake_bp=3000,
        organisation=paramount_org.slug,
    )
    skydance = add(
        project=project.slug,
        name="Skydance",
        kind="partner",
        stake_bp=1500,
        organisation=skydance_org.slug,
    )
    pool = add(project=project.slug, name="Fans", kind="crowdfunding", stake_bp=500)
    project.refresh_from_db()
    return Deal(project, studio, paramount, skydance, pool, paramount_org, skydance_org)


@pytest.fixture
def talent(deal) -> Participant:
    return services.add_participant(project=deal.project.slug, name="Director", kind="talent")


@pytest.fixture
def with_waterfall(deal, talent) -> Deal:
    services.set_waterfall(project=deal.project.slug, tiers=deal_tiers(deal, talent))
    return deal
