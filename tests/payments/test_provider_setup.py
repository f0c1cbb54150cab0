"""Which providers exist and how each opens a payment; the webhook's limits; no import circle."""

from __future__ import annotations

import ast
import hashlib
import json
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured

import marquee.payments
from marquee.core.errors import DomainError
from marquee.payments import registry
from marquee.payments.models import CallbackLog, Payment
from marquee.payments.providers import keys
from marquee.payments.providers.base import ProviderError
from marquee.payments.providers.setup import register_configured_providers
from tests.payments.gateways import (
    PUBLIC_URL,
    AlipayDouble,
    StripeDouble,
    WechatPayDouble,
    key_pair,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clean_registry():
    """The registry as start-up left it, restored afterwards."""
    saved = dict(registry._PROVIDERS)
    registry._PROVIDERS.clear()
    yield registry._PROVIDERS
    registry._PROVIDERS.clear()
    registry._PROVIDERS.update(saved)


def _use(settings, double):
    registry.register_provider(double.provider)
    settings.MARQUEE_PAYMENT_PROVIDER = double.name
    return double


@pytest.fixture
def unregister():
    names = []
    yield names
    for name in names:
        registry.unregister_provider(name)


# --- start-up -----------------------------------------------------------------------


def test_production_refuses_the_simulator(settings, clean_registry):
    settings.PRODUCTION = True
    settings.MARQUEE_PAYMENT_PROVIDER = "sim"
    with pytest.raises(ImproperlyConfigured, match="simulated gateway does not exist"):
        register_configured_providers()
    assert "sim" not in clean_registry


def test_production_registers_the_configured_provider_and_no_simulator(settings, clean_registry):
    settings.PRODUCTION = True
    settings.MARQUEE_PUBLIC_URL = PUBLIC_URL
    settings.MARQUEE_STRIPE = {"secret_key": "sk_live_x", "webhook_secret": "whsec_x"}
    settings.MARQUEE_PAYMENT_PROVIDER = "stripe"
    assert register_configured_providers() == ["stripe"]
    assert set(clean_registry) == {"stripe"}


def test_a_half_configured_provider_refuses_to_start_naming_what_is_missing(
    settings, clean_registry
):
    settings.MARQUEE_PUBLIC_URL = ""
    settings.MARQUEE_ALIPAY = {"app_id": "2021000000000001", "private_key": "", "gateway": ""}
    settings.MARQUEE_PAYMENT_PROVIDER = "sim"
    with pytest.raises(ImproperlyConfigured) as refused:
        register_configured_providers()
    message = str(refused.value)
    for env in ["MARQUEE_ALIPAY_PRIVATE_KEY", "MARQUEE_ALIPAY_PUBLIC_KEY", "MARQUEE_PUBLIC_URL"]:
        assert env in message


def test_a_selected_provider_without_configuration_refuses_to_start(settings, clean_registry):
    settings.MARQUEE_WECHATPAY = {}
    settings.MARQUEE_PAYMENT_PROVIDER = "wechatpay"
    with pytest.raises(ImproperlyConfigured, match="MARQUEE_WECHATPAY_APIV3_KEY"):
        register_configured_providers()
    settings.MARQUEE_PAYMENT_PROVIDER = "paypal"
    with pytest.raises(ImproperlyConfigured, match="no such provider"):
        register_configured_providers()


def test_keys_that_do_not_load_refuse_to_start(settings, clean_registry):
    settings.MARQUEE_PUBLIC_URL = PUBLIC_URL
    settings.MARQUEE_ALIPAY = {
        "app_id": "2021000000000001",
        "private_key": "not a key",
        "alipay_public_key": key_pair("alipay-platform")[1],
    }
    settings.MARQUEE_PAYMENT_PROVIDER = "alipay"
    with pytest.raises(ImproperlyConfigured, match="alipay payment provider's keys"):
        register_configured_providers()


def test_alipay_keys_are_accepted_as_bare_base64_too():
    private, public = key_pair("alipay-app")
    bare = "".join(line for line in public.splitlines() if not line.startswith("-----"))
    signature = keys.sign(keys.load_private_key(private), b"a=1&b=2")
    assert keys.verify(keys.load_public_key(bare), b"a=1&b=2", signature)
    assert not keys.verify(keys.load_public_key(bare), b"a=1&b=3", signature)


def test_the_simulator_is_the_default_outside_production(settings, clean_registry):
    settings.MARQUEE_PAYMENT_PROVIDER = ""
    settings.MARQUEE_ALIPAY = settings.MARQUEE_WECHATPAY = settings.MARQUEE_STRIPE = {}
    assert register_configured_providers() == ["sim"]


# --- opening a payment at each gateway --------------------------------------------------


def test_alipay_page_pay_url_is_signed_with_the_merchant_key(settings, new_payment, unregister):
    gateway = _use(settings, AlipayDouble())
    unregister.append(gateway.name)
    payment = new_payment(amount_minor=9600, return_url="/orders/7")
    # The signed URL is long: it must fit the column on PostgreSQL too.
    assert len(payment.redirect_url) > 500
    assert Payment.objects.get(pk=payment.pk).checkout_url == payment.redirect_url
    url = urlsplit(payment.redirect_url)
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://openapi.alipay.com/gateway.do"
    params = dict(parse_qsl(url.query))
    from marquee.payments.providers.alipay import signing_string

    content = signing_string(params, exclude=frozenset({"sign"}))
    assert keys.verify(keys.load_public_key(gateway.app_public), content, params["sign"])
    biz = json.loads(params["biz_content"])
    assert params["method"] == "alipay.trade.page.pay" and params["sign_type"] == "RSA2"
    assert biz["total_amount"] == "96.00" and biz["out_trade_no"] == payment.pk.hex
    assert params["return_url"] == f"{PUBLIC_URL}/orders/7"
    assert params["notify_url"] == f"{PUBLIC_URL}/api/v1/payments/webhooks/alipay"
    assert gateway.transport.requests == []  # page pay sends nothing itself


def test_wechat_native_order_is_signed_and_its_answer_verified(settings, new_payment, unregister):
    gateway = _use(settings, WechatPayDouble())
    unregister.append(gateway.name)
    gateway.prepare_start()  # the stub checks our Authorization signature
    payment = new_payment(amount_minor=9600)
    assert payment.redirect_url == "weixin://wxpay/bizpayurl?pr=NwY5Mz9"
    sent = json.loads(gateway.transport.requests[-1].body)
    assert gateway.transport.requests[-1].url.endswith("/v3/pay/transactions/native")
    assert sent["amount"] == {"total": 9600, "currency": "CNY"}
    assert sent["out_trade_no"] == payment.pk.hex

    gateway.answer({"code_url": "weixin://wxpay/bizpayurl?pr=forged"}, signed=False)
    before = Payment.objects.count()
    with pytest.raises(ProviderError, match="not authentic"):
        new_payment(amount_minor=9600)
    assert Payment.objects.count() == before


def test_stripe_checkout_session_is_created_once_per_payment(settings, new_payment, unregister):
    gateway = _use(settings, StripeDouble())
    unregister.append(gateway.name)
    gateway.prepare_start()
    payment = new_payment(amount_minor=9600, currency="HKD", return_url="/orders/7")
    assert payment.redirect_url == "https://checkout.stripe.com/c/pay/cs_test_a1"
    assert payment.provider_ref == "cs_test_a1"
    request = gateway.transport.requests[-1]
    assert request.url == "https://api.stripe.com/v1/checkout/sessions"
    assert request.headers["Idempotency-Key"] == f"payment-{payment.pk}"
    form = dict(parse_qsl(request.body.decode()))
    assert form["client_reference_id"] == str(payment.pk)
    assert form["line_items[0][price_data][unit_amount]"] == "9600"
    assert form["line_items[0][price_data][currency]"] == "hkd"
    assert form["success_url"] == f"{PUBLIC_URL}/orders/7"


@pytest.mark.parametrize("double", [AlipayDouble, WechatPayDouble])
def test_the_chinese_gateways_take_yuan_only(settings, new_payment, unregister, double):
    gateway = _use(settings, double())
    unregister.append(gateway.name)
    with pytest.raises(DomainError) as refused:
        new_payment(amount_minor=9600, currency="HKD")
    assert refused.value.code == "invalid_currency"
    assert gateway.transport.requests == []


# --- the webhook's limits -----------------------------------------------------------------


def test_an_unsigned_body_is_kept_only_in_part(client):
    body = b"A" * 10_240
    r = client.post("/api/v1/payments/webhooks/sim", body, content_type="application/json")
    assert r.status_code == 400
    log = CallbackLog.objects.get()
    assert log.verdict == "invalid_signature"
    assert len(log.body) == 2048
    assert log.body_length == 10_240
    assert log.body_sha256 == hashlib.sha256(body).hexdigest()


def test_an_oversized_body_is_refused_unread(client):
    r = client.post(
        "/api/v1/payments/webhooks/sim", b"{" + b" " * 70_000, content_type="application/json"
    )
    assert r.status_code == 413
    assert not CallbackLog.objects.exists()


def test_the_webhook_is_rate_limited_per_address(client, settings):
    settings.MARQUEE_RATE_LIMITS = {
        **settings.MARQUEE_RATE_LIMITS,
        "payment_webhooks": {"ip": "3/min"},
    }
    answers = [
        client.post("/api/v1/payments/webhooks/sim", b"{}", content_type="application/json")
        for _ in range(4)
    ]
    assert [a.status_code for a in answers] == [400, 400, 400, 429]
    assert int(answers[-1]["Retry-After"]) >= 1
    assert answers[-1].json()["code"] == "rate_limited"
    assert CallbackLog.objects.count() == 3
    other = client.post(
        "/api/v1/payments/webhooks/sim",
        b"{}",
        content_type="application/json",
        REMOTE_ADDR="203.0.113.9",
    )
    assert other.status_code == 400


# --- no import circle in payments -----------------------------------------------------------


def _imports(path: Path) -> set[str]:
    """Modules ``path`` imports anywhere (functions included), except under TYPE_CHECKING."""
    tree = ast.parse(path.read_text())
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for n in ast.walk(node))
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_payments_has_no_import_circle():
    root = Path(marquee.payments.__file__).parent
    modules = {}
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(root.parent.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    graph = {m: {i for i in _imports(p) if i in modules and i != m} for m, p in modules.items()}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph[start]:
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    circles = sorted(m for m in graph if reaches(m, m, {m}))
    assert circles == []
    assert "marquee.payments.providers.sim" not in graph["marquee.payments.registry"]


def test_a_page_address_too_long_to_keep_opens_no_payment(settings, new_payment, unregister):
    gateway = _use(settings, StripeDouble())
    unregister.append(gateway.name)
    gateway.answer({"id": "cs_test_a1", "object": "checkout.session", "url": "https://x/" * 500})
    with pytest.raises(ProviderError, match="too long"):
        new_payment(amount_minor=9600)
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("text", "minor"), [("88.00", 8800), ("0.1", 10), ("0.01", 1), ("12", 1200), ("0", 0)]
)
def test_yuan_amounts_parse_exactly(text, minor):
    from marquee.payments.providers.money import parse_yuan, yuan

    assert parse_yuan(text) == minor
    assert parse_yuan(yuan(minor)) == minor


@pytest.mark.parametrize("text", ["88.888", "1e3", "-1.00", "088.00", " 1.00", "1.", "", "NaN"])
def test_yuan_amounts_that_are_not_amounts_are_refused(text):
    from marquee.payments.providers.money import parse_yuan

    with pytest.raises(ValueError):
        parse_yuan(text)
