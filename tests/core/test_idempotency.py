"""run_idempotent: Stripe's semantics, stored errors, expiry, and exactly-once under races."""

from __future__ import annotations

import datetime as dt
import inspect
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone
from ninja import Status

from marquee.accounts.models import Organisation
from marquee.core.errors import Conflict, DomainError, NotFound
from marquee.core.idempotency import (
    FORM_FIELD,
    IdempotencyKey,
    fingerprint_digest,
    form_key,
    idempotent,
    new_form_key,
    pair,
    purge_expired_records,
    run_idempotent,
)
from marquee.core.models import IdempotencyRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(make_user):
    return make_user()


class Counter:
    def __init__(self, result=(201, {"id": 1})):
        self.calls = 0
        self.result = result

    def __call__(self):
        self.calls += 1
        return self.result


def _run(user, fn, *, key="k-1", scope="orders.create", fingerprint=None):
    return run_idempotent(
        key=key, user=user, scope=scope, fingerprint=fingerprint or {"hold": 1}, fn=fn
    )


def test_without_a_key_fn_runs_every_time(buyer):
    fn = Counter()
    assert _run(buyer, fn, key=None) == (201, {"id": 1})
    assert _run(buyer, fn, key=None) == (201, {"id": 1})
    assert fn.calls == 2 and not IdempotencyRecord.objects.exists()


def test_same_key_same_request_replays_the_first_response(buyer):
    fn = Counter()
    first = _run(buyer, fn)
    fn.result = (200, {"id": 2})  # would differ if fn ran again
    assert _run(buyer, fn) == first == (201, {"id": 1})
    assert fn.calls == 1
    record = IdempotencyRecord.objects.get()
    assert record.state == "done" and record.response_status == 201


def test_same_key_different_request_is_an_error(buyer):
    fn = Counter()
    _run(buyer, fn, fingerprint={"hold": 1})
    with pytest.raises(DomainError) as exc:
        _run(buyer, fn, fingerprint={"hold": 2})
    assert exc.value.code == "idempotency_key_reused" and exc.value.status == 422
    assert fn.calls == 1


def test_keys_are_per_user_and_per_scope(buyer, make_user):
    fn = Counter()
    _run(buyer, fn)
    _run(make_user(), fn)
    _run(buyer, fn, scope="payments.refund")
    assert fn.calls == 3


def test_fingerprint_is_canonical():
    assert fingerprint_digest({"a": 1, "b": [1, 2]}) == fingerprint_digest({"b": [1, 2], "a": 1})
    assert fingerprint_digest({"a": 1}) != fingerprint_digest({"a": "1"})


def test_domain_errors_are_stored_and_replayed(buyer):
    calls = []

    def fn():
        calls.append(1)
        Organisation.objects.create(name="half-done", kind="merchant", slug="half-done")
        raise NotFound("hold_not_found", "No hold 1.", hold_id=1)

    for _ in range(2):
        with pytest.raises(NotFound) as exc:
            _run(buyer, fn)
        assert (exc.value.code, exc.value.status, exc.value.message) == (
            "hold_not_found",
            404,
            "No hold 1.",
        )
        assert exc.value.detail == {"hold_id": 1}
    assert len(calls) == 1
    assert not Organisation.objects.filter(slug="half-done").exists()


def test_errors_of_subclasses_with_their_own_init_replay_with_code_and_status(buyer):
    from marquee.payments.providers.base import InvalidSignature

    def fn():
        raise InvalidSignature("bad")

    with pytest.raises(InvalidSignature):
        _run(buyer, fn)
    with pytest.raises(DomainError) as exc:
        _run(buyer, fn)
    assert (exc.value.code, exc.value.status, exc.value.title) == (
        "invalid_signature",
        400,
        "Invalid signature",
    )


