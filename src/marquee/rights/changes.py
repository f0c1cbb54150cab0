"""Writes that change a signed deal: amendments and cancellations, each kept in its history.

Both run under the title's rights lock (:func:`services.lock_title_rights`),
like a new deal, so they are checked against the same, settled state:

- **amend**: a new window for every right of the deal and/or rights added; the
  deal's rights as they would be are checked exactly as a new deal's (held,
  exclusivity, holdbacks, languages — ``rights_not_held``, ``rights_conflict``
  naming the deals); an acquisition may not shrink below what is licensed out
  (``dependent_deals``); and/or the deal's open fee schedule replaced
  (:mod:`marquee.rights.schedule`: the old instalments reversed, the new
  booked). Nothing changes on a refusal.
- **cancel** on a day: rights end the day before (a right starting on or after
  it is dropped), so avails are free again from that day; instalments due on or
  after it and not yet settled are cancelled and their total reversed in the
  ledger (a deal out: Dr 4030 / Cr 1130; a deal in: Dr 2020 / Cr 1140, keyed
  ``rights.deal_cancelled:<deal>``). Cancelling an acquisition the studio has
  licensed out beyond is ``dependent_deals`` (the deals named).

Each change writes a :class:`DealChange` row: who, when, the day it takes
effect, the rights before and after, what was reversed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from marquee.core.text import clean_text
from marquee.rights import avails, schedule
from marquee.rights.errors import RightsConflict, RightsError, RightsErrorCode, RightsNotFound
from marquee.rights.models import Deal, DealChange, Direction, LineKind, RightLine
from marquee.rights.queries import deal_window, lines_of_title
from marquee.rights.services import (
    check_out,
    expand_lines,
    lock_title_rights,
    post_fee,
    write_lines,
)
from marquee.rights.territories import leaves_of
from marquee.rights.validation import InstalmentSpec, RightSpec, check_rights, check_window


def _locked_deal(deal_id: int) -> Deal:
    """The deal, with its title's rights locked; a cancelled deal is not changed again."""
    deal = Deal.objects.filter(pk=deal_id).first()
    if deal is None:
        raise RightsNotFound(RightsErrorCode.DEAL_NOT_FOUND, f"No deal #{deal_id}.")
    lock_title_rights(deal.title_id)
    deal.refresh_from_db()
    if deal.cancelled_on is not None:
        raise RightsConflict(
            RightsErrorCode.DEAL_CANCELLED,
            f"Deal #{deal.pk} was cancelled on {deal.cancelled_on}.",
            on=deal.cancelled_on.isoformat(),
        )
    return deal


def _snapshot(lines: Sequence[avails.Line]) -> list[dict[str, str]]:
    return sorted(
        (
            {
                "kind": line.kind,
                "media": line.media,
                "territory": line.territory,
                "start_on": dt.date.fromordinal(line.start).isoformat(),
                "end_on": dt.date.fromordinal(line.end - 1).isoformat(),
            }
            for line in lines
        ),
        key=lambda d: (d["kind"], d["media"], d["territory"], d["start_on"]),
    )


def _check_dependents(
    deal: Deal, others: list[avails.Line], old: list[avails.Line], new: list[avails.Line]
) -> None:
    """Refuse shrinking an acquisition below a grant licensed out (``dependent_deals``)."""
    before, after = avails.Index([*others, *old]), avails.Index([*others, *new])
    dependents: set[int] = set()
    for line in others:
        if line.direction != Direction.OUT or line.kind != LineKind.GRANT:
            continue
        for leaf in leaves_of(line.territory):
            args = (line.media, leaf)
            kw = {"exclusive": line.exclusive, "languages": line.languages}
            gap_after = avails.subtract([line.interval], after.held_days(*args, **kw))
            if avails.subtract(
                gap_after, avails.subtract([line.interval], before.held_days(*args, **kw))
            ):
                dependents.add(line.deal_id)
                break
    if dependents:
        names = [
            f"#{d.pk} {d.counterparty}"
            for d in Deal.objects.filter(pk__in=dependents).order_by("pk")
        ]
        raise RightsConflict(
            RightsErrorCode.DEPENDENT_DEALS,
            f"Deal #{deal.pk} backs " + ", ".join(names) + ".",
            deals=names,
            dependent_deal_ids=sorted(dependents),
        )


def _split(deal: Deal) -> tuple[list[avails.Line], list[avails.Line]]:
    """The title's lines: the other deals', and this deal's own."""
    lines = lines_of_title(deal.title_id)
    return [ln for ln in lines if ln.deal_id != deal.pk], [
        ln for ln in lines if ln.deal_id == deal.pk
    ]


def _replace_lines(deal: Deal, lines: Sequence[avails.Line]) -> None:
    RightLine.objects.filter(deal=deal).delete()
    write_lines(deal, lines)


