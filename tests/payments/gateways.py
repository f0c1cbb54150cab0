"""Test doubles of the real gateways: keys made here, notifications signed as each documents.

Each double builds its provider with a stub transport (no network) and signs
notifications exactly as the gateway does, with keys generated in the test.
The stub transport checks our requests' signatures the way the gateway would,
then answers as the gateway documents.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import cache
from urllib.parse import parse_qsl, urlencode, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.utils import timezone

from marquee.payments.providers import keys
from marquee.payments.providers.alipay import BEIJING, AlipayProvider, signing_string
from marquee.payments.providers.money import yuan
from marquee.payments.providers.stripe_checkout import StripeProvider
from marquee.payments.providers.wechatpay import WechatPayProvider
from marquee.payments.transport import HttpRequest, HttpResponse

PUBLIC_URL = "https://tickets.example"


@cache
def key_pair(name: str) -> tuple[str, str]:
    """(private PEM, public PEM) of a 2048-bit RSA key made for this test run."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


class StubTransport:
    """Records every request and answers with ``handler(request)``; never opens a socket."""

    def __init__(self, handler: Callable[[HttpRequest], HttpResponse] | None = None) -> None:
        self.requests: list[HttpRequest] = []
        self.handler = handler

    def send(self, request: HttpRequest) -> HttpResponse:
        self.requests.append(request)
        if self.handler is None:
            raise AssertionError(f"unexpected gateway call {request.method} {request.url}")
        return self.handler(request)


class GatewayDouble:
    """What every double offers the shared tests."""

    name: str
    content_type = "application/json"
    provider: object
    transport: StubTransport

    def notify(self, payment, **changes) -> tuple[bytes, dict[str, str]]:
        raise NotImplementedError

    def forged(self, payment) -> tuple[bytes, dict[str, str]]:
        """A success notification signed with a key that is not the gateway's."""
        raise NotImplementedError

    def tampered(self, payment) -> tuple[bytes, dict[str, str]]:
        """A correctly signed notification whose amount was changed afterwards."""
        raise NotImplementedError

    def prepare_start(self) -> None:
        """Make the stub answer the call that opens a payment (if the gateway has one)."""

    def answer_refund(self) -> None:
        raise NotImplementedError

    def answer_refund_refused(self) -> None:
        raise NotImplementedError

    def refund_request(self) -> dict:
        """What our refund call asked the gateway (checked against its signature)."""
        raise NotImplementedError


# --- Alipay -----------------------------------------------------------------------------


