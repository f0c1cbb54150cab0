"""Reads of the payments domain, scoped to who asks."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from marquee.accounts.models import Role, User
from marquee.accounts.permissions import has_role
from marquee.core.errors import NotFound
from marquee.payments.errors import PaymentsErrorCode
from marquee.payments.models import Payment, Payout

MAX_LIST = 200


def can_see_all_payments(user: User) -> bool:
    """Finance staff and administrators see every payment; everyone else their own."""
    return has_role(user, Role.FINANCE)


def visible_payments(user: User) -> QuerySet[Payment]:
    qs = Payment.objects.all()
    if not can_see_all_payments(user):
        qs = qs.filter(payer=user)
    return qs


def payments_of(user: User, *, limit: int = 50) -> list[Payment]:
    """``user``'s own payments, newest first, with their refunds."""
    limit = max(1, min(int(limit), MAX_LIST))
    return list(
        Payment.objects.filter(payer=user)
        .prefetch_related("refunds")
        .order_by("-created_at")[:limit]
    )


def get_visible_payment(user: User, payment_id: uuid.UUID) -> Payment:
    """The payment if ``user`` may see it; :class:`NotFound` ``payment_not_found`` otherwise."""
    payment = visible_payments(user).prefetch_related("refunds").filter(pk=payment_id).first()
    if payment is None:
        raise NotFound(PaymentsErrorCode.PAYMENT_NOT_FOUND, f"No payment {payment_id}.")
    return payment


def payouts(*, status: str | None = None, limit: int = 100) -> QuerySet[Payout]:
    """Payouts newest first (finance staff's view; the caller checks the role)."""
    limit = max(1, min(int(limit), MAX_LIST))
    rows = Payout.objects.select_related("payee")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-pk")[:limit]
