"""The simulated gateway's API (``/api/v1/payments/sim/…``), mounted outside production only.

Scripted buyers choose an outcome here as people do on the gateway's page.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Router, Schema

from marquee.accounts.auth import AUTH
from marquee.core.idempotency import IdempotencyKey, idempotent
from marquee.payments.simulator import gateway as sim

router = Router(tags=["payments"])


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


@router.post(
    "/{payment_id}/authorize",
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
    "/{payment_id}/deliver",
    response=DeliverOut,
    auth=AUTH,
    summary="Simulated gateway: deliver the delayed callbacks of a payment now",
)
def sim_deliver(request: HttpRequest, payment_id: uuid.UUID):
    deliveries = sim.deliver_sim_callbacks(payment_id=payment_id, user=request.user)
    return DeliverOut(deliveries=[DeliveryOut(**d.__dict__) for d in deliveries])
