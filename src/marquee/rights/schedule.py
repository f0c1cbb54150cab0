"""Amending a deal's fee: its open instalments replaced by a new schedule, re-booked in the ledger.

The rule (one, so the sums always agree with the books): the deal's settled
scheduled instalments plus the new ones add up to the deal's fee — the fee as
it stands, or the new total when the amendment gives one (``fee_minor``). The
instalments booked from revenue reports are not part of the schedule and are
never replaced. The old open instalments get ``cancelled_on`` (the effective
day) and their total is reversed; the new ones are appended (their ``seq``
after every earlier one) and their total booked:

- a deal **out**: reversal Dr 4030 / Cr 1130, booking Dr 1130 / Cr 4030;
- a deal **in**: reversal Dr 2020 / Cr 1140, booking Dr 1140 / Cr 2020;

keyed ``rights.fee_amended:<change>:reversed`` and ``…:booked``. Refused,
nothing changed: ``fee_schedule_mismatch`` (the sums differ), ``invalid_fee``
(an amount of zero or less, out of range), ``instalment_outside_window`` (a day
before the signing or after the deal's last day of rights),
``fee_locked_by_reports`` (a new minimum guarantee once revenue was reported).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Max

from marquee.rights.errors import RightsError, RightsErrorCode
from marquee.rights.models import Deal, DealChange, Instalment
from marquee.rights.services import post_fee
from marquee.rights.validation import FeeSpec, InstalmentSpec, check_fee


def open_instalments(deal: Deal, **where: Any) -> list[Instalment]:
    """The deal's unsettled, uncancelled instalments (``where`` narrows), locked in key order."""
    return list(
        Instalment.objects.select_for_update()
        .filter(deal=deal, received_on__isnull=True, cancelled_on__isnull=True, **where)
        .order_by("pk")
    )


def drop_instalments(rows: Sequence[Instalment], on: dt.date) -> int:
    """Mark locked open instalments cancelled on ``on``; their total, to reverse."""
    Instalment.objects.filter(pk__in=[i.pk for i in rows]).update(cancelled_on=on)
    return sum(i.amount_minor for i in rows)


def _row(i: Instalment | InstalmentSpec, seq: int | None = None) -> dict[str, Any]:
    return {
        "seq": seq if seq is not None else i.seq,
        "due_on": i.due_on.isoformat(),
        "amount_minor": i.amount_minor,
    }


def check_schedule(
    deal: Deal,
    instalments: Sequence[InstalmentSpec],
    *,
    fee_minor: int | None,
    window: tuple[dt.date, dt.date] | None,
) -> tuple[int, list[InstalmentSpec], list[Instalment]]:
    """The new total, the new instalments (by day) and the open ones they replace; or a refusal."""
    # The deal row too, as a revenue report takes it: the two never number an instalment alike,
    # and a report reads the guarantee as this amendment leaves it. FOR NO KEY UPDATE: a
    # receipt's key-share check on the deal (its instalment updated twice) must not wait on us
    # while we wait on its instalment.
    Deal.objects.select_for_update(no_key=True).filter(pk=deal.pk).first()
    total = deal.fee_minor if fee_minor is None else fee_minor
    if total != deal.fee_minor and deal.reports.exists():
        raise RightsError(
            RightsErrorCode.FEE_LOCKED_BY_REPORTS, f"Deal #{deal.pk} has revenue reports."
        )
    # The open instalments are locked before the settled ones are read: an instalment being
    # received meanwhile is then either settled (and counted) or waits for this amendment.
    old = open_instalments(deal, report=None)
    scheduled = Instalment.objects.filter(deal=deal, report__isnull=True)
    settled = [
        InstalmentSpec(i.due_on, i.amount_minor)
        for i in scheduled.filter(received_on__isnull=False)
    ]
    check_fee(
        FeeSpec(
            deal.currency,
            total,
            deal.fee_kind,
            deal.revenue_share_bp,
            [*settled, *instalments],
        )
    )
    last = window[1] if window else deal.signed_on
    for spec in instalments:
        if not deal.signed_on <= spec.due_on <= last:
            raise RightsError(
                RightsErrorCode.INSTALMENT_OUTSIDE_WINDOW,
                f"{spec.due_on} is outside {deal.signed_on}..{last}.",
                due_on=spec.due_on.isoformat(),
                first=deal.signed_on.isoformat(),
                last=last.isoformat(),
            )
    return total, sorted(instalments, key=lambda i: i.due_on), old


def replace_schedule(
    deal: Deal,
    change: DealChange,
    *,
    total: int,
    new: Sequence[InstalmentSpec],
    old: Sequence[Instalment],
    on: dt.date,
    by: Any,
) -> None:
    """Cancel and reverse the old open instalments, append and book the new ones, on ``change``."""
    before = {"fee_minor": deal.fee_minor, "instalments": [_row(i) for i in old]}
    reversed_minor = drop_instalments(old, on)
    first = (deal.instalments.aggregate(n=Max("seq"))["n"] or 0) + 1
    Instalment.objects.bulk_create(
        [
            Instalment(deal=deal, seq=first + n, due_on=i.due_on, amount_minor=i.amount_minor)
            for n, i in enumerate(new)
        ]
    )
    if total != deal.fee_minor:
        Deal.objects.filter(pk=deal.pk).update(fee_minor=total)
        deal.fee_minor = total
    booked_minor = sum(i.amount_minor for i in new)
    for amount, what in ((reversed_minor, "reversed"), (booked_minor, "booked")):
        if not amount:
            continue
        entry = post_fee(
            deal,
            amount=amount,
            reverse=what == "reversed",
            on=on,
            memo=f"Fee schedule amended ({what}): {deal.counterparty} (deal #{deal.pk})",
            ref=f"rights-deal-{deal.pk}-fee-{change.pk}",
            source_event_id=f"rights.fee_amended:{change.pk}:{what}",
            by=by,
        )
        if what == "reversed":
            change.reversed_minor, change.entry = amount, entry
        else:
            change.booked_minor, change.booked_entry = amount, entry
    change.fee_before = before
    change.fee_after = {
        "fee_minor": total,
        "instalments": [_row(i, first + n) for n, i in enumerate(new)],
    }
    change.save(
        update_fields=[
            "reversed_minor",
            "entry",
            "booked_minor",
            "booked_entry",
            "fee_before",
            "fee_after",
        ]
    )
