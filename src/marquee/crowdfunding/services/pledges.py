"""Pledges: reserve the cap, pay through payments, confirm into escrow, lapse.

The hard cap and the per-backer cap are claims under contention, so each is
one conditional ``UPDATE`` whose row count decides (docs/conventions.md,
"Read-then-write claims"): ``reserved_units + n <= cap_units`` on the
offering, ``min <= units + n <= max`` on the backer's allowance. The claim is
taken when the pledge is created (a reservation that expires), confirmed when
the payment succeeds and given back when the payment fails or the
reservation lapses. Check constraints stand behind both counters.

Lock order, kept by every service here: the offering row, then the pledge,
then the backer's allowance.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from marquee.accounts.models import User
from marquee.core.errors import Conflict, NotFound
from marquee.crowdfunding import events
from marquee.crowdfunding.errors import CrowdfundingError, CrowdfundingErrorCode
from marquee.crowdfunding.models import BackerAllowance, Offering, Pledge
from marquee.crowdfunding.services.offerings import MAX_UNITS

if TYPE_CHECKING:
    from marquee.payments.models import Payment

logger = logging.getLogger(__name__)

#: The payments purpose pledges are paid under.
PAYMENT_PURPOSE = "crowdfunding_pledge"


def reservation_length() -> timedelta:
    """How long a pledge's claim on the cap waits for its payment (default 15 minutes)."""
    return timedelta(minutes=getattr(settings, "MARQUEE_CROWDFUNDING_RESERVATION_MINUTES", 15))


def check_units(units: object) -> int:
    """``units`` as a whole number ≥ 1, else :class:`CrowdfundingError` ``invalid_units``."""
    if isinstance(units, bool) or not isinstance(units, int) or not 1 <= units <= MAX_UNITS:
        raise CrowdfundingError(
            CrowdfundingErrorCode.INVALID_UNITS, "Pledge a whole number of units, at least one."
        )
    return units


def claim_cap(*, offering_id: int, units: int, now: datetime) -> bool:
    """Claim ``units`` of the open offering's cap: one conditional UPDATE, True when taken."""
    return bool(
        Offering.objects.filter(
            pk=offering_id,
            status=Offering.Status.ACTIVE,
            opens_at__lte=now,
            closes_at__gt=now,
            reserved_units__lte=F("cap_units") - units,
        ).update(reserved_units=F("reserved_units") + units, updated_at=now)
    )


def _refuse_claim(offering_id: int, units: int, now: datetime) -> Conflict:
    """Why the claim on the cap failed (read after the fact, for the message only)."""
    current = Offering.objects.filter(pk=offering_id).first()
    if current is None:
        return NotFound(CrowdfundingErrorCode.OFFERING_NOT_FOUND, f"No offering {offering_id}.")
    if current.status == Offering.Status.ACTIVE and now < current.opens_at:
        return Conflict(
            CrowdfundingErrorCode.NOT_OPEN_YET,
            f"This offering opens at {current.opens_at.isoformat()}.",
            opens_at=current.opens_at.isoformat(),
        )
    if current.status != Offering.Status.ACTIVE or now >= current.closes_at:
        return Conflict(CrowdfundingErrorCode.OFFERING_CLOSED, "This offering has closed.")
    return Conflict(
        CrowdfundingErrorCode.CAP_REACHED,
        f"Only {current.available_units} units are left; asked for {units}.",
        available=current.available_units,
        requested=units,
    )


def _claim_backer(*, offering: Offering, user_id: int, units: int, check_min: bool) -> bool:
    """Raise the backer's held units by ``units`` within the per-backer bounds (conditional)."""
    BackerAllowance.objects.bulk_create(
        [BackerAllowance(offering_id=offering.pk, user_id=user_id, units=0)], ignore_conflicts=True
    )
    rows = BackerAllowance.objects.filter(
        offering_id=offering.pk,
        user_id=user_id,
        units__lte=offering.max_units_per_backer - units,
    )
    if check_min:
        rows = rows.filter(units__gte=offering.min_units_per_backer - units)
    return bool(rows.update(units=F("units") + units))


def _give_back(*, offering_id: int, user_id: int, units: int) -> None:
    BackerAllowance.objects.filter(offering_id=offering_id, user_id=user_id).update(
        units=Greatest(F("units") - units, 0)
    )


@dataclass(frozen=True)
class PledgeStart:
    """A new reserved pledge and the payment page to send the backer to."""

    pledge: Pledge
    payment_id: UUID
    redirect_url: str