def amend_deal(
    *,
    deal_id: int,
    start_on: dt.date | None = None,
    end_on: dt.date | None = None,
    add: Sequence[RightSpec] = (),
    instalments: Sequence[InstalmentSpec] | None = None,
    fee_minor: int | None = None,
    effective_on: dt.date | None = None,
    note: str = "",
    by: Any = None,
) -> DealChange:
    """Give every right of the deal a new window (``start_on``/``end_on``), add rights, and/or
    replace its open fee schedule with ``instalments`` (``fee_minor``: a new total fee).

    Checked as a new deal would be; on any refusal nothing changes.
    """
    note = clean_text(note, field="note", max_length=200)
    added = check_rights(add, kind=LineKind.GRANT)
    if fee_minor is not None and instalments is None:
        instalments = ()
    if start_on is None and end_on is None and not added and instalments is None:
        raise RightsError(RightsErrorCode.NOTHING_TO_AMEND, "Nothing to amend.")
    day = effective_on or timezone.localdate()
    with transaction.atomic():
        deal = _locked_deal(deal_id)
        others, old = _split(deal)
        if not (start_on or end_on or added):
            new = old
        else:
            new = _moved(deal, old, start_on, end_on, added, others)
            _replace_lines(deal, new)
        fee = None
        if instalments is not None:
            fee = schedule.check_schedule(
                deal, instalments, fee_minor=fee_minor, window=deal_window(deal.pk)
            )
        change = DealChange.objects.create(
            deal=deal,
            kind=DealChange.Kind.AMEND,
            effective_on=day,
            note=note,
            before=_snapshot(old),
            after=_snapshot(new),
            changed_by=by if getattr(by, "is_authenticated", False) else None,
            changed_at=timezone.now(),
        )
        if fee is not None:
            total, new_instalments, open_rows = fee
            schedule.replace_schedule(
                deal, change, total=total, new=new_instalments, old=open_rows, on=day, by=by
            )
        return change


def _moved(
    deal: Deal,
    old: list[avails.Line],
    start_on: dt.date | None,
    end_on: dt.date | None,
    added: Sequence[RightSpec],
    others: list[avails.Line],
) -> list[avails.Line]:
    """The deal's lines with a new window and the rights added, checked as a new deal's."""
    moved = []
    for line in old:
        first = start_on or dt.date.fromordinal(line.start)
        last = end_on or dt.date.fromordinal(line.end - 1)
        check_window(first, last)
        moved.append(avails.Line(0, line.direction, line.kind, line.exclusive, line.media,
                                 line.territory, *avails.days(first, last), line.languages))  # fmt: skip
    new = moved + expand_lines(deal.direction, deal.exclusive, deal.languages, added)
    if deal.direction == Direction.OUT:
        check_out(deal.title_id, new, list(deal.languages), exclude_deal=deal.pk)
    else:
        _check_dependents(deal, others, old, new)
    return new


def cancel_deal(*, deal_id: int, on: dt.date, note: str = "", by: Any = None) -> DealChange:
    """Cancel a deal from ``on``: rights end the day before, future unpaid instalments reversed."""
    note = clean_text(note, field="note", max_length=200)
    with transaction.atomic():
        deal = _locked_deal(deal_id)
        if on < deal.signed_on:
            raise RightsError(
                RightsErrorCode.INVALID_CANCELLATION,
                f"{on} is before the signing ({deal.signed_on}).",
                signed_on=deal.signed_on.isoformat(),
            )
        others, old = _split(deal)
        cut = on.toordinal()
        new = [
            avails.Line(0, ln.direction, ln.kind, ln.exclusive, ln.media, ln.territory,
                        ln.start, min(ln.end, cut), ln.languages)
            for ln in old
            if ln.start < cut
        ]  # fmt: skip
        if deal.direction == Direction.IN:
            _check_dependents(deal, others, old, new)
        _replace_lines(deal, new)
        # The rows are locked and summed as they are dropped: an earlier fee amendment's
        # instalments cancelled on the same day are not reversed twice.
        reversed_minor = schedule.drop_instalments(
            schedule.open_instalments(deal, due_on__gte=on), on
        )
        entry = _post_reversal(deal, reversed_minor, on, by) if reversed_minor else None
        Deal.objects.filter(pk=deal.pk).update(cancelled_on=on)
        deal.cancelled_on = on
        return DealChange.objects.create(
            deal=deal,
            kind=DealChange.Kind.CANCEL,
            effective_on=on,
            note=note,
            before=_snapshot(old),
            after=_snapshot(new),
            reversed_minor=reversed_minor,
            entry=entry,
            changed_by=by if getattr(by, "is_authenticated", False) else None,
            changed_at=timezone.now(),
        )


def _post_reversal(deal: Deal, amount: int, on: dt.date, by: Any):
    """Undo what the cancelled instalments had put on the books (receivable or payable)."""
    memo = (
        "Licence fee cancelled"
        if deal.direction == Direction.OUT
        else "Rights acquisition cancelled"
    )
    return post_fee(
        deal,
        amount=amount,
        reverse=True,
        on=on,
        memo=f"{memo}: {deal.counterparty} (deal #{deal.pk})",
        ref=f"rights-deal-{deal.pk}-cancel",
        source_event_id=f"rights.deal_cancelled:{deal.pk}",
        by=by,
    )