def test_unexpected_exceptions_are_not_stored_and_the_key_can_be_retried(buyer):
    attempts = []

    def flaky():
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("boom")
        return 200, {"ok": True}

    with pytest.raises(RuntimeError):
        _run(buyer, flaky)
    assert not IdempotencyRecord.objects.exists()
    assert _run(buyer, flaky) == (200, {"ok": True})
    assert len(attempts) == 2


def _claimed_by(user, token, *, at):
    """Key "k-1" of ``user`` claimed by another request (lock ``token``) at ``at``."""
    IdempotencyRecord.objects.create(
        user=user,
        scope="orders.create",
        key="k-1",
        fingerprint=fingerprint_digest({"hold": 1}),
        lock_token=token,
        locked_at=at,
        expires_at=at + dt.timedelta(hours=24),
    )


def test_a_request_in_flight_answers_409(buyer):
    _claimed_by(buyer, "someone", at=timezone.now())
    fn = Counter()
    with pytest.raises(Conflict) as exc:
        _run(buyer, fn)
    assert exc.value.code == "idempotency_request_in_progress" and exc.value.status == 409
    assert fn.calls == 0


def test_a_claim_abandoned_by_a_dead_request_is_taken_over(buyer):
    _claimed_by(buyer, "dead", at=timezone.now() - dt.timedelta(minutes=5))
    fn = Counter()
    assert _run(buyer, fn) == (201, {"id": 1})
    assert fn.calls == 1
    assert IdempotencyRecord.objects.get().state == "done"


def test_keys_expire_after_24_hours(buyer):
    fn = Counter()
    _run(buyer, fn)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=23), tick=False):
        _run(buyer, fn)
        assert fn.calls == 1
    with time_machine.travel(timezone.now() + dt.timedelta(hours=24, seconds=1), tick=False):
        _run(buyer, fn, fingerprint={"hold": "another request is fine now"})
        assert fn.calls == 2
        assert purge_expired_records() == 0
    with time_machine.travel(timezone.now() + dt.timedelta(hours=49), tick=False):
        assert purge_expired_records() == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\there"])
def test_invalid_keys_are_refused(buyer, key):
    fn = Counter()
    with pytest.raises(DomainError) as exc:
        _run(buyer, fn, key=key)
    assert exc.value.code == "invalid_idempotency_key"
    assert fn.calls == 0


def test_body_is_json_normalised_on_first_call_and_replay(buyer):
    moment = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
    fn = Counter(result=(201, {"at": moment}))
    first = _run(buyer, fn)
    assert first == (201, {"at": "2025-06-01T12:00:00Z"})
    assert _run(buyer, fn) == first


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("use_key", [True, False], ids=["with-key", "control-without-key"])
def test_concurrent_same_key_executes_exactly_once(make_user, use_key):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    user = make_user()
    threads = 16
    barrier = threading.Barrier(threads)
    executed = []
    lock = threading.Lock()

    def fn():
        with lock:
            executed.append(1)
        Organisation.objects.create(
            name=f"order {len(executed)}-{time.monotonic_ns()}",
            kind="merchant",
            slug=f"order-{time.monotonic_ns()}",
        )
        time.sleep(0.2)  # keep the first request in flight while the others arrive
        return 201, {"order": "A"}

    def attempt(_: int):
        try:
            barrier.wait()
            return run_idempotent(
                key="same" if use_key else None,
                user=user,
                scope="orders.create",
                fingerprint={"hold": 7},
                fn=fn,
            )
        except Conflict as exc:
            return exc.code
        finally:
            connection.close()

    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(attempt, range(threads)))
    orders = Organisation.objects.filter(slug__startswith="order-").count()
    if use_key:
        assert len(executed) == 1 and orders == 1
        assert all(r in [(201, {"order": "A"}), "idempotency_request_in_progress"] for r in results)
        assert (201, {"order": "A"}) in results
        # Once the first finished, a retry replays it.
        assert run_idempotent(
            key="same", user=user, scope="orders.create", fingerprint={"hold": 7}, fn=fn
        ) == (201, {"order": "A"})
        assert len(executed) == 1
    else:
        # The control: without a key every request runs, so the guard above is what
        # makes the difference.
        assert len(executed) == threads and orders == threads


