"""Writes of the payments domain: start, callbacks, refunds.

The state machine (every transition happens here and only here)::

    pending ──callback: succeeded──▶ succeeded ──refund──▶ partially_refunded ──▶ refunded
       │                               │  on_succeeded() returned False
       │                               └────────────── full refund ──────────────▶ refunded
       └──callback: failed──▶ failed

A payment in a final state never goes back to ``pending``; a second callback
for it is answered with its current state and changes nothing.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from marquee.accounts.models import User
from marquee.core.errors import Conflict, DomainError, NotFound
from marquee.core.money import is_supported_currency
from marquee.payments import events
from marquee.payments.errors import PaymentsErrorCode
from marquee.payments.models import CallbackLog, Payment, Refund
from marquee.payments.providers.base import (
    CallbackEvent,
    InvalidCallback,
    InvalidSignature,
    ProviderError,
    header,
)
from marquee.payments.registry import default_provider_name, get_provider, get_purpose

logger = logging.getLogger("marquee.payments")

#: The reason of the automatic refund when the purpose could not deliver the goods.
FULFILMENT_FAILED = "fulfilment_failed"

CHECKOUT_URL_MAX = Payment._meta.get_field("checkout_url").max_length
#: The largest callback body the webhook reads (larger → 413, nothing stored).
MAX_CALLBACK_BODY = 64 * 1024
#: What is kept of a body whose signature did not verify: anyone can send one.
MAX_UNVERIFIED_BODY = 2 * 1024


def _publish(event_type: str, *, payment: Payment, payload: dict[str, Any]) -> None:
    # Imported here: the outbox lives in core and must not be a hard import-time
    # dependency of payments' models and registry.
    from marquee.core.outbox import publish

    publish(event_type, aggregate=events.AGGREGATE, aggregate_id=str(payment.pk), payload=payload)


def _payment_payload(payment: Payment) -> dict[str, Any]:
    return {
        "payment_id": str(payment.pk),
        "purpose": payment.purpose,
        "reference": payment.reference,
        "payer_id": payment.payer_id,
        "amount_minor": payment.amount_minor,
        "currency": payment.currency,
        "provider": payment.provider,
        "provider_ref": payment.provider_ref,
    }


def _check_amount(amount_minor: Any) -> int:
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int) or amount_minor <= 0:
        raise DomainError(
            PaymentsErrorCode.INVALID_AMOUNT,
            "An amount is a positive integer of minor units.",
        )
    return amount_minor


def _check_return_url(return_url: str) -> str:
    url = (return_url or "").strip()
    if not url:
        return ""
    if len(url) > 500 or any(c.isspace() or ord(c) < 32 for c in url):
        raise DomainError(PaymentsErrorCode.INVALID_RETURN_URL, "The return URL is not valid.")
    parts = urlsplit(url)
    relative = not parts.scheme and not parts.netloc and url.startswith("/")
    absolute = parts.scheme in {"http", "https"} and bool(parts.netloc)
    if url.startswith("//") or not (relative or absolute):
        raise DomainError(
            PaymentsErrorCode.INVALID_RETURN_URL,
            "The return URL must be a path on this site or an http(s) URL.",
        )
    return url


# --- start ----------------------------------------------------------------------------


def start_payment(
    *,
    purpose: str,
    reference: str,
    amount_minor: int,
    currency: str,
    payer: User,
    return_url: str = "",
    description: str = "",
) -> Payment:
    """Open a payment of ``amount_minor`` ``currency`` for ``purpose``/``reference``.

    The payment starts ``pending`` at the configured provider
    (``settings.MARQUEE_PAYMENT_PROVIDER``); send the buyer to
    ``payment.redirect_url``. The caller must have checked that ``payer`` may
    pay for ``reference``. Each call opens a new payment: if two succeed for
    one reference, the purpose's ``on_succeeded`` refuses the second and it is
    refunded automatically.

    Raises :class:`DomainError` with ``unknown_purpose`` (nobody registered the
    purpose, so the goods could never be delivered), ``invalid_amount``,
    ``invalid_currency``, ``invalid_reference`` or ``invalid_return_url``, and
    :class:`NotFound` ``unknown_provider``.
    """
    if get_purpose(purpose) is None:
        raise DomainError(
            PaymentsErrorCode.UNKNOWN_PURPOSE, f"No payment purpose {purpose!r} is registered."
        )
    _check_amount(amount_minor)
    if not is_supported_currency(currency):
        raise DomainError(
            PaymentsErrorCode.INVALID_CURRENCY,
            "The currency must be one Marquee supports (an ISO 4217 code such as CNY).",
        )
    reference = str(reference)
    if not reference or len(reference) > 100 or not reference.isprintable():
        raise DomainError(PaymentsErrorCode.INVALID_REFERENCE, "A reference is 1–100 characters.")
    url = _check_return_url(return_url)
    provider = get_provider(default_provider_name())
    with transaction.atomic():
        payment = Payment.objects.create(
            purpose=purpose,
            reference=reference,
            description=_text(description or "", 200),
            amount_minor=amount_minor,
            currency=currency,
            payer=payer,
            provider=provider.name,
            return_url=url,
        )
        started = provider.start(payment)
        if len(started.redirect_url) > CHECKOUT_URL_MAX or len(started.provider_ref) > 100:
            raise ProviderError("The provider answered with a page address or reference too long.")
        payment.provider_ref = started.provider_ref
        payment.checkout_url = started.redirect_url
        payment.save(update_fields=["provider_ref", "checkout_url", "updated_at"])
    return payment


# --- callbacks ------------------------------------------------------------------------


@dataclass(frozen=True)
class CallbackResult:
    """What the webhook answers: the payment's state after the callback."""

    payment_id: uuid.UUID
    status: str
    duplicate: bool
    verdict: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "payment_id": str(self.payment_id),
            "status": self.status,
            "duplicate": self.duplicate,
        }


