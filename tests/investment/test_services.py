"""The slate and co-financing services: legal moves, budgets, costs in the ledger, stakes."""

from __future__ import annotations

import datetime as dt

import pytest

from marquee.core.errors import DomainError
from marquee.finance.models import JournalLine
from marquee.investment import queries, services
from marquee.investment.models import (
    BudgetLine,
    CostEntry,
    Participant,
    Project,
    StageChange,
    WaterfallVersion,
)
from tests.investment.conftest import DAY

pytestmark = pytest.mark.django_db


def test_a_project_moves_forward_one_stage_at_a_time_with_who_and_when(make_user):
    staff = make_user(role="investment")
    project = services.create_project(slug="sci", name_en="SCI", kind="series", user=staff)
    for stage in ("pre_production", "production", "post_production", "release"):
        services.move_stage(project=project.slug, to_stage=stage, user=staff)
    project.refresh_from_db()
    assert project.stage == "release"
    history = list(StageChange.objects.filter(project=project).values_list("to_stage", flat=True))
    assert history == [
        "development",
        "pre_production",
        "production",
        "post_production",
        "release",
    ]
    assert set(StageChange.objects.values_list("changed_by", flat=True)) == {staff.pk}


@pytest.mark.parametrize(
    ("start", "to"),
    [
        ("development", "production"),
        ("development", "release"),
        ("release", "cancelled"),
        ("cancelled", "development"),
        ("production", "pre_production"),
        ("development", "nowhere"),
    ],
)
def test_an_illegal_move_is_refused_and_writes_nothing(start, to):
    project = services.create_project(slug="p", name_en="P")
    Project.objects.filter(pk=project.pk).update(stage=start)
    before = StageChange.objects.count()
    with pytest.raises(DomainError) as refused:
        services.move_stage(project="p", to_stage=to)
    assert refused.value.code == "illegal_stage_move"
    assert refused.value.status == 409
    assert Project.objects.get(pk=project.pk).stage == start
    assert StageChange.objects.count() == before


def test_any_stage_before_release_may_be_cancelled():
    services.create_project(slug="p", name_en="P")
    services.move_stage(project="p", to_stage="pre_production")
    services.move_stage(project="p", to_stage="cancelled")
    assert Project.objects.get(slug="p").stage == "cancelled"


def test_project_refusals(world):
    with pytest.raises(DomainError) as bad:
        services.create_project(slug="Not A Slug", name_en="x")
    assert bad.value.code == "invalid_project"
    with pytest.raises(DomainError) as no_title:
        services.create_project(slug="x", name_en="x", title="no-such-title")
    assert no_title.value.code == "title_not_found"
    linked = services.create_project(slug="x", name_en="x", title=world.title.slug)
    assert linked.title_id == world.title.pk
    with pytest.raises(DomainError) as taken:
        services.create_project(slug="x", name_en="again")
    assert taken.value.code == "project_exists"
    assert Project.objects.count() == 1


def test_budget_vs_actual_in_the_project_currency_at_dated_rates(chart, rates):
    project = services.create_project(slug="film", name_en="Film", currency="CNY")
    services.set_budget(
        project="film",
        as_of=DAY,
        lines=[
            {"category": "above_the_line", "currency": "USD", "amount_minor": 1_000_000},
            {"category": "below_the_line", "currency": "CNY", "amount_minor": 20_000_000},
            {"category": "post", "currency": "HKD", "amount_minor": 4_000_000},
        ],
    )
    services.record_cost(
        project="film", category="above_the_line", date=DAY, currency="USD",
        amount_minor=1_200_000,
    )  # fmt: skip
    services.record_cost(
        project="film", category="below_the_line", date=DAY, currency="CNY",
        amount_minor=5_000_000,
    )  # fmt: skip
    result = {c.category: c for c in queries.variance(project).categories}
    atl = result["above_the_line"]
    assert (atl.budget.minor, atl.actual.minor) == (7_123_400, 8_548_080)  # US$ at 7.1234
    assert atl.variance.minor == -1_424_680 and atl.used_percent == "120.0"
    assert result["post"].budget.minor == 3_650_000  # HK$ at 0.9125
    assert result["below_the_line"].variance.minor == 15_000_000
    assert result["contingency"].used_percent is None
    # Each cost is a ledger entry against the project: Dr 1410 / Cr 1010, segment content.
    lines = JournalLine.objects.filter(project="film").order_by("id")
    assert [(line.account.code, line.debit_minor, line.credit_minor) for line in lines] == [
        ("1410", 1_200_000, 0),
        ("1010", 0, 1_200_000),
        ("1410", 5_000_000, 0),
        ("1010", 0, 5_000_000),
    ]
    assert {line.segment.code for line in lines} == {"content"}
    assert lines[0].reference == "budget:above_the_line"