class AlipayDouble(GatewayDouble):
    name = "alipay"
    content_type = "application/x-www-form-urlencoded; charset=utf-8"
    app_id = "2021000000000001"

    def __init__(self) -> None:
        self.app_private, self.app_public = key_pair("alipay-app")
        self.alipay_private, self.alipay_public = key_pair("alipay-platform")
        self.transport = StubTransport()
        self.provider = AlipayProvider(
            app_id=self.app_id,
            private_key=self.app_private,
            alipay_public_key=self.alipay_public,
            notify_url=f"{PUBLIC_URL}/api/v1/payments/webhooks/alipay",
            public_url=PUBLIC_URL,
            transport=self.transport,
        )

    def _params(self, payment, **changes) -> dict[str, str]:
        params = {
            "notify_time": timezone.now().astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
            "notify_type": "trade_status_sync",
            "notify_id": f"ac05099524730693a8b330c5ecf72da{secrets.token_hex(4)}",
            "app_id": self.app_id,
            "charset": "utf-8",
            "version": "1.0",
            "sign_type": "RSA2",
            "trade_no": f"2026120222001{secrets.randbelow(10**8):08d}",
            "out_trade_no": payment.pk.hex,
            "trade_status": "TRADE_SUCCESS",
            "total_amount": yuan(payment.amount_minor),
            "receipt_amount": yuan(payment.amount_minor),
            "buyer_id": "2088102177846880",
            "subject": "Tickets",
        }
        if "amount_minor" in changes:
            params["total_amount"] = yuan(changes.pop("amount_minor"))
        if "age" in changes:
            sent = timezone.now() - changes.pop("age")
            params["notify_time"] = sent.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
        if "payment_id" in changes:
            params["out_trade_no"] = changes.pop("payment_id").hex
        params.update(changes)
        return params

    def _signed(self, params: dict[str, str], private: str) -> bytes:
        content = signing_string(params, exclude=frozenset({"sign", "sign_type"}))
        params = {**params, "sign": keys.sign(keys.load_private_key(private), content)}
        return urlencode(params).encode()

    def notify(self, payment, **changes):
        headers = {"Content-Type": self.content_type}
        return self._signed(self._params(payment, **changes), self.alipay_private), headers

    def forged(self, payment):
        headers = {"Content-Type": self.content_type}
        return self._signed(self._params(payment), self.app_private), headers

    def tampered(self, payment):
        body, headers = self.notify(payment)
        params = dict(parse_qsl(body.decode()))
        params["total_amount"] = yuan(1)
        return urlencode(params).encode(), headers

    def answer_refund(self, code: str = "10000") -> None:
        def handler(request: HttpRequest) -> HttpResponse:
            params = dict(parse_qsl(request.body.decode()))
            assert request.url == "https://openapi.alipay.com/gateway.do"
            content = signing_string(params, exclude=frozenset({"sign"}))
            assert keys.verify(keys.load_public_key(self.app_public), content, params["sign"])
            biz = json.loads(params["biz_content"])
            inner = json.dumps(
                {
                    "code": code,
                    "msg": "Success" if code == "10000" else "Business Failed",
                    "sub_msg": "" if code == "10000" else "交易不存在",
                    "trade_no": "2026120222001000000001",
                    "out_trade_no": biz["out_trade_no"],
                    "refund_fee": biz["refund_amount"],
                    "fund_change": "Y",
                },
                separators=(",", ":"),
            )
            sign = keys.sign(keys.load_private_key(self.alipay_private), inner.encode())
            text = f'{{"alipay_trade_refund_response":{inner},"sign":"{sign}"}}'
            return HttpResponse(200, {"Content-Type": "application/json"}, text.encode())

        self.transport.handler = handler

    def answer_refund_refused(self) -> None:
        self.answer_refund(code="40004")

    def refund_request(self) -> dict:
        params = dict(parse_qsl(self.transport.requests[-1].body.decode()))
        assert params["method"] == "alipay.trade.refund"
        biz = json.loads(params["biz_content"])
        return {"amount": biz["refund_amount"], "order": biz["out_trade_no"]}


# --- WeChat Pay -------------------------------------------------------------------------


