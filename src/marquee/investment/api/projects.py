"""The slate: projects, stage moves, budgets with variance, actual costs, programme funding."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from marquee.accounts.auth import AUTH
from marquee.core.idempotency import IdempotencyKey, idempotent
from marquee.investment import queries, services
from marquee.investment.api._common import project_out, staff
from marquee.investment.schemas import BudgetIn, CostIn, FundingIn, ProjectIn, StageIn

router = Router(tags=["investment"])


def _guard(request: HttpRequest, **_: object) -> None:
    staff(request)


@router.get("/projects", auth=AUTH, summary="The slate: every project with its stage")
def list_projects(request: HttpRequest):
    staff(request)
    return [project_out(p) for p in queries.projects()]


@router.post("/projects", auth=AUTH, response={201: dict}, summary="Put a project on the slate")
def create_project(request: HttpRequest, payload: ProjectIn):
    staff(request)
    project = services.create_project(user=request.user, **payload.dict())
    return Status(201, project_out(project))


@router.get("/projects/{slug}", auth=AUTH, summary="One project: stages, budget vs actual")
def get_project(request: HttpRequest, slug: str):
    staff(request)
    project = services.get_project(slug)
    return {
        **project_out(project),
        "stage_changes": [
            {
                "from_stage": c.from_stage,
                "to_stage": c.to_stage,
                "changed_by": c.changed_by.username if c.changed_by_id else None,
                "changed_at": c.changed_at.isoformat(),
                "note": c.note,
            }
            for c in queries.stage_history(project)
        ],
        "budget": queries.variance(project).as_dict(),
        "funding": [
            {
                "commitment_id": c.pk,
                "programme": c.programme.code,
                "category": c.category,
                "date": c.date.isoformat(),
                "currency": c.currency,
                "amount_minor": c.amount_minor,
            }
            for c in queries.funding(project)
        ],
    }


@router.post("/projects/{slug}/stage", auth=AUTH, summary="Move to the next stage (or cancel)")
def move_stage(request: HttpRequest, slug: str, payload: StageIn):
    staff(request)
    change = services.move_stage(
        project=slug, to_stage=payload.to_stage, note=payload.note, user=request.user
    )
    return {
        "project": slug,
        "from_stage": change.from_stage,
        "to_stage": change.to_stage,
        "changed_at": change.changed_at.isoformat(),
    }


@router.put("/projects/{slug}/budget", auth=AUTH, summary="Replace the budget (by category)")
def set_budget(request: HttpRequest, slug: str, payload: BudgetIn):
    staff(request)
    services.set_budget(
        project=slug, lines=[line.dict() for line in payload.lines], as_of=payload.as_of
    )
    return queries.variance(services.get_project(slug)).as_dict()


@router.get("/projects/{slug}/budget", auth=AUTH, summary="Budget vs actual per category")
def get_budget(request: HttpRequest, slug: str):
    staff(request)
    return queries.variance(services.get_project(slug)).as_dict()


@router.post(
    "/projects/{slug}/costs",
    auth=AUTH,
    response={201: dict},
    summary="Record an actual cost (posted to the ledger); send an Idempotency-Key",
)
@idempotent(
    scope="investment.record_cost",
    guard=_guard,
    fingerprint=lambda slug, payload, **_: {"slug": slug, **payload.dict()},
)
def record_cost(
    request: HttpRequest, slug: str, payload: CostIn, idempotency_key: IdempotencyKey = None
):
    cost = services.record_cost(
        project=slug, user=request.user, idempotency_key=idempotency_key, **payload.dict()
    )
    return 201, {
        "id": cost.pk,
        "category": cost.category,
        "date": cost.date.isoformat(),
        "currency": cost.currency,
        "amount_minor": cost.amount_minor,
        "journal_entry_id": cost.journal_entry_id,
    }


@router.post(
    "/projects/{slug}/funding",
    auth=AUTH,
    response={201: dict},
    summary="Fund the project from a programme (a finance commitment)",
)
@idempotent(
    scope="investment.fund_project",
    guard=_guard,
    fingerprint=lambda slug, payload, **_: {"slug": slug, **payload.dict()},
)
def fund_project(
    request: HttpRequest, slug: str, payload: FundingIn, idempotency_key: IdempotencyKey = None
):
    data = payload.dict()
    commitment = services.fund_project(
        project=slug, programme_code=data.pop("programme"), user=request.user, **data
    )
    return 201, {
        "commitment_id": commitment.pk,
        "programme": commitment.programme.code,
        "category": commitment.category,
        "currency": commitment.currency,
        "amount_minor": commitment.amount_minor,
        "programme_amount_minor": commitment.programme_amount_minor,
    }