def test_a_cost_with_the_same_key_is_recorded_and_posted_once(chart):
    services.create_project(slug="film", name_en="Film")
    kw = {"project": "film", "category": "post", "date": DAY, "currency": "CNY"}
    first = services.record_cost(amount_minor=500, idempotency_key="k1", **kw)
    again = services.record_cost(amount_minor=500, idempotency_key="k1", **kw)
    assert first.pk == again.pk
    assert CostEntry.objects.count() == 1
    assert JournalLine.objects.filter(project="film").count() == 2


def test_a_bad_budget_writes_nothing():
    project = services.create_project(slug="film", name_en="Film")
    services.set_budget(
        project="film",
        as_of=DAY,
        lines=[{"category": "post", "currency": "CNY", "amount_minor": 100}],
    )
    for lines, code in [
        (
            [{"category": "catering", "currency": "CNY", "amount_minor": 1}],
            "unknown_budget_category",
        ),
        ([{"category": "post", "currency": "XYZ", "amount_minor": 1}], "unknown_currency"),
        ([{"category": "post", "currency": "CNY", "amount_minor": -1}], "invalid_budget"),
        (
            [
                {"category": "post", "currency": "CNY", "amount_minor": 1},
                {"category": "post", "currency": "cny", "amount_minor": 2},
            ],
            "invalid_budget",
        ),
    ]:
        with pytest.raises(DomainError) as refused:
            services.set_budget(project="film", as_of=DAY, lines=lines)
        assert refused.value.code == code
    assert list(
        BudgetLine.objects.filter(project=project).values_list("amount_minor", flat=True)
    ) == [100]


def test_stakes_never_pass_100_percent(deal):
    assert deal.project.stakes_bp == 10_000
    with pytest.raises(DomainError) as refused:
        services.add_participant(
            project=deal.project.slug, name="Amblin", kind="partner", stake_bp=1
        )
    assert refused.value.code == "stakes_over_100"
    assert refused.value.detail["available_bp"] == 0
    assert not Participant.objects.filter(name="Amblin").exists()
    # Giving stake back makes room, exactly as much.
    services.set_stake(participant_id=deal.studio.pk, stake_bp=4000)
    services.add_participant(
        project=deal.project.slug, name="Amblin", kind="partner", stake_bp=1000
    )
    with pytest.raises(DomainError):
        services.set_stake(participant_id=deal.pool.pk, stake_bp=501)
    assert Project.objects.get(pk=deal.project.pk).stakes_bp == 10_000
    assert sum(Participant.objects.values_list("stake_bp", flat=True)) == 10_000


def test_a_non_terminating_waterfall_is_refused_and_no_version_stored(deal):
    tiers = [{"key": "fee", "type": "fee", "participant": deal.studio.pk, "percent": "20"}]
    with pytest.raises(DomainError) as refused:
        services.set_waterfall(project=deal.project.slug, tiers=tiers)
    assert refused.value.code == "invalid_waterfall"
    assert refused.value.detail["reason"] == "no_residual"
    assert not WaterfallVersion.objects.exists()


def test_a_waterfall_may_not_name_another_projects_participant(deal):
    other = services.create_project(slug="other", name_en="Other")
    stranger = services.add_participant(project=other.slug, name="X", kind="partner", stake_bp=10)
    tiers = [
        {"key": "d", "type": "deferment", "participant": stranger.pk, "amount_minor": 5},
        {"key": "rest", "type": "residual"},
    ]
    with pytest.raises(DomainError) as refused:
        services.set_waterfall(project=deal.project.slug, tiers=tiers)
    assert refused.value.detail["reason"] == "unknown_participant"


def test_programme_funds_a_project(deal):
    from marquee.finance.programmes.services import create_programme

    create_programme(
        code="hk-fund",
        names=("HK fund", "香港基金", "香港基金"),
        currency="CNY",
        first_year=2026,
        budgets={"film_production_distribution": {2026: 10_000_000}},
    )
    services.fund_project(
        project=deal.project.slug,
        programme_code="hk-fund",
        category="film_production_distribution",
        date=dt.date(2026, 6, 1),
        currency="CNY",
        amount_minor=2_000_000,
    )
    (commitment,) = queries.funding(deal.project)
    assert commitment.amount_minor == 2_000_000
    assert commitment.funded == deal.project


def test_a_participant_needs_a_known_kind_and_organisation(deal):
    services.set_stake(participant_id=deal.pool.pk, stake_bp=0)
    for kw, code in [
        ({"kind": "villain"}, "invalid_participant"),
        ({"kind": "partner", "organisation": "nobody"}, "unknown_organisation"),
        ({"kind": "partner", "stake_bp": 10_001}, "invalid_stake"),
    ]:
        with pytest.raises(DomainError) as refused:
            services.add_participant(project=deal.project.slug, name="New", **kw)
        assert refused.value.code == code
    assert not Participant.objects.filter(name="New").exists()
    assert Project.objects.get(pk=deal.project.pk).stakes_bp == 9_500
