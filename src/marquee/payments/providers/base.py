"""The interface every payment provider implements.

A provider is a thin adapter around a gateway: it starts a payment (the
gateway answers with its own reference and the page the buyer is redirected
to), turns a raw callback into a verified :class:`CallbackEvent` (or refuses
it), and refunds. It never touches the ``Payment`` row itself: the services
in :mod:`marquee.payments.services` own every state change.
"""

from __future__ import annotations

import abc
import hashlib
import hmac
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from marquee.core.errors import DomainError
from marquee.payments.errors import PaymentsErrorCode

if TYPE_CHECKING:
    import uuid

    from marquee.payments.models import Payment, Payout

SIGNATURE_HEADER = "X-Marquee-Signature"
#: Callbacks signed longer ago (or further in the future) than this are refused.
DEFAULT_TOLERANCE_SECONDS = 300


class InvalidSignature(DomainError):
    """The callback's signature is missing, wrong, or its timestamp is stale."""

    status = 400
    title = "Invalid signature"

    def __init__(self, message: str, *, stale: bool = False) -> None:
        super().__init__(PaymentsErrorCode.INVALID_SIGNATURE, message)
        self.stale = stale


class InvalidCallback(DomainError):
    """The callback is signed correctly but its body is not a callback we understand."""

    status = 400
    title = "Invalid callback"

    def __init__(self, message: str) -> None:
        super().__init__(PaymentsErrorCode.INVALID_CALLBACK, message)


class ProviderError(DomainError):
    """The gateway refused or failed an operation (for example a refund)."""

    status = 502
    title = "Payment provider error"

    def __init__(self, message: str) -> None:
        super().__init__(PaymentsErrorCode.PROVIDER_ERROR, message)


@dataclass(frozen=True)
class StartedPayment:
    provider_ref: str
    redirect_url: str


@dataclass(frozen=True)
class CallbackEvent:
    """A verified callback: what the gateway says happened to one payment."""

    event_id: str
    event_type: str
    payment_id: uuid.UUID
    outcome: Literal["succeeded", "failed"]
    amount_minor: int
    currency: str
    provider_ref: str
    reason: str = ""


@dataclass(frozen=True)
class ProviderRefund:
    """A refund the gateway has accepted (a failure is a :class:`ProviderError`)."""

    provider_ref: str


@dataclass(frozen=True)
class ProviderPayout:
    """What the gateway did with a payout: ``sent`` (settles later), ``paid`` or ``failed``."""

    provider_ref: str
    outcome: Literal["sent", "paid", "failed"]
    reason: str = ""


class PaymentProvider(abc.ABC):
    """A payment gateway adapter. Subclasses set ``name``.

    ``signature_header`` names the request header that carries the gateway's
    signature (kept in the callback log); empty when the signature travels in
    the body.
    """

    name: str
    signature_header: str = SIGNATURE_HEADER

    @abc.abstractmethod
    def start(self, payment: Payment) -> StartedPayment:
        """Open the payment at the gateway; returns its reference and the buyer's page."""

    @abc.abstractmethod
    def parse_callback(self, *, body: bytes, headers: Mapping[str, str]) -> CallbackEvent:
        """Verify and parse a raw callback.

        Raises :class:`InvalidSignature` (bad, missing or stale signature) and
        :class:`InvalidCallback` (a verified body we cannot read). Must not
        raise anything else for any input.
        """

    @abc.abstractmethod
    def refund(self, *, payment: Payment, amount_minor: int, refund_id: int) -> ProviderRefund:
        """Give ``amount_minor`` of ``payment`` back; raises :class:`ProviderError` on failure."""

    def send_payout(self, payout: Payout) -> ProviderPayout | None:
        """Send ``payout`` to its destination, or ``None``: it goes out in the bank batch.

        The default is the studio's route with Alipay, WeChat Pay and Stripe
        alike: finance staff download the requested payouts as a bank-transfer
        batch (``payments.payouts.batch_csv``), upload it to the bank and
        confirm each transfer paid or failed. A gateway with a payout API
        overrides this; a refusal is a :class:`ProviderError`.
        """
        return None

    def acknowledgement(self) -> tuple[str, bytes] | None:
        """The body a gateway expects for a processed callback, as (content type, bytes).

        ``None`` (the default) answers with the webhook's JSON. Alipay, for one,
        retries until it reads the bare word ``success``.
        """
        return None


def absolute_url(base: str, url: str) -> str:
    """``url`` made absolute under the site's ``base`` (gateways need absolute return URLs)."""
    if url.startswith(("http://", "https://")):
        return url
    return f"{base.rstrip('/')}{url or '/'}"


def header(headers: Mapping[str, str], name: str) -> str:
    """``headers[name]`` compared without case; ``""`` when absent."""
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), "")


# --- HMAC signatures shared by providers that sign like Stripe -------------------------


def sign_body(body: bytes, *, secret: bytes, timestamp: int | None = None) -> str:
    """The ``X-Marquee-Signature`` header value for ``body``: ``t=<unix>,v1=<hex>``.

    The MAC is HMAC-SHA256 over ``b"<t>." + body`` so the timestamp cannot be
    replaced without the secret (Stripe's scheme).
    """
    t = int(time.time()) if timestamp is None else int(timestamp)
    mac = hmac.new(secret, f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def verify_signature(
    body: bytes,
    header: str | None,
    *,
    secret: bytes,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> int:
    """Check ``header`` against ``body``; returns the signed timestamp.

    Several ``v1=`` entries may be present (secret rotation): one must match.
    Raises :class:`InvalidSignature`.
    """
    if not header:
        raise InvalidSignature(f"The {SIGNATURE_HEADER} header is missing.")
    timestamp: int | None = None
    macs: list[str] = []
    for part in header.split(","):
        name, sep, value = part.strip().partition("=")
        if not sep:
            continue
        if name == "t" and value.isascii() and value.isdigit() and len(value) <= 12:
            timestamp = int(value)
        elif name == "v1":
            macs.append(value.strip().lower())
    if timestamp is None or not macs:
        raise InvalidSignature(f"The {SIGNATURE_HEADER} header is malformed.")
    expected = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    if not any(
        hmac.compare_digest(expected.encode(), mac.encode("ascii", "replace")) for mac in macs
    ):
        raise InvalidSignature("The callback signature does not match.")
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise InvalidSignature("The callback timestamp is outside the tolerance.", stale=True)
    return timestamp
