"""HTTP API of rights and licensing (mounted by ``marquee.api`` at ``/api/v1/rights``).

Rights staff and administrators only. Parse, call one service or query, serialise.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from ninja import Query, Router, Schema

from marquee.accounts.auth import AUTH
from marquee.catalog.models import Title
from marquee.core.idempotency import IdempotencyKey, idempotent
from marquee.rights import changes, queries, revenue, services
from marquee.rights.errors import RightsErrorCode, RightsNotFound
from marquee.rights.models import LineKind
from marquee.rights.permissions import require_rights_staff
from marquee.rights.schemas import (
    MAX_ID,
    AvailsQuery,
    DealIn,
    RightsAmendIn,
    RightsCancelIn,
    RightsReportIn,
    SearchQuery,
    SettleIn,
    answer_out,
    deal_out,
)
from marquee.rights.territories import TREE, name_of

router = Router(tags=["rights"])


def _guard(request: HttpRequest, *args, **kwargs) -> None:
    require_rights_staff(request.user)


@router.get("/territories", auth=AUTH, summary="The territory tree rights are granted over")
def list_territories(request: HttpRequest):
    require_rights_staff(request.user)
    return [{"code": c, "parent": p, "name": name_of(c)} for c, p, *_ in TREE]


@router.get(
    "/avails",
    auth=AUTH,
    summary="What of a title is free for media × territory × window (exclusive or not)",
)
def get_avails(request: HttpRequest, q: Query[AvailsQuery]):
    require_rights_staff(request.user)
    if not Title.objects.filter(pk=q.title_id).exists():
        raise RightsNotFound(RightsErrorCode.TITLE_NOT_FOUND, f"No title #{q.title_id}.")
    return answer_out(q.title_id, queries.title_avails(q.title_id, q.question()))


@router.get("/avails/titles", auth=AUTH, summary="Titles with free rights for a question")
def search_avails(request: HttpRequest, q: Query[SearchQuery]):
    require_rights_staff(request.user)
    question = q.question()
    return [
        {"title_id": t, "free_days": days, "free_cells": cells}
        for t, days, cells in queries.titles_with_avails(question, limit=q.limit)
    ]


@router.get("/deals", auth=AUTH, summary="Deals, newest first (filter by direction or title)")
def list_deals(request: HttpRequest, direction: str | None = None, title_id: int | None = None):
    require_rights_staff(request.user)
    if title_id is not None and not 1 <= title_id <= MAX_ID:
        return []
    return [deal_out(d) for d in queries.deals(direction=direction, title_id=title_id)]


@router.post(
    "/deals",
    auth=AUTH,
    response={201: dict},
    summary="Sign a deal in or out (send an Idempotency-Key); posts its fee to the ledger",
)
@idempotent(
    scope="rights.create_deal",
    fingerprint=lambda payload, **_: payload.model_dump(mode="json"),
    guard=_guard,
)
def create_deal(request: HttpRequest, payload: DealIn, idempotency_key: IdempotencyKey = None):
    require_rights_staff(request.user)
    deal = services.create_deal(
        title_id=payload.title_id,
        direction=payload.direction,
        counterparty=payload.counterparty,
        reference=payload.reference,
        exclusive=payload.exclusive,
        languages=payload.languages,
        rights=[r.spec(LineKind.GRANT) for r in payload.rights],
        holdbacks=[r.spec(LineKind.HOLDBACK) for r in payload.holdbacks],
        fee=payload.fee(),
        signed_on=payload.signed_on,
        created_by=request.user,
        idempotency_key=idempotency_key or "",
    )
    return 201, deal_out(queries.deal(deal.pk), detail=True)


@router.get("/deals/{deal_id}", auth=AUTH, summary="One deal with its rights and instalments")
def get_deal(request: HttpRequest, deal_id: int):
    require_rights_staff(request.user)
    return deal_out(_deal(deal_id), detail=True)


def _instalment_fingerprint(deal_id: int, seq: int, payload: SettleIn, **_: object) -> dict:
    return {"deal_id": deal_id, "seq": seq, "on": payload.on.isoformat()}


def _settle_endpoint(action: str, summary: str, record: Callable[..., object]) -> None:
    """Register ``POST /deals/{id}/instalments/{seq}/<action>``: settle one instalment, once."""

    def settle(
        request: HttpRequest,
        deal_id: int,
        seq: int,
        payload: SettleIn,
        idempotency_key: IdempotencyKey = None,
    ):
        require_rights_staff(request.user)
        _deal(deal_id)
        record(deal_id=deal_id, seq=_seq(seq), on=payload.on, by=request.user)
        return 200, deal_out(queries.deal(deal_id), detail=True)

    settle.__name__ = settle.__qualname__ = f"{action}_fee"
    guarded = idempotent(
        scope=f"rights.{action}_fee", fingerprint=_instalment_fingerprint, guard=_guard
    )(settle)
    router.post(
        f"/deals/{{deal_id}}/instalments/{{seq}}/{action}",
        auth=AUTH,
        response={200: dict},
        summary=summary,
    )(guarded)


_settle_endpoint(
    "receive",
    "Record an instalment of a deal out as received (send an Idempotency-Key)",
    lambda *, on, **kw: services.record_fee_received(received_on=on, **kw),
)
_settle_endpoint(
    "pay",
    "Record an instalment of a deal in as paid (send an Idempotency-Key)",
    lambda *, on, **kw: services.record_fee_paid(paid_on=on, **kw),
)


def _deal_fingerprint(deal_id: int, payload: Schema, **_: object) -> dict:
    return {"deal_id": deal_id, **payload.model_dump(mode="json")}


def _deal_action(
    path: str,
    *,
    scope: str,
    summary: str,
    schema: type[Schema],
    status: int,
    act: Callable[..., object],
) -> None:
    """Register ``POST /deals/{id}/<path>``: one service on the deal (idempotent), then the deal."""

    def action(request: HttpRequest, deal_id: int, payload, idempotency_key: IdempotencyKey = None):
        require_rights_staff(request.user)
        _deal(deal_id)
        act(deal_id=deal_id, by=request.user, **payload.service_kwargs())
        return status, deal_out(queries.deal(deal_id), detail=True)

    action.__annotations__ = {**action.__annotations__, "payload": schema}
    action.__name__ = action.__qualname__ = scope.removeprefix("rights.")
    guarded = idempotent(scope=scope, fingerprint=_deal_fingerprint, guard=_guard)(action)
    router.post(f"/deals/{{deal_id}}/{path}", auth=AUTH, response={status: dict}, summary=summary)(
        guarded
    )


#: The actions on a deal: path, idempotency scope, summary, body, status, service.
DEAL_ACTIONS = (
    (
        "reports",
        "rights.record_report",
        "Record a licensee's gross revenue for a period; books the share above the MG",
        RightsReportIn,
        201,
        revenue.record_revenue_report,
    ),
    (
        "cancel",
        "rights.cancel_deal",
        "Cancel a deal from a day: its rights end, future unpaid instalments are reversed",
        RightsCancelIn,
        200,
        changes.cancel_deal,
    ),
    (
        "amend",
        "rights.amend_deal",
        "Amend a deal: a new window for its rights, rights added (checked as a new deal) "
        "and/or a new schedule for its open instalments (re-booked in the ledger)",
        RightsAmendIn,
        200,
        changes.amend_deal,
    ),
)
for _path, _scope, _summary, _schema, _status, _act in DEAL_ACTIONS:
    _deal_action(_path, scope=_scope, summary=_summary, schema=_schema, status=_status, act=_act)


def _deal(deal_id: int):
    deal = queries.deal(deal_id) if 1 <= deal_id <= MAX_ID else None
    if deal is None:
        raise RightsNotFound(RightsErrorCode.DEAL_NOT_FOUND, f"No deal #{deal_id}.")
    return deal


def _seq(seq: int) -> int:
    if not 1 <= seq <= 32767:
        raise RightsNotFound(RightsErrorCode.INSTALMENT_NOT_FOUND, f"No instalment {seq}.")
    return seq
