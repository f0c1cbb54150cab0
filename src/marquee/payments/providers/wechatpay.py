"""WeChat Pay (微信支付) API v3: Native payment, notifications, refunds.

Implements the documented API v3 scheme on :mod:`cryptography`:

- **Signed requests**: ``Authorization: WECHATPAY2-SHA256-RSA2048
  mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…"`` where
  the signature is SHA256withRSA, with the merchant's API private key, over
  ``METHOD\\nPATH?QUERY\\nTIMESTAMP\\nNONCE\\nBODY\\n``.
- **Signed answers and notifications**: headers ``Wechatpay-Timestamp``,
  ``Wechatpay-Nonce``, ``Wechatpay-Signature``, ``Wechatpay-Serial``; the
  signature over ``TIMESTAMP\\nNONCE\\nBODY\\n`` verifies with the WeChat Pay
  platform public key (or platform certificate) whose id/serial is
  configured; timestamps older than five minutes are refused.
- **Notification resource**: ``AEAD_AES_256_GCM`` with the merchant's APIv3
  key, the resource's ``nonce`` and ``associated_data``.
- **Refund**: ``POST /v3/refund/domestic/refunds``.

Native payment answers a ``code_url`` (``weixin://wxpay/bizpayurl?pr=…``) that
the buyer scans with WeChat; it is the payment's ``redirect_url``.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import time
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from marquee.core.errors import DomainError
from marquee.payments.errors import PaymentsErrorCode
from marquee.payments.providers import base, keys
from marquee.payments.transport import (
    HttpRequest,
    HttpResponse,
    Transport,
    TransportError,
    UrllibTransport,
)

if TYPE_CHECKING:
    from marquee.payments.models import Payment

DEFAULT_API_BASE = "https://api.mch.weixin.qq.com"
AUTH_SCHEME = "WECHATPAY2-SHA256-RSA2048"


def decrypt_resource(apiv3_key: bytes, resource: Mapping[str, Any]) -> bytes:
    """The plaintext of a notification's encrypted ``resource`` (AEAD_AES_256_GCM)."""
    if resource.get("algorithm") != "AEAD_AES_256_GCM":
        raise ValueError("unknown algorithm")
    return AESGCM(apiv3_key).decrypt(
        str(resource["nonce"]).encode(),
        base64.b64decode(str(resource["ciphertext"]), validate=True),
        str(resource.get("associated_data", "")).encode(),
    )