def _text(value: str, limit: int) -> str:
    # PostgreSQL text cannot hold NUL; a hostile body must not turn logging into a 500.
    return value.replace("\x00", "\ufffd")[:limit]


def _log_callback(
    *,
    provider: str,
    body: bytes,
    signature: str,
    verdict: str,
    detail: str = "",
    payment: Payment | None = None,
    event: CallbackEvent | None = None,
    status_after: str = "",
) -> CallbackLog:
    # Only a verified body (an event was parsed) is kept whole; anything else is cut
    # to its start, with its length and digest to recognise it by.
    kept = body[:MAX_CALLBACK_BODY] if event is not None else body[:MAX_UNVERIFIED_BODY]
    return CallbackLog.objects.create(
        provider=_text(provider, 30),
        payment=payment,
        event_id=_text(event.event_id if event else "", 100),
        event_type=_text(event.event_type if event else "", 50),
        signature_header=_text(signature, 500),
        body=_text(kept.decode("utf-8", "replace"), MAX_CALLBACK_BODY),
        body_length=len(body),
        body_sha256=hashlib.sha256(body).hexdigest(),
        verdict=verdict,
        detail=_text(detail, 300),
        status_after=status_after,
    )


def handle_callback(*, provider: str, body: bytes, headers: Mapping[str, str]) -> CallbackResult:
    """Verify and apply one provider callback (the webhook's whole job).

    One transaction with the payment row locked (``select_for_update``): a
    payment already in a final state is answered with its current state and
    nothing runs again, so duplicates and races are harmless. On success the
    purpose's ``on_succeeded`` runs in that transaction; if it returns
    ``False`` (or raises), the full amount is refunded with reason
    ``fulfilment_failed``. On decline the payment fails and ``on_failed`` runs.
    Every callback is recorded in :class:`CallbackLog` with its verdict.

    Raises :class:`InvalidSignature` (``invalid_signature``, 400) and
    :class:`InvalidCallback` (``invalid_callback``, 400) before anything
    changes, :class:`DomainError` ``callback_mismatch`` when amount or
    currency disagree with the payment, :class:`NotFound`
    ``unknown_provider`` / ``payment_not_found``.
    """
    gateway = get_provider(provider)
    signature = header(headers, gateway.signature_header) if gateway.signature_header else ""
    try:
        event = gateway.parse_callback(body=body, headers=headers)
    except (InvalidSignature, InvalidCallback) as exc:
        if isinstance(exc, InvalidCallback):
            verdict = CallbackLog.Verdict.MALFORMED
        elif exc.stale:
            verdict = CallbackLog.Verdict.STALE
        else:
            verdict = CallbackLog.Verdict.INVALID_SIGNATURE
        _log_callback(
            provider=provider, body=body, signature=signature, verdict=verdict, detail=exc.message
        )
        _warn_refused(provider, verdict, body, exc.message)
        raise

    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
            .filter(pk=event.payment_id, provider=provider)
            .first()
        )
        if payment is not None:
            result, refusal = _apply_callback(payment, event, body=body, signature=signature)
        else:
            _log_callback(
                provider=provider,
                body=body,
                signature=signature,
                verdict=CallbackLog.Verdict.UNKNOWN_PAYMENT,
                event=event,
            )
            _warn_refused(provider, "unknown_payment", body, str(event.payment_id))
            result = None
            refusal = NotFound(
                PaymentsErrorCode.PAYMENT_NOT_FOUND, f"No payment {event.payment_id}."
            )
    # Raised after the commit: the log of a refused callback is kept, nothing else changed.
    if refusal is not None:
        raise refusal
    assert result is not None  # noqa: S101 - every path without a refusal sets it
    return result