def place_pledge(
    *,
    offering: Offering | int,
    user: User,
    units: int,
    return_url: str = "",
    now: datetime | None = None,
) -> PledgeStart:
    """Reserve ``units`` of ``offering`` for ``user`` and open the payment for them.

    One transaction: the pledge is written and the payment started (purpose
    ``crowdfunding_pledge``, reference the pledge id), then the cap is
    claimed (conditional UPDATE) and the backer's allowance (conditional
    UPDATE) — last, so the contended offering row is held only until the
    commit. Any refusal rolls everything back. The reservation holds for
    :func:`reservation_length`; the pledge is confirmed into escrow when the
    payment succeeds (:func:`confirm_paid_pledge`).

    Raises :class:`CrowdfundingError` ``invalid_units``; :class:`NotFound`
    ``offering_not_found``; :class:`Conflict` ``offering_not_open_yet``,
    ``offering_closed``, ``offering_cap_reached`` (detail ``available``),
    ``backer_limit``; and payments' errors (``invalid_return_url``…).
    """
    from marquee.payments.services import start_payment

    units = check_units(units)
    now = now or timezone.now()
    offering_id = offering if isinstance(offering, int) else offering.pk
    current = Offering.objects.select_related("project").filter(pk=offering_id).first()
    if current is None:
        raise NotFound(CrowdfundingErrorCode.OFFERING_NOT_FOUND, f"No offering {offering_id}.")
    if not current.is_open(now) or current.available_units < units:
        # A fast refusal on a plain read (a full or closed offering in a rush); it
        # never accepts anything: only the conditional UPDATE below does.
        raise _refuse_claim(offering_id, units, now)
    with transaction.atomic():
        # The new rows first: nobody else can lock them, so the offering's row (the
        # one every backer contends for) is locked as late as possible and held only
        # until the commit.
        pledge = Pledge.objects.create(
            offering=current,
            backer=user,
            units=units,
            currency=current.currency,
            amount_minor=units * current.unit_price_minor,
            expires_at=now + reservation_length(),
        )
        payment = start_payment(
            purpose=PAYMENT_PURPOSE,
            reference=str(pledge.pk),
            amount_minor=pledge.amount_minor,
            currency=pledge.currency,
            payer=user,
            return_url=return_url,
            description=f"{current.name_en} · {units} units",
        )
        Pledge.objects.filter(pk=pledge.pk).update(payment_id=payment.pk)
        pledge.payment_id = payment.pk
        # The claims, in the lock order: the offering's cap, then the backer's allowance.
        if not claim_cap(offering_id=offering_id, units=units, now=now):
            raise _refuse_claim(offering_id, units, now)
        if not _claim_backer(offering=current, user_id=user.pk, units=units, check_min=True):
            held = (
                BackerAllowance.objects.filter(offering=current, user=user)
                .values_list("units", flat=True)
                .first()
            ) or 0
            raise Conflict(
                CrowdfundingErrorCode.BACKER_LIMIT,
                f"Each backer holds {current.min_units_per_backer}–"
                f"{current.max_units_per_backer} units; you hold {held}, asked for {units}.",
                min_units=current.min_units_per_backer,
                max_units=current.max_units_per_backer,
                held=held,
                requested=units,
            )
    return PledgeStart(pledge=pledge, payment_id=payment.pk, redirect_url=payment.redirect_url)


class _Refused(Exception):
    """Rolls back the confirmation savepoint; the message says why, for the log."""


def confirm_paid_pledge(payment: Payment) -> bool:
    """The ``crowdfunding_pledge`` purpose's handler: move the pledge into escrow.

    Runs inside the payment's transaction, once per payment. A reserved
    pledge becomes ``paid`` (its claim on the cap is confirmed). A pledge
    whose reservation lapsed meanwhile is claimed again if the offering is
    still active and the cap and the backer's limit still have room. Anything
    else returns ``False`` and payments refunds the money: a paid pledge is
    never lost, it is either in escrow or refunded. Publishes
    ``crowdfunding.pledge_paid``.
    """
    try:
        pledge_id = int(payment.reference)
    except (TypeError, ValueError):
        return False
    pledge = Pledge.objects.filter(pk=pledge_id).first()
    if (
        pledge is None
        or payment.amount_minor != pledge.amount_minor
        or payment.currency != pledge.currency
        or payment.payer_id != pledge.backer_id
        or (pledge.payment_id is not None and pledge.payment_id != payment.pk)
    ):
        logger.warning("payment %s does not match a pledge it could pay", payment.pk)
        return False
    now = timezone.now()
    try:
        with transaction.atomic():
            _confirm(pledge, payment, now)
    except _Refused as exc:
        logger.warning("pledge %s cannot be confirmed: %s", pledge.pk, exc)
        return False
    return True


