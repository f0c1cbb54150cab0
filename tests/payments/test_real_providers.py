"""Alipay, WeChat Pay and Stripe end to end, each against notifications signed as it documents.

Keys are generated in the test; the gateways' HTTP answers come from a stub
transport. A ticket order is paid through each provider: a correct
notification issues the tickets exactly once (a replay changes nothing), and
a wrong signature, a body changed after signing, a stale notification, a
changed amount or an unknown order are refused, logged, and pay nothing.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

import pytest

from marquee.payments import registry, services
from marquee.payments.models import CallbackLog, Payment
from marquee.payments.providers.base import ProviderError
from marquee.ticketing.models import Order, Ticket
from marquee.ticketing.services import holds, orders
from tests.payments.gateways import DOUBLES
from tests.ticketing.conftest import build_world, make_showtime

pytestmark = pytest.mark.django_db


@pytest.fixture(params=sorted(DOUBLES))
def gateway(request, settings):
    double = DOUBLES[request.param]()
    registry.register_provider(double.provider)
    settings.MARQUEE_PAYMENT_PROVIDER = double.name
    yield double
    registry.unregister_provider(double.name)


@pytest.fixture
def sale(gateway, make_user):
    """A two-seat ticket order whose payment was opened at ``gateway``."""
    world = build_world(make_user)
    showtime = make_showtime(world)
    buyer = make_user()
    hold = holds.hold_seats(showtime=showtime, seat_codes=["2-1", "2-2"], user=buyer)
    order = orders.create_order_from_hold(hold=hold, user=buyer)
    gateway.prepare_start()
    started = orders.pay_order(order=order, user=buyer, return_url=f"/orders/{order.pk}")
    payment = Payment.objects.get(pk=started.payment_id)
    assert payment.provider == gateway.name and payment.status == "pending"
    return order, payment


def _post(client, gateway, body: bytes, headers: dict[str, str]):
    headers = dict(headers)
    content_type = headers.pop("Content-Type", gateway.content_type)
    return client.post(
        f"/api/v1/payments/webhooks/{gateway.name}",
        body,
        content_type=content_type,
        headers=headers,
    )


def _paid(client, gateway, payment: Payment) -> Payment:
    body, headers = gateway.notify(payment)
    assert _post(client, gateway, body, headers).status_code == 200
    payment.refresh_from_db()
    return payment


def _issued(order: Order) -> int:
    return Ticket.objects.filter(order=order).count()


def test_a_correct_notification_issues_the_tickets_exactly_once(client, gateway, sale):
    order, payment = sale
    body, headers = gateway.notify(payment)
    first = _post(client, gateway, body, headers)
    assert first.status_code == 200, first.content
    if gateway.name == "alipay":
        assert first.content == b"success"  # else Alipay keeps notifying
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == "succeeded" and order.status == Order.Status.PAID
    assert payment.provider_ref  # the gateway's own transaction reference
    assert _issued(order) == 2

    replay = _post(client, gateway, body, headers)
    assert replay.status_code == 200
    assert _issued(order) == 2
    verdicts = list(
        CallbackLog.objects.filter(payment=payment).order_by("id").values_list("verdict", flat=True)
    )
    assert verdicts == ["accepted", "duplicate"]


REFUSALS = {
    "wrong_signature": (400, "invalid_signature"),
    "changed_after_signing": (400, "invalid_signature"),
    "stale_replay": (400, "stale"),
    "changed_amount": (400, "mismatch"),
    "unknown_order": (404, "unknown_payment"),
}


@pytest.mark.parametrize("kind", sorted(REFUSALS))
def test_a_bad_notification_is_refused_logged_and_pays_nothing(client, gateway, sale, kind, caplog):
    order, payment = sale
    if kind == "wrong_signature":
        body, headers = gateway.forged(payment)
    elif kind == "changed_after_signing":
        body, headers = gateway.tampered(payment)
    elif kind == "stale_replay":
        body, headers = gateway.notify(payment, age=timedelta(days=2))
    elif kind == "changed_amount":
        body, headers = gateway.notify(payment, amount_minor=payment.amount_minor - 100)
    else:
        body, headers = gateway.notify(payment, payment_id=uuid.uuid4())
    status, verdict = REFUSALS[kind]
    with caplog.at_level(logging.WARNING, logger="marquee.payments"):
        response = _post(client, gateway, body, headers)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == "pending" and order.status == Order.Status.PENDING
    assert _issued(order) == 0
    log = CallbackLog.objects.get(provider=gateway.name)
    assert log.verdict == verdict
    assert log.body_length == len(body)
    assert any(verdict in r.getMessage() for r in caplog.records), caplog.text


def test_refunds_go_through_the_gateways_refund_call(client, gateway, sale):
    payment = _paid(client, gateway, sale[1])
    gateway.answer_refund()
    refund = services.refund_payment(payment=payment, amount_minor=4500, reason="customer_refund")
    assert refund.status == "succeeded" and refund.provider_ref
    assert gateway.refund_request() == {"amount": "45.00", "order": payment.pk.hex}
    payment.refresh_from_db()
    assert payment.status == "partially_refunded" and payment.refunded_minor == 4500


def test_a_refund_the_gateway_refuses_changes_nothing(client, gateway, sale):
    payment = _paid(client, gateway, sale[1])
    gateway.answer_refund_refused()
    with pytest.raises(ProviderError):
        services.refund_payment(payment=payment, amount_minor=4500, reason="customer_refund")
    payment.refresh_from_db()
    assert payment.status == "succeeded" and payment.refunded_minor == 0
    assert not payment.refunds.exists()