class WechatPayDouble(GatewayDouble):
    name = "wechatpay"
    mchid = "1900000001"
    platform_serial = "PUB_KEY_ID_0114232134912410000000000000"

    def __init__(self) -> None:
        self.merchant_private, self.merchant_public = key_pair("wechat-merchant")
        self.platform_private, self.platform_public = key_pair("wechat-platform")
        self.apiv3_key = secrets.token_hex(16)
        self.transport = StubTransport()
        self.provider = WechatPayProvider(
            mchid=self.mchid,
            appid="wxd678efh567hg6787",
            private_key=self.merchant_private,
            cert_serial_no="5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
            apiv3_key=self.apiv3_key,
            platform_public_key=self.platform_public,
            platform_serial=self.platform_serial,
            notify_url=f"{PUBLIC_URL}/api/v1/payments/webhooks/wechatpay",
            transport=self.transport,
        )

    def signed_headers(self, body: bytes, *, private: str | None = None, age: int = 0) -> dict:
        timestamp = str(int(time.time()) - age)
        nonce = secrets.token_hex(16)
        message = f"{timestamp}\n{nonce}\n".encode() + body + b"\n"
        signature = keys.sign(keys.load_private_key(private or self.platform_private), message)
        return {
            "Content-Type": "application/json",
            "Wechatpay-Timestamp": timestamp,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Signature": signature,
            "Wechatpay-Serial": self.platform_serial,
        }

    def _body(self, payment, **changes) -> bytes:
        transaction = {
            "mchid": self.mchid,
            "appid": "wxd678efh567hg6787",
            "out_trade_no": changes.pop("payment_id", payment.pk).hex,
            "transaction_id": f"42000000002026120{secrets.randbelow(10**9):09d}",
            "trade_type": "NATIVE",
            "trade_state": "SUCCESS",
            "trade_state_desc": "支付成功",
            "bank_type": "CMC",
            "success_time": "2026-12-02T11:00:00+08:00",
            "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
            "amount": {
                "total": changes.pop("amount_minor", payment.amount_minor),
                "payer_total": payment.amount_minor,
                "currency": "CNY",
                "payer_currency": "CNY",
            },
        }
        nonce = secrets.token_hex(6)
        ciphertext = AESGCM(self.apiv3_key.encode()).encrypt(
            nonce.encode(), json.dumps(transaction).encode(), b"transaction"
        )
        doc = {
            "id": f"EV-2026120211{secrets.token_hex(8)}",
            "create_time": "2026-12-02T11:00:01+08:00",
            "resource_type": "encrypt-resource",
            "event_type": "TRANSACTION.SUCCESS",
            "summary": "支付成功",
            "resource": {
                "original_type": "transaction",
                "algorithm": "AEAD_AES_256_GCM",
                "ciphertext": base64.b64encode(ciphertext).decode(),
                "associated_data": "transaction",
                "nonce": nonce,
            },
        }
        return json.dumps(doc, ensure_ascii=False).encode()

    def notify(self, payment, **changes):
        age = changes.pop("age", timedelta(0))
        body = self._body(payment, **changes)
        return body, self.signed_headers(body, age=int(age.total_seconds()))

    def forged(self, payment):
        body = self._body(payment)
        return body, self.signed_headers(body, private=self.merchant_private)

    def tampered(self, payment):
        body, headers = self.notify(payment)
        doc = json.loads(body)
        doc["summary"] = "amount: 0.01"
        return json.dumps(doc, ensure_ascii=False).encode(), headers

    def _check_authorization(self, request: HttpRequest) -> None:
        scheme, _, rest = request.headers["Authorization"].partition(" ")
        assert scheme == "WECHATPAY2-SHA256-RSA2048"
        fields = dict(part.split("=", 1) for part in rest.split(","))
        fields = {k: v.strip('"') for k, v in fields.items()}
        assert fields["mchid"] == self.mchid
        path = urlsplit(request.url).path
        message = (
            f"{request.method}\n{path}\n{fields['timestamp']}\n{fields['nonce_str']}\n".encode()
            + request.body
            + b"\n"
        )
        public = keys.load_public_key(self.merchant_public)
        assert keys.verify(public, message, fields["signature"])

    def answer(self, doc: dict, status: int = 200, *, signed: bool = True) -> None:
        def handler(request: HttpRequest) -> HttpResponse:
            self._check_authorization(request)
            body = json.dumps(doc).encode()
            headers = self.signed_headers(body) if signed else {}
            return HttpResponse(status, headers, body)

        self.transport.handler = handler

    def prepare_start(self) -> None:
        self.answer({"code_url": "weixin://wxpay/bizpayurl?pr=NwY5Mz9"})

    def answer_refund(self) -> None:
        self.answer({"refund_id": "50000000382019052709732678859", "status": "PROCESSING"})

    def answer_refund_refused(self) -> None:
        self.answer({"code": "NOT_ENOUGH", "message": "基本账户余额不足"}, 403, signed=False)

    def refund_request(self) -> dict:
        request = self.transport.requests[-1]
        assert request.url == "https://api.mch.weixin.qq.com/v3/refund/domestic/refunds"
        doc = json.loads(request.body)
        return {"amount": yuan(doc["amount"]["refund"]), "order": doc["out_trade_no"]}


