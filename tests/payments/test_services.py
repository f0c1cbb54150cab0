"""Payment services and the simulated gateway: every failure mode, refunds, the state machine."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marquee.accounts.models import Organisation
from marquee.core.errors import Conflict, DomainError, NotFound
from marquee.payments import services
from marquee.payments.models import CallbackLog, Payment, PaymentAttempt, Refund, SimulatedCallback
from marquee.payments.providers.base import InvalidCallback, InvalidSignature
from marquee.payments.providers.sim import SimProvider
from marquee.payments.simulator import gateway as sim
from tests.payments.conftest import TEST_PURPOSE, callback_body, signed_headers

pytestmark = pytest.mark.django_db


def _goods(payment) -> bool:
    return Organisation.objects.filter(slug=f"goods-{payment.pk}").exists()


# --- start ----------------------------------------------------------------------------


def test_start_payment_is_pending_at_the_sim_provider(new_payment, buyer):
    payment = new_payment(amount_minor=9000, return_url="/orders/7", description="2 tickets")
    assert payment.status == Payment.Status.PENDING
    assert payment.provider == "sim"
    assert payment.provider_ref.startswith("simpay_")
    assert payment.redirect_url == f"/payments/sim/{payment.pk}/"
    assert payment.payer == buyer
    assert isinstance(payment.pk, uuid.UUID)
    assert payment.refunded_minor == 0 and payment.succeeded_at is None


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"amount_minor": 0}, "invalid_amount"),
        ({"amount_minor": -5}, "invalid_amount"),
        ({"amount_minor": 12.5}, "invalid_amount"),
        ({"amount_minor": True}, "invalid_amount"),
        ({"currency": "cny"}, "invalid_currency"),
        ({"currency": "CNYY"}, "invalid_currency"),
        ({"currency": "ABC"}, "invalid_currency"),  # shaped like a code, not one
        ({"return_url": "javascript:alert(1)"}, "invalid_return_url"),
        ({"return_url": "//evil.example/x"}, "invalid_return_url"),
        ({"return_url": "/ok\nSet-Cookie: x"}, "invalid_return_url"),
        ({"reference": ""}, "invalid_reference"),
        ({"reference": "nul\x00byte"}, "invalid_reference"),
    ],
)
def test_start_payment_refuses_bad_input_and_creates_nothing(new_payment, kwargs, code):
    with pytest.raises(DomainError) as exc:
        new_payment(**kwargs)
    assert exc.value.code == code
    assert Payment.objects.count() == 0


def test_start_payment_needs_a_registered_purpose(buyer):
    with pytest.raises(DomainError) as exc:
        services.start_payment(
            purpose="nobody_sells_this",
            reference="1",
            amount_minor=100,
            currency="CNY",
            payer=buyer,
        )
    assert exc.value.code == "unknown_purpose"
    assert Payment.objects.count() == 0


def test_configured_provider_is_used_and_unknown_one_refused(new_payment, settings):
    settings.MARQUEE_PAYMENT_PROVIDER = "acme_pay"
    with pytest.raises(NotFound) as exc:
        new_payment()
    assert exc.value.code == "unknown_provider"
    assert Payment.objects.count() == 0


# --- the simulated provider's outcomes ---------------------------------------------------


def test_succeed_marks_paid_runs_fulfilment_once_and_publishes(new_payment, shop, events):
    payment = new_payment()
    auth = sim.authorize_sim_payment(payment_id=payment.pk, user=payment.payer, outcome="succeed")
    payment.refresh_from_db()
    assert auth.payment.status == payment.status == Payment.Status.SUCCEEDED
    assert payment.succeeded_at is not None
    assert shop.succeeded == [payment.pk] and shop.failed == []
    assert _goods(payment)
    assert [(d.http_status, d.code) for d in auth.deliveries] == [(200, "ok")]
    assert events(payment.pk) == ["payments.payment_succeeded"]
    log = CallbackLog.objects.get(payment=payment)
    assert log.verdict == "accepted" and log.status_after == "succeeded"


def test_decline_fails_the_payment_and_calls_on_failed_once(new_payment, shop, events):
    payment = new_payment()
    sim.authorize_sim_payment(payment_id=payment.pk, user=payment.payer, outcome="decline")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    assert payment.failure_reason == "card_declined"
    assert shop.failed == [payment.pk] and shop.succeeded == []
    assert events(payment.pk) == ["payments.payment_failed"]
    with pytest.raises(Conflict) as exc:
        sim.authorize_sim_payment(payment_id=payment.pk, user=payment.payer, outcome="succeed")
    assert exc.value.code == "payment_not_pending"


def test_timeout_sends_nothing_and_the_payment_stays_pending(new_payment, shop):
    payment = new_payment()
    auth = sim.authorize_sim_payment(payment_id=payment.pk, user=payment.payer, outcome="timeout")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert auth.deliveries == [] and auth.pending_callbacks == 0
    assert not CallbackLog.objects.exists() and shop.succeeded == []
    # The gateway never answered; the buyer may try again and pay.
    sim.authorize_sim_payment(payment_id=payment.pk, user=payment.payer, outcome="succeed")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert list(payment.attempts.values_list("outcome", flat=True)) == ["timeout", "succeed"]


def test_duplicate_callback_is_processed_once(new_payment, shop, events):
    payment = new_payment()
    auth = sim.authorize_sim_payment(payment_id=payment.pk, user=payment.payer, outcome="duplicate")
    assert [(d.http_status, d.duplicate) for d in auth.deliveries] == [(200, False), (200, True)]
    assert auth.deliveries[0].event_id == auth.deliveries[1].event_id
    assert shop.succeeded == [payment.pk]
    assert Organisation.objects.filter(slug__startswith="goods-").count() == 1
    assert events(payment.pk) == ["payments.payment_succeeded"]
    verdicts = list(CallbackLog.objects.order_by("id").values_list("verdict", "status_after"))
    assert verdicts == [("accepted", "succeeded"), ("duplicate", "succeeded")]


def test_duplicate_replays_the_first_answer_even_after_a_later_refund(paid_payment):
    payment = paid_payment()
    first = CallbackLog.objects.get(payment=payment, verdict="accepted")
    services.refund_payment(payment=payment, amount_minor=payment.amount_minor, reason="test")
    body = first.body.encode()
    result = services.handle_callback(provider="sim", body=body, headers=signed_headers(body))
    assert result.duplicate is True and result.status == "succeeded"
    payment.refresh_from_db()
    assert payment.status == "refunded"


def test_delayed_callback_arrives_later_and_only_once(new_payment, shop):
    payment = new_payment()
    auth = sim.authorize_sim_payment(payment_id=payment.pk, user=payment.payer, outcome="delay")
    payment.refresh_from_db()
    assert payment.status == "pending" and auth.deliveries == [] and auth.pending_callbacks == 1
    with pytest.raises(Conflict) as exc:
        sim.authorize_sim_payment(payment_id=payment.pk, user=payment.payer, outcome="succeed")
    assert exc.value.code == "payment_already_authorized"

    deliveries = sim.deliver_sim_callbacks(payment_id=payment.pk, user=payment.payer)
    assert [(d.http_status, d.code) for d in deliveries] == [(200, "ok")]
    payment.refresh_from_db()
    assert payment.status == "succeeded" and shop.succeeded == [payment.pk]
    assert sim.deliver_sim_callbacks(payment_id=payment.pk) == []
    stored = SimulatedCallback.objects.get(payment=payment)
    assert stored.delivered_at is not None and stored.response_status == 200


def test_delayed_callback_is_signed_at_delivery_so_it_is_not_stale(new_payment, shop):
    payment = new_payment()
    sim.authorize_sim_payment(payment_id=payment.pk, user=payment.payer, outcome="delay")
    import time_machine

    with time_machine.travel(time.time() + 3600, tick=False):
        (delivery,) = sim.deliver_sim_callbacks()
    assert delivery.http_status == 200
    payment.refresh_from_db()
    assert payment.status == "succeeded"


def test_callback_after_fulfilment_impossible_refunds_the_full_amount(new_payment, shop, events):
    """The hold expired while the callback was delayed: the money goes straight back."""
    payment = new_payment(amount_minor=12345)
    sim.authorize_sim_payment(payment_id=payment.pk, user=payment.payer, outcome="delay")
    shop.deliver = False  # the seats are gone by the time the gateway calls back
    (delivery,) = sim.deliver_sim_callbacks(payment_id=payment.pk)
    assert delivery.http_status == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    assert payment.refunded_minor == payment.amount_minor == 12345
    refund = Refund.objects.get(payment=payment)
    assert (refund.amount_minor, refund.reason, refund.status) == (
        12345,
        "fulfilment_failed",
        "succeeded",
    )
    assert refund.provider_ref.startswith("simrf_")
    assert shop.succeeded == [payment.pk]
    assert events(payment.pk) == ["payments.payment_succeeded", "payments.payment_refunded"]


def test_fulfilment_that_raises_is_rolled_back_and_refunded(new_payment, shop):
    shop.raise_error = True
    payment = new_payment()
    auth = sim.authorize_sim_payment(payment_id=payment.pk, user=payment.payer, outcome="succeed")
    assert auth.deliveries[0].http_status == 200
    payment.refresh_from_db()
    assert payment.status == "refunded" and payment.refunded_minor == payment.amount_minor
    assert not _goods(payment)  # the half-done fulfilment left nothing behind
    assert Refund.objects.get(payment=payment).reason == "fulfilment_failed"


def test_unregistered_purpose_at_callback_time_is_refunded(new_payment, shop):
    from marquee.payments.registry import unregister_purpose

    payment = new_payment()
    unregister_purpose(TEST_PURPOSE)
    sim.authorize_sim_payment(payment_id=payment.pk, user=payment.payer, outcome="succeed")
    payment.refresh_from_db()
    assert payment.status == "refunded"


def test_forged_callback_is_rejected_and_nothing_changes(new_payment, shop, events):
    payment = new_payment()
    auth = sim.authorize_sim_payment(payment_id=payment.pk, user=payment.payer, outcome="forged")
    assert [(d.http_status, d.code) for d in auth.deliveries] == [(400, "invalid_signature")]
    payment.refresh_from_db()
    assert payment.status == "pending" and payment.succeeded_at is None
    assert shop.succeeded == [] and events(payment.pk) == []
    log = CallbackLog.objects.get()
    assert log.verdict == "invalid_signature" and log.payment is None
    # The real gateway's answer still gets through afterwards.
    sim.authorize_sim_payment(payment_id=payment.pk, user=payment.payer, outcome="succeed")
    payment.refresh_from_db()
    assert payment.status == "succeeded"


@pytest.mark.parametrize("skew", [-301, +301, -86400])
def test_stale_or_future_timestamp_is_rejected(new_payment, shop, skew):
    payment = new_payment()
    body = callback_body(payment)
    headers = signed_headers(body, timestamp=int(time.time()) + skew)
    with pytest.raises(InvalidSignature) as exc:
        services.handle_callback(provider="sim", body=body, headers=headers)
    assert exc.value.code == "invalid_signature" and exc.value.stale
    payment.refresh_from_db()
    assert payment.status == "pending" and shop.succeeded == []
    assert CallbackLog.objects.get().verdict == "stale"


def test_timestamp_within_tolerance_is_accepted(new_payment, shop):
    payment = new_payment()
    body = callback_body(payment)
    headers = signed_headers(body, timestamp=int(time.time()) - 250)
    result = services.handle_callback(provider="sim", body=body, headers=headers)
    assert result.status == "succeeded" and not result.duplicate


def _bad_headers(body: bytes) -> list[dict[str, str]]:
    good = signed_headers(body)["X-Marquee-Signature"]
    t, v1 = good.split(",")
    return [
        {},
        {"X-Marquee-Signature": ""},
        {"X-Marquee-Signature": v1},
        {"X-Marquee-Signature": t},
        {"X-Marquee-Signature": f"{t},v1={'0' * 64}"},
        {"X-Marquee-Signature": f"t={int(time.time()) - 1},{v1}"},  # timestamp swapped
        {"X-Marquee-Signature": f"{t},v1=ünïcode"},
        signed_headers(body, secret=b"someone else's secret"),
    ]


def test_missing_or_wrong_signatures_are_rejected(new_payment, shop):
    payment = new_payment()
    body = callback_body(payment)
    for headers in _bad_headers(body):
        with pytest.raises(InvalidSignature):
            services.handle_callback(provider="sim", body=body, headers=headers)
    payment.refresh_from_db()
    assert payment.status == "pending" and shop.succeeded == []
    assert CallbackLog.objects.filter(verdict="invalid_signature").count() == len(
        _bad_headers(body)
    )


def test_tampered_body_is_rejected(new_payment, shop):
    payment = new_payment(amount_minor=8800)
    body = callback_body(payment)
    headers = signed_headers(body)
    tampered = body.replace(b'"amount_minor": 8800', b'"amount_minor": 1')
    assert tampered != body
    with pytest.raises(InvalidSignature):
        services.handle_callback(provider="sim", body=tampered, headers=headers)
    payment.refresh_from_db()
    assert payment.status == "pending"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[]",
        b'{"id": "e", "type": "payment.refunded", "data": {}}',
        b"\xff\xfe\x00",
    ],
)
def test_signed_but_malformed_bodies_are_invalid_callbacks(body):
    with pytest.raises(InvalidCallback) as exc:
        services.handle_callback(provider="sim", body=body, headers=signed_headers(body))
    assert exc.value.code == "invalid_callback" and exc.value.status == 400
    assert CallbackLog.objects.get().verdict == "malformed"


def test_nul_characters_in_a_signed_callback_are_refused_not_a_500(new_payment, shop):
    payment = new_payment()
    body = callback_body(payment, event_id="evt\x00nul", provider_ref="ref\x00")
    assert b"\\u0000" in body
    with pytest.raises(InvalidCallback):
        services.handle_callback(provider="sim", body=body, headers=signed_headers(body))
    payment.refresh_from_db()
    assert payment.status == "pending"
    assert "\x00" not in CallbackLog.objects.get().body


def test_callback_for_an_unknown_payment_is_not_found(new_payment):
    payment = new_payment()
    body = callback_body(payment, payment_id=str(uuid.uuid4()))
    with pytest.raises(NotFound) as exc:
        services.handle_callback(provider="sim", body=body, headers=signed_headers(body))
    assert exc.value.code == "payment_not_found"
    assert CallbackLog.objects.get().verdict == "unknown_payment"
    payment.refresh_from_db()
    assert payment.status == "pending"


def test_callback_with_another_amount_is_refused(new_payment, shop):
    payment = new_payment(amount_minor=8800)
    body = callback_body(payment, amount_minor=1)
    with pytest.raises(DomainError) as exc:
        services.handle_callback(provider="sim", body=body, headers=signed_headers(body))
    assert exc.value.code == "callback_mismatch"
    payment.refresh_from_db()
    assert payment.status == "pending" and shop.succeeded == []
    assert CallbackLog.objects.get().verdict == "mismatch"


def test_a_late_contradicting_callback_is_ignored(new_payment, shop):
    payment = new_payment()
    sim.authorize_sim_payment(payment_id=payment.pk, user=payment.payer, outcome="decline")
    body = callback_body(payment, outcome="succeeded")
    result = services.handle_callback(provider="sim", body=body, headers=signed_headers(body))
    assert result.status == "failed" and result.duplicate
    payment.refresh_from_db()
    assert payment.status == "failed" and shop.succeeded == []


def test_unknown_provider_webhook_is_not_found():
    with pytest.raises(NotFound) as exc:
        services.handle_callback(provider="nope", body=b"{}", headers={})
    assert exc.value.code == "unknown_provider"


def test_only_the_payer_may_authorize(new_payment, make_user):
    payment = new_payment()
    with pytest.raises(NotFound):
        sim.authorize_sim_payment(payment_id=payment.pk, user=make_user(), outcome="succeed")
    with pytest.raises(NotFound):
        sim.authorize_sim_payment(payment_id=uuid.uuid4(), user=payment.payer, outcome="succeed")
    assert not PaymentAttempt.objects.exists()


def test_invalid_outcome_is_refused(new_payment):
    payment = new_payment()
    with pytest.raises(DomainError) as exc:
        sim.authorize_sim_payment(payment_id=payment.pk, user=payment.payer, outcome="steal")
    assert exc.value.code == "invalid_outcome" and exc.value.status == 422
    assert not PaymentAttempt.objects.exists()


def test_deliver_for_someone_elses_payment_is_not_found(new_payment, make_user):
    payment = new_payment()
    sim.authorize_sim_payment(payment_id=payment.pk, user=payment.payer, outcome="delay")
    stranger = make_user()
    with pytest.raises(NotFound):
        sim.deliver_sim_callbacks(payment_id=payment.pk, user=stranger)
    assert sim.deliver_sim_callbacks(user=stranger) == []
    payment.refresh_from_db()
    assert payment.status == "pending"


def test_a_second_payment_for_the_same_reference_is_refunded_by_the_purpose(new_payment, shop):
    """Purposes refuse a second payment for goods already delivered; the money goes back."""
    first = new_payment(reference="order-1")
    second = new_payment(reference="order-1")
    sim.authorize_sim_payment(payment_id=first.pk, user=first.payer, outcome="succeed")
    shop.deliver = False
    sim.authorize_sim_payment(payment_id=second.pk, user=second.payer, outcome="succeed")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("succeeded", "refunded")


# --- refunds --------------------------------------------------------------------------


def test_partial_then_full_refund(paid_payment, events):
    payment = paid_payment(amount_minor=10000)
    r1 = services.refund_payment(payment=payment, amount_minor=3000, reason="customer")
    assert (payment.status, payment.refunded_minor) == ("partially_refunded", 3000)
    assert r1.status == "succeeded" and r1.currency == "CNY"
    r2 = services.refund_payment(payment=payment, amount_minor=7000, reason="customer")
    assert (payment.status, payment.refunded_minor) == ("refunded", 10000)
    assert r2.pk != r1.pk
    assert events(payment.pk).count("payments.payment_refunded") == 2
    with pytest.raises(Conflict) as exc:
        services.refund_payment(payment=payment, amount_minor=1, reason="customer")
    assert exc.value.code == "payment_not_refundable"


def test_refund_never_exceeds_what_was_paid(paid_payment):
    payment = paid_payment(amount_minor=5000)
    services.refund_payment(payment=payment, amount_minor=4000, reason="customer")
    with pytest.raises(DomainError) as exc:
        services.refund_payment(payment=payment, amount_minor=1001, reason="customer")
    assert exc.value.code == "refund_exceeds_payment"
    assert exc.value.detail == {"refundable_minor": 1000}
    payment.refresh_from_db()
    assert payment.refunded_minor == 4000 and Refund.objects.filter(payment=payment).count() == 1


def test_a_stale_payment_object_cannot_over_refund(paid_payment):
    payment = paid_payment(amount_minor=5000)
    stale = Payment.objects.get(pk=payment.pk)
    services.refund_payment(payment=payment, amount_minor=5000, reason="customer")
    with pytest.raises(Conflict):
        services.refund_payment(payment=stale, amount_minor=5000, reason="customer")
    assert Payment.objects.get(pk=payment.pk).refunded_minor == 5000


@pytest.mark.parametrize(
    ("amount", "reason", "code"),
    [
        (0, "x", "invalid_amount"),
        (-1, "x", "invalid_amount"),
        (10, " ", "invalid_refund_reason"),
        (10, "a\x00b", "invalid_refund_reason"),
    ],
)
def test_refund_input_is_validated(paid_payment, amount, reason, code):
    payment = paid_payment()
    with pytest.raises(DomainError) as exc:
        services.refund_payment(payment=payment, amount_minor=amount, reason=reason)
    assert exc.value.code == code
    assert not Refund.objects.exists()


def test_pending_and_failed_payments_cannot_be_refunded(new_payment):
    pending = new_payment()
    with pytest.raises(Conflict) as exc:
        services.refund_payment(payment=pending, amount_minor=1, reason="x")
    assert exc.value.code == "payment_not_refundable"
    sim.authorize_sim_payment(payment_id=pending.pk, user=pending.payer, outcome="decline")
    with pytest.raises(Conflict):
        services.refund_payment(payment=pending, amount_minor=1, reason="x")
    assert not Refund.objects.exists()


def test_refund_idempotency_key_moves_money_once(paid_payment):
    payment = paid_payment(amount_minor=5000)
    a = services.refund_payment(
        payment=payment, amount_minor=2000, reason="r", idempotency_key="k1"
    )
    b = services.refund_payment(
        payment=payment, amount_minor=2000, reason="r", idempotency_key="k1"
    )
    assert a.pk == b.pk
    payment.refresh_from_db()
    assert payment.refunded_minor == 2000
    with pytest.raises(DomainError) as exc:
        services.refund_payment(payment=payment, amount_minor=999, reason="r", idempotency_key="k1")
    assert exc.value.code == "idempotency_key_reused" and exc.value.status == 422


def test_provider_refund_failure_rolls_everything_back(paid_payment, monkeypatch):
    from marquee.payments.providers.base import ProviderError

    payment = paid_payment(amount_minor=5000)

    def refuse(self, **kwargs):
        raise ProviderError("the gateway is down")

    monkeypatch.setattr(SimProvider, "refund", refuse)
    with pytest.raises(ProviderError):
        services.refund_payment(payment=payment, amount_minor=100, reason="x")
    payment.refresh_from_db()
    assert payment.refunded_minor == 0 and payment.status == "succeeded"
    assert not Refund.objects.exists()


def test_database_refuses_refunded_above_amount(paid_payment):
    payment = paid_payment(amount_minor=100)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(refunded_minor=101, status="refunded")


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    amount=st.integers(min_value=1, max_value=100_000),
    refunds=st.lists(st.integers(min_value=-5, max_value=60_000), min_size=1, max_size=8),
)
def test_property_refunds_never_exceed_paid(paid_payment, amount, refunds):
    payment = paid_payment(amount_minor=amount)
    accepted = 0
    for value in refunds:
        try:
            services.refund_payment(payment=payment, amount_minor=value, reason="p")
        except DomainError:
            continue
        accepted += value
    payment.refresh_from_db()
    assert accepted <= amount
    assert payment.refunded_minor == accepted
    assert sum(payment.refunds.values_list("amount_minor", flat=True)) == accepted
    expected = (
        "succeeded" if accepted == 0 else "refunded" if accepted == amount else "partially_refunded"
    )
    assert payment.status == expected


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_refunds_never_exceed_paid(paid_payment):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    payment = paid_payment(amount_minor=10_000)
    barrier = Barrier(16)

    def attempt(_: int) -> bool:
        try:
            barrier.wait()
            services.refund_payment(
                payment=Payment.objects.get(pk=payment.pk), amount_minor=3000, reason="race"
            )
            return True
        except DomainError:
            return False
        finally:
            connection.close()

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(attempt, range(16)))
    payment.refresh_from_db()
    assert results.count(True) == 3
    assert payment.refunded_minor == 9000 and payment.refunds.count() == 3


@pytest.mark.parametrize(
    ("claimed_ago", "status", "redelivered"),
    [
        (timedelta(minutes=5), None, True),  # the process died mid-delivery
        (timedelta(seconds=5), None, False),  # another delivery is still in flight
        (timedelta(minutes=5), 503, True),  # the shop answered 5xx: the gateway retries
        (timedelta(minutes=5), 200, False),  # delivered and acknowledged
    ],
)
def test_gateway_delivers_at_least_once(new_payment, shop, claimed_ago, status, redelivered):
    from django.utils import timezone

    payment = new_payment()
    sim.authorize_sim_payment(payment_id=payment.pk, user=payment.payer, outcome="delay")
    SimulatedCallback.objects.filter(payment=payment).update(
        delivered_at=timezone.now() - claimed_ago, response_status=status
    )
    deliveries = sim.deliver_sim_callbacks(payment_id=payment.pk)
    payment.refresh_from_db()
    assert len(deliveries) == (1 if redelivered else 0)
    assert (payment.status == "succeeded") is redelivered
    if redelivered:
        # A second round finds nothing owed, and the shop fulfilled exactly once.
        assert sim.deliver_sim_callbacks(payment_id=payment.pk) == []
        assert shop.succeeded == [payment.pk]
