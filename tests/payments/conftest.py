"""Fixtures for payments: a test-only purpose, published events, signed callbacks."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field

import pytest

from marquee.payments import registry
from marquee.payments.providers.base import SIGNATURE_HEADER, sign_body
from marquee.payments.providers.sim import webhook_secret

TEST_PURPOSE = "test_purchase"


@pytest.fixture(autouse=True)
def _payments_urls(settings):
    settings.ROOT_URLCONF = "tests.payments.urls"


@dataclass
class FakeShop:
    """A test-only purpose: records its calls; ``deliver`` decides what on_succeeded returns."""

    deliver: bool = True
    raise_error: bool = False
    succeeded: list = field(default_factory=list)
    failed: list = field(default_factory=list)

    def on_succeeded(self, payment) -> bool:
        from marquee.accounts.models import Organisation

        self.succeeded.append(payment.pk)
        # A write the handler makes: it must vanish if the handler raises.
        Organisation.objects.create(
            name=f"goods for {payment.pk}", kind="merchant", slug=f"goods-{payment.pk}"
        )
        if self.raise_error:
            raise RuntimeError("the shop's fulfilment blew up")
        return self.deliver

    def on_failed(self, payment) -> None:
        self.failed.append(payment.pk)


@pytest.fixture
def shop():
    fake = FakeShop()
    registry.register_purpose(
        TEST_PURPOSE, on_succeeded=fake.on_succeeded, on_failed=fake.on_failed
    )
    yield fake
    registry.unregister_purpose(TEST_PURPOSE)


@pytest.fixture
def buyer(make_user):
    return make_user()


@pytest.fixture
def new_payment(shop, buyer):
    from marquee.payments.services import start_payment

    def _make(amount_minor: int = 8800, currency: str = "CNY", payer=None, **kw):
        return start_payment(
            purpose=TEST_PURPOSE,
            reference=kw.pop("reference", f"order-{secrets.token_hex(3)}"),
            amount_minor=amount_minor,
            currency=currency,
            payer=payer or buyer,
            **kw,
        )

    return _make


@pytest.fixture
def paid_payment(new_payment, buyer):
    from marquee.payments.simulator.gateway import authorize_sim_payment

    def _make(amount_minor: int = 8800, **kw):
        payment = new_payment(amount_minor=amount_minor, **kw)
        authorize_sim_payment(payment_id=payment.pk, user=payment.payer, outcome="succeed")
        payment.refresh_from_db()
        assert payment.status == "succeeded"
        return payment

    return _make


def callback_body(payment, *, outcome: str = "succeeded", event_id: str | None = None, **data):
    doc = {
        "id": event_id or f"evt_{secrets.token_hex(6)}",
        "type": f"payment.{outcome}",
        "created": 0,
        "data": {
            "payment_id": str(payment.pk),
            "provider_ref": payment.provider_ref,
            "amount_minor": payment.amount_minor,
            "currency": payment.currency,
            **data,
        },
    }
    return json.dumps(doc).encode()


def signed_headers(body: bytes, *, timestamp: int | None = None, secret: bytes | None = None):
    header = sign_body(body, secret=secret or webhook_secret(), timestamp=timestamp)
    return {SIGNATURE_HEADER: header}


@pytest.fixture
def events():
    """Event types published so far, read from the outbox table."""
    from marquee.core.models import OutboxEvent

    def _types(aggregate_id=None) -> list[str]:
        qs = OutboxEvent.objects.order_by("id")
        if aggregate_id is not None:
            qs = qs.filter(aggregate_id=str(aggregate_id))
        return list(qs.values_list("type", flat=True))

    return _types