def _warn_refused(provider: str, verdict: str, body: bytes, detail: str) -> None:
    # The log line names the body by length and digest; the body itself stays out of it.
    logger.warning(
        "payments: %s callback refused (%s): %s; body %d bytes sha256=%s",
        provider[:30],
        verdict,
        detail[:200],
        len(body),
        hashlib.sha256(body).hexdigest(),
    )


def _apply_callback(
    payment: Payment, event: CallbackEvent, *, body: bytes, signature: str
) -> tuple[CallbackResult, DomainError | None]:
    """Apply ``event`` to the locked ``payment``; returns (result, refusal to raise)."""

    def log(verdict: str, status_after: str, detail: str = "") -> None:
        _log_callback(
            provider=payment.provider,
            body=body,
            signature=signature,
            verdict=verdict,
            detail=detail,
            payment=payment,
            event=event,
            status_after=status_after,
        )

    def result(status: str, *, duplicate: bool, verdict: str) -> CallbackResult:
        return CallbackResult(
            payment_id=payment.pk, status=status, duplicate=duplicate, verdict=verdict
        )

    first = (
        CallbackLog.objects.filter(
            payment=payment, event_id=event.event_id, verdict=CallbackLog.Verdict.ACCEPTED
        )
        .order_by("received_at", "id")
        .first()
    )
    if first is not None:
        # The same callback again: answer what we answered the first time.
        log(CallbackLog.Verdict.DUPLICATE, first.status_after)
        return result(first.status_after, duplicate=True, verdict="duplicate"), None
    if event.amount_minor != payment.amount_minor or event.currency != payment.currency:
        detail = (
            f"callback says {event.amount_minor} {event.currency}, "
            f"payment is {payment.amount_minor} {payment.currency}"
        )
        log(CallbackLog.Verdict.MISMATCH, payment.status, detail)
        _warn_refused(payment.provider, "mismatch", body, detail)
        refusal = DomainError(
            PaymentsErrorCode.CALLBACK_MISMATCH,
            "The callback's amount or currency does not match the payment.",
        )
        return result(payment.status, duplicate=False, verdict="mismatch"), refusal
    if payment.is_final:
        log(CallbackLog.Verdict.IGNORED, payment.status, "payment already final")
        return result(payment.status, duplicate=True, verdict="ignored"), None

    if event.outcome == "succeeded":
        _mark_succeeded(payment, event)
    else:
        _mark_failed(payment, event)
    log(CallbackLog.Verdict.ACCEPTED, payment.status)
    return result(payment.status, duplicate=False, verdict="accepted"), None


def _mark_succeeded(payment: Payment, event: CallbackEvent) -> None:
    payment.status = Payment.Status.SUCCEEDED
    payment.succeeded_at = timezone.now()
    if event.provider_ref:
        payment.provider_ref = _text(event.provider_ref, 100)
    payment.save(update_fields=["status", "succeeded_at", "provider_ref", "updated_at"])
    _publish(events.PAYMENT_SUCCEEDED, payment=payment, payload=_payment_payload(payment))

    purpose = get_purpose(payment.purpose)
    delivered = False
    if purpose is None:
        logger.error("payment %s: purpose %r is not registered", payment.pk, payment.purpose)
    else:
        try:
            # A savepoint: a handler that fails half-way leaves none of its writes behind.
            with transaction.atomic():
                delivered = bool(purpose.on_succeeded(payment))
        except Exception:
            logger.exception("payment %s: on_succeeded of %r raised", payment.pk, payment.purpose)
            delivered = False
    if not delivered:
        # Nothing paid is lost: money we cannot turn into goods goes straight back.
        refund_payment(payment=payment, amount_minor=payment.amount_minor, reason=FULFILMENT_FAILED)


def _mark_failed(payment: Payment, event: CallbackEvent) -> None:
    payment.status = Payment.Status.FAILED
    payment.failed_at = timezone.now()
    payment.failure_reason = _text(event.reason or "declined", 200)
    payment.save(update_fields=["status", "failed_at", "failure_reason", "updated_at"])
    _publish(
        events.PAYMENT_FAILED,
        payment=payment,
        payload={**_payment_payload(payment), "reason": payment.failure_reason},
    )
    purpose = get_purpose(payment.purpose)
    if purpose is not None and purpose.on_failed is not None:
        try:
            with transaction.atomic():
                purpose.on_failed(payment)
        except Exception:
            logger.exception("payment %s: on_failed of %r raised", payment.pk, payment.purpose)


# --- refunds --------------------------------------------------------------------------


