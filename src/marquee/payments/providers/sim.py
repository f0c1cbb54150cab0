"""The simulated provider: signs and verifies callbacks like Stripe, moves no money.

Only the provider half lives here (what the payments services call through
the registry). The gateway half — the buyer's page, the outcomes, callback
delivery — is :mod:`marquee.payments.simulator`, which is neither registered
nor mounted in production (``MARQUEE_ENV=production``).

Callbacks carry ``X-Marquee-Signature: t=<unix>,v1=<hex>`` where ``v1`` is
HMAC-SHA256 over ``b"<t>." + body`` with :func:`webhook_secret`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from marquee.payments.providers.base import (
    DEFAULT_TOLERANCE_SECONDS,
    SIGNATURE_HEADER,
    CallbackEvent,
    InvalidCallback,
    PaymentProvider,
    ProviderPayout,
    ProviderRefund,
    StartedPayment,
    header,
    verify_signature,
)

if TYPE_CHECKING:
    from marquee.payments.models import Payment, Payout

PROVIDER_NAME = "sim"
#: Bank accounts whose number starts with this are refused by the simulated bank (tests, demo).
FAILING_ACCOUNT_PREFIX = "4000"


def webhook_secret() -> bytes:
    """``MARQUEE_SIM_PROVIDER_SECRET`` (from the environment), or a key derived from ``SECRET_KEY``."""
    configured = getattr(settings, "MARQUEE_SIM_PROVIDER_SECRET", "")
    if configured:
        return configured.encode() if isinstance(configured, str) else bytes(configured)
    return hmac.new(
        settings.SECRET_KEY.encode(), b"marquee.payments.sim.webhook", hashlib.sha256
    ).digest()


def payment_page_url(payment_id: uuid.UUID) -> str:
    try:
        return reverse("payments:sim-page", kwargs={"payment_id": payment_id})
    except NoReverseMatch:
        # Before the root URLconf mounts the simulator's pages: the path they will have.
        return f"/payments/sim/{payment_id}/"


class SimProvider(PaymentProvider):
    name = PROVIDER_NAME

    def start(self, payment: Payment) -> StartedPayment:
        return StartedPayment(
            provider_ref=f"simpay_{secrets.token_hex(10)}",
            redirect_url=payment_page_url(payment.pk),
        )

    def parse_callback(self, *, body: bytes, headers: Mapping[str, str]) -> CallbackEvent:
        tolerance = getattr(
            settings, "MARQUEE_SIM_CALLBACK_TOLERANCE_SECONDS", DEFAULT_TOLERANCE_SECONDS
        )
        verify_signature(
            body, header(headers, SIGNATURE_HEADER), secret=webhook_secret(), tolerance=tolerance
        )
        try:
            doc = json.loads(body)
            data = doc["data"]
            event_type = doc["type"]
            outcome = {"payment.succeeded": "succeeded", "payment.failed": "failed"}[event_type]
            amount = data["amount_minor"]
            if isinstance(amount, bool) or not isinstance(amount, int):
                raise TypeError("amount_minor")
            event_id = str(doc["id"])
            if not 1 <= len(event_id) <= 100 or not event_id.isprintable():
                raise ValueError("event id")
            return CallbackEvent(
                event_id=event_id,
                event_type=event_type,
                payment_id=uuid.UUID(str(data["payment_id"])),
                outcome=outcome,  # type: ignore[arg-type]
                amount_minor=amount,
                currency=str(data["currency"]),
                provider_ref=str(data.get("provider_ref", "")),
                reason=str(data.get("reason", "")),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InvalidCallback("The callback body is not a simulated-gateway event.") from exc

    def refund(self, *, payment: Payment, amount_minor: int, refund_id: int) -> ProviderRefund:
        return ProviderRefund(provider_ref=f"simrf_{secrets.token_hex(10)}")

    def send_payout(self, payout: Payout) -> ProviderPayout:
        """Settle at once: paid, unless the bank account number starts with ``4000``."""
        ref = f"simpo_{secrets.token_hex(10)}"
        if payout.destination == "bank" and payout.account_number.startswith(
            FAILING_ACCOUNT_PREFIX
        ):
            return ProviderPayout(provider_ref=ref, outcome="failed", reason="account_closed")
        return ProviderPayout(provider_ref=ref, outcome="paid")