# --- Stripe -----------------------------------------------------------------------------


class StripeDouble(GatewayDouble):
    name = "stripe"

    def __init__(self) -> None:
        self.webhook_secret = f"whsec_{secrets.token_hex(16)}"
        self.transport = StubTransport()
        self.provider = StripeProvider(
            secret_key="sk_test_marquee",
            webhook_secret=self.webhook_secret,
            public_url=PUBLIC_URL,
            transport=self.transport,
        )

    def signature(self, body: bytes, *, secret: str | None = None, age: int = 0) -> str:
        """``Stripe-Signature`` as Stripe documents it: ``t=<unix>,v1=HMAC-SHA256(t + "." + body)``."""
        t = int(time.time()) - age
        mac = hmac.new(
            (secret or self.webhook_secret).encode(), f"{t}.".encode() + body, hashlib.sha256
        )
        return f"t={t},v1={mac.hexdigest()}"

    def _body(self, payment, **changes) -> bytes:
        session = {
            "id": f"cs_test_{secrets.token_hex(8)}",
            "object": "checkout.session",
            "client_reference_id": str(changes.pop("payment_id", payment.pk)),
            "amount_total": changes.pop("amount_minor", payment.amount_minor),
            "currency": payment.currency.lower(),
            "payment_status": "paid",
            "status": "complete",
            "payment_intent": f"pi_{secrets.token_hex(8)}",
            "metadata": {"payment_id": str(payment.pk)},
        }
        event = {
            "id": f"evt_{secrets.token_hex(8)}",
            "object": "event",
            "api_version": "2025-01-27.acacia",
            "created": int(time.time()),
            "type": changes.pop("type", "checkout.session.completed"),
            "livemode": False,
            "data": {"object": session},
        }
        return json.dumps(event).encode()

    def notify(self, payment, **changes):
        age = int(changes.pop("age", timedelta(0)).total_seconds())
        body = self._body(payment, **changes)
        return body, {
            "Content-Type": "application/json",
            "Stripe-Signature": self.signature(body, age=age),
        }

    def forged(self, payment):
        body = self._body(payment)
        signature = self.signature(body, secret="whsec_not_the_endpoint_secret")
        return body, {"Content-Type": "application/json", "Stripe-Signature": signature}

    def tampered(self, payment):
        body, headers = self.notify(payment)
        return body.replace(b'"amount_total": ', b'"amount_total": 1'), headers

    def answer(self, doc: dict, status: int = 200) -> None:
        def handler(request: HttpRequest) -> HttpResponse:
            assert request.headers["Authorization"] == "Bearer sk_test_marquee"
            return HttpResponse(status, {"Request-Id": "req_1"}, json.dumps(doc).encode())

        self.transport.handler = handler

    def prepare_start(self) -> None:
        self.answer(
            {
                "id": "cs_test_a1",
                "object": "checkout.session",
                "url": "https://checkout.stripe.com/c/pay/cs_test_a1",
            }
        )

    def answer_refund(self) -> None:
        self.answer({"id": "re_3MtwBwLkdIwHu7ix", "object": "refund", "status": "succeeded"})

    def answer_refund_refused(self) -> None:
        error = {"type": "invalid_request_error", "code": "charge_already_refunded"}
        self.answer({"error": {**error, "message": "Charge has already been refunded."}}, 400)

    def refund_request(self) -> dict:
        request = self.transport.requests[-1]
        assert request.url == "https://api.stripe.com/v1/refunds"
        assert request.headers["Idempotency-Key"].startswith("refund-")
        form = dict(parse_qsl(request.body.decode()))
        assert form["payment_intent"].startswith("pi_")
        return {
            "amount": yuan(int(form["amount"])),
            "order": uuid.UUID(form["metadata[payment_id]"]).hex,
        }


DOUBLES = {"alipay": AlipayDouble, "wechatpay": WechatPayDouble, "stripe": StripeDouble}