def refund_payment(
    *,
    payment: Payment,
    amount_minor: int,
    reason: str,
    idempotency_key: str | None = None,
) -> Refund:
    """Refund ``amount_minor`` of a succeeded (or partly refunded) payment through its provider.

    Never more than was paid in total: the running total is raised with one
    conditional UPDATE (``refunded_minor + amount <= amount_minor``) and a
    check constraint stands behind it. The payment becomes
    ``partially_refunded`` or, when nothing is left, ``refunded``; ``payment``
    is updated in place. With ``idempotency_key``, a repeat with the same
    amount and reason returns the first :class:`Refund` and moves no money.
    Runs in the caller's transaction when there is one; the provider's
    failure rolls everything back.

    Raises :class:`DomainError` ``invalid_amount``, ``invalid_refund_reason``,
    ``refund_exceeds_payment`` (detail ``refundable_minor``),
    ``idempotency_key_reused`` (422); :class:`Conflict`
    ``payment_not_refundable`` (pending or failed payment); :class:`NotFound`
    ``payment_not_found``; ``ProviderError`` (``provider_error``, 502).
    """
    _check_amount(amount_minor)
    reason = (reason or "").strip()
    if not reason or len(reason) > 100 or not reason.isprintable():
        raise DomainError(PaymentsErrorCode.INVALID_REASON, "A refund reason is 1–100 characters.")
    if idempotency_key is not None and not 1 <= len(idempotency_key) <= 255:
        raise DomainError(
            PaymentsErrorCode.INVALID_IDEMPOTENCY_KEY, "An idempotency key is 1–255 characters."
        )
    with transaction.atomic():
        locked = Payment.objects.select_for_update().filter(pk=payment.pk).first()
        if locked is None:
            raise NotFound(PaymentsErrorCode.PAYMENT_NOT_FOUND, f"No payment {payment.pk}.")
        if idempotency_key is not None:
            existing = Refund.objects.filter(
                payment=locked, idempotency_key=idempotency_key
            ).first()
            if existing is not None:
                if existing.amount_minor != amount_minor or existing.reason != reason:
                    raise DomainError(
                        PaymentsErrorCode.IDEMPOTENCY_KEY_REUSED,
                        "This idempotency key was used for a different refund.",
                        status=422,
                    )
                _sync(payment, locked)
                return existing
        updated = Payment.objects.filter(
            pk=locked.pk,
            status__in=Payment.REFUNDABLE,
            refunded_minor__lte=F("amount_minor") - amount_minor,
        ).update(
            refunded_minor=F("refunded_minor") + amount_minor,
            # SET expressions see the row as it was: this is "nothing left after this refund".
            status=Case(
                When(
                    refunded_minor=F("amount_minor") - amount_minor,
                    then=Value(Payment.Status.REFUNDED),
                ),
                default=Value(Payment.Status.PARTIALLY_REFUNDED),
            ),
            updated_at=timezone.now(),
        )
        if updated != 1:
            if locked.status not in Payment.REFUNDABLE:
                raise Conflict(
                    PaymentsErrorCode.NOT_REFUNDABLE,
                    f"A {locked.status} payment cannot be refunded.",
                )
            refundable = locked.amount_minor - locked.refunded_minor
            raise DomainError(
                PaymentsErrorCode.REFUND_EXCEEDS_PAYMENT,
                f"At most {refundable} {locked.currency} minor units can still be refunded.",
                refundable_minor=refundable,
            )
        locked.refresh_from_db(fields=["refunded_minor", "status", "updated_at"])
        refund = Refund.objects.create(
            payment=locked,
            amount_minor=amount_minor,
            currency=locked.currency,
            reason=reason,
            idempotency_key=idempotency_key or "",
        )
        provider_refund = get_provider(locked.provider).refund(
            payment=locked, amount_minor=amount_minor, refund_id=refund.pk
        )
        refund.provider_ref = provider_refund.provider_ref[:100]
        refund.status = Refund.Status.SUCCEEDED
        refund.completed_at = timezone.now()
        refund.save(update_fields=["provider_ref", "status", "completed_at"])
        _publish(
            events.PAYMENT_REFUNDED,
            payment=locked,
            payload={
                "payment_id": str(locked.pk),
                "refund_id": refund.pk,
                "purpose": locked.purpose,
                "reference": locked.reference,
                "amount_minor": amount_minor,
                "refunded_minor": locked.refunded_minor,
                "currency": locked.currency,
                "reason": reason,
                "status": locked.status,
            },
        )
        _sync(payment, locked)
    return refund


def _sync(target: Payment, source: Payment) -> None:
    if target is not source:
        target.refunded_minor = source.refunded_minor
        target.status = source.status
        target.updated_at = source.updated_at
