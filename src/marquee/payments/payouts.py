"""Payouts: money sent out to a payee, once per (purpose, reference).

``request_payout`` writes the :class:`Payout` (``requested``) for a
validated destination; ``send_payout`` hands it to its provider. The
simulator settles at once (``paid`` or ``failed``); the real providers leave
it ``requested`` for the bank-transfer batch: finance staff download the
batch (``batch_csv`` marks its rows ``sent``) and confirm each transfer
(``confirm_payout``). ``paid`` and ``failed`` are published
(``payments.payout_paid`` / ``payments.payout_failed``); the purpose's domain
books them. A failed payout is sent again with ``retry_payout`` (same row,
``attempts + 1``), so a reference never pays twice.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from marquee.accounts.models import Role, User
from marquee.accounts.permissions import require_role
from marquee.core.errors import Conflict, DomainError, NotFound
from marquee.core.money import is_supported_currency
from marquee.core.text import clean_text
from marquee.payments import events
from marquee.payments.errors import PaymentsErrorCode
from marquee.payments.models import Payment, Payout
from marquee.payments.providers.base import ProviderPayout
from marquee.payments.registry import default_provider_name, get_provider

#: A bank account number: letters and digits (an IBAN, a mainland card, a HK account), 6–34.
ACCOUNT_NUMBER = re.compile(r"^[A-Z0-9]{6,34}$")


@dataclass(frozen=True)
class Destination:
    """Where a payout goes: a bank account, or back to the method of ``original_payment``."""

    kind: str
    account_name: str = ""
    bank_name: str = ""
    account_number: str = ""
    original_payment: Payment | None = None


def invalid_destination(field: str) -> DomainError:
    return DomainError(
        PaymentsErrorCode.INVALID_PAYOUT_DESTINATION,
        f"The payout destination's {field} is not valid.",
        field=field,
    )


def bank_destination(*, account_name: Any, bank_name: Any, account_number: Any) -> Destination:
    """A validated bank account (spaces and hyphens in the number are dropped, letters upper-cased).

    Raises :class:`DomainError` ``invalid_payout_destination`` (``field``),
    ``invalid_text``/``text_too_long``.
    """
    name = clean_text(account_name, field="account_name", max_length=100)
    bank = clean_text(bank_name, field="bank_name", max_length=100)
    number = re.sub(r"[\s-]", "", clean_text(account_number, field="account_number", max_length=60))
    if not name:
        raise invalid_destination("account_name")
    if not bank:
        raise invalid_destination("bank_name")
    number = number.upper()
    if not ACCOUNT_NUMBER.match(number):
        raise invalid_destination("account_number")
    return Destination(
        kind=Payout.Destination.BANK, account_name=name, bank_name=bank, account_number=number
    )


def original_destination(payment: Payment) -> Destination:
    """Back to the method ``payment`` was paid with (it must have been captured)."""
    if payment.status not in (*Payment.REFUNDABLE, Payment.Status.REFUNDED):
        raise invalid_destination("original_payment")
    return Destination(kind=Payout.Destination.ORIGINAL, original_payment=payment)


def _destination_fields(destination: Destination) -> dict[str, Any]:
    return {
        "destination": destination.kind,
        "account_name": destination.account_name,
        "bank_name": destination.bank_name,
        "account_number": destination.account_number,
        "original_payment": destination.original_payment,
    }


def _provider_for(destination: Destination) -> str:
    if destination.original_payment is not None:
        return destination.original_payment.provider
    return default_provider_name()


def request_payout(
    *,
    purpose: str,
    reference: str,
    payee: User,
    amount_minor: int,
    currency: str,
    destination: Destination,
) -> Payout:
    """The payout of (``purpose``, ``reference``): written ``requested`` once, then returned as is.

    Call inside the caller's transaction or alone (one transaction). A repeat
    with the same payee, amount and currency returns the first row; anything
    else under the reference raises :class:`DomainError`
    ``payout_reference_reused``. Raises ``invalid_amount``, ``invalid_currency``.
    """
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int) or amount_minor <= 0:
        raise DomainError(PaymentsErrorCode.INVALID_AMOUNT, "A payout is a positive amount.")
    if not is_supported_currency(currency):
        raise DomainError(PaymentsErrorCode.INVALID_CURRENCY, f"No currency {currency!r}.")
    with transaction.atomic():
        try:
            with transaction.atomic():
                return Payout.objects.create(
                    purpose=purpose,
                    reference=reference,
                    payee=payee,
                    amount_minor=amount_minor,
                    currency=currency,
                    provider=_provider_for(destination),
                    **_destination_fields(destination),
                )
        except IntegrityError:
            existing = Payout.objects.filter(purpose=purpose, reference=reference).first()
            if existing is None:
                raise
        if (existing.payee_id, existing.amount_minor, existing.currency) != (
            payee.pk,
            amount_minor,
            currency,
        ):
            raise DomainError(
                PaymentsErrorCode.PAYOUT_REFERENCE_REUSED,
                f"Payout {purpose}:{reference} was requested with another amount or payee.",
            )
        return existing


def _payload(payout: Payout, **extra: Any) -> dict[str, Any]:
    return {
        "payout_id": payout.pk,
        "purpose": payout.purpose,
        "reference": payout.reference,
        "payee_id": payout.payee_id,
        "amount_minor": payout.amount_minor,
        "currency": payout.currency,
        "provider": payout.provider,
        "provider_ref": payout.provider_ref,
        **extra,
    }


def _publish(event_type: str, payout: Payout, **extra: Any) -> None:
    from marquee.core.outbox import publish

    publish(
        event_type,
        aggregate=events.PAYOUT_AGGREGATE,
        aggregate_id=payout.pk,
        payload=_payload(payout, **extra),
    )


def _settle(payout: Payout, *, outcome: str, provider_ref: str, reason: str, now: datetime) -> None:
    """Move the locked ``sent`` payout to ``paid`` or ``failed`` and publish it."""
    payout.provider_ref = (provider_ref or payout.provider_ref)[:100]
    if outcome == "paid":
        payout.status, payout.paid_at = Payout.Status.PAID, now
        payout.save(update_fields=["status", "paid_at", "provider_ref", "updated_at"])
        _publish(events.PAYOUT_PAID, payout)
    else:
        payout.status, payout.failed_at = Payout.Status.FAILED, now
        payout.failure_reason = (reason or "failed")[:200]
        payout.save(
            update_fields=["status", "failed_at", "failure_reason", "provider_ref", "updated_at"]
        )
        _publish(events.PAYOUT_FAILED, payout, reason=payout.failure_reason)


def _locked(payout: Payout | int) -> Payout:
    """The payout's row, locked for the caller's transaction; :class:`NotFound` ``payout_not_found``."""
    pk = payout if isinstance(payout, int) else payout.pk
    locked = Payout.objects.select_for_update().filter(pk=pk).first()
    if locked is None:
        raise NotFound(PaymentsErrorCode.PAYOUT_NOT_FOUND, f"No payout {pk}.")
    return locked


def send_payout(*, payout: Payout | int) -> Payout:
    """Hand a ``requested`` payout to its provider (one transaction, the row locked).

    Any other status: returned unchanged (a repeat sends nothing). The provider
    answers ``paid``/``failed`` (settled: published), ``sent`` (settles later),
    or nothing (it waits for the bank batch, still ``requested``). A
    ``ProviderError`` rolls back: the payout stays ``requested``.
    """
    with transaction.atomic():
        locked = _locked(payout)
        if locked.status != Payout.Status.REQUESTED:
            return locked
        answer: ProviderPayout | None = get_provider(locked.provider).send_payout(locked)
        if answer is None:
            return locked
        now = timezone.now()
        locked.status, locked.sent_at = Payout.Status.SENT, now
        locked.provider_ref = answer.provider_ref[:100]
        locked.save(update_fields=["status", "sent_at", "provider_ref", "updated_at"])
        if answer.outcome in ("paid", "failed"):
            _settle(
                locked,
                outcome=answer.outcome,
                provider_ref=answer.provider_ref,
                reason=answer.reason,
                now=now,
            )
    return locked


def retry_payout(*, payout: Payout | int, destination: Destination | None = None) -> Payout:
    """Send a ``failed`` payout again (to ``destination`` when given): same row, one more attempt.

    Raises :class:`Conflict` ``payout_not_failed`` (the conditional UPDATE
    ``failed → requested`` found nothing to move).
    """
    pk = payout if isinstance(payout, int) else payout.pk
    fields: dict[str, Any] = {}
    if destination is not None:
        fields = {**_destination_fields(destination), "provider": _provider_for(destination)}
    with transaction.atomic():
        moved = Payout.objects.filter(pk=pk, status=Payout.Status.FAILED).update(
            status=Payout.Status.REQUESTED,
            attempts=F("attempts") + 1,
            failure_reason="",
            updated_at=timezone.now(),
            **fields,
        )
        if moved != 1:
            raise Conflict(PaymentsErrorCode.PAYOUT_NOT_FAILED, f"Payout {pk} has not failed.")
        return send_payout(payout=pk)


def awaiting_batch() -> QuerySet[Payout]:
    """Requested payouts their provider left to the bank batch, oldest first."""
    return (
        Payout.objects.filter(status=Payout.Status.REQUESTED)
        .select_related("payee", "original_payment")
        .order_by("created_at", "pk")
    )


BATCH_COLUMNS = (
    "payout_id",
    "purpose",
    "reference",
    "payee",
    "destination",
    "account_name",
    "bank_name",
    "account_number",
    "original_payment",
    "amount_minor",
    "currency",
)


def batch_csv(*, actor: User) -> str:
    """The bank-transfer batch (finance staff): every requested payout as a CSV row, marked ``sent``.

    One transaction: the rows are locked, written and moved ``requested →
    sent`` together, so a payout appears in one batch only. Raises
    :class:`PermissionDenied` ``forbidden``.
    """
    require_role(actor, Role.FINANCE)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(BATCH_COLUMNS)
    with transaction.atomic():
        rows = list(awaiting_batch().select_for_update(of=("self",)))
        for p in rows:
            writer.writerow(
                [
                    p.pk,
                    p.purpose,
                    p.reference,
                    p.payee.get_username(),
                    p.destination,
                    _cell(p.account_name),
                    _cell(p.bank_name),
                    p.account_number,
                    str(p.original_payment_id or ""),
                    p.amount_minor,
                    p.currency,
                ]
            )
        Payout.objects.filter(pk__in=[p.pk for p in rows], status=Payout.Status.REQUESTED).update(
            status=Payout.Status.SENT, sent_at=timezone.now(), updated_at=timezone.now()
        )
    return out.getvalue()


def _cell(text: str) -> str:
    # A spreadsheet must not run a name as a formula.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def confirm_payout(
    *, actor: User, payout: Payout | int, outcome: str, bank_reference: str = "", reason: str = ""
) -> Payout:
    """Record what the bank did with a ``sent`` payout (finance staff): ``paid`` or ``failed``.

    Raises :class:`PermissionDenied` ``forbidden``, :class:`DomainError`
    ``invalid_payout_outcome``, :class:`NotFound` ``payout_not_found``,
    :class:`Conflict` ``payout_not_sent`` (already settled: nothing changes).
    """
    require_role(actor, Role.FINANCE)
    if outcome not in ("paid", "failed"):
        raise DomainError(PaymentsErrorCode.INVALID_PAYOUT_OUTCOME, "Outcome is paid or failed.")
    ref = clean_text(bank_reference, field="bank_reference", max_length=100)
    why = clean_text(reason, field="reason", max_length=200)
    with transaction.atomic():
        locked = _locked(payout)
        if locked.status != Payout.Status.SENT:
            raise Conflict(
                PaymentsErrorCode.PAYOUT_NOT_SENT, f"Payout {locked.pk} is {locked.status}."
            )
        _settle(locked, outcome=outcome, provider_ref=ref, reason=why, now=timezone.now())
    return locked
