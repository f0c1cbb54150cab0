"""The transactional outbox: domain events, their consumers, and the drain loop.

A service that changes something another domain cares about calls
:func:`publish` inside its own ``transaction.atomic()``; the event row and
one :class:`~marquee.core.models.EventDelivery` row per subscribed consumer
are written in that transaction, so they exist if and only if the change
committed.

Consumers are plain functions registered with :func:`consumer`, usually in
``<app>/consumers.py`` (found automatically, like ``admin.py``). Each
consumer sees each event it subscribed to exactly once: a drainer claims a
due delivery under a row lock, runs the consumer in a savepoint and marks the
delivery done in the same transaction, so a crash rolls back the consumer's
database writes together with the mark. A consumer that raises is retried
with exponential backoff and, after its last attempt, marked ``failed``
(visible in the admin); neither blocks other consumers or later events.

Modes (``settings.MARQUEE_OUTBOX_MODE``): ``"immediate"`` dispatches each
event right after its transaction commits (demo, tests); ``"worker"`` leaves
everything to ``marquee worker``, which calls :func:`drain` in a loop.
Retries after a failure are only picked up by :func:`drain`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from marquee.core.models import EventDelivery, OutboxEvent

logger = logging.getLogger("marquee.outbox")

MODES = ("immediate", "worker")
DEFAULT_MAX_ATTEMPTS = 8
DEFAULT_RETRY_BASE_SECONDS = 10
DEFAULT_RETRY_MAX_SECONDS = 3600
_MAX_ERROR_CHARS = 4000

ConsumerFn = Callable[[OutboxEvent], None]


@dataclass(frozen=True, slots=True)
class Consumer:
    """A registered consumer: a stable ``name`` (stored on every delivery),
    the event types it wants (exact names or ``fnmatch`` patterns such as
    ``"ticketing.*"``), the function, and its attempt limit."""

    name: str
    events: tuple[str, ...]
    fn: Callable[..., None]  # takes one event, or a list of them when bulk
    max_attempts: int
    batch: int = 1
    bulk: bool = False

    def wants(self, event_type: str) -> bool:
        return any(fnmatchcase(event_type, pattern) for pattern in self.events)


_registry: dict[str, Consumer] = {}
_registry_lock = threading.Lock()
_discovered = False


def _setting(name: str, default: int) -> int:
    value = getattr(settings, name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ImproperlyConfigured(f"{name} must be a positive int, not {value!r}.")
    return value


def consumer(
    name: str,
    *,
    events: Iterable[str],
    max_attempts: int | None = None,
    batch: int = 1,
    bulk: bool = False,
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register ``fn(event) -> None`` as consumer ``name`` of the ``events`` types.

    ``name`` is stored on every delivery row, so never rename a consumer that
    has run in production. It runs inside the transaction that marks its
    delivery done: database writes are exactly-once; anything outside the
    database (mail, HTTP) should be idempotent or deferred with
    ``transaction.on_commit``. ``max_attempts`` defaults to
    ``settings.MARQUEE_OUTBOX_MAX_ATTEMPTS`` (8). ``batch`` > 1 lets a drainer
    claim up to that many of the consumer's due deliveries in one transaction:
    each still runs in its own savepoint and succeeds or fails alone, but they
    share one commit (a high-volume consumer such as the ledger's). With
    ``bulk=True`` the function takes a *list* of events: a claimed batch is
    first offered whole, in one savepoint; if that raises, each event is run
    alone (``fn([event])``) so that only the bad one retries.

    Registering a different function under a taken name raises
    :class:`ValueError`; re-registering the same function (a module
    re-import) replaces it.
    """
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise ValueError("A consumer needs a name of 1–100 characters.")
    if isinstance(events, str):
        raise TypeError("events must be a list of event types, not a single string.")
    patterns = tuple(events)
    if not patterns or not all(isinstance(p, str) and p for p in patterns):
        raise ValueError(f"Consumer {name!r} must subscribe to at least one event type.")
    if isinstance(batch, bool) or not isinstance(batch, int) or not 1 <= batch <= 10_000:
        raise ValueError("batch must be an int from 1 to 10000.")
    if max_attempts is not None and (
        isinstance(max_attempts, bool) or not isinstance(max_attempts, int) or max_attempts < 1
    ):
        raise ValueError("max_attempts must be a positive int.")

    def register(fn: Callable[..., None]) -> Callable[..., None]:
        with _registry_lock:
            existing = _registry.get(name)
            if existing is not None and _identity(existing.fn) != _identity(fn):
                raise ValueError(
                    f"Consumer name {name!r} is taken by {_identity(existing.fn)}; "
                    f"cannot register {_identity(fn)}."
                )
            _registry[name] = Consumer(
                name=name,
                events=patterns,
                fn=fn,
                max_attempts=max_attempts
                or _setting("MARQUEE_OUTBOX_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS),
                batch=batch,
                bulk=bulk,
            )
        return fn

    return register


def _identity(fn: Callable[..., Any]) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"


def unregister(name: str) -> None:
    """Forget consumer ``name`` (tests). Its pending deliveries stay pending."""
    with _registry_lock:
        _registry.pop(name, None)


def registered_consumers() -> dict[str, Consumer]:
    """A snapshot of the registry, after loading every app's ``consumers`` module."""
    autodiscover()
    with _registry_lock:
        return dict(_registry)


def autodiscover() -> None:
    """Import ``<app>.consumers`` for every installed app, once per process."""
    global _discovered
    if _discovered:
        return
    with _registry_lock:
        if _discovered:
            return
        _discovered = True
    try:
        autodiscover_modules("consumers")
    except BaseException:
        _discovered = False  # surface the broken module again next time
        raise


def outbox_mode() -> str:
    mode = getattr(settings, "MARQUEE_OUTBOX_MODE", "immediate")
    if mode not in MODES:
        raise ImproperlyConfigured(f"MARQUEE_OUTBOX_MODE must be one of {MODES}, not {mode!r}.")
    return mode


def publish(
    type: str,
    *,
    aggregate: str,
    aggregate_id: object,
    payload: dict[str, Any],
) -> OutboxEvent:
    """Write event ``type`` about ``aggregate``/``aggregate_id`` in the caller's transaction.

    The caller must be inside ``transaction.atomic()`` (:class:`RuntimeError`
    otherwise): the event commits or rolls back with the change it reports.
    ``payload`` must be a JSON object (no NaN); dates, Decimals and UUIDs become
    strings (Django's JSON encoder), and the returned event carries the
    payload exactly as consumers will read it. A delivery row is created for
    every consumer subscribed to ``type`` now. In immediate mode the event's
    deliveries are dispatched right after commit.
    """
    return publish_many(type, aggregate=aggregate, items=[(aggregate_id, payload)])[0]


def publish_many(
    type: str,
    *,
    aggregate: str,
    items: list[tuple[object, dict[str, Any]]],
) -> list[OutboxEvent]:
    """:func:`publish` for several ``(aggregate_id, payload)`` of one type: one INSERT.

    Same rules and checks as :func:`publish`, all before anything is written;
    the events are created in ``items`` order (ascending ids).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("outbox.publish() must be called inside transaction.atomic().")
    if not isinstance(type, str) or not type or len(type) > 100:
        raise ValueError("An event type is a non-empty string of at most 100 characters.")
    if not isinstance(aggregate, str) or not aggregate or len(aggregate) > 50:
        raise ValueError("An aggregate is a non-empty string of at most 50 characters.")
    rows = []
    for aggregate_id, payload in items:
        ref = str(aggregate_id)
        if not ref or len(ref) > 64:
            raise ValueError("An aggregate id is 1–64 characters once turned into a string.")
        if not isinstance(payload, dict):
            raise TypeError(f"payload must be a dict, not {payload.__class__.__name__}.")
        # allow_nan=False: PostgreSQL's jsonb has no NaN/Infinity (ValueError here, not a 500 there).
        stored = json.loads(json.dumps(payload, cls=DjangoJSONEncoder, allow_nan=False))
        rows.append(OutboxEvent(type=type, aggregate=aggregate, aggregate_id=ref, payload=stored))
    if not rows:
        return []
    mode = outbox_mode()
    autodiscover()
    with _registry_lock:
        subscribers = [c.name for c in _registry.values() if c.wants(type)]
    if len(rows) == 1:
        rows[0].save(force_insert=True)
        events = rows
    else:
        events = OutboxEvent.objects.bulk_create(rows)
    if subscribers:
        EventDelivery.objects.bulk_create(
            [
                EventDelivery(consumer=name, event=event, next_attempt_at=event.created_at)
                for event in events
                for name in subscribers
            ]
        )
        if mode == "immediate":
            # robust: a dispatch problem is logged, never turned into an error
            # for a request whose change has already committed.
            for event in events:
                transaction.on_commit(partial(dispatch_event, event.pk), robust=True)
    return events


def dispatch_event(event_id: int) -> int:
    """Run every due delivery of one event now (immediate mode's after-commit hook)."""
    return drain(event_id=event_id)


def drain(
    limit: int | None = None,
    *,
    event_id: int | None = None,
    stop: Callable[[], bool] | None = None,
    only: Sequence[str] = (),
) -> int:
    """Process due deliveries one transaction each, oldest first, until none is due.

    ``limit`` caps how many deliveries are attempted; ``event_id`` restricts
    the run to one event; ``only`` to the consumers whose names start with one
    of its prefixes (a worker per group of consumers: the ledger's apart from
    the box office's); ``stop()`` is asked before each claim and ends the
    run when true (the worker's signal handling). Returns the number
    attempted (succeeded, retried or given up). Deliveries of consumers not registered in this process are left
    alone. Safe to run in several processes at once: each delivery is claimed
    with ``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL); SQLite has a
    single writer.
    """
    if limit is not None and limit < 0:
        raise ValueError("limit must not be negative.")
    consumers = registered_consumers()
    if only:
        consumers = {n: c for n, c in consumers.items() if n.startswith(tuple(only))}
    if not consumers:
        return 0
    attempted = 0
    while limit is None or attempted < limit:
        if stop is not None and stop():
            break
        room = None if limit is None else limit - attempted
        done = _process_next(consumers, event_id=event_id, room=room)
        if not done:
            break
        attempted += done
    return attempted


def _lock(queryset: QuerySet[EventDelivery]) -> QuerySet[EventDelivery]:
    """Lock the claimed row; busy rows are skipped so drainers never wait on each other."""
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True)
    # SQLite: the transaction's write lock (BEGIN IMMEDIATE) serialises drainers.
    return queryset.select_for_update()


def _process_next(
    consumers: dict[str, Consumer], *, event_id: int | None, room: int | None = None
) -> int:
    """Claim, run and settle the next due delivery (or batch of one consumer's); 0 if none.

    Returns how many deliveries were attempted. A batching consumer's claimed
    deliveries each run in their own savepoint and settle alone; they share
    the claiming transaction, so a crash rolls all of them back together.
    """
    with transaction.atomic():
        due = EventDelivery.objects.filter(
            status=EventDelivery.Status.PENDING,
            next_attempt_at__lte=timezone.now(),
            consumer__in=list(consumers),
        )
        if event_id is not None:
            due = due.filter(event_id=event_id)
        delivery = _lock(due.order_by("id")).first()
        if delivery is None:
            return 0
        spec = consumers[delivery.consumer]
        claimed = [delivery]
        size = spec.batch if room is None else min(spec.batch, room)
        if size > 1 and event_id is None:
            more = due.filter(consumer=spec.name, id__gt=delivery.pk).order_by("id")
            claimed += list(_lock(more)[: size - 1])
        events = OutboxEvent.objects.in_bulk([d.event_id for d in claimed])
        together = spec.bulk and len(claimed) > 1 and _run_together(spec, claimed, events)
        for claim in claimed:
            event = events[claim.event_id]
            claim.attempts += 1
            if together:
                claim.status = EventDelivery.Status.DONE
                claim.processed_at = timezone.now()
                continue
            try:
                with transaction.atomic():
                    spec.fn([event] if spec.bulk else event)
            except Exception as exc:
                _settle_failure(claim, spec, event, exc)
            else:
                claim.status = EventDelivery.Status.DONE
                claim.processed_at = timezone.now()
        fields = ["status", "attempts", "last_error", "next_attempt_at", "processed_at"]
        done = [c.pk for c in claimed if c.status == EventDelivery.Status.DONE]
        if len(done) > 1:
            # One UPDATE for the successes (each was attempted once more than stored).
            EventDelivery.objects.filter(pk__in=done).update(
                status=EventDelivery.Status.DONE,
                attempts=F("attempts") + 1,
                processed_at=timezone.now(),
            )
        for claim in claimed:
            if len(done) <= 1 or claim.pk not in done:
                claim.save(update_fields=fields)
    return len(claimed)


def _run_together(
    spec: Consumer, claimed: list[EventDelivery], events: dict[int, OutboxEvent]
) -> bool:
    """Offer a bulk consumer its whole batch in one savepoint; False if it raised."""
    try:
        with transaction.atomic():
            spec.fn([events[c.event_id] for c in claimed])
    except Exception as exc:
        logger.warning(
            "consumer %s: a batch of %s failed (%r); running its events one by one",
            spec.name,
            len(claimed),
            exc,
        )
        return False
    return True


def retry_delay(attempts: int) -> dt.timedelta:
    """Backoff after ``attempts`` failed attempts: base × 2^(attempts−1), capped."""
    base = _setting("MARQUEE_OUTBOX_RETRY_BASE_SECONDS", DEFAULT_RETRY_BASE_SECONDS)
    cap = _setting("MARQUEE_OUTBOX_RETRY_MAX_SECONDS", DEFAULT_RETRY_MAX_SECONDS)
    return dt.timedelta(seconds=min(cap, base * 2 ** min(max(attempts - 1, 0), 32)))


def _settle_failure(
    delivery: EventDelivery, spec: Consumer, event: OutboxEvent, exc: Exception
) -> str:
    trace = "".join(traceback.format_exception(exc))
    delivery.last_error = trace[-_MAX_ERROR_CHARS:]
    if delivery.attempts >= spec.max_attempts:
        delivery.status = EventDelivery.Status.FAILED
        logger.error(
            "consumer %s gave up on event #%s (%s) after %s attempts: %r",
            spec.name,
            event.pk,
            event.type,
            delivery.attempts,
            exc,
        )
        return "failed"
    delivery.next_attempt_at = timezone.now() + retry_delay(delivery.attempts)
    logger.warning(
        "consumer %s failed on event #%s (%s), attempt %s of %s; retry at %s: %r",
        spec.name,
        event.pk,
        event.type,
        delivery.attempts,
        spec.max_attempts,
        delivery.next_attempt_at.isoformat(),
        exc,
    )
    return "retry"


def retry_delivery(*, delivery_id: int) -> EventDelivery:
    """Make a delivery due now with a fresh set of attempts (admin's "retry now").

    A delivery that is already done is returned unchanged: it never runs twice.
    Raises :class:`EventDelivery.DoesNotExist` for an unknown id.
    """
    with transaction.atomic():
        delivery = EventDelivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.status == EventDelivery.Status.DONE:
            return delivery
        delivery.status = EventDelivery.Status.PENDING
        delivery.attempts = 0
        delivery.next_attempt_at = timezone.now()
        delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    return delivery