# --- the decorator ------------------------------------------------------------------


class Payload:
    def __init__(self, hold_id: int) -> None:
        self.hold_id = hold_id


def _api_request(user):
    request = RequestFactory().post("/")
    request.user = user
    return request


def test_the_decorator_replays_an_operation_by_its_header_key(buyer):
    calls = []

    @idempotent(scope="tests.place", fingerprint=lambda payload, **_: {"hold": payload.hold_id})
    def place(request, payload: Payload, idempotency_key: IdempotencyKey = None):
        calls.append(payload.hold_id)
        return 201, {"order": len(calls)}

    first = place(_api_request(buyer), payload=Payload(7), idempotency_key="k-1")
    assert isinstance(first, Status) and (first.status_code, first.value) == (201, {"order": 1})
    again = place(_api_request(buyer), payload=Payload(7), idempotency_key="k-1")
    assert (again.status_code, again.value) == (201, {"order": 1}) and calls == [7]
    with pytest.raises(DomainError) as exc:
        place(_api_request(buyer), payload=Payload(8), idempotency_key="k-1")
    assert exc.value.code == "idempotency_key_reused" and calls == [7]
    # Without a key it simply runs.
    place(_api_request(buyer), payload=Payload(7), idempotency_key=None)
    assert calls == [7, 7]
    assert IdempotencyRecord.objects.get().scope == "tests.place"


def test_the_decorated_operation_keeps_its_signature_with_resolved_types():
    @idempotent(scope="tests.sig", fingerprint=lambda **_: {})
    def op(request, hold_id: int, idempotency_key: IdempotencyKey = None):
        return 200, {}

    params = inspect.signature(op).parameters
    assert list(params) == ["request", "hold_id", "idempotency_key"]
    # Resolved in the handler's module (ninja evaluates string annotations in the
    # wrapper's globals otherwise, which are core.idempotency's).
    assert params["hold_id"].annotation is int
    assert params["idempotency_key"].annotation == IdempotencyKey
    assert params["idempotency_key"].default is None


def test_a_guard_refuses_before_the_key_is_claimed(buyer):
    allowed = []

    def guard(request, **_):
        if not allowed:
            raise DomainError("forbidden", "No.", status=403)

    @idempotent(scope="tests.guarded", fingerprint=lambda **_: {}, guard=guard)
    def op(request, idempotency_key: IdempotencyKey = None):
        return 200, {"ok": True}

    with pytest.raises(DomainError):
        op(_api_request(buyer), idempotency_key="k")
    assert not IdempotencyRecord.objects.exists()
    allowed.append(True)  # the role was granted: the same key now runs
    assert op(_api_request(buyer), idempotency_key="k").value == {"ok": True}


def test_a_form_handler_reads_the_forms_key_and_gets_the_pair_back(buyer):
    calls = []

    @idempotent(
        scope="tests.form", key=form_key, respond=pair, fingerprint=lambda *, order: {"o": order}
    )
    def pay(request, *, order: int):
        calls.append(order)
        return 200, {"redirect_url": f"/paid/{len(calls)}"}

    key = new_form_key()
    request = RequestFactory().post("/", {FORM_FIELD: key})
    request.user = buyer
    assert pay(request, order=3) == (200, {"redirect_url": "/paid/1"})
    assert pay(request, order=3) == (200, {"redirect_url": "/paid/1"}) and calls == [3]
    # A malformed key is no key: the handler runs each time.
    bad = RequestFactory().post("/", {FORM_FIELD: "not-a-uuid"})
    bad.user = buyer
    assert form_key(bad) is None
    pay(bad, order=3)
    assert calls == [3, 3]
