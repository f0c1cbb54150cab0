"""Writes of revenue reports: the revenue share of MG + share deals, booked above the MG.

A deal for a minimum guarantee (MG) plus a revenue share has its MG scheduled
at signing as instalments. Each period the revenue from the rights is reported
— for a deal **out** the licensee's gross, of which the studio's share is due
to the studio; for a deal **in** the studio's own gross from the acquired
rights, of which the licensor's share is due to the licensor:

    share = gross × revenue_share_bp / 10000, rounded half to even (to the minor unit),

computed per report. Shares first recoup the MG; only the cumulative share
above it is new money. A report books the part of that excess no earlier report
booked::

    overage = max(0, Σ shares so far − MG) − Σ overage booked before

so over any run of reports Σ overage = max(0, Σ share − MG). A positive
overage is posted (keyed ``rights.revenue_share:<report>``) and becomes a new
instalment of the deal:

- a deal **out**: Dr 1130 Licence fees receivable / Cr 4030 Licensing revenue;
  once received (:func:`marquee.rights.services.record_fee_received`) it flows
  into the title's waterfall like any licence fee;
- a deal **in**: Dr 1140 Acquired content rights / Cr 2020 Payable to rights
  holders — the accounts of the MG itself, so the share adds to the cost of the
  rights; it is paid through :func:`marquee.rights.services.record_fee_paid`.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.db.models import F, Max, Sum
from django.utils import timezone

from marquee.core.money import round_half_even
from marquee.rights.errors import RightsConflict, RightsError, RightsErrorCode, RightsNotFound
from marquee.rights.models import Deal, FeeKind, Instalment, RevenueReport
from marquee.rights.queries import deal_window
from marquee.rights.services import post_fee
from marquee.rights.validation import MAX_MINOR, check_window

SOURCES = ("manual", "statement")


def share_of(gross_minor: int, revenue_share_bp: int) -> int:
    """The studio's share of a reported gross: exact, rounded half to even once."""
    return round_half_even(Fraction(gross_minor * revenue_share_bp, 10000))


def overage_after(*, mg_minor: int, shares_before: int, booked_before: int, share: int) -> int:
    """What a new share adds above the minimum guarantee, given what is already booked."""
    return max(0, shares_before + share - mg_minor) - booked_before


def lock_deal(deal_id: int) -> Deal | None:
    """The deal row, locked until the transaction ends: its reports are booked one at a time."""
    return Deal.objects.select_for_update().filter(pk=deal_id).first()


def record_revenue_report(
    *,
    deal_id: int,
    period_start: dt.date,
    period_end: dt.date,
    gross_minor: int,
    due_on: dt.date | None = None,
    source: str = "manual",
    by: Any = None,
) -> RevenueReport:
    """Record a period's gross revenue of an MG + share deal and book the share above the MG.

    A deal out: the licensee's gross (the share is the studio's, receivable); a
    deal in: the studio's gross from the rights (the share is the licensor's, payable).
    Refusals (nothing written): ``deal_not_found``; ``not_share_deal`` unless the
    deal is an MG + share deal; ``invalid_revenue`` for a negative,
    fractional or out-of-range gross; ``invalid_window`` for a period that ends
    before it starts; ``period_outside_window`` unless the period lies within the
    deal's rights (as they stand after any amendment or cancellation);
    ``duplicate_report_period`` when a report of the deal already covers a day of it.
    The deal row is locked, so two reports of one deal are booked one after the other.
    """
    if type(gross_minor) is not int or not 0 <= gross_minor <= MAX_MINOR:
        raise RightsError(RightsErrorCode.INVALID_REVENUE, f"Gross {gross_minor!r} refused.")
    check_window(period_start, period_end)
    if source not in SOURCES:
        source = "manual"
    with transaction.atomic():
        deal = lock_deal(deal_id)
        if deal is None:
            raise RightsNotFound(RightsErrorCode.DEAL_NOT_FOUND, f"No deal #{deal_id}.")
        if deal.fee_kind != FeeKind.MG_SHARE:
            raise RightsError(RightsErrorCode.NOT_SHARE_DEAL, f"Deal #{deal_id} has no share.")
        _check_period(deal, period_start, period_end)
        reports = RevenueReport.objects.filter(deal=deal)
        clash = reports.filter(period_start__lte=period_end, period_end__gte=period_start).first()
        if clash is not None:
            raise RightsConflict(
                RightsErrorCode.DUPLICATE_PERIOD,
                f"Deal #{deal_id} already has a report for {clash.period_start}..{clash.period_end}.",
                start=clash.period_start.isoformat(),
                end=clash.period_end.isoformat(),
            )
        shares_before = reports.aggregate(s=Sum("share_minor"))["s"] or 0
        share = share_of(gross_minor, deal.revenue_share_bp)
        overage = overage_after(
            mg_minor=deal.fee_minor,
            shares_before=shares_before,
            booked_before=deal.share_booked_minor,
            share=share,
        )
        report = RevenueReport.objects.create(
            deal=deal,
            period_start=period_start,
            period_end=period_end,
            gross_minor=gross_minor,
            share_minor=share,
            overage_minor=overage,
            source=source,
            recorded_by=by if getattr(by, "is_authenticated", False) else None,
            recorded_at=timezone.now(),
        )
        if overage > 0:
            _book_overage(deal, report, due_on or period_end, by)
    return report


def _check_period(deal: Deal, start: dt.date, end: dt.date) -> None:
    window = deal_window(deal.pk)
    if window is None:
        raise RightsConflict(
            RightsErrorCode.DEAL_CANCELLED,
            f"Deal #{deal.pk} has no rights left.",
            on=(deal.cancelled_on or deal.signed_on).isoformat(),
        )
    first, last = window
    if start < first or end > last:
        raise RightsError(
            RightsErrorCode.PERIOD_OUTSIDE_WINDOW,
            f"{start}..{end} is outside {first}..{last}.",
            start=start.isoformat(),
            end=end.isoformat(),
            first=first.isoformat(),
            last=last.isoformat(),
        )


def _book_overage(deal: Deal, report: RevenueReport, due_on: dt.date, by: Any) -> None:
    """Post the overage and add it to the deal's schedule as an instalment to receive or pay."""
    amount = report.overage_minor
    entry = post_fee(
        deal,
        amount=amount,
        on=report.period_end,
        memo=f"Revenue share above the MG: {deal.counterparty} (deal #{deal.pk}, "
        f"{report.period_start}..{report.period_end})",
        ref=f"rights-deal-{deal.pk}-share-{report.pk}",
        source_event_id=f"rights.revenue_share:{report.pk}",
        by=by,
    )
    seq = (deal.instalments.aggregate(n=Max("seq"))["n"] or 0) + 1
    Instalment.objects.create(deal=deal, seq=seq, due_on=due_on, amount_minor=amount, report=report)
    RevenueReport.objects.filter(pk=report.pk).update(entry=entry)
    report.entry = entry
    Deal.objects.filter(pk=deal.pk).update(share_booked_minor=F("share_booked_minor") + amount)
