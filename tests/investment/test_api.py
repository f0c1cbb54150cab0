"""The investment API: problem+json refusals that write nothing, idempotent money, partner scope."""

from __future__ import annotations

import json

import pytest

from marquee.accounts.models import Role
from marquee.finance.models import JournalEntry
from marquee.investment.models import (
    CostEntry,
    Participant,
    Project,
    Receipt,
    StageChange,
    Waterfall,
)
from tests.investment.conftest import deal_tiers
from tests.ticketing.api_calls import problem

pytestmark = pytest.mark.django_db

API = "/api/v1/investment"


@pytest.fixture
def staff_client(make_user, client_for):
    return client_for(make_user(role=Role.INVESTMENT))


def _post(client, path, body, **headers):
    return client.post(
        API + path, data=json.dumps(body), content_type="application/json", **headers
    )


def test_stakes_over_100_percent_is_a_problem_and_adds_nobody(staff_client, deal):
    response = _post(
        staff_client,
        f"/projects/{deal.project.slug}/participants",
        {"name": "Amblin", "kind": "partner", "stake_bp": 100},
    )
    body = problem(response, 409, "stakes_over_100")
    assert body["available_bp"] == 0
    assert not Participant.objects.filter(name="Amblin").exists()
    assert Project.objects.get(pk=deal.project.pk).stakes_bp == 10_000


def test_a_non_terminating_waterfall_is_aproblem(staff_client, deal):
    tiers = [
        {"key": "rest", "type": "residual"},
        {"key": "fee", "type": "fee", "participant": deal.studio.pk, "percent": "10"},
    ]
    response = _post(staff_client, f"/projects/{deal.project.slug}/waterfall", {"tiers": tiers})
    body = problem(response, 422, "invalid_waterfall")
    assert body["reason"] == "no_residual"
    assert "terminate" in body["detail"]
    assert not Waterfall.objects.filter(project=deal.project).exists()
    assert staff_client.get(f"{API}/projects/{deal.project.slug}/waterfall").json()["version"] == 0


def test_an_illegal_stage_move_is_a_problem_in_the_requests_language(staff_client, deal):
    response = _post(
        staff_client,
        f"/projects/{deal.project.slug}/stage",
        {"to_stage": "release"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    body = problem(response, 409, "illegal_stage_move")
    assert body["allowed"] == ["pre_production", "cancelled"]
    assert StageChange.objects.filter(project=deal.project).count() == 1


def test_a_cost_with_an_idempotency_key_posts_once(staff_client, deal):
    body = {"category": "post", "date": "2026-05-02", "currency": "USD", "amount_minor": 10_000}
    path = f"/projects/{deal.project.slug}/costs"
    first = _post(staff_client, path, body, HTTP_IDEMPOTENCY_KEY="cost-1")
    again = _post(staff_client, path, body, HTTP_IDEMPOTENCY_KEY="cost-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert CostEntry.objects.count() == 1
    assert JournalEntry.objects.filter(source="investment.cost").count() == 1
    budget = staff_client.get(f"{API}{path[:-6]}/budget").json()
    post = next(c for c in budget["categories"] if c["category"] == "post")
    assert post["actual_minor"] == 71_234  # US$100 at 7.1234


def test_a_float_amount_is_refused(staff_client, deal):
    body = {"category": "post", "date": "2026-05-02", "currency": "CNY", "amount_minor": 10.5}
    response = _post(staff_client, f"/projects/{deal.project.slug}/costs", body)
    problem(response, 422, "validation_error")
    assert not CostEntry.objects.exists()


def test_receipts_through_the_api_pay_out_once_per_key(staff_client, with_waterfall):
    path = f"/projects/{with_waterfall.project.slug}/receipts"
    body = {"received_on": "2026-05-03", "currency": "CNY", "amount_minor": 12_000_000}
    first = _post(staff_client, path, body, HTTP_IDEMPOTENCY_KEY="r-1")
    _post(staff_client, path, body, HTTP_IDEMPOTENCY_KEY="r-1")
    assert first.status_code == 201
    assert sum(p["amount_minor"] for p in first.json()["payouts"]) == 12_000_000
    assert Receipt.objects.count() == 1


def test_a_partner_reads_its_own_statement_and_nobody_elses(
    make_user, client_for, with_waterfall, staff_client
):
    d = with_waterfall
    _post(
        staff_client,
        f"/projects/{d.project.slug}/receipts",
        {"received_on": "2026-05-03", "currency": "CNY", "amount_minor": 12_000_000},
        HTTP_IDEMPOTENCY_KEY="r",
    )
    paramount = client_for(make_user(role=Role.PARTNER, org=d.paramount_org))
    mine = paramount.get(f"{API}/participants/{d.paramount.pk}/statement")
    assert mine.status_code == 200
    assert mine.json()["total_minor"] == 1_320_000 + 1_225_500
    assert {t["tier_key"] for t in mine.json()["by_tier"]} == {"negative-cost", "residual"}
    stakes = paramount.get(f"{API}/me/stakes").json()
    assert [(s["name"], s["earned_minor"]) for s in stakes] == [("Paramount", 2_545_500)]
    for other in (d.skydance, d.studio, d.pool):
        refused = paramount.get(f"{API}/participants/{other.pk}/statement")
        problem(refused, 404, "participant_not_found")
    problem(paramount.get(f"{API}/projects/{d.project.slug}/statements"), 403, "forbidden")


def test_simulate_runs_the_worked_example_without_storing(staff_client, deal, talent):
    tiers = deal_tiers(deal, talent)
    stakes = {str(p.pk): p.stake_bp for p in Participant.objects.filter(project=deal.project)}
    response = _post(
        staff_client,
        "/waterfall/simulate",
        {"stakes": stakes, "tiers": tiers, "revenues_minor": [12_000_000, 3_000_000]},
    )
    assert response.status_code == 200
    body = response.json()
    assert [sum(p["amount_minor"] for p in period["payouts"]) for period in body["periods"]] == [
        12_000_000,
        3_000_000,
    ]
    totals = {t["participant_id"]: t["amount_minor"] for t in body["totals"]}
    assert totals[talent.pk] == 500_000 + 300_000
    assert not Receipt.objects.exists()


def test_reads_of_a_project_its_receipts_and_statements(staff_client, with_waterfall):
    d = with_waterfall
    _post(
        staff_client,
        f"/projects/{d.project.slug}/receipts",
        {"received_on": "2026-05-03", "currency": "CNY", "amount_minor": 3_000_000},
        HTTP_IDEMPOTENCY_KEY="r",
    )
    project = staff_client.get(f"{API}/projects/{d.project.slug}").json()
    assert project["stage"] == "development"
    assert project["next_stages"] == ["pre_production", "cancelled"]
    assert [c["to_stage"] for c in project["stage_changes"]] == ["development"]
    assert project["stakes_bp"] == 10_000
    (receipt,) = staff_client.get(f"{API}/projects/{d.project.slug}/receipts").json()
    assert (
        sum(p["amount_minor"] for p in receipt["payouts"]) == receipt["amount_minor"] == 3_000_000
    )
    statements = staff_client.get(f"{API}/projects/{d.project.slug}/statements").json()
    assert sum(s["total_minor"] for s in statements) == 3_000_000
    waterfall = staff_client.get(f"{API}/projects/{d.project.slug}/waterfall").json()
    assert waterfall["received_minor"] == 3_000_000
    assert sum(t["paid_minor"] for t in waterfall["paid_by_tier"]) == 3_000_000
    assert [v["version"] for v in waterfall["versions"]] == [1]
