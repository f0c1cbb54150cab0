"""Programme funds: utilisation and headroom, commitments, disbursements (posted to the ledger)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from marquee.accounts.auth import AUTH
from marquee.finance.api._common import require_finance
from marquee.finance.errors import FinanceErrorCode, ProgrammeNotFound
from marquee.finance.programmes import queries, services
from marquee.finance.programmes.models import Commitment, Disbursement, Programme
from marquee.finance.reports._rollup import localized_name

router = Router(tags=["finance"])


class CommitmentIn(Schema):
    category: str
    date: dt.date
    currency: str
    amount_minor: int = Field(..., description="In ``currency``'s minor units")
    funded_label: str = Field(..., max_length=200, description="What it funds, in words")
    funded_type: str | None = Field(None, description="'catalog.title', 'venues.venue'…")
    funded_id: str = ""
    fiscal_year: int | None = Field(None, description="Default: the fiscal year of ``date``")
    memo: str = ""


class DisbursementIn(Schema):
    date: dt.date
    amount_minor: int = Field(..., description="In the commitment's currency")
    memo: str = ""


def _programme(code: str) -> Programme:
    programme = queries.programme(code)
    if programme is None:
        raise ProgrammeNotFound(
            FinanceErrorCode.PROGRAMME_NOT_FOUND, f"No programme {code!r}.", programme=code
        )
    return programme


def _summary(programme: Programme) -> dict:
    usage = queries.utilisation(programme)
    return {
        "code": programme.code,
        "name": localized_name(programme),
        "currency": programme.currency,
        "first_year": programme.first_year,
        "years": programme.years,
        "total_minor": programme.total_minor,
        "utilisation": usage.total.as_dict(),
        "categories": [u.as_dict() for u in usage.categories],
    }


def _commitment(c: Commitment) -> dict:
    return {
        "id": c.pk,
        "category": c.category,
        "fiscal_year": c.fiscal_year,
        "date": c.date.isoformat(),
        "currency": c.currency,
        "amount_minor": c.amount_minor,
        "programme_amount_minor": c.programme_amount_minor,
        "rate": str(c.rate.normalize()),
        "funded_type": f"{c.funded_type.app_label}.{c.funded_type.model}"
        if c.funded_type
        else None,
        "funded_id": c.funded_id or None,
        "funded_label": c.funded_label,
        "memo": c.memo,
        "disbursed_minor": getattr(c, "disbursed_minor", None) or 0,
    }


def _disbursement(d: Disbursement) -> dict:
    return {
        "id": d.pk,
        "commitment_id": d.commitment_id,
        "date": d.date.isoformat(),
        "amount_minor": d.amount_minor,
        "programme_amount_minor": d.programme_amount_minor,
        "journal_entry_id": d.entry_id,
    }


@router.get("/programmes", auth=AUTH, summary="Programme funds with utilisation and headroom")
def list_programmes(request: HttpRequest):
    require_finance(request)
    return [_summary(p) for p in queries.programmes()]


@router.get("/programmes/{code}", auth=AUTH, summary="One programme: per category and year")
def get_programme(request: HttpRequest, code: str):
    require_finance(request)
    programme = _programme(code)
    usage = queries.utilisation(programme)
    return {
        **_summary(programme),
        "by_year": [u.as_dict() for u in usage.by_year],
        "commitments": [_commitment(c) for c in queries.commitments(programme)],
    }


@router.post(
    "/programmes/{code}/commitments",
    auth=AUTH,
    response={201: dict},
    summary="Commit funds (refused past the category's headroom)",
)
def create_commitment(request: HttpRequest, code: str, payload: CommitmentIn):
    require_finance(request)
    commitment = services.commit_funds(
        programme_code=code, created_by=request.user, **payload.dict()
    )
    return Status(201, _commitment(commitment))


@router.post(
    "/programmes/{code}/commitments/{commitment_id}/disbursements",
    auth=AUTH,
    response={201: dict},
    summary="Pay part of a commitment; posts to the ledger",
)
def create_disbursement(
    request: HttpRequest, code: str, commitment_id: int, payload: DisbursementIn
):
    require_finance(request)
    if not Commitment.objects.filter(pk=commitment_id, programme__code=code).exists():
        raise ProgrammeNotFound(
            FinanceErrorCode.COMMITMENT_NOT_FOUND,
            f"No commitment #{commitment_id} in programme {code!r}.",
        )
    disbursement = services.disburse(
        commitment_id=commitment_id, created_by=request.user, **payload.dict()
    )
    return Status(201, _disbursement(disbursement))