def _confirm(pledge: Pledge, payment: Payment, now: datetime) -> None:
    units = pledge.units
    # The offering row first (lock order); the pledge's state is read again under it.
    list(Offering.objects.select_for_update().filter(pk=pledge.offering_id).values_list("pk"))
    pledge.refresh_from_db(fields=["status"])
    if pledge.status == Pledge.Status.RESERVED:
        # The reservation already counts in reserved_units.
        Offering.objects.filter(pk=pledge.offering_id).update(
            paid_units=F("paid_units") + units, updated_at=now
        )
        from_status = Pledge.Status.RESERVED
    elif pledge.status == Pledge.Status.LAPSED:
        # Paid after its reservation lapsed: claim the cap again, or refund.
        if not Offering.objects.filter(
            pk=pledge.offering_id,
            status=Offering.Status.ACTIVE,
            reserved_units__lte=F("cap_units") - units,
        ).update(
            reserved_units=F("reserved_units") + units,
            paid_units=F("paid_units") + units,
            updated_at=now,
        ):
            raise _Refused("the offering is closed or full")
        offering = Offering.objects.get(pk=pledge.offering_id)
        if not _claim_backer(
            offering=offering, user_id=pledge.backer_id, units=units, check_min=False
        ):
            raise _Refused("the backer's limit is reached")
        from_status = Pledge.Status.LAPSED
    else:
        raise _Refused(f"the pledge is {pledge.status}")
    if not Pledge.objects.filter(pk=pledge.pk, status=from_status).update(
        status=Pledge.Status.PAID, paid_at=now, payment_id=payment.pk, closed_at=None
    ):
        raise _Refused("the pledge changed meanwhile")
    pledge.refresh_from_db()
    offering = Offering.objects.select_related("project").get(pk=pledge.offering_id)
    events.publish(
        events.PLEDGE_PAID,
        aggregate="pledge",
        aggregate_id=pledge.pk,
        payload=pledge_payload(pledge, offering),
    )


def pledge_payload(pledge: Pledge, offering: Offering) -> dict:
    """What every ``crowdfunding.pledge_*`` event says about its pledge."""
    return {
        "pledge_id": pledge.pk,
        "offering_id": offering.pk,
        "project": offering.project.slug,
        "title_id": offering.project.title_id,
        "backer_id": pledge.backer_id,
        "units": pledge.units,
        "amount_minor": pledge.amount_minor,
        "currency": pledge.currency,
        "payment_id": str(pledge.payment_id) if pledge.payment_id else None,
    }


def lapse_pledge(*, pledge_id: int, now: datetime) -> bool:
    """Give a reserved pledge's units back (payment failed or reservation expired).

    Conditional (``reserved`` → ``lapsed``), so the units are given back once
    however many callers notice. True when this call lapsed it.
    """
    with transaction.atomic():
        offering_id = Pledge.objects.filter(pk=pledge_id).values_list("offering_id", flat=True)
        offering_id = offering_id.first()
        if offering_id is None:
            return False
        # The offering row first, as everywhere (the closer holds it while it lapses).
        list(Offering.objects.select_for_update().filter(pk=offering_id).values_list("pk"))
        pledge = Pledge.objects.filter(pk=pledge_id).first()
        if pledge is None or not Pledge.objects.filter(
            pk=pledge_id, status=Pledge.Status.RESERVED
        ).update(status=Pledge.Status.LAPSED, closed_at=now):
            return False
        Offering.objects.filter(pk=offering_id).update(
            reserved_units=F("reserved_units") - pledge.units, updated_at=now
        )
        _give_back(offering_id=offering_id, user_id=pledge.backer_id, units=pledge.units)
    return True


def fail_pledge_payment(payment: Payment) -> None:
    """The purpose's ``on_failed``: the provider declined, so the reservation lapses now."""
    try:
        pledge_id = int(payment.reference)
    except (TypeError, ValueError):
        return
    if Pledge.objects.filter(pk=pledge_id, payment_id=payment.pk).exists():
        lapse_pledge(pledge_id=pledge_id, now=timezone.now())


def expire_reservations(*, now: datetime | None = None, offering_id: int | None = None) -> int:
    """Lapse every reservation past its ``expires_at``; returns how many lapsed."""
    now = now or timezone.now()
    due = Pledge.objects.filter(status=Pledge.Status.RESERVED, expires_at__lte=now)
    if offering_id is not None:
        due = due.filter(offering_id=offering_id)
    return sum(lapse_pledge(pledge_id=pk, now=now) for pk in due.values_list("pk", flat=True))
