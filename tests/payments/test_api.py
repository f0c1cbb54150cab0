"""The payments HTTP API: webhook, simulated gateway for scripted buyers, reads, refunds."""

from __future__ import annotations

import time
import uuid

import pytest

from marquee.accounts.models import Role
from marquee.payments.models import CallbackLog, Payment, PaymentAttempt, Refund
from tests.payments.conftest import callback_body, signed_headers

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def _webhook(client, body: bytes, headers: dict[str, str], provider: str = "sim"):
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    return client.post(
        f"/api/v1/payments/webhooks/{provider}", body, content_type="application/json", **extra
    )


def _authorize(client, payment_id, outcome: str, key: str | None = None):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(
        f"/api/v1/payments/sim/{payment_id}/authorize",
        {"outcome": outcome},
        content_type="application/json",
        **extra,
    )


# --- webhook --------------------------------------------------------------------------


def test_webhook_accepts_a_signed_callback_then_answers_duplicates_the_same(
    client, new_payment, shop
):
    payment = new_payment()
    body = callback_body(payment)
    r = _webhook(client, body, signed_headers(body))
    assert r.status_code == 200, r.content
    assert r.json() == {"payment_id": str(payment.pk), "status": "succeeded", "duplicate": False}
    again = _webhook(client, body, signed_headers(body))
    assert again.status_code == 200
    assert again.json() == {"payment_id": str(payment.pk), "status": "succeeded", "duplicate": True}
    assert shop.succeeded == [payment.pk]


@pytest.mark.parametrize(
    "make_headers",
    [
        lambda body: {},
        lambda body: {"X-Marquee-Signature": "t=1,v1=deadbeef"},
        lambda body: signed_headers(body, secret=b"forger"),
        lambda body: signed_headers(body, timestamp=int(time.time()) - 3600),
    ],
    ids=["missing", "garbage", "wrong-secret", "stale"],
)
def test_webhook_refuses_bad_signatures_with_a_problem(client, new_payment, shop, make_headers):
    payment = new_payment()
    body = callback_body(payment)
    r = _webhook(client, body, make_headers(body))
    assert r.status_code == 400
    assert r["Content-Type"] == PROBLEM
    assert r.json()["code"] == "invalid_signature"
    payment.refresh_from_db()
    assert payment.status == "pending" and shop.succeeded == []


def test_webhook_unknown_payment_is_404(client, new_payment):
    payment = new_payment()
    body = callback_body(payment, payment_id=str(uuid.uuid4()))
    r = _webhook(client, body, signed_headers(body))
    assert r.status_code == 404 and r.json()["code"] == "payment_not_found"


def test_webhook_signed_garbage_is_400_not_500(client):
    body = b"\x00\x01 definitely not json"
    r = _webhook(client, body, signed_headers(body))
    assert r.status_code == 400 and r.json()["code"] == "invalid_callback"


def test_webhook_of_unknown_provider_is_404(client):
    r = _webhook(client, b"{}", {}, provider="acme")
    assert r.status_code == 404 and r.json()["code"] == "unknown_provider"


def test_webhook_needs_no_csrf_token(new_payment, shop):
    from django.test import Client

    payment = new_payment()
    body = callback_body(payment)
    r = _webhook(Client(enforce_csrf_checks=True), body, signed_headers(body))
    assert r.status_code == 200


# --- simulated gateway for scripted buyers ------------------------------------------------


def test_authorize_succeed_through_the_api(client_for, new_payment, shop):
    payment = new_payment(return_url="/orders/1")
    r = _authorize(client_for(payment.payer), payment.pk, "succeed")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "succeeded" and body["outcome"] == "succeed"
    assert body["return_url"] == "/orders/1"
    assert [(d["http_status"], d["code"]) for d in body["deliveries"]] == [(200, "ok")]


def test_authorize_is_idempotent_with_a_key(client_for, new_payment, shop):
    payment = new_payment()
    c = client_for(payment.payer)
    first = _authorize(c, payment.pk, "duplicate", key="pay-1")
    second = _authorize(c, payment.pk, "duplicate", key="pay-1")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert PaymentAttempt.objects.filter(payment=payment).count() == 1
    assert shop.succeeded == [payment.pk]
    reused = _authorize(c, payment.pk, "decline", key="pay-1")
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    without_key = _authorize(c, payment.pk, "succeed")
    assert without_key.status_code == 409 and without_key.json()["code"] == "payment_not_pending"


def test_authorize_errors_are_replayed_for_the_same_key(client_for, new_payment, shop):
    payment = new_payment()
    c = client_for(payment.payer)
    assert _authorize(c, payment.pk, "delay").status_code == 200
    first = _authorize(c, payment.pk, "succeed", key="k")
    assert first.status_code == 409 and first.json()["code"] == "payment_already_authorized"
    c.post(f"/api/v1/payments/sim/{payment.pk}/deliver")
    replay = _authorize(c, payment.pk, "succeed", key="k")
    assert replay.status_code == 409 and replay.json()["code"] == "payment_already_authorized"


