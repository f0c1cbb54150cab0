"""The simulated gateway: behaves like a real asynchronous payment provider.

Never in production: :class:`marquee.payments.apps.PaymentsConfig` registers
the ``sim`` provider and this package's pages and API only outside
``MARQUEE_ENV=production``.

The buyer is redirected to the gateway's page (``/payments/sim/<payment id>/``)
and chooses what happens; scripted buyers use
``POST /api/v1/payments/sim/{payment_id}/authorize``. The gateway then calls
the merchant back with a signed callback (HMAC-SHA256, header
``X-Marquee-Signature: t=<unix>,v1=<hex>``) — delivered in-process through the
very code path of the webhook, no network — and the buyer returns to the
merchant's ``return_url``.

Outcomes:

``succeed``    a ``payment.succeeded`` callback.
``decline``    a ``payment.failed`` callback (reason ``card_declined``).
``timeout``    no callback, ever; the payment stays pending (the buyer may try again).
``duplicate``  the success callback is delivered twice; it is processed once.
``delay``      the success callback is stored and delivered later by
               ``POST /api/v1/payments/sim/{id}/deliver`` or
               ``marquee deliver_sim_callbacks`` — e.g. after the seat hold expired.
``forged``     a success callback signed with the wrong secret: the webhook must
               refuse it; the payment stays pending (the buyer may try again).

Once a callback-producing outcome was chosen (succeed, decline, duplicate,
delay) the gateway refuses another choice for that payment.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marquee.accounts.models import User
from marquee.accounts.permissions import is_admin
from marquee.core.errors import Conflict, DomainError, NotFound
from marquee.payments.errors import PaymentsErrorCode
from marquee.payments.models import Payment, PaymentAttempt, SimulatedCallback
from marquee.payments.providers.base import SIGNATURE_HEADER, sign_body
from marquee.payments.providers.sim import PROVIDER_NAME, webhook_secret
from marquee.payments.services import handle_callback


class SimOutcome(StrEnum):
    SUCCEED = "succeed"
    DECLINE = "decline"
    TIMEOUT = "timeout"
    DUPLICATE = "duplicate"
    DELAY = "delay"
    FORGED = "forged"


#: Outcomes after which the gateway has made up its mind about the payment.
DECISIVE = frozenset(
    {SimOutcome.SUCCEED, SimOutcome.DECLINE, SimOutcome.DUPLICATE, SimOutcome.DELAY}
)

OUTCOME_LABELS = {
    SimOutcome.SUCCEED: _("Pay"),
    SimOutcome.DECLINE: _("Decline (card declined)"),
    SimOutcome.TIMEOUT: _("Time out (no callback ever)"),
    SimOutcome.DUPLICATE: _("Pay, callback sent twice"),
    SimOutcome.DELAY: _("Pay, callback delayed"),
    SimOutcome.FORGED: _("Forged callback (wrong signature)"),
}


def _forger_secret() -> bytes:
    return hashlib.sha256(b"not the gateway's secret" + webhook_secret()).digest()


# --- the gateway's side: the buyer's choice and callback delivery ----------------------


@dataclass(frozen=True)
class Delivery:
    """One callback sent to the merchant's webhook and what it answered."""

    event_id: str
    http_status: int
    code: str  # "ok" or the problem code the webhook answered with
    duplicate: bool = False


@dataclass
class SimAuthorization:
    payment: Payment
    outcome: SimOutcome
    deliveries: list[Delivery] = field(default_factory=list)
    pending_callbacks: int = 0


def _event_body(payment: Payment, *, succeeded: bool) -> str:
    data = {
        "payment_id": str(payment.pk),
        "provider_ref": payment.provider_ref,
        "amount_minor": payment.amount_minor,
        "currency": payment.currency,
    }
    if not succeeded:
        data["reason"] = "card_declined"
    doc = {
        "id": f"evt_{secrets.token_hex(12)}",
        "type": "payment.succeeded" if succeeded else "payment.failed",
        "created": int(timezone.now().timestamp()),
        "data": data,
    }
    return json.dumps(doc, separators=(",", ":"))


def send_callback(body: bytes, *, secret: bytes | None = None) -> Delivery:
    """Sign ``body`` now and hand it to the webhook's handler in-process.

    Exactly what ``POST /api/v1/payments/webhooks/sim`` runs; a refused
    callback comes back as its HTTP status and problem code.
    """
    header = sign_body(body, secret=secret if secret is not None else webhook_secret())
    event_id = ""
    with contextlib.suppress(ValueError, AttributeError):
        event_id = str(json.loads(body).get("id", ""))
    try:
        result = handle_callback(
            provider=PROVIDER_NAME, body=body, headers={SIGNATURE_HEADER: header}
        )
    except DomainError as exc:
        return Delivery(event_id=event_id, http_status=exc.status, code=exc.code)
    return Delivery(event_id=event_id, http_status=200, code="ok", duplicate=result.duplicate)


#: A claimed delivery that recorded no answer after this long is presumed lost
#: (the process died mid-delivery) and is sent again.
REDELIVER_AFTER = timedelta(seconds=30)


