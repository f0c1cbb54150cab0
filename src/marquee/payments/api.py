"""HTTP API of the payments domain (mounted by ``marquee.api`` at ``/api/v1/payments``).

Moviegoers read their own payments and, for the simulated gateway, choose an
outcome as a scripted buyer would on its payment page. Gateways post their
signed callbacks to ``/webhooks/{provider}``. Finance staff may refund.
Endpoints that move money take an ``Idempotency-Key`` header.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from ninja import Router, Schema

from marquee.accounts.auth import AUTH
from marquee.accounts.models import Role
from marquee.accounts.permissions import require_role
from marquee.core.errors import DomainError
from marquee.core.idempotency import IdempotencyKey, idempotent
from marquee.payments import queries, services
from marquee.payments.errors import PaymentsErrorCode
from marquee.payments.models import Payment, Refund
from marquee.payments.providers import sim

router = Router(tags=["payments"])


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


class AuthorizeIn(Schema):
    outcome: sim.SimOutcome


class DeliveryOut(Schema):
    event_id: str
    http_status: int
    code: str
    duplicate: bool


class AuthorizeOut(Schema):
    payment_id: uuid.UUID
    outcome: str
    status: str
    return_url: str
    deliveries: list[DeliveryOut]
    pending_callbacks: int


class DeliverOut(Schema):
    deliveries: list[DeliveryOut]


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


@router.get("/{payment_id}", response=PaymentOut, auth=AUTH, summary="One payment")
def get_payment(request: HttpRequest, payment_id: uuid.UUID):
    return _payment_out(queries.get_visible_payment(request.user, payment_id))


@router.post(
    "/webhooks/{provider}",
    response=CallbackOut,
    auth=None,
    summary="Provider callback (signed with X-Marquee-Signature)",
    description=(
        "Gateways post their signed callbacks here. A bad or missing signature or a stale "
        "timestamp → 400 `invalid_signature` and nothing changes; a repeated callback → 200 "
        "with the same result; an unknown payment → 404."
    ),
)
def webhook(request: HttpRequest, provider: str):
    try:
        body = request.body
    except RequestDataTooBig:
        raise DomainError(
            PaymentsErrorCode.INVALID_CALLBACK, "The callback body is too large.", status=413
        ) from None
    result = services.handle_callback(provider=provider, body=body, headers=request.headers)
    return result.as_dict()


@router.post(
    "/sim/{payment_id}/authorize",
    response=AuthorizeOut,
    auth=AUTH,
    summary="Simulated gateway: the payer chooses the outcome",
    description=(
        "`succeed`, `decline`, `timeout` (no callback; stays pending), `duplicate` (callback "
        "sent twice), `delay` (callback stored; deliver it with `/deliver`), `forged` (callback "
        "with a wrong signature, refused by the webhook). Payer only."
    ),
)
@idempotent(
    scope="payments.sim.authorize",
    fingerprint=lambda payment_id, payload, **_: {
        "payment_id": str(payment_id),
        "outcome": payload.outcome.value,
    },
)
def sim_authorize(
    request: HttpRequest,
    payment_id: uuid.UUID,
    payload: AuthorizeIn,
    idempotency_key: IdempotencyKey = None,
):
    auth = sim.authorize_sim_payment(
        payment_id=payment_id, user=request.user, outcome=payload.outcome
    )
    body = AuthorizeOut(
        payment_id=auth.payment.pk,
        outcome=auth.outcome.value,
        status=auth.payment.status,
        return_url=auth.payment.return_url,
        deliveries=[DeliveryOut(**d.__dict__) for d in auth.deliveries],
        pending_callbacks=auth.pending_callbacks,
    )
    return 200, body.model_dump(mode="json")


@router.post(
    "/sim/{payment_id}/deliver",
    response=DeliverOut,
    auth=AUTH,
    summary="Simulated gateway: deliver the delayed callbacks of a payment now",
)
def sim_deliver(request: HttpRequest, payment_id: uuid.UUID):
    deliveries = sim.deliver_sim_callbacks(payment_id=payment_id, user=request.user)
    return DeliverOut(deliveries=[DeliveryOut(**d.__dict__) for d in deliveries])


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