def test_authorize_is_for_the_payer_only(client, client_for, new_payment, make_user):
    payment = new_payment()
    assert _authorize(client, payment.pk, "succeed").status_code == 401
    r = _authorize(client_for(make_user()), payment.pk, "succeed")
    assert r.status_code == 404 and r.json()["code"] == "payment_not_found"
    assert not PaymentAttempt.objects.exists()


@pytest.mark.parametrize(
    "path_id", ["not-a-uuid", "00000000-0000-0000-0000-00000000000g", "1' OR 1=1"]
)
def test_bad_ids_and_outcomes_are_422_not_500(client_for, new_payment, path_id):
    payment = new_payment()
    c = client_for(payment.payer)
    assert _authorize(c, path_id, "succeed").status_code in (404, 422)
    r = _authorize(c, payment.pk, "steal")
    assert r.status_code == 422 and r.json()["code"] == "validation_error"
    assert c.get(f"/api/v1/payments/{path_id}").status_code in (404, 422)


def test_forged_outcome_through_the_api_leaves_the_payment_pending(client_for, new_payment, shop):
    payment = new_payment()
    r = _authorize(client_for(payment.payer), payment.pk, "forged")
    assert r.status_code == 200
    assert r.json()["status"] == "pending"
    assert r.json()["deliveries"][0]["http_status"] == 400
    assert r.json()["deliveries"][0]["code"] == "invalid_signature"
    assert CallbackLog.objects.get().verdict == "invalid_signature"


def test_delay_then_deliver_through_the_api(client_for, new_payment, shop):
    payment = new_payment()
    c = client_for(payment.payer)
    r = _authorize(c, payment.pk, "delay")
    assert r.json()["status"] == "pending" and r.json()["pending_callbacks"] == 1
    d = c.post(f"/api/v1/payments/sim/{payment.pk}/deliver")
    assert d.status_code == 200
    assert [x["http_status"] for x in d.json()["deliveries"]] == [200]
    assert c.get(f"/api/v1/payments/{payment.pk}").json()["status"] == "succeeded"


# --- reads ----------------------------------------------------------------------------


def test_payments_are_visible_to_their_payer_and_finance_only(
    client_for, new_payment, make_user, buyer
):
    payment = new_payment()
    mine = client_for(buyer).get(f"/api/v1/payments/{payment.pk}")
    assert mine.status_code == 200
    assert mine.json()["redirect_url"] == f"/payments/sim/{payment.pk}/"
    assert mine.json()["amount_minor"] == 8800 and mine.json()["refunds"] == []
    other = client_for(make_user()).get(f"/api/v1/payments/{payment.pk}")
    assert other.status_code == 404
    finance = client_for(make_user(role=Role.FINANCE)).get(f"/api/v1/payments/{payment.pk}")
    assert finance.status_code == 200
    listed = client_for(buyer).get("/api/v1/payments/")
    assert [p["id"] for p in listed.json()] == [str(payment.pk)]
    assert client_for(make_user()).get("/api/v1/payments/").json() == []


# --- refunds --------------------------------------------------------------------------


def test_refunds_api_is_for_finance_and_idempotent(client_for, paid_payment, make_user):
    payment = paid_payment(amount_minor=5000)
    url = f"/api/v1/payments/{payment.pk}/refunds"
    moviegoer = client_for(payment.payer).post(
        url, {"amount_minor": 100, "reason": "mine"}, content_type="application/json"
    )
    assert moviegoer.status_code == 403
    finance = client_for(make_user(role=Role.FINANCE))
    kw = {"content_type": "application/json", "HTTP_IDEMPOTENCY_KEY": "refund-1"}
    first = finance.post(url, {"amount_minor": 2000, "reason": "goodwill"}, **kw)
    again = finance.post(url, {"amount_minor": 2000, "reason": "goodwill"}, **kw)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Refund.objects.filter(payment=payment).count() == 1
    other = finance.post(url, {"amount_minor": 1, "reason": "goodwill"}, **kw)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    too_much = finance.post(
        url, {"amount_minor": 3001, "reason": "goodwill"}, content_type="application/json"
    )
    assert too_much.status_code == 400
    assert too_much.json()["code"] == "refund_exceeds_payment"
    assert too_much.json()["refundable_minor"] == 3000
    payment.refresh_from_db()
    assert payment.refunded_minor == 2000 and payment.status == Payment.Status.PARTIALLY_REFUNDED


def test_openapi_lists_the_payment_endpoints(client):
    spec = client.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    for path in [
        "/api/v1/payments/webhooks/{provider}",
        "/api/v1/payments/sim/{payment_id}/authorize",
        "/api/v1/payments/sim/{payment_id}/deliver",
        "/api/v1/payments/{payment_id}",
        "/api/v1/payments/{payment_id}/refunds",
    ]:
        assert path in paths
    params = paths["/api/v1/payments/sim/{payment_id}/authorize"]["post"]["parameters"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in params)


def test_webhook_oversized_body_is_a_problem_not_a_500(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    body = b"{" + b" " * 500 + b"}"
    r = _webhook(client, body, signed_headers(body))
    assert r.status_code == 413 and r.json()["code"] == "invalid_callback"
    assert not CallbackLog.objects.exists()