def _undelivered(now: datetime) -> Q:
    """Callbacks still owed: never sent, lost in flight, or answered with a 5xx.

    Like a real gateway the simulator delivers at least once; the webhook is
    idempotent, so a second delivery of a processed event changes nothing.
    """
    return (
        Q(delivered_at__isnull=True)
        | Q(response_status__isnull=True, delivered_at__lt=now - REDELIVER_AFTER)
        | Q(response_status__gte=500)
    )


def _deliver_stored(callback: SimulatedCallback) -> Delivery | None:
    """Deliver one stored callback unless another delivery claimed it first."""
    now = timezone.now()
    claimed = SimulatedCallback.objects.filter(_undelivered(now), pk=callback.pk).update(
        delivered_at=now, response_status=None
    )
    if not claimed:
        return None
    delivery = send_callback(callback.body.encode())
    SimulatedCallback.objects.filter(pk=callback.pk).update(response_status=delivery.http_status)
    return delivery


def _payer_payment(payment_id: uuid.UUID, user: User, *, lock: bool) -> Payment:
    qs = Payment.objects.filter(pk=payment_id, provider=PROVIDER_NAME)
    if lock:
        qs = qs.select_for_update()
    payment = qs.first()
    if payment is None or payment.payer_id != user.pk:
        raise NotFound(PaymentsErrorCode.PAYMENT_NOT_FOUND, f"No payment {payment_id} of yours.")
    return payment


def authorize_sim_payment(*, payment_id: uuid.UUID, user: User, outcome: str) -> SimAuthorization:
    """The buyer's choice on the simulated gateway, then the resulting callbacks.

    Only the payer may choose. The gateway records the attempt and its
    callbacks in one transaction, then delivers them (except ``delay`` and
    ``timeout``) to the webhook handler.

    Raises :class:`DomainError` ``invalid_outcome`` (422), :class:`NotFound`
    ``payment_not_found`` (unknown payment or not the payer's), :class:`Conflict`
    ``payment_not_pending`` and ``payment_already_authorized``.
    """
    try:
        choice = SimOutcome(outcome)
    except ValueError:
        raise DomainError(
            PaymentsErrorCode.INVALID_OUTCOME,
            "The outcome is one of: " + ", ".join(o.value for o in SimOutcome) + ".",
            status=422,
        ) from None
    to_send: list[SimulatedCallback] = []
    with transaction.atomic():
        payment = _payer_payment(payment_id, user, lock=True)
        if payment.status != Payment.Status.PENDING:
            raise Conflict(
                PaymentsErrorCode.PAYMENT_NOT_PENDING, f"This payment is already {payment.status}."
            )
        if payment.attempts.filter(outcome__in=[o.value for o in DECISIVE]).exists():
            raise Conflict(
                PaymentsErrorCode.ALREADY_AUTHORIZED,
                "The gateway has already processed this payment; its callback is on the way.",
            )
        PaymentAttempt.objects.create(payment=payment, outcome=choice.value)
        if choice in DECISIVE:
            body = _event_body(payment, succeeded=choice != SimOutcome.DECLINE)
            callback = SimulatedCallback.objects.create(
                payment=payment, event_id=json.loads(body)["id"], body=body
            )
            if choice != SimOutcome.DELAY:
                to_send.append(callback)

    auth = SimAuthorization(payment=payment, outcome=choice)
    for callback in to_send:
        delivery = _deliver_stored(callback)
        if delivery is not None:
            auth.deliveries.append(delivery)
    if choice == SimOutcome.DUPLICATE and to_send:
        # The gateway's retry: the very same event, signed again.
        auth.deliveries.append(send_callback(to_send[0].body.encode()))
    elif choice == SimOutcome.FORGED:
        forged = _event_body(payment, succeeded=True).encode()
        auth.deliveries.append(send_callback(forged, secret=_forger_secret()))
    payment.refresh_from_db()
    auth.pending_callbacks = payment.sim_callbacks.filter(delivered_at__isnull=True).count()
    return auth


def deliver_sim_callbacks(
    *, payment_id: uuid.UUID | None = None, user: User | None = None
) -> list[Delivery]:
    """Deliver the gateway's stored (delayed) callbacks, oldest first.

    With ``user``, only that payer's payment (admins: any); ``payment_id``
    narrows to one payment. Raises :class:`NotFound` ``payment_not_found``.
    """
    pending = SimulatedCallback.objects.filter(_undelivered(timezone.now())).order_by(
        "created_at", "id"
    )
    if payment_id is not None:
        if user is not None and not is_admin(user):
            _payer_payment(payment_id, user, lock=False)
        elif not Payment.objects.filter(pk=payment_id, provider=PROVIDER_NAME).exists():
            raise NotFound(PaymentsErrorCode.PAYMENT_NOT_FOUND, f"No payment {payment_id}.")
        pending = pending.filter(payment_id=payment_id)
    elif user is not None and not is_admin(user):
        pending = pending.filter(payment__payer=user)
    deliveries = []
    for callback in pending:
        delivery = _deliver_stored(callback)
        if delivery is not None:
            deliveries.append(delivery)
    return deliveries
