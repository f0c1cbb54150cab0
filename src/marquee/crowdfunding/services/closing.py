"""Closing offerings: all-or-nothing. Success releases escrow and grants perks; failure refunds.

``marquee close_offerings`` (cron or the worker's companion) calls
:func:`close_due_offerings`: it lapses expired reservations, closes every
active offering past its ``closes_at`` and retries the refunds of failed
offerings that a provider error interrupted. Every step is idempotent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from marquee.accounts.models import User
from marquee.core.errors import Conflict, DomainError, NotFound
from marquee.crowdfunding import events
from marquee.crowdfunding.errors import CrowdfundingErrorCode
from marquee.crowdfunding.models import BackerAllowance, Offering, PerkGrant, Pledge
from marquee.crowdfunding.services.pledges import expire_reservations, pledge_payload

logger = logging.getLogger(__name__)

#: The reason the payments refund carries when an offering missed its target.
REFUND_REASON = "crowdfunding_offering_failed"


def close_offering(
    *, offering: Offering | int, now: datetime | None = None, refund: bool = True
) -> Offering:
    """Close an active offering past its closing time: succeed or fail, all or nothing.

    Under the offering's row lock: reservations still awaiting payment lapse
    (their units are given back), then the paid units decide. Reaching the
    target, the offering ``succeeded``: ``crowdfunding.offering_succeeded``
    (the ledger moves escrow to the project's funding) and the backers' perks
    are granted. Otherwise it ``failed`` and every paid pledge is refunded
    through payments (:func:`refund_failed_pledges`). Closing a closed
    offering returns it unchanged. Raises :class:`Conflict`
    ``offering_still_open`` before its closing time. ``refund=False`` leaves
    the refunds of a failure to the caller (:func:`close_due_offerings`).
    """
    now = now or timezone.now()
    offering_id = offering if isinstance(offering, int) else offering.pk
    with transaction.atomic():
        locked = (
            Offering.objects.select_for_update(of=("self",))
            .select_related("project")
            .filter(pk=offering_id)
            .first()
        )
        if locked is None:
            raise NotFound(CrowdfundingErrorCode.OFFERING_NOT_FOUND, f"No offering {offering_id}.")
        if locked.status != Offering.Status.ACTIVE:
            return locked
        if now < locked.closes_at:
            raise Conflict(
                CrowdfundingErrorCode.STILL_OPEN,
                f"This offering closes at {locked.closes_at.isoformat()}.",
                closes_at=locked.closes_at.isoformat(),
            )
        waiting = list(
            Pledge.objects.filter(offering=locked, status=Pledge.Status.RESERVED).values_list(
                "pk", "backer_id", "units"
            )
        )
        if waiting:
            Pledge.objects.filter(pk__in=[p for p, _, _ in waiting]).update(
                status=Pledge.Status.LAPSED, closed_at=now
            )
            for _, backer_id, units in waiting:
                BackerAllowance.objects.filter(offering=locked, user_id=backer_id).update(
                    units=F("units") - units
                )
        succeeded = locked.paid_units >= locked.target_units
        locked.status = Offering.Status.SUCCEEDED if succeeded else Offering.Status.FAILED
        locked.reserved_units = locked.paid_units
        locked.closed_at = now
        locked.save(update_fields=["status", "reserved_units", "closed_at", "updated_at"])
        payload = {
            "offering_id": locked.pk,
            "project": locked.project.slug,
            "title_id": locked.project.title_id,
            "paid_units": locked.paid_units,
            "target_units": locked.target_units,
            "amount_minor": locked.raised_minor,
            "currency": locked.currency,
        }
        if succeeded:
            events.publish(
                events.OFFERING_SUCCEEDED,
                aggregate="offering",
                aggregate_id=locked.pk,
                payload=payload,
            )
            grant_perks(offering=locked)
        else:
            events.publish(
                events.OFFERING_FAILED,
                aggregate="offering",
                aggregate_id=locked.pk,
                payload=payload,
            )
    if refund and locked.status == Offering.Status.FAILED:
        refund_failed_pledges(offering=locked)
    return locked


def backer_units(offering: Offering) -> list[tuple[int, int]]:
    """(backer id, paid units) of every backer of ``offering``, by backer id."""
    return list(
        Pledge.objects.filter(offering=offering, status=Pledge.Status.PAID)
        .values("backer_id")
        .annotate(units=Sum("units"))
        .order_by("backer_id")
        .values_list("backer_id", "units")
    )


def grant_perks(*, offering: Offering) -> int:
    """Grant the perks of a successful offering to its backers; returns how many were granted.

    Premiere tickets to every backer holding at least ``premiere_min_units``;
    an invitation code of their own to the linked pre-sale round, issued
    through ticketing's invitation service in the name of the distribution
    staff member who linked it. Call inside the closing transaction.
    """
    from marquee.ticketing.services.rounds import create_invitation_codes

    backers = backer_units(offering)
    grants: list[PerkGrant] = []
    if offering.premiere_min_units:
        grants += [
            PerkGrant(
                offering=offering,
                backer_id=backer_id,
                kind=PerkGrant.Kind.PREMIERE,
                quantity=offering.premiere_tickets,
            )
            for backer_id, units in backers
            if units >= offering.premiere_min_units
        ]
    granter = offering.presale_granted_by
    if offering.presale_round_id and granter is not None:
        users = User.objects.in_bulk([b for b, _ in backers])
        try:
            with transaction.atomic():
                for backer_id, _units in backers:
                    code = create_invitation_codes(
                        actor=granter,
                        presale=offering.presale_round,
                        count=1,
                        user=users[backer_id],
                    )[0]
                    grants.append(
                        PerkGrant(
                            offering=offering,
                            backer_id=backer_id,
                            kind=PerkGrant.Kind.PRESALE,
                            invitation=code,
                        )
                    )
        except DomainError as exc:
            # The round's owner may have lost the role: the release must not wait for it.
            logger.warning("offering %s: pre-sale invitations not issued: %s", offering.pk, exc)
            grants = [g for g in grants if g.kind != PerkGrant.Kind.PRESALE]
    PerkGrant.objects.bulk_create(grants, ignore_conflicts=True)
    return len(grants)


def refund_failed_pledges(*, offering: Offering) -> int:
    """Refund every paid pledge of a failed offering through payments; returns how many.

    Each pledge in its own transaction (``paid`` → ``refunded`` conditionally,
    then payments' refund with the key ``crowdfunding-pledge-<id>``, then
    ``crowdfunding.pledge_refunded``): a provider error leaves that pledge
    paid for the next run to retry, and never refunds one twice.
    """
    from marquee.payments.models import Payment
    from marquee.payments.services import refund_payment

    if offering.status != Offering.Status.FAILED:
        return 0
    refunded = 0
    paid = Pledge.objects.filter(offering=offering, status=Pledge.Status.PAID).order_by("pk")
    for pledge in paid:
        try:
            with transaction.atomic():
                if not Pledge.objects.filter(pk=pledge.pk, status=Pledge.Status.PAID).update(
                    status=Pledge.Status.REFUNDED, closed_at=timezone.now()
                ):
                    continue
                payment = Payment.objects.get(pk=pledge.payment_id)
                refund_payment(
                    payment=payment,
                    amount_minor=pledge.amount_minor,
                    reason=REFUND_REASON,
                    idempotency_key=f"crowdfunding-pledge-{pledge.pk}",
                )
                pledge.status = Pledge.Status.REFUNDED
                events.publish(
                    events.PLEDGE_REFUNDED,
                    aggregate="pledge",
                    aggregate_id=pledge.pk,
                    payload=pledge_payload(pledge, offering),
                )
        except DomainError as exc:
            logger.warning("pledge %s: refund failed, retried later: %s", pledge.pk, exc)
            continue
        refunded += 1
    return refunded


@dataclass(frozen=True)
class CloseSummary:
    lapsed: int
    succeeded: int
    failed: int
    refunded: int


def close_due_offerings(*, now: datetime | None = None) -> CloseSummary:
    """Lapse expired reservations, close every due offering, retry unfinished refunds."""
    now = now or timezone.now()
    lapsed = expire_reservations(now=now)
    succeeded = failed = refunded = 0
    due = Offering.objects.filter(status=Offering.Status.ACTIVE, closes_at__lte=now)
    for offering_id in due.values_list("pk", flat=True):
        closed = close_offering(offering=offering_id, now=now, refund=False)
        if closed.status == Offering.Status.SUCCEEDED:
            succeeded += 1
        else:
            failed += 1
    unfinished = Offering.objects.filter(
        status=Offering.Status.FAILED, pledges__status=Pledge.Status.PAID
    ).distinct()
    for offering in unfinished.select_related("project"):
        refunded += refund_failed_pledges(offering=offering)
    return CloseSummary(lapsed=lapsed, succeeded=succeeded, failed=failed, refunded=refunded)
