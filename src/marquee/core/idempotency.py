"""Idempotency keys with Stripe's semantics, for every request that creates or moves money.

Same key + same request → the same response (or the same error), the work done
once; same key + a different request → ``idempotency_key_reused`` (422); the
same key while the first request still runs → ``idempotency_request_in_progress``
(409). docs/idempotency.md has the whole picture; in short, three layers each
own one promise:

1. **Requests** (this module): :func:`idempotent` on an API operation or a
   form's handler, :func:`run_idempotent` underneath. It owns the *response*:
   for 24 hours a retried request with the same key gets the first answer
   without running again. Records: :class:`~marquee.core.models.IdempotencyRecord`
   per (user, scope, key).
2. **Domain records** (ticketing's refunds and exchanges, ``clean_idempotency_key``):
   the key is stored on the ``OrderRefund`` / ``TicketExchange`` row, unique per
   order. It owns the *business fact*: one refund or exchange per key per
   order, forever, whichever door the request came through — also after layer
   1's record expired, and for callers that never pass through layer 1.
3. **Money movements** (``payments.services.refund_payment``; callbacks by
   provider event id): the key is stored on the ``payments.Refund`` row,
   unique per payment. It owns the *money*: a payment refunds at most once per
   key, so a retried domain step never pays out twice.

``run_idempotent(key=…, user=…, scope=…, fingerprint=…, fn=…)``:

- no key: ``fn()`` runs, nothing is recorded;
- first use of ``(user, scope, key)``: ``fn()`` runs and its ``(status, body)``
  — or the :class:`DomainError` it raised — is stored for 24 hours;
- the same key with the same fingerprint again: the stored response is
  returned (or the stored error raised again); ``fn`` is not called;
- the same key with a different fingerprint: ``idempotency_key_reused`` (422);
- the same key while the first request is still running:
  ``idempotency_request_in_progress`` (409) — the client retries later.

How it is exactly-once: the key is *claimed* by inserting the record in a
short transaction of its own (the unique constraint on (user, scope, key)
decides who wins). The winner then runs ``fn`` and stores the response in ONE
transaction holding the record's row lock, so ``fn``'s effects and the "done"
mark commit together or not at all. A claim whose owner died before
committing (its effects were rolled back with it) may be taken over after
``MARQUEE_IDEMPOTENCY_LOCK_SECONDS`` (default 60); the lock token stops a
slow original owner from also committing.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import inspect
import json
import secrets
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser as User
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, OperationalError, transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Header, P, Status

from marquee.core.errors import Conflict, CoreErrorCode, DomainError
from marquee.core.models import IdempotencyRecord
from marquee.core.prepared import Prepared

#: The HTTP header API endpoints read the key from.
HEADER = "Idempotency-Key"
#: The hidden field of an HTML form that carries its one-time key (a UUID).
FORM_FIELD = "idempotency_key"
TTL = timedelta(hours=24)
MAX_KEY_LENGTH = 255

#: The ``idempotency_key`` argument of an API operation: the ``Idempotency-Key`` header.
IdempotencyKey = Header[
    str | None,
    P(
        alias=HEADER,
        description="Repeat a request safely: the same key and request return the first response.",
        max_length=MAX_KEY_LENGTH,
    ),
]


def _lock_timeout() -> timedelta:
    return timedelta(seconds=getattr(settings, "MARQUEE_IDEMPOTENCY_LOCK_SECONDS", 60))


def fingerprint_digest(fingerprint: dict[str, Any]) -> str:
    """A stable SHA-256 of the request's canonical JSON."""
    canonical = json.dumps(
        fingerprint, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _without_nul(value: Any) -> Any:
    # PostgreSQL's jsonb cannot store U+0000.
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    return value


def _to_json(value: Any) -> Any:
    return _without_nul(json.loads(json.dumps(value, cls=DjangoJSONEncoder)))


def _error_record(exc: DomainError) -> dict[str, Any]:
    return {
        "class": f"{type(exc).__module__}:{type(exc).__qualname__}",
        "code": exc.code,
        "message": _without_nul(exc.message),
        "status": exc.status,
        "title": exc.title,
        "detail": _to_json(exc.detail),
    }


def _rebuild_error(data: dict[str, Any]) -> DomainError:
    """The stored error as an exception of the same class when it can be rebuilt."""
    cls: type[DomainError] = DomainError
    module_name, _, qualname = str(data.get("class", "")).partition(":")
    try:
        candidate = getattr(importlib.import_module(module_name), qualname)
        if isinstance(candidate, type) and issubclass(candidate, DomainError):
            cls = candidate
    except (ImportError, AttributeError, ValueError):
        pass
    detail = data.get("detail") or {}
    try:
        exc = cls(data["code"], data["message"], status=data["status"], **detail)
    except TypeError:
        # A subclass with its own __init__: a plain DomainError answers identically.
        exc = DomainError(data["code"], data["message"], status=data["status"], **detail)
        exc.title = data.get("title", exc.title)
    return exc


def _replay(record: IdempotencyRecord) -> tuple[int, dict]:
    if record.error is not None:
        raise _rebuild_error(record.error)
    return int(record.response_status or 200), record.response_body


def _new_record(
    *, user: User, scope: str, key: str, digest: str, token: str, now: datetime | None = None
) -> IdempotencyRecord:
    """An unsaved claim of ``key``, locked by ``token`` from ``now`` and expiring after TTL."""
    now = now or timezone.now()
    return IdempotencyRecord(
        user=user,
        scope=scope,
        key=key,
        fingerprint=digest,
        lock_token=token,
        locked_at=now,
        expires_at=now + TTL,
    )


def _claim(*, user: User, scope: str, key: str, digest: str) -> tuple[int, str] | IdempotencyRecord:
    """Claim the key: ``(record id, lock token)``, or the finished record to replay.

    Raises ``idempotency_key_reused`` / ``idempotency_request_in_progress``.
    """
    now = timezone.now()
    token = secrets.token_hex(16)
    with transaction.atomic():
        IdempotencyRecord.objects.filter(
            user=user, scope=scope, key=key, expires_at__lte=now
        ).delete()
        try:
            with transaction.atomic():
                record = _new_record(
                    user=user, scope=scope, key=key, digest=digest, token=token, now=now
                )
                record.save(force_insert=True)
            return record.pk, token
        except IntegrityError:
            pass
        record = IdempotencyRecord.objects.get(user=user, scope=scope, key=key)
        if record.fingerprint != digest:
            raise DomainError(
                CoreErrorCode.IDEMPOTENCY_MISMATCH,
                "This Idempotency-Key was already used with a different request.",
                status=422,
            )
        if record.state == IdempotencyRecord.State.DONE:
            return record
        taken_over = IdempotencyRecord.objects.filter(
            pk=record.pk,
            state=IdempotencyRecord.State.IN_PROGRESS,
            lock_token=record.lock_token,
            locked_at__lt=now - _lock_timeout(),
        ).update(lock_token=token, locked_at=now)
        if taken_over:
            return record.pk, token
    raise Conflict(
        CoreErrorCode.IDEMPOTENCY_IN_PROGRESS,
        "A request with this Idempotency-Key is still being processed; retry shortly.",
    )


def run_idempotent(
    *,
    key: str | None,
    user: User,
    scope: str,
    fingerprint: dict,
    fn: Callable[[], tuple[int, dict]],
) -> tuple[int, dict]:
    """Run ``fn`` at most once per ``(user, scope, key)`` and replay its result.

    ``fingerprint`` describes the request (its parameters); it must be JSON
    serialisable. ``fn`` returns ``(http status, JSON-able body)``; the body is
    returned JSON-normalised (datetimes as ISO strings…) on the first call and
    on replays alike. A :class:`DomainError` raised by ``fn`` is stored and
    raised again on replays; any other exception is not stored (``fn``'s
    transaction was rolled back) and the key may be retried.

    Raises :class:`DomainError` ``invalid_idempotency_key``,
    ``idempotency_key_reused`` (422) and :class:`Conflict`
    ``idempotency_request_in_progress`` (409).
    """
    if key is None:
        return fn()
    if not isinstance(key, str) or not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable():
        raise DomainError(
            CoreErrorCode.INVALID_IDEMPOTENCY_KEY,
            f"An Idempotency-Key is 1–{MAX_KEY_LENGTH} printable characters.",
        )
    digest = fingerprint_digest(fingerprint)
    fresh = _claim_fresh(user=user, scope=scope, key=key, digest=digest, fn=fn)
    if fresh is not None:
        return fresh
    claimed = _claim(user=user, scope=scope, key=key, digest=digest)
    if isinstance(claimed, IdempotencyRecord):
        return _replay(claimed)
    record_id, token = claimed
    with transaction.atomic():
        record = IdempotencyRecord.objects.select_for_update().get(pk=record_id)
        outcome = _run_claimed(record=record, token=token, fn=fn)
    return _deliver(outcome)


_Outcome = tuple[tuple[int, dict] | None, DomainError | None, BaseException | None]


def _claim_fresh(
    *, user: User, scope: str, key: str, digest: str, fn: Callable[[], tuple[int, dict]]
) -> tuple[int, dict] | None:
    """The common case in two statements: the key was never used, so claim it and run.

    ``INSERT … ON CONFLICT DO NOTHING`` (one statement, committed at once, so a
    concurrent duplicate sees the claim), then the record is locked without
    waiting. If it carries our lock token the key is ours and ``fn`` runs as on
    the general path. Otherwise (the key exists: done, in progress, expired, or
    locked by its running owner) ``None``: the caller takes the general path of
    :func:`_claim`, whose answers are unchanged.
    """
    now = timezone.now()
    token = secrets.token_hex(16)
    IdempotencyRecord.objects.bulk_create(
        [_new_record(user=user, scope=scope, key=key, digest=digest, token=token, now=now)],
        ignore_conflicts=True,
    )
    locking = True
    try:
        with transaction.atomic():
            record = _CLAIMED_RECORD.first(user_id=user.pk, scope=scope, key=key, lock_token=token)
            locking = False
            if record is None:
                return None
            outcome = _run_claimed(record=record, token=token, fn=fn)
    except OperationalError:
        if locking:  # locked by the request that owns the key, still running (PostgreSQL)
            return None
        raise
    return _deliver(outcome)


#: A freshly claimed record, locked NOWAIT (compiled once: core.prepared).
_CLAIMED_RECORD = Prepared(
    lambda user_id, scope, key, lock_token: (
        IdempotencyRecord.objects.select_for_update(nowait=True)
        .filter(user_id=user_id, scope=scope, key=key, lock_token=lock_token)
        .order_by()[:1]
    ),
    user_id=int,
    scope=str,
    key=str,
    lock_token=str,
)


def _run_claimed(
    *, record: IdempotencyRecord, token: str, fn: Callable[[], tuple[int, dict]]
) -> _Outcome:
    """Run ``fn`` for the locked, claimed ``record`` and store its outcome.

    Call in the transaction that locked ``record``; raise what it returns with
    :func:`_deliver` after that transaction committed.
    """
    if record.lock_token != token or record.state != IdempotencyRecord.State.IN_PROGRESS:
        # Our claim went stale and another request took it over.
        raise Conflict(
            CoreErrorCode.IDEMPOTENCY_IN_PROGRESS,
            "A request with this Idempotency-Key is still being processed; retry shortly.",
        )
    error: DomainError | None = None
    unexpected: BaseException | None = None
    response: tuple[int, dict] | None = None
    try:
        with transaction.atomic():
            status, body = fn()
    except DomainError as exc:
        error = exc
        record.error = _error_record(exc)
    except Exception as exc:
        unexpected = exc
        record.delete()
    else:
        response = (int(status), _to_json(body))
        record.response_status, record.response_body = response
    if unexpected is None:
        record.state = IdempotencyRecord.State.DONE
        record.save(update_fields=["state", "error", "response_status", "response_body"])
    return response, error, unexpected


def _deliver(outcome: _Outcome) -> tuple[int, dict]:
    response, error, unexpected = outcome
    if unexpected is not None:
        raise unexpected
    if error is not None:
        raise error
    assert response is not None  # noqa: S101 - set on the only remaining path
    return response


def purge_expired_records() -> int:
    """Delete idempotency records past their 24 h expiry; returns how many.

    Housekeeping only: an expired key is also replaced when it is used again.
    """
    deleted, _ = IdempotencyRecord.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


# --- the decorator --------------------------------------------------------------------

KeyOf = Callable[[HttpRequest, Mapping[str, Any]], "str | None"]
View = TypeVar("View", bound=Callable[..., Any])


def header_key(request: HttpRequest, arguments: Mapping[str, Any]) -> str | None:
    """An API operation's key: its ``idempotency_key`` argument (declare it as
    :data:`IdempotencyKey`, so ninja reads and bounds the header and documents it)."""
    return arguments.get("idempotency_key")


def form_key(request: HttpRequest, arguments: Mapping[str, Any] | None = None) -> str | None:
    """An HTML form's one-time key: the UUID in its :data:`FORM_FIELD` field.

    The page renders a fresh UUID (:func:`new_form_key`) into the form, so a
    double-submitted form repeats it. Anything else (missing, malformed) is
    ``None``: the request runs without a key.
    """
    raw = str(request.POST.get(FORM_FIELD, "")).strip()
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        return None


def new_form_key() -> str:
    """A fresh key to render into a form's :data:`FORM_FIELD`."""
    return str(uuid.uuid4())


def idempotent(
    *,
    scope: str,
    fingerprint: Callable[..., dict[str, Any]],
    key: KeyOf = header_key,
    respond: Callable[[int, Any], Any] = Status,
    guard: Callable[..., None] | None = None,
) -> Callable[[View], View]:
    """Run the decorated handler through :func:`run_idempotent`.

    The handler takes the request first and returns ``(http status, JSON-able
    body)``; it runs at most once per (user, ``scope``, key), in one
    transaction with the "done" mark. ``fingerprint`` is called with the
    handler's other arguments and returns what identifies the request (same
    key + another fingerprint → ``idempotency_key_reused``). ``key`` finds the
    key: :func:`header_key` (API operations, the default) or :func:`form_key`
    (form handlers). ``respond`` turns ``(status, body)`` into the handler's
    result: ninja's :class:`~ninja.Status` by default; pass ``respond=pair``
    to get the tuple back (a form view then redirects or renders).
    ``guard``, called like the handler before anything is claimed, raises the
    refusals that must not be recorded under the key (a missing role: the
    same key may be retried once the role is granted).

    An API operation::

        @router.post("/orders", response={201: OrderOut}, auth=AUTH)
        @idempotent(scope="ticketing.create_order", fingerprint=lambda payload, **_: {...})
        def create_order(request, payload: OrderIn, idempotency_key: IdempotencyKey = None):
            ...
            return 201, body.model_dump(mode="json")

    ninja reads the handler's signature (annotations resolved here, in the
    handler's module), so it sees the same parameters as without the decorator.
    """

    def decorate(view: View) -> View:
        signature = inspect.signature(view, eval_str=True)

        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if guard is not None:
                guard(request, *args, **kwargs)
            status, body = run_idempotent(
                key=key(request, kwargs),
                user=request.user,
                scope=scope,
                fingerprint=fingerprint(*args, **kwargs),
                fn=functools.partial(view, request, *args, **kwargs),
            )
            return respond(status, body)

        wrapper.__signature__ = signature  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def pair(status: int, body: Any) -> tuple[int, Any]:
    """``respond=pair``: the decorated handler returns ``(status, body)`` as it is."""
    return status, body
