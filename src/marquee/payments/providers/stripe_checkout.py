"""Stripe Checkout for cards abroad, through the official ``stripe`` package.

- **Start**: a Checkout Session (``mode=payment``, one line of the payment's
  amount and currency, ``client_reference_id`` = the payment's id, Stripe
  idempotency key ``payment-<id>``); the buyer goes to ``session.url``.
- **Webhook**: verified with ``stripe.Webhook.construct_event`` against the
  endpoint's signing secret (``Stripe-Signature: t=…,v1=…``, five minutes'
  tolerance). ``checkout.session.completed`` (paid) and
  ``checkout.session.async_payment_succeeded`` are successes;
  ``checkout.session.async_payment_failed`` and ``checkout.session.expired``
  are failures.
- **Refund**: ``Refund.create`` on the session's PaymentIntent with the
  Stripe idempotency key ``refund-<refund id>``.

HTTP goes through :mod:`marquee.payments.transport` (a ``stripe.HTTPClient``
adapter), so tests stub Stripe's answers. Stripe's amounts are minor units
already, as ours are.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import stripe

from marquee.payments.providers import base
from marquee.payments.transport import HttpRequest, Transport, TransportError, UrllibTransport

if TYPE_CHECKING:
    from marquee.payments.models import Payment

_SUCCEEDED = {"checkout.session.completed", "checkout.session.async_payment_succeeded"}
_FAILED = {"checkout.session.async_payment_failed", "checkout.session.expired"}


class TransportHttpClient(stripe.HTTPClient):
    """Stripe's HTTP client interface on top of our injectable transport."""

    name = "marquee-transport"

    def __init__(self, transport: Transport) -> None:
        super().__init__()
        self.transport = transport

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        body = post_data.encode() if isinstance(post_data, str) else (post_data or b"")
        try:
            response = self.transport.send(
                HttpRequest(method.upper(), url, dict(headers or {}), body)
            )
        except TransportError as exc:
            raise stripe.APIConnectionError(f"Stripe could not be reached: {exc}") from None
        return response.body.decode("utf-8", "replace"), response.status, response.headers

    def request_stream(self, method, url, headers, post_data=None, *, _usage=None):
        raise NotImplementedError("streaming is not used")

    def close(self) -> None:
        return None


class StripeProvider(base.PaymentProvider):
    name = "stripe"
    signature_header = "Stripe-Signature"

    def __init__(
        self,
        *,
        secret_key: str,
        webhook_secret: str,
        public_url: str,
        transport: Transport | None = None,
        tolerance: int = base.DEFAULT_TOLERANCE_SECONDS,
    ) -> None:
        self.webhook_secret = webhook_secret
        self.public_url = public_url.rstrip("/")
        self.tolerance = tolerance
        self.client = stripe.StripeClient(
            secret_key,
            http_client=TransportHttpClient(transport or UrllibTransport()),
            max_network_retries=0,
        )

    def start(self, payment: Payment) -> base.StartedPayment:
        back = base.absolute_url(self.public_url, payment.return_url)
        params: dict[str, Any] = {
            "mode": "payment",
            "client_reference_id": str(payment.pk),
            "metadata": {"payment_id": str(payment.pk)},
            "payment_intent_data": {"metadata": {"payment_id": str(payment.pk)}},
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": payment.currency.lower(),
                        "unit_amount": payment.amount_minor,
                        "product_data": {"name": (payment.description or payment.purpose)[:200]},
                    },
                }
            ],
            "success_url": back,
            "cancel_url": back,
        }
        try:
            session = self.client.v1.checkout.sessions.create(
                params=params, options={"idempotency_key": f"payment-{payment.pk}"}
            )
        except stripe.StripeError as exc:
            raise base.ProviderError(
                f"Stripe refused the Checkout Session: {exc.user_message}"
            ) from None
        if not session.url:
            raise base.ProviderError("Stripe answered without a Checkout URL.")
        return base.StartedPayment(provider_ref=session.id, redirect_url=session.url)

    def parse_callback(self, *, body: bytes, headers: Mapping[str, str]) -> base.CallbackEvent:
        signature = base.header(headers, self.signature_header)
        if not signature:
            raise base.InvalidSignature("The Stripe-Signature header is missing.")
        try:
            event = stripe.Webhook.construct_event(
                body, signature, self.webhook_secret, tolerance=self.tolerance
            )
        except stripe.SignatureVerificationError as exc:
            stale = "timestamp outside the tolerance" in str(exc).lower()
            raise base.InvalidSignature(f"Stripe: {exc.user_message or exc}", stale=stale) from None
        except ValueError as exc:
            raise base.InvalidCallback("The Stripe event is not JSON.") from exc
        try:
            if event.type not in _SUCCEEDED | _FAILED:
                raise base.InvalidCallback(
                    f"Stripe event {str(event.type)[:50]!r} is not an outcome."
                )
            session = event.data.object.to_dict()
            paid = event.type in _SUCCEEDED
            if paid and session["payment_status"] != "paid":
                raise base.InvalidCallback("The Checkout Session is not paid yet.")
            amount = session["amount_total"]
            if isinstance(amount, bool) or not isinstance(amount, int):
                raise TypeError("amount_total")
            return base.CallbackEvent(
                event_id=str(event.id)[:100],
                event_type=str(event.type),
                payment_id=uuid.UUID(str(session["client_reference_id"])),
                outcome="succeeded" if paid else "failed",
                amount_minor=amount,
                currency=str(session["currency"]).upper(),
                provider_ref=str(session.get("payment_intent") or session["id"]),
                reason="" if paid else event.type.rsplit(".", 1)[-1],
            )
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise base.InvalidCallback("The Stripe event is not a Checkout Session event.") from exc

    def refund(self, *, payment: Payment, amount_minor: int, refund_id: int) -> base.ProviderRefund:
        if not payment.provider_ref.startswith("pi_"):
            raise base.ProviderError("The payment has no Stripe PaymentIntent to refund.")
        try:
            refund = self.client.v1.refunds.create(
                params={
                    "payment_intent": payment.provider_ref,
                    "amount": amount_minor,
                    "metadata": {"payment_id": str(payment.pk), "refund_id": str(refund_id)},
                },
                options={"idempotency_key": f"refund-{refund_id}"},
            )
        except stripe.StripeError as exc:
            raise base.ProviderError(f"Stripe refused the refund: {exc.user_message}") from None
        if refund.status in {"failed", "canceled"}:
            raise base.ProviderError(f"Stripe refused the refund ({refund.status}).")
        return base.ProviderRefund(provider_ref=refund.id)
