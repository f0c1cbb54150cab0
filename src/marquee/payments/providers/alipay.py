"""Alipay (支付宝) computer-website payment with Alipay's RSA2 signatures.

Implements the documented open-platform scheme (the same one the official
``alipay-sdk-python`` implements) on :mod:`cryptography`:

- **Signing** (requests we send): the parameters except ``sign``, sorted by
  name, joined as ``k=v`` with ``&`` (raw values, empty ones left out), signed
  SHA256withRSA with the merchant's application private key, base64 in
  ``sign`` with ``sign_type=RSA2``.
- **Page pay** (``alipay.trade.page.pay``): the buyer is sent to the gateway
  URL carrying the signed parameters; nothing is sent by us.
- **Asynchronous notification**: Alipay POSTs a form to ``notify_url``. The
  parameters except ``sign`` and ``sign_type``, sorted and joined the same
  way, must verify with **Alipay's public key**; ``app_id`` must be ours. We
  answer the bare word ``success`` (else Alipay retries for about 25 hours).
- **Refund** (``alipay.trade.refund``): a signed form POST to the gateway; the
  answer's ``alipay_trade_refund_response`` object is verified with Alipay's
  public key over its exact JSON text.

Alipay settles in yuan (CNY only here): amounts are decimal strings
(``"88.00"``), converted exactly from and to minor units.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode
from zoneinfo import ZoneInfo

from django.utils import timezone

from marquee.core.errors import DomainError
from marquee.payments.errors import PaymentsErrorCode
from marquee.payments.providers import base, keys
from marquee.payments.providers.money import parse_yuan, yuan
from marquee.payments.transport import HttpRequest, Transport, TransportError, UrllibTransport

if TYPE_CHECKING:
    from marquee.payments.models import Payment

DEFAULT_GATEWAY = "https://openapi.alipay.com/gateway.do"
#: Alipay retries a notification for about 25 hours (4 min … 15 h apart).
DEFAULT_NOTIFY_TOLERANCE = 26 * 3600
BEIJING = ZoneInfo("Asia/Shanghai")
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_PAID = {"TRADE_SUCCESS", "TRADE_FINISHED"}


def signing_string(params: Mapping[str, str], *, exclude: frozenset[str]) -> bytes:
    """Alipay's content to sign: sorted ``k=v`` pairs joined with ``&``, empty values left out."""
    pairs = sorted((k, v) for k, v in params.items() if k not in exclude and v != "")
    return "&".join(f"{k}={v}" for k, v in pairs).encode("utf-8")


