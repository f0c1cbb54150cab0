"""The provider and purpose registries are pluggable; the admin is read-only for finance."""

from __future__ import annotations

import json
import uuid

import pytest

from marquee.accounts.models import Role, User
from marquee.payments import registry, services
from marquee.payments.models import Payment
from marquee.payments.providers.base import (
    CallbackEvent,
    InvalidSignature,
    PaymentProvider,
    ProviderRefund,
    StartedPayment,
)
from tests.payments.conftest import TEST_PURPOSE

pytestmark = pytest.mark.django_db


class TokenProvider(PaymentProvider):
    """A toy gateway whose callbacks carry a shared token instead of an HMAC."""

    name = "token_pay"

    def start(self, payment):
        return StartedPayment(provider_ref="tp-1", redirect_url=f"https://pay.example/{payment.pk}")

    def parse_callback(self, *, body, headers):
        if headers.get("X-Token") != "s3cret":
            raise InvalidSignature("bad token")
        doc = json.loads(body)
        return CallbackEvent(
            event_id=doc["id"],
            event_type="paid",
            payment_id=uuid.UUID(doc["payment"]),
            outcome="succeeded",
            amount_minor=doc["amount"],
            currency=doc["currency"],
            provider_ref="tp-1",
        )

    def refund(self, *, payment, amount_minor, refund_id):
        return ProviderRefund(provider_ref=f"tp-refund-{refund_id}")


@pytest.fixture
def token_provider(settings):
    registry.register_provider(TokenProvider())
    settings.MARQUEE_PAYMENT_PROVIDER = "token_pay"
    yield
    registry._PROVIDERS.pop("token_pay", None)


def test_a_registered_provider_is_used_end_to_end(
    client, client_for, new_payment, shop, token_provider
):
    payment = new_payment(amount_minor=500, currency="HKD")
    assert payment.provider == "token_pay"
    assert payment.redirect_url == f"https://pay.example/{payment.pk}"
    body = json.dumps(
        {"id": "e1", "payment": str(payment.pk), "amount": 500, "currency": "HKD"}
    ).encode()
    refused = client.post(
        "/api/v1/payments/webhooks/token_pay", body, content_type="application/json"
    )
    assert refused.status_code == 400
    ok = client.post(
        "/api/v1/payments/webhooks/token_pay",
        body,
        content_type="application/json",
        HTTP_X_TOKEN="s3cret",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "succeeded"
    refund = services.refund_payment(payment=payment, amount_minor=200, reason="r")
    assert refund.provider_ref == f"tp-refund-{refund.pk}"
    # A sim callback cannot touch another provider's payment.
    sim_attempt = client_for(payment.payer).post(
        f"/api/v1/payments/sim/{payment.pk}/authorize",
        {"outcome": "decline"},
        content_type="application/json",
    )
    assert sim_attempt.status_code == 404
    payment.refresh_from_db()
    assert payment.status == "partially_refunded"


def test_purposes_register_replace_and_unregister(shop):
    assert registry.get_purpose(TEST_PURPOSE).on_succeeded == shop.on_succeeded
    registry.register_purpose(TEST_PURPOSE, on_succeeded=lambda p: True)
    assert registry.get_purpose(TEST_PURPOSE).on_failed is None
    registry.unregister_purpose(TEST_PURPOSE)
    assert registry.get_purpose(TEST_PURPOSE) is None
    with pytest.raises(ValueError):
        registry.register_purpose("", on_succeeded=lambda p: True)


def test_the_ticket_order_purpose_is_registered_by_ticketing():
    assert registry.get_purpose("ticket_order") is not None


def test_admin_lists_payments_read_only_for_finance(client_for, paid_payment, make_user):
    payment = paid_payment()
    admin = User.objects.create_superuser("root", "root@example.com", "pw-long-enough-1")
    c = client_for(admin)
    for url in [
        "/admin/payments/payment/",
        f"/admin/payments/payment/{payment.pk}/change/",
        "/admin/payments/callbacklog/",
        "/admin/payments/refund/",
        "/admin/payments/simulatedcallback/",
        "/admin/core/idempotencyrecord/",
        "/admin/payments/paymentattempt/",
    ]:
        assert c.get(url).status_code == 200, url
    assert c.get("/admin/payments/payment/add/").status_code == 403
    finance = client_for(make_user(role=Role.FINANCE))
    assert finance.get("/admin/payments/payment/").status_code == 200
    operator = client_for(make_user(role=Role.CINEMA_OPERATOR))
    assert operator.get("/admin/payments/payment/").status_code == 403
    assert Payment.objects.filter(pk=payment.pk, status="succeeded").exists()