class WechatPayProvider(base.PaymentProvider):
    name = "wechatpay"
    signature_header = "Wechatpay-Signature"

    def __init__(
        self,
        *,
        mchid: str,
        appid: str,
        private_key: str,
        cert_serial_no: str,
        apiv3_key: str,
        platform_public_key: str,
        platform_serial: str,
        notify_url: str,
        api_base: str = DEFAULT_API_BASE,
        transport: Transport | None = None,
        tolerance: int = base.DEFAULT_TOLERANCE_SECONDS,
    ) -> None:
        if len(apiv3_key.encode()) != 32:
            raise keys.BadKey("the APIv3 key is 32 characters")
        self.mchid = mchid
        self.appid = appid
        self._private_key = keys.load_private_key(private_key)
        self.cert_serial_no = cert_serial_no
        self._apiv3_key = apiv3_key.encode()
        self._platform_key = keys.load_public_key(platform_public_key)
        self.platform_serial = platform_serial
        self.notify_url = notify_url
        self.api_base = api_base.rstrip("/")
        self.transport = transport or UrllibTransport()
        self.tolerance = tolerance

    # --- signatures -------------------------------------------------------------------

    def authorization(self, method: str, path: str, body: str) -> str:
        """The ``Authorization`` header of a request to ``path`` (with its query)."""
        timestamp = str(int(time.time()))
        nonce = secrets.token_hex(16)
        message = f"{method}\n{path}\n{timestamp}\n{nonce}\n{body}\n".encode()
        signature = keys.sign(self._private_key, message)
        return (
            f'{AUTH_SCHEME} mchid="{self.mchid}",nonce_str="{nonce}",signature="{signature}",'
            f'timestamp="{timestamp}",serial_no="{self.cert_serial_no}"'
        )

    def verify_signed(self, headers: Mapping[str, str], body: bytes) -> None:
        """Check WeChat Pay's signature headers over ``body``; raises :class:`base.InvalidSignature`."""
        timestamp = base.header(headers, "Wechatpay-Timestamp")
        nonce = base.header(headers, "Wechatpay-Nonce")
        signature = base.header(headers, "Wechatpay-Signature")
        serial = base.header(headers, "Wechatpay-Serial")
        if not (timestamp and nonce and signature and serial):
            raise base.InvalidSignature("The Wechatpay-* signature headers are missing.")
        if serial != self.platform_serial:
            raise base.InvalidSignature("The answer is signed with an unknown platform key.")
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
            raise base.InvalidSignature("The Wechatpay-Timestamp header is malformed.")
        message = f"{timestamp}\n{nonce}\n".encode() + body + b"\n"
        if not keys.verify(self._platform_key, message, signature):
            raise base.InvalidSignature("The WeChat Pay signature does not verify.")
        if abs(time.time() - int(timestamp)) > self.tolerance:
            raise base.InvalidSignature(
                "The signed timestamp is outside the tolerance.", stale=True
            )

    def _call(self, method: str, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        """A signed API call; returns the verified JSON answer (2xx) or raises base.ProviderError."""
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        request = HttpRequest(
            method,
            f"{self.api_base}{path}",
            {
                "Authorization": self.authorization(method, path, body),
                "Accept": "application/json",
                "Content-Type": "application/json",
            },
            body.encode(),
        )
        try:
            response = self.transport.send(request)
        except TransportError as exc:
            raise base.ProviderError(f"WeChat Pay could not be reached: {exc}") from None
        doc = _json(response)
        if not 200 <= response.status < 300:
            raise base.ProviderError(
                f"WeChat Pay answered {response.status} {doc.get('code', '')}: "
                f"{str(doc.get('message', ''))[:200]}"
            )
        try:
            self.verify_signed(response.headers, response.body)
        except base.InvalidSignature as exc:
            raise base.ProviderError(
                f"WeChat Pay's answer is not authentic: {exc.message}"
            ) from None
        return doc

    # --- the interface ----------------------------------------------------------------

    def start(self, payment: Payment) -> base.StartedPayment:
        if payment.currency != "CNY":
            raise DomainError(PaymentsErrorCode.INVALID_CURRENCY, "WeChat Pay takes CNY only.")
        doc = self._call(
            "POST",
            "/v3/pay/transactions/native",
            {
                "appid": self.appid,
                "mchid": self.mchid,
                "description": (payment.description or payment.purpose)[:127],
                "out_trade_no": payment.pk.hex,
                "notify_url": self.notify_url,
                "amount": {"total": payment.amount_minor, "currency": "CNY"},
            },
        )
        code_url = doc.get("code_url")
        if not isinstance(code_url, str) or not code_url:
            raise base.ProviderError("WeChat Pay answered without a code_url.")
        return base.StartedPayment(provider_ref=payment.pk.hex, redirect_url=code_url)

    def parse_callback(self, *, body: bytes, headers: Mapping[str, str]) -> base.CallbackEvent:
        self.verify_signed(headers, body)
        try:
            doc = json.loads(body)
            if doc["event_type"] != "TRANSACTION.SUCCESS":
                raise base.InvalidCallback(
                    f"Event {str(doc['event_type'])[:40]!r} is not an outcome."
                )
            transaction = json.loads(decrypt_resource(self._apiv3_key, doc["resource"]))
            if transaction["mchid"] != self.mchid or transaction["trade_state"] != "SUCCESS":
                raise ValueError("another merchant's or an unpaid transaction")
            amount = transaction["amount"]["total"]
            if isinstance(amount, bool) or not isinstance(amount, int):
                raise TypeError("amount.total")
            event_id = str(doc["id"])
            if not 1 <= len(event_id) <= 100 or not event_id.isprintable():
                raise ValueError("id")
            return base.CallbackEvent(
                event_id=event_id,
                event_type=doc["event_type"],
                payment_id=uuid.UUID(hex=str(transaction["out_trade_no"])),
                outcome="succeeded",
                amount_minor=amount,
                currency=str(transaction["amount"].get("currency", "CNY")),
                provider_ref=str(transaction.get("transaction_id", "")),
            )
        except (ValueError, KeyError, TypeError, AttributeError, InvalidTag, binascii.Error) as e:
            raise base.InvalidCallback("The notification is not a WeChat Pay transaction.") from e

    def refund(self, *, payment: Payment, amount_minor: int, refund_id: int) -> base.ProviderRefund:
        doc = self._call(
            "POST",
            "/v3/refund/domestic/refunds",
            {
                "out_trade_no": payment.pk.hex,
                "out_refund_no": f"refund-{refund_id}",
                "amount": {
                    "refund": amount_minor,
                    "total": payment.amount_minor,
                    "currency": payment.currency,
                },
            },
        )
        if doc.get("status") not in {"SUCCESS", "PROCESSING"}:
            raise base.ProviderError(f"WeChat Pay refused the refund ({doc.get('status')}).")
        return base.ProviderRefund(provider_ref=str(doc.get("refund_id", f"refund-{refund_id}")))


def _json(response: HttpResponse) -> dict[str, Any]:
    try:
        doc = json.loads(response.body or b"{}")
    except ValueError:
        return {}
    return doc if isinstance(doc, dict) else {}
