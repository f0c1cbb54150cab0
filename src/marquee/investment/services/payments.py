"""Paying participants what the waterfall owes them: Dr 2610 payable / Cr 1010 bank.

The waterfall's receipts raise each participant's ``earned_minor`` (and post
the payable); a payment claims part of what is owed with one conditional
UPDATE (``paid_minor + amount <= earned_minor``), so two payments racing for
the same balance never pay it twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from marquee.finance.services import LineSpec, post_entry
from marquee.investment.errors import (
    InvestmentConflict,
    InvestmentError,
    InvestmentErrorCode,
    InvestmentNotFound,
)
from marquee.investment.models import Participant, ParticipantPayment, Waterfall
from marquee.investment.services.revenue import PAYABLE_TO_PARTICIPANTS, SEGMENT

BANK = "1010"


def pay_participant(
    *,
    participant_id: int,
    date: dt.date,
    amount_minor: int | None = None,
    user: Any = None,
    idempotency_key: str | None = None,
) -> ParticipantPayment:
    """Pay ``amount_minor`` (default: all that is owed) to a participant, in the waterfall currency.

    Refuses ``participant_not_found``, ``nothing_to_pay`` (the studio, or
    nothing owed), ``invalid_cost`` (not a whole amount above zero) and
    ``over_payment`` (409, more than is owed). The same ``idempotency_key``
    pays once (the earlier payment is returned).
    """
    key = (idempotency_key or "").strip()[:255]
    with transaction.atomic():
        participant = (
            Participant.objects.select_related("project").filter(pk=participant_id).first()
        )
        if participant is None:
            raise InvestmentNotFound(
                InvestmentErrorCode.PARTICIPANT_NOT_FOUND, f"No participant {participant_id}."
            )
        if key:
            earlier = ParticipantPayment.objects.filter(
                participant=participant, idempotency_key=key
            ).first()
            if earlier is not None:
                return earlier
        if participant.kind == Participant.Kind.STUDIO:
            raise InvestmentError(InvestmentErrorCode.NOTHING_TO_PAY, "The studio is not paid.")
        owed = participant.earned_minor - participant.paid_minor
        amount = owed if amount_minor is None else amount_minor
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            if amount_minor is None:
                raise InvestmentError(InvestmentErrorCode.NOTHING_TO_PAY, "Nothing is owed.")
            raise InvestmentError(InvestmentErrorCode.INVALID_COST, f"Amount {amount!r}.")
        claimed = Participant.objects.filter(
            pk=participant.pk, paid_minor__lte=F("earned_minor") - amount
        ).update(paid_minor=F("paid_minor") + amount)
        if claimed != 1:
            fresh = Participant.objects.get(pk=participant.pk)
            raise InvestmentConflict(
                InvestmentErrorCode.OVER_PAYMENT,
                f"{amount} asked, {fresh.earned_minor - fresh.paid_minor} owed.",
                owed_minor=fresh.earned_minor - fresh.paid_minor,
                requested_minor=amount,
            )
        currency = Waterfall.objects.get(project_id=participant.project_id).currency
        party = {
            "project": participant.project.slug,
            "title_id": participant.project.title_id,
            "reference": f"participant:{participant.pk}",
        }
        entry = post_entry(
            date=date,
            memo=f"Waterfall payment to {participant.name} ({participant.project.name_en})"[:500],
            lines=[
                LineSpec(PAYABLE_TO_PARTICIPANTS, SEGMENT, currency, debit_minor=amount, **party),
                LineSpec(BANK, SEGMENT, currency, credit_minor=amount, **party),
            ],
            source="investment.participant_payment",
            posted_by=user if getattr(user, "is_authenticated", False) else None,
        )
        return ParticipantPayment.objects.create(
            participant=participant,
            date=date,
            currency=currency,
            amount_minor=amount,
            journal_entry=entry,
            idempotency_key=key,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            created_at=timezone.now(),
        )
