"""HTTP API of the payments domain (mounted by ``marquee.api`` at ``/api/v1/payments``).

Moviegoers read their own payments (outside production the simulated
gateway's API is mounted under ``/sim``: :mod:`marquee.payments.simulator.api`).
Gateways post their
signed callbacks to ``/webhooks/{provider}``. Finance staff may refund.
Endpoints that move money take an ``Idempotency-Key`` header.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from marquee.accounts.auth import AUTH
from marquee.accounts.models import Role
from marquee.accounts.permissions import require_role
from marquee.core.errors import DomainError
from marquee.core.idempotency import IdempotencyKey, idempotent
from marquee.core.ratelimit import enforce_rate_limits
from marquee.payments import payouts, queries, services
from marquee.payments.errors import PaymentsErrorCode
from marquee.payments.models import Payment, Refund
from marquee.payments.registry import get_provider, simulator_allowed

router = Router(tags=["payments"])

#: ``settings.MARQUEE_RATE_LIMITS`` scope of the provider webhooks (per client address).
WEBHOOK_RATE_SCOPE = "payment_webhooks"


class RefundOut(Schema):
    id: int
    amount_minor: int
    currency: str
    reason: str
    status: str
    provider_ref: str
    created_at: datetime
    completed_at: datetime | None


class PaymentOut(Schema):
    id: uuid.UUID
    purpose: str
    reference: str
    description: str
    amount_minor: int
    currency: str
    status: str
    provider: str
    provider_ref: str
    refunded_minor: int
    redirect_url: str
    return_url: str
    failure_reason: str
    created_at: datetime
    succeeded_at: datetime | None
    refunds: list[RefundOut]


class CallbackOut(Schema):
    payment_id: uuid.UUID
    status: str
    duplicate: bool


class RefundIn(Schema):
    amount_minor: int
    reason: str


def _refund_out(refund: Refund) -> dict:
    return RefundOut.model_validate(refund).model_dump(mode="json")


def _payment_out(payment: Payment) -> PaymentOut:
    return PaymentOut(
        id=payment.pk,
        purpose=payment.purpose,
        reference=payment.reference,
        description=payment.description,
        amount_minor=payment.amount_minor,
        currency=payment.currency,
        status=payment.status,
        provider=payment.provider,
        provider_ref=payment.provider_ref,
        refunded_minor=payment.refunded_minor,
        redirect_url=payment.redirect_url,
        return_url=payment.return_url,
        failure_reason=payment.failure_reason,
        created_at=payment.created_at,
        succeeded_at=payment.succeeded_at,
        refunds=[RefundOut.model_validate(r) for r in payment.refunds.all()],
    )


@router.get("/", response=list[PaymentOut], auth=AUTH, summary="My payments, newest first")
def list_payments(request: HttpRequest, limit: int = 50):
    return [_payment_out(p) for p in queries.payments_of(request.user, limit=limit)]


class PaymentsPayoutOut(Schema):
    id: int
    purpose: str
    reference: str
    payee_id: int
    amount_minor: int
    currency: str
    status: str
    destination: str
    provider: str
    provider_ref: str
    attempts: int
    failure_reason: str
    created_at: datetime
    sent_at: datetime | None
    paid_at: datetime | None


class PaymentsPayoutConfirmIn(Schema):
    outcome: str = Field(..., pattern="^(paid|failed)$")
    bank_reference: str = Field("", max_length=100)
    reason: str = Field("", max_length=200)


@router.get(
    "/payouts",
    response=list[PaymentsPayoutOut],
    auth=AUTH,
    summary="Payouts, newest first (finance staff)",
)
def list_payouts(request: HttpRequest, status: str | None = None, limit: int = 100):
    require_role(request.user, Role.FINANCE)
    return list(queries.payouts(status=status, limit=limit))


@router.post(
    "/payouts/batch",
    auth=AUTH,
    response={200: None},
    summary="Download the bank-transfer batch of requested payouts (CSV; marks them sent)",
)
def payout_batch(request: HttpRequest):
    body = payouts.batch_csv(actor=request.user)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="payouts-batch.csv"'
    return response


@router.post(
    "/payouts/{payout_id}/confirm",
    response=PaymentsPayoutOut,
    auth=AUTH,
    summary="Confirm what the bank did with a sent payout: paid or failed (finance staff)",
)
def confirm_payout(request: HttpRequest, payout_id: int, payload: PaymentsPayoutConfirmIn):
    return payouts.confirm_payout(
        actor=request.user,
        payout=payout_id,
        outcome=payload.outcome,
        bank_reference=payload.bank_reference,
        reason=payload.reason,
    )


@router.get("/{payment_id}", response=PaymentOut, auth=AUTH, summary="One payment")
def get_payment(request: HttpRequest, payment_id: uuid.UUID):
    return _payment_out(queries.get_visible_payment(request.user, payment_id))


@router.post(
    "/webhooks/{provider}",
    response=CallbackOut,
    auth=None,
    summary="Provider callback (signed; each provider's own scheme)",
    description=(
        "Gateways post their signed callbacks here (docs/payments.md says how each provider "
        "signs). A bad or missing signature or a stale timestamp → 400 `invalid_signature` and "
        "nothing changes; a repeated callback → 200 with the same result; an unknown payment → "
        "404. Rate-limited per client address (429 with Retry-After); bodies over 64 KiB → 413."
    ),
)
def webhook(request: HttpRequest, provider: str):
    enforce_rate_limits(request, WEBHOOK_RATE_SCOPE)
    if int(request.META.get("CONTENT_LENGTH") or 0) > services.MAX_CALLBACK_BODY:
        raise _too_large()
    try:
        body = request.body
    except RequestDataTooBig:
        raise _too_large() from None
    if len(body) > services.MAX_CALLBACK_BODY:
        raise _too_large()
    result = services.handle_callback(provider=provider, body=body, headers=request.headers)
    ack = get_provider(provider).acknowledgement()
    if ack is not None:
        content_type, content = ack
        return HttpResponse(content, content_type=content_type)
    return result.as_dict()


def _too_large() -> DomainError:
    return DomainError(
        PaymentsErrorCode.INVALID_CALLBACK, "The callback body is too large.", status=413
    )


@router.post(
    "/{payment_id}/refunds",
    response={201: RefundOut},
    auth=AUTH,
    summary="Refund part or all of a payment (finance staff)",
    description="Never more than was paid in total. Send an `Idempotency-Key`.",
)
@idempotent(
    scope="payments.refund",
    guard=lambda request, **_: require_role(request.user, Role.FINANCE),
    fingerprint=lambda payment_id, payload, **_: {
        "payment_id": str(payment_id),
        "amount_minor": payload.amount_minor,
        "reason": payload.reason,
    },
)
def create_refund(
    request: HttpRequest,
    payment_id: uuid.UUID,
    payload: RefundIn,
    idempotency_key: IdempotencyKey = None,
):
    payment = queries.get_visible_payment(request.user, payment_id)
    refund = services.refund_payment(
        payment=payment,
        amount_minor=payload.amount_minor,
        reason=payload.reason,
        idempotency_key=idempotency_key,
    )
    return 201, _refund_out(refund)


if simulator_allowed():
    # Not in production: there the simulator's API does not exist at all.
    from marquee.payments.simulator.api import router as simulator_router

    router.add_router("/sim", simulator_router)
