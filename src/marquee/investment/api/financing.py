"""Co-financing: participants and stakes, waterfall versions, receipts, statements.

Investment staff run all of it; a partner reads its own stakes and the
statements of its own participants (anyone else's is a 404, as if absent).
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from marquee.accounts.auth import AUTH
from marquee.accounts.models import Role
from marquee.accounts.permissions import require_role
from marquee.core.idempotency import IdempotencyKey, idempotent
from marquee.investment import queries, services
from marquee.investment import waterfall as engine
from marquee.investment.api._common import (
    participant_out,
    receipt_out,
    staff,
    waterfall_out,
)
from marquee.investment.errors import InvestmentErrorCode, InvestmentNotFound
from marquee.investment.models import Participant, Receipt
from marquee.investment.permissions import can_read_participant
from marquee.investment.schemas import (
    ParticipantIn,
    PaymentIn,
    ReceiptIn,
    SimulationIn,
    StakeIn,
    WaterfallIn,
)

router = Router(tags=["investment"])


def _guard(request: HttpRequest, **_: object) -> None:
    staff(request)


@router.get("/projects/{slug}/participants", auth=AUTH, summary="Participants and their stakes")
def list_participants(request: HttpRequest, slug: str):
    staff(request)
    project = services.get_project(slug)
    return [participant_out(p) for p in queries.participants(project)]


@router.post(
    "/projects/{slug}/participants",
    auth=AUTH,
    response={201: dict},
    summary="Add a participant (the stakes never pass 100%)",
)
def add_participant(request: HttpRequest, slug: str, payload: ParticipantIn):
    staff(request)
    participant = services.add_participant(project=slug, **payload.dict())
    return Status(201, participant_out(participant))


@router.put(
    "/participants/{participant_id}/stake",
    auth=AUTH,
    summary="Change a stake (the stakes never pass 100%)",
)
def set_stake(request: HttpRequest, participant_id: int, payload: StakeIn):
    staff(request)
    participant = services.set_stake(participant_id=participant_id, stake_bp=payload.stake_bp)
    return participant_out(participant)


@router.get("/projects/{slug}/waterfall", auth=AUTH, summary="The waterfall: tiers and totals")
def get_waterfall(request: HttpRequest, slug: str):
    staff(request)
    return waterfall_out(services.get_project(slug))


@router.post(
    "/projects/{slug}/waterfall",
    auth=AUTH,
    response={201: dict},
    summary="A new version of the waterfall's tiers (validated: it must terminate)",
)
def set_waterfall(request: HttpRequest, slug: str, payload: WaterfallIn):
    staff(request)
    services.set_waterfall(
        project=slug,
        tiers=payload.tiers,
        currency=payload.currency,
        note=payload.note,
        user=request.user,
    )
    return Status(201, waterfall_out(services.get_project(slug)))


@router.get("/projects/{slug}/receipts", auth=AUTH, summary="Revenue received and its payouts")
def list_receipts(request: HttpRequest, slug: str, limit: int = 100):
    staff(request)
    waterfall = queries.waterfall_of(services.get_project(slug))
    if waterfall is None:
        return []
    rows = (
        Receipt.objects.filter(waterfall=waterfall)
        .prefetch_related("payouts")
        .order_by("-received_on", "-id")[: max(1, min(limit, 500))]
    )
    return [receipt_out(r) for r in rows]


@router.post(
    "/projects/{slug}/receipts",
    auth=AUTH,
    response={201: dict},
    summary="Other revenue into the waterfall; send an Idempotency-Key",
    description="Box office and licence fees arrive by themselves; this is for the rest. "
    "The key makes the receipt: the same key never pays out twice.",
)
@idempotent(
    scope="investment.receive",
    guard=_guard,
    fingerprint=lambda slug, payload, **_: {"slug": slug, **payload.dict()},
)
def receive(
    request: HttpRequest, slug: str, payload: ReceiptIn, idempotency_key: IdempotencyKey = None
):
    from django.utils.crypto import get_random_string

    receipt = services.receive_manual(
        project=slug, key=idempotency_key or get_random_string(24), **payload.dict()
    )
    return 201, receipt_out(receipt)


@router.get(
    "/projects/{slug}/statements", auth=AUTH, summary="Every participant's statement totals"
)
def project_statements(request: HttpRequest, slug: str):
    staff(request)
    project = services.get_project(slug)
    live = queries.project_live(project)
    return [
        queries.statement(p, limit=0, live=live).as_dict() for p in queries.participants(project)
    ]


@router.post(
    "/participants/{participant_id}/payments",
    auth=AUTH,
    response={201: dict},
    summary="Pay a participant what the waterfall owes it; send an Idempotency-Key",
)
@idempotent(
    scope="investment.pay_participant",
    guard=_guard,
    fingerprint=lambda participant_id, payload, **_: {"id": participant_id, **payload.dict()},
)
def pay_participant(
    request: HttpRequest,
    participant_id: int,
    payload: PaymentIn,
    idempotency_key: IdempotencyKey = None,
):
    payment = services.pay_participant(
        participant_id=participant_id,
        date=payload.date,
        amount_minor=payload.amount_minor,
        user=request.user,
        idempotency_key=idempotency_key,
    )
    return 201, {
        "id": payment.pk,
        "participant_id": payment.participant_id,
        "date": payment.date.isoformat(),
        "currency": payment.currency,
        "amount_minor": payment.amount_minor,
        "journal_entry_id": payment.journal_entry_id,
    }


@router.get("/me/stakes", auth=AUTH, summary="A partner's own stakes, with what each earned")
def my_stakes(request: HttpRequest):
    require_role(request.user, Role.PARTNER)
    out = []
    for participant in queries.stakes_for_partner(request.user):
        statement = queries.statement(participant, limit=0)
        out.append(
            {
                **participant_out(participant),
                "earned_minor": statement.total_minor,
                "provisional_minor": statement.provisional["amount"]["amount_minor"],
                "currency": statement.currency,
            }
        )
    return out


@router.get(
    "/participants/{participant_id}/statement",
    auth=AUTH,
    summary="A participant's statement (staff, or the partner it belongs to)",
)
def participant_statement(request: HttpRequest, participant_id: int, limit: int = 500):
    participant = (
        Participant.objects.select_related("project", "organisation")
        .filter(pk=participant_id)
        .first()
    )
    if participant is None or not can_read_participant(request.user, participant):
        raise InvestmentNotFound(
            InvestmentErrorCode.PARTICIPANT_NOT_FOUND, f"No participant {participant_id}."
        )
    return queries.statement(participant, limit=max(0, min(limit, 5000))).as_dict()


@router.post(
    "/waterfall/simulate",
    auth=AUTH,
    summary="Run tiers over made-up revenues (nothing is stored)",
)
def simulate(request: HttpRequest, payload: SimulationIn):
    staff(request)
    from marquee.core.money import get_currency

    currency = get_currency(payload.currency.upper()).code
    tiers = engine.parse_tiers(payload.tiers, payload.stakes)
    periods, state = engine.run(tiers, payload.revenues_minor, currency)
    return {
        "currency": currency,
        "periods": [
            {
                "revenue_minor": amount,
                "payouts": [
                    {
                        "tier": s.tier_key,
                        "participant_id": s.participant,
                        "amount_minor": s.amount_minor,
                    }
                    for s in shares
                ],
            }
            for amount, shares in zip(payload.revenues_minor, periods, strict=True)
        ],
        "totals": [
            {"participant_id": pid, "amount_minor": total}
            for pid, total in sorted(
                engine.totals([s for shares in periods for s in shares]).items()
            )
        ],
        "state": state,
    }
