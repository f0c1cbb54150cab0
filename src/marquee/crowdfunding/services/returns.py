"""Returns: computed from the title's actual box office, split exactly, paid once.

The promise: the principal back plus ``min_return_bp`` plus the ``bonus_bp``
of every tier whose box-office threshold the title has reached. The total is
``principal × (10000 + rate_bp) / 10000``, rounded half-to-even once; it is
split among the backers by paid units with the largest-remainder rule
(``Money.allocate``), so the payouts sum to the total exactly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from marquee.accounts.models import User
from marquee.core import fx
from marquee.core.errors import Conflict
from marquee.core.money import Money, sum_money
from marquee.crowdfunding import events
from marquee.crowdfunding.errors import CrowdfundingErrorCode
from marquee.crowdfunding.models import Offering, ReturnPayout, ReturnRun
from marquee.crowdfunding.services.closing import backer_units
from marquee.crowdfunding.services.offerings import require_manager
from marquee.crowdfunding.services.payouts import request_return_payouts, send_return_payouts


def box_office(*, title_id: int, currency: str, on: dt.date) -> Money:
    """The title's gross box office so far, in ``currency``.

    Seat prices of every ticket that still admits (valid or used; refunded
    and exchanged-away tickets do not count), summed per order currency and
    converted with the rate of ``on`` (``core.fx``; no rate → ``no_exchange_rate``).
    """
    from marquee.ticketing.models import Ticket

    per_currency = (
        Ticket.objects.filter(showtime__title_id=title_id, status__in=Ticket.ACTIVE_STATUSES)
        .values("order__currency")
        .annotate(total=Sum("line__price_minor"))
        .order_by("order__currency")
    )
    return sum_money(
        (
            fx.convert(Money(int(row["total"] or 0), row["order__currency"]), currency, on)
            for row in per_currency
        ),
        currency=currency,
    )


def return_rate_bp(offering: Offering, box_office_minor: int) -> tuple[int, list[int]]:
    """The rate earned (basis points) and the thresholds reached at ``box_office_minor``."""
    reached = [
        tier.threshold_minor
        for tier in offering.bonus_tiers.all()
        if tier.threshold_minor <= box_office_minor
    ]
    bonus = sum(
        tier.bonus_bp for tier in offering.bonus_tiers.all() if tier.threshold_minor in reached
    )
    return offering.min_return_bp + bonus, reached


def split_returns(total: Money, units: list[int]) -> list[Money]:
    """``total`` split by ``units`` (largest remainder): the parts always sum to ``total``."""
    return total.allocate(units)


@dataclass(frozen=True)
class ReturnQuote:
    """What the backers would be paid on ``as_of``."""

    offering: Offering
    as_of: dt.date
    box_office: Money
    thresholds_reached: list[int]
    rate_bp: int
    principal: Money
    total: Money
    payouts: list[tuple[int, int, Money]]  # (backer id, units, amount)

    @property
    def return_amount(self) -> Money:
        return self.total - self.principal


def quote_returns(*, offering: Offering, as_of: dt.date) -> ReturnQuote:
    """The returns of a successful offering from its title's box office up to now.

    Raises :class:`Conflict` ``offering_not_succeeded`` and ``project_has_no_title``.
    """
    if offering.status != Offering.Status.SUCCEEDED:
        raise Conflict(
            CrowdfundingErrorCode.NOT_SUCCEEDED, "Only a successful offering pays returns."
        )
    title_id = offering.project.title_id
    if title_id is None:
        raise Conflict(CrowdfundingErrorCode.NO_TITLE, "The project has no title yet.")
    gross = box_office(title_id=title_id, currency=offering.currency, on=as_of)
    rate_bp, reached = return_rate_bp(offering, gross.minor)
    principal = Money(offering.raised_minor, offering.currency)
    total = principal + principal.scaled(Decimal(rate_bp) / Decimal(10_000))
    backers = backer_units(offering)
    parts = split_returns(total, [u for _, u in backers]) if backers else []
    return ReturnQuote(
        offering=offering,
        as_of=as_of,
        box_office=gross,
        thresholds_reached=reached,
        rate_bp=rate_bp,
        principal=principal,
        total=total,
        payouts=[(b, u, m) for (b, u), m in zip(backers, parts, strict=True)],
    )


def pay_returns(*, actor: User, offering: Offering | int, as_of: dt.date) -> ReturnRun:
    """Pay the backers of a successful offering their returns, once (investment staff).

    One transaction under the offering's row lock: the quote of ``as_of``
    becomes a :class:`ReturnRun` with one :class:`ReturnPayout` per backer,
    each with its ``payments`` payout requested, and ``crowdfunding.returns_paid``
    (the ledger books principal and return as payable to the backers). Then
    each payout is sent, one transaction each (:mod:`.payouts`).
    Raises :class:`PermissionDenied` ``not_investment_staff``,
    :class:`Conflict` ``offering_not_succeeded``, ``project_has_no_title``,
    ``returns_already_paid``.
    """
    require_manager(actor)
    offering_id = offering if isinstance(offering, int) else offering.pk
    with transaction.atomic():
        locked = (
            Offering.objects.select_for_update(of=("self",))
            .select_related("project")
            .get(pk=offering_id)
        )
        if ReturnRun.objects.filter(offering=locked).exists():
            raise Conflict(
                CrowdfundingErrorCode.RETURNS_ALREADY_PAID, "These returns were paid before."
            )
        quote = quote_returns(offering=locked, as_of=as_of)
        run = ReturnRun.objects.create(
            offering=locked,
            currency=locked.currency,
            box_office_minor=quote.box_office.minor,
            rate_bp=quote.rate_bp,
            principal_minor=quote.principal.minor,
            total_minor=quote.total.minor,
            as_of=as_of,
            paid_by=actor,
        )
        ReturnPayout.objects.bulk_create(
            [
                ReturnPayout(run=run, backer_id=b, units=u, amount_minor=m.minor)
                for b, u, m in quote.payouts
            ]
        )
        request_return_payouts(run=run)
        events.publish(
            events.RETURNS_PAID,
            aggregate="offering",
            aggregate_id=locked.pk,
            payload={
                "offering_id": locked.pk,
                "run_id": run.pk,
                "project": locked.project.slug,
                "title_id": locked.project.title_id,
                "currency": locked.currency,
                "principal_minor": quote.principal.minor,
                "return_minor": quote.return_amount.minor,
                "total_minor": quote.total.minor,
                "rate_bp": quote.rate_bp,
                "box_office_minor": quote.box_office.minor,
                "as_of": as_of.isoformat(),
            },
        )
    send_return_payouts(run=run)
    return run
