"""The outbox: publish in the caller's transaction, exactly-once consumers, retries."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from marquee.core import outbox
from marquee.core.models import EventDelivery, OutboxEvent
from tests.core.helpers import ECHO, echo, echoes, publish_now

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)


class Boom(Exception):
    pass


@pytest.fixture
def worker_mode(settings):
    settings.MARQUEE_OUTBOX_MODE = "worker"


# --- publish ---------------------------------------------------------------------------


def test_publish_writes_the_event_and_one_delivery_per_subscriber(register_consumer, worker_mode):
    register_consumer("ledger", ["test.happened"], lambda e: None)
    register_consumer("rollups", ["test.hap*"], lambda e: None)
    register_consumer("mailer", ["test.other"], lambda e: None)
    ref = uuid.uuid4()
    with transaction.atomic():
        event = outbox.publish(
            "test.happened",
            aggregate="order",
            aggregate_id=ref,
            payload={"amount": Decimal("1.50"), "day": dt.date(2025, 1, 2), "n": 3},
        )
        # Visible inside the caller's transaction already.
        assert OutboxEvent.objects.filter(pk=event.pk).exists()
    stored = OutboxEvent.objects.get(pk=event.pk)
    assert (stored.type, stored.aggregate, stored.aggregate_id) == (
        "test.happened",
        "order",
        str(ref),
    )
    assert stored.payload == {"amount": "1.50", "day": "2025-01-02", "n": 3}
    assert event.payload == stored.payload  # what the publisher holds is what consumers read
    deliveries = EventDelivery.objects.filter(event=event)
    assert sorted(d.consumer for d in deliveries) == ["ledger", "rollups"]
    assert {d.status for d in deliveries} == {EventDelivery.Status.PENDING}


def test_rolled_back_transaction_leaves_no_event(register_consumer, worker_mode):
    register_consumer("ledger", ["test.happened"], lambda e: None)
    with pytest.raises(Boom), transaction.atomic():
        outbox.publish("test.happened", aggregate="order", aggregate_id=7, payload={})
        raise Boom
    assert not OutboxEvent.objects.exists()
    assert not EventDelivery.objects.exists()
    assert outbox.drain() == 0


def test_publish_many_writes_every_event_in_order_with_its_deliveries(
    register_consumer, worker_mode
):
    register_consumer("ledger", ["test.issued"], lambda e: None)
    register_consumer("mailer", ["test.issued"], lambda e: None)
    with transaction.atomic():
        events = outbox.publish_many(
            "test.issued",
            aggregate="ticket",
            items=[
                (11, {"seat": "5-8"}),
                (12, {"seat": "5-9"}),
                (13, {"day": dt.date(2025, 1, 2)}),
            ],
        )
    assert [e.aggregate_id for e in events] == ["11", "12", "13"]
    stored = list(OutboxEvent.objects.order_by("pk"))
    assert [(e.pk, e.aggregate_id, e.payload) for e in stored] == [
        (events[0].pk, "11", {"seat": "5-8"}),
        (events[1].pk, "12", {"seat": "5-9"}),
        (events[2].pk, "13", {"day": "2025-01-02"}),
    ]
    assert events[0].pk < events[1].pk < events[2].pk
    pairs = sorted(EventDelivery.objects.values_list("event_id", "consumer"))
    assert pairs == sorted((e.pk, c) for e in events for c in ("ledger", "mailer"))


def test_publish_many_checks_every_item_before_writing_any():
    with pytest.raises(ValueError), transaction.atomic():
        outbox.publish_many(
            "test.issued", aggregate="ticket", items=[(1, {}), (2, {"x": float("nan")})]
        )
    assert not OutboxEvent.objects.exists()
    with transaction.atomic():
        assert outbox.publish_many("test.issued", aggregate="ticket", items=[]) == []
    assert not OutboxEvent.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"type": ""}, ValueError),
        ({"type": "x" * 101}, ValueError),
        ({"aggregate": ""}, ValueError),
        ({"aggregate_id": "9" * 65}, ValueError),
        ({"aggregate_id": ""}, ValueError),
        ({"payload": ["not", "a", "dict"]}, TypeError),
        ({"payload": {"x": object()}}, TypeError),
        ({"payload": {"x": float("nan")}}, ValueError),
    ],
)
def test_publish_refuses_bad_arguments_and_writes_nothing(kwargs, error):
    args = {"type": "test.happened", "aggregate": "order", "aggregate_id": 1, "payload": {}}
    args.update(kwargs)
    with pytest.raises(error), transaction.atomic():
        outbox.publish(args.pop("type"), **args)
    assert not OutboxEvent.objects.exists()


def test_misconfigured_mode_is_refused(settings):
    settings.MARQUEE_OUTBOX_MODE = "sometimes"
    with pytest.raises(ImproperlyConfigured), transaction.atomic():
        outbox.publish("test.happened", aggregate="order", aggregate_id=1, payload={})
    assert not OutboxEvent.objects.exists()


# --- registration ------------------------------------------------------------------------


def test_consumer_registration_rules(register_consumer):
    def first(event):
        return None

    def second(event):
        return None

    register_consumer("dupe", ["test.a"], first)
    register_consumer("dupe", ["test.a", "test.b"], first)  # re-import: replaced
    assert outbox.registered_consumers()["dupe"].events == ("test.a", "test.b")
    with pytest.raises(ValueError, match="taken"):
        outbox.consumer("dupe", events=["test.a"])(second)
    with pytest.raises(TypeError):
        outbox.consumer("single", events="test.a")
    with pytest.raises(ValueError):
        outbox.consumer("none", events=[])
    with pytest.raises(ValueError):
        outbox.consumer("", events=["test.a"])
    with pytest.raises(ValueError):
        outbox.consumer("zero", events=["test.a"], max_attempts=0)
    assert "single" not in outbox.registered_consumers()


def test_retry_delay_backs_off_exponentially_up_to_a_cap(settings):
    assert outbox.retry_delay(1) == dt.timedelta(seconds=10)
    assert outbox.retry_delay(2) == dt.timedelta(seconds=20)
    assert outbox.retry_delay(3) == dt.timedelta(seconds=40)
    assert outbox.retry_delay(50) == dt.timedelta(hours=1)
    settings.MARQUEE_OUTBOX_RETRY_BASE_SECONDS = 1
    assert outbox.retry_delay(4) == dt.timedelta(seconds=8)


# --- drain: exactly once ------------------------------------------------------------------


def test_each_consumer_sees_each_event_exactly_once(register_consumer, worker_mode):
    seen: list[tuple[str, int, dict]] = []

    def ledger(event):
        seen.append(("ledger", event.pk, event.payload))
        echo(event, "ledger")

    def rollups(event):
        seen.append(("rollups", event.pk, event.payload))
        echo(event, "rollups")

    register_consumer("ledger", ["test.happened"], ledger)
    register_consumer("rollups", ["test.happened"], rollups)
    first = publish_now(total=Decimal("9.99"))
    second = publish_now(aggregate_id=2)
    assert outbox.drain() == 4
    assert outbox.drain() == 0  # a second drain finds nothing to do
    assert sorted((c, pk) for c, pk, _ in seen) == sorted(
        [("ledger", first.pk), ("rollups", first.pk), ("ledger", second.pk), ("rollups", second.pk)]
    )
    assert ("ledger", first.pk, {"total": "9.99"}) in seen  # the stored JSON payload
    for event in (first, second):
        assert echoes("ledger", event) == 1
        assert echoes("rollups", event) == 1
    done = EventDelivery.objects.filter(event__type="test.happened")
    assert all(d.status == "done" and d.attempts == 1 and d.processed_at for d in done)
    assert not EventDelivery.objects.filter(event__type=ECHO).exists()  # nobody subscribed


def test_events_are_processed_in_publication_order(register_consumer, worker_mode):
    order: list[str] = []
    register_consumer("ordered", ["test.happened"], lambda e: order.append(e.aggregate_id))
    for n in range(5):
        publish_now(aggregate_id=n)
    assert outbox.drain() == 5
    assert order == ["0", "1", "2", "3", "4"]


def test_drain_limit_and_stop(register_consumer, worker_mode):
    register_consumer("counter", ["test.happened"], lambda e: None)
    for n in range(5):
        publish_now(aggregate_id=n)
    assert outbox.drain(limit=2) == 2
    assert outbox.drain(limit=0) == 0
    calls = iter([False, True])
    assert outbox.drain(stop=lambda: next(calls)) == 1
    assert EventDelivery.objects.filter(status="pending").count() == 2
    assert outbox.drain() == 2
    with pytest.raises(ValueError):
        outbox.drain(limit=-1)


def test_deliveries_of_unregistered_consumers_wait(register_consumer, worker_mode):
    register_consumer("gone", ["test.happened"], lambda e: None)
    event = publish_now()
    outbox.unregister("gone")
    assert outbox.drain() == 0
    delivery = EventDelivery.objects.get(event=event)
    assert (delivery.status, delivery.attempts) == ("pending", 0)


# --- failures ------------------------------------------------------------------------------


def test_failing_consumer_is_retried_with_backoff_and_later_succeeds(
    register_consumer, worker_mode, time_machine
):
    time_machine.move_to(T0, tick=False)
    failures = iter([Boom("ledger down"), Boom("still down")])

    def flaky(event):
        echo(event, "flaky")  # a side effect that must not survive a failed attempt
        err = next(failures, None)
        if err is not None:
            raise err

    register_consumer("flaky", ["test.happened"], flaky)
    event = publish_now()

    assert outbox.drain() == 1
    delivery = EventDelivery.objects.get(event=event)
    assert delivery.status == "pending"
    assert delivery.attempts == 1
    assert delivery.next_attempt_at == T0 + dt.timedelta(seconds=10)
    assert "ledger down" in delivery.last_error
    assert "Boom" in delivery.last_error
    assert echoes("flaky", event) == 0  # the failed attempt's writes were rolled back

    assert outbox.drain() == 0  # not due yet
    time_machine.shift(dt.timedelta(seconds=10))
    assert outbox.drain() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 2)
    assert delivery.next_attempt_at == T0 + dt.timedelta(seconds=10 + 20)

    time_machine.shift(dt.timedelta(seconds=20))
    assert outbox.drain() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("done", 3)
    assert delivery.processed_at == T0 + dt.timedelta(seconds=30)
    assert echoes("flaky", event) == 1
    time_machine.shift(dt.timedelta(hours=2))
    assert outbox.drain() == 0


def test_consumer_gives_up_after_its_last_attempt_then_can_be_retried(
    register_consumer, worker_mode, time_machine
):
    time_machine.move_to(T0, tick=False)
    broken = {"on": True}

    def fragile(event):
        if broken["on"]:
            raise Boom("no")
        echo(event, "fragile")

    register_consumer("fragile", ["test.happened"], fragile, max_attempts=3)
    event = publish_now()
    for _ in range(3):
        assert outbox.drain() == 1
        time_machine.shift(dt.timedelta(hours=1))
    assert outbox.drain() == 0
    delivery = EventDelivery.objects.get(event=event)
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert "Boom: no" in delivery.last_error

    broken["on"] = False
    outbox.retry_delivery(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    assert outbox.drain() == 1
    delivery.refresh_from_db()
    assert delivery.status == "done"
    assert echoes("fragile", event) == 1
    # Retrying a done delivery never runs it again.
    outbox.retry_delivery(delivery_id=delivery.pk)
    assert outbox.drain() == 0
    assert echoes("fragile", event) == 1


def test_a_failing_consumer_blocks_neither_other_consumers_nor_later_events(
    register_consumer, worker_mode
):
    def picky(event):
        if event.payload.get("poison"):
            raise Boom("cannot digest")
        echo(event, "picky")

    register_consumer("picky", ["test.happened"], picky)
    register_consumer("steady", ["test.happened"], lambda e: echo(e, "steady"))
    poison = publish_now(poison=True)
    later = publish_now(aggregate_id=2)
    assert outbox.drain() == 4
    assert echoes("steady", poison) == 1
    assert echoes("steady", later) == 1
    assert echoes("picky", later) == 1
    assert echoes("picky", poison) == 0
    assert EventDelivery.objects.get(event=poison, consumer="picky").status == "pending"


def test_default_attempt_limit_comes_from_settings(register_consumer, worker_mode, settings):
    settings.MARQUEE_OUTBOX_MAX_ATTEMPTS = 1
    settings.MARQUEE_OUTBOX_RETRY_BASE_SECONDS = 1

    def always_fails(event):
        raise Boom("x")

    register_consumer("once_only", ["test.happened"], always_fails)
    event = publish_now()
    assert outbox.drain() == 1
    assert EventDelivery.objects.get(event=event).status == "failed"


def test_a_crash_before_the_mark_rolls_back_the_side_effects_too(
    register_consumer, worker_mode, monkeypatch
):
    register_consumer("ledger", ["test.happened"], lambda e: echo(e, "ledger"))
    event = publish_now()
    real_save = EventDelivery.save

    def crash(self, *args, **kwargs):
        raise RuntimeError("power cut")

    monkeypatch.setattr(EventDelivery, "save", crash)
    with pytest.raises(RuntimeError):
        outbox.drain()
    assert echoes("ledger", event) == 0  # nothing half-applied
    monkeypatch.setattr(EventDelivery, "save", real_save)
    delivery = EventDelivery.objects.get(event=event)
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    assert outbox.drain() == 1
    assert echoes("ledger", event) == 1


# --- immediate mode --------------------------------------------------------------------------


def test_immediate_mode_runs_consumers_after_commit_not_before(
    register_consumer, settings, django_capture_on_commit_callbacks
):
    settings.MARQUEE_OUTBOX_MODE = "immediate"
    calls: list[int] = []
    register_consumer("instant", ["test.happened"], lambda e: calls.append(e.pk))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            event = outbox.publish("test.happened", aggregate="order", aggregate_id=1, payload={})
            assert calls == []  # not inside the transaction
        assert calls == []  # not before the (captured) commit
    assert calls == [event.pk]
    assert len(callbacks) == 1
    assert EventDelivery.objects.get(event=event).status == "done"


def test_worker_mode_schedules_nothing(
    register_consumer, worker_mode, django_capture_on_commit_callbacks
):
    calls: list[int] = []
    register_consumer("later", ["test.happened"], lambda e: calls.append(e.pk))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        publish_now()
    assert callbacks == []
    assert calls == []
    assert outbox.drain() == 1
    assert len(calls) == 1


def test_events_without_subscribers_schedule_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        event = publish_now("test.nobody_listens")
    assert callbacks == []
    assert not EventDelivery.objects.filter(event=event).exists()


@pytest.mark.django_db(transaction=True)
def test_immediate_mode_with_real_commits(register_consumer, settings):
    settings.MARQUEE_OUTBOX_MODE = "immediate"
    register_consumer("instant", ["test.happened"], lambda e: echo(e, "instant"))
    with transaction.atomic():
        event = outbox.publish("test.happened", aggregate="order", aggregate_id=1, payload={})
        assert echoes("instant", event) == 0
    assert echoes("instant", event) == 1
    assert EventDelivery.objects.get(event=event).status == "done"
    # A consumer failure after commit is recorded, never raised into the committed request.
    register_consumer("sulky", ["test.sulk"], lambda e: (_ for _ in ()).throw(Boom("sulk")))
    with transaction.atomic():
        sulk = outbox.publish("test.sulk", aggregate="order", aggregate_id=2, payload={})
    delivery = EventDelivery.objects.get(event=sulk)
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    # A rolled-back transaction dispatches nothing.
    with pytest.raises(Boom), transaction.atomic():
        outbox.publish("test.happened", aggregate="order", aggregate_id=3, payload={})
        raise Boom
    assert OutboxEvent.objects.filter(type="test.happened").count() == 1


@pytest.mark.django_db(transaction=True)
def test_publish_outside_a_transaction_is_a_programming_error():
    with pytest.raises(RuntimeError, match="transaction"):
        outbox.publish("test.happened", aggregate="order", aggregate_id=1, payload={})
    assert not OutboxEvent.objects.exists()


def test_drain_only_runs_the_consumers_named_by_prefix(register_consumer, worker_mode):
    seen: list[str] = []
    register_consumer("books.ledger", ["test.sold"], lambda e: seen.append("ledger"))
    register_consumer("stats.rollups", ["test.sold"], lambda e: seen.append("rollups"))
    with transaction.atomic():
        event = outbox.publish("test.sold", aggregate="order", aggregate_id="1", payload={})
    assert outbox.drain(only=("books.",)) == 1
    assert seen == ["ledger"]
    statuses = dict(EventDelivery.objects.filter(event=event).values_list("consumer", "status"))
    assert statuses == {"books.ledger": "done", "stats.rollups": "pending"}
    assert outbox.drain() == 1
    assert seen == ["ledger", "rollups"]