class AlipayProvider(base.PaymentProvider):
    name = "alipay"
    signature_header = ""  # Alipay signs inside the form body

    def __init__(
        self,
        *,
        app_id: str,
        private_key: str,
        alipay_public_key: str,
        notify_url: str,
        public_url: str,
        gateway: str = DEFAULT_GATEWAY,
        transport: Transport | None = None,
        tolerance: int = DEFAULT_NOTIFY_TOLERANCE,
    ) -> None:
        self.app_id = app_id
        self._private_key = keys.load_private_key(private_key)
        self._alipay_key = keys.load_public_key(alipay_public_key)
        self.notify_url = notify_url
        self.public_url = public_url.rstrip("/")
        self.gateway = gateway
        self.transport = transport or UrllibTransport()
        self.tolerance = tolerance

    # --- requests ---------------------------------------------------------------------

    def signed_params(self, method: str, biz_content: dict[str, Any], **extra: str) -> dict:
        """The common parameters of an open-platform call, signed."""
        params = {
            "app_id": self.app_id,
            "method": method,
            "format": "JSON",
            "charset": "utf-8",
            "sign_type": "RSA2",
            "timestamp": timezone.now().astimezone(BEIJING).strftime(_TIME_FORMAT),
            "version": "1.0",
            "biz_content": json.dumps(biz_content, ensure_ascii=False, separators=(",", ":")),
            **extra,
        }
        params["sign"] = keys.sign(self._private_key, signing_string(params, exclude=frozenset()))
        return params

    def start(self, payment: Payment) -> base.StartedPayment:
        if payment.currency != "CNY":
            raise DomainError(PaymentsErrorCode.INVALID_CURRENCY, "Alipay takes CNY only.")
        extra = {"notify_url": self.notify_url}
        if payment.return_url:
            extra["return_url"] = base.absolute_url(self.public_url, payment.return_url)
        params = self.signed_params(
            "alipay.trade.page.pay",
            {
                "out_trade_no": payment.pk.hex,
                "product_code": "FAST_INSTANT_TRADE_PAY",
                "total_amount": yuan(payment.amount_minor),
                "subject": (payment.description or payment.purpose)[:256],
            },
            **extra,
        )
        return base.StartedPayment(
            provider_ref=payment.pk.hex, redirect_url=f"{self.gateway}?{urlencode(params)}"
        )

    # --- notifications ----------------------------------------------------------------

    def parse_callback(self, *, body: bytes, headers: Mapping[str, str]) -> base.CallbackEvent:
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
        except (UnicodeDecodeError, ValueError):
            raise base.InvalidSignature("The notification is not a signed Alipay form.") from None
        params = dict(pairs)
        signature = params.get("sign", "")
        if len(params) != len(pairs) or not signature or params.get("sign_type") != "RSA2":
            raise base.InvalidSignature("The notification carries no single RSA2 signature.")
        content = signing_string(params, exclude=frozenset({"sign", "sign_type"}))
        if not keys.verify(self._alipay_key, content, signature):
            raise base.InvalidSignature("The notification's signature does not verify.")
        if params.get("app_id") != self.app_id:
            raise base.InvalidSignature("The notification is for another Alipay application.")
        try:
            sent = datetime.strptime(params["notify_time"], _TIME_FORMAT).replace(tzinfo=BEIJING)
            if abs(timezone.now() - sent) > timedelta(seconds=self.tolerance):
                raise base.InvalidSignature("The notification is too old.", stale=True)
            status = params["trade_status"]
            if status not in _PAID and status != "TRADE_CLOSED":
                raise base.InvalidCallback(f"Trade status {status[:30]!r} is not an outcome.")
            event_id = params["notify_id"]
            if not 1 <= len(event_id) <= 100 or not event_id.isprintable():
                raise ValueError("notify_id")
            return base.CallbackEvent(
                event_id=event_id,
                event_type=f"trade_status.{status}",
                payment_id=uuid.UUID(hex=params["out_trade_no"]),
                outcome="succeeded" if status in _PAID else "failed",
                amount_minor=parse_yuan(params["total_amount"]),
                currency="CNY",
                provider_ref=params.get("trade_no", ""),
                reason="" if status in _PAID else "trade_closed",
            )
        except (KeyError, ValueError) as exc:
            raise base.InvalidCallback(
                "The notification is not an Alipay trade notification."
            ) from exc

    def acknowledgement(self) -> tuple[str, bytes]:
        return "text/plain; charset=utf-8", b"success"

    # --- refunds ----------------------------------------------------------------------

    def refund(self, *, payment: Payment, amount_minor: int, refund_id: int) -> base.ProviderRefund:
        request_no = f"refund-{refund_id}"
        params = self.signed_params(
            "alipay.trade.refund",
            {
                "out_trade_no": payment.pk.hex,
                "refund_amount": yuan(amount_minor),
                "out_request_no": request_no,
            },
        )
        answer = self._post(params, "alipay_trade_refund_response")
        if answer.get("code") != "10000":
            raise base.ProviderError(
                f"Alipay refused the refund: {answer.get('sub_msg') or answer.get('msg')}"
            )
        return base.ProviderRefund(provider_ref=request_no)

    def _post(self, params: dict[str, str], response_key: str) -> dict[str, Any]:
        """POST a signed call; returns the verified ``response_key`` object."""
        try:
            response = self.transport.send(
                HttpRequest(
                    "POST",
                    self.gateway,
                    {"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"},
                    urlencode(params).encode(),
                )
            )
        except TransportError as exc:
            raise base.ProviderError(f"Alipay could not be reached: {exc}") from None
        text = response.body.decode("utf-8", "replace")
        raw, doc = _response_object(text, response_key)
        if response.status != 200 or doc is None:
            raise base.ProviderError(
                f"Alipay answered HTTP {response.status} without {response_key}."
            )
        signature = json.loads(text).get("sign", "")
        if not keys.verify(self._alipay_key, raw.encode("utf-8"), signature):
            raise base.ProviderError("Alipay's answer does not carry Alipay's signature.")
        return doc


def _response_object(text: str, key: str) -> tuple[str, dict[str, Any] | None]:
    """The exact JSON text of ``key``'s object in Alipay's answer (what Alipay signed)."""
    marker = f'"{key}"'
    at = text.find(marker)
    if at < 0:
        return "", None
    start = text.find("{", at + len(marker))
    try:
        doc, end = json.JSONDecoder().raw_decode(text, start)
    except ValueError:
        return "", None
    return text[start:end], doc if isinstance(doc, dict) else None
