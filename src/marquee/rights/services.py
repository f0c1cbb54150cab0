"""Writes of the rights domain: deals in and out, and their fees as they are settled.

Every write is one transaction that validates before it writes; money reaches
the books only through :func:`marquee.finance.services.post_entry`, keyed by
the deal or instalment so a repeat posts nothing.

Ledger (segment ``content``, the title on every line):

- a deal **out** signed: Dr 1130 Licence fees receivable / Cr 4030 Licensing revenue;
- an instalment of it received: Dr 1010 Cash at bank / Cr 1130 (and the event
  ``rights.licence_fee_received``);
- a deal **in** signed: Dr 1140 Acquired content rights / Cr 2020 Payable to rights holders;
- an instalment of it paid: Dr 2020 / Cr 1010.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from marquee.catalog.models import Title
from marquee.core.text import clean_text
from marquee.finance.services import LineSpec, post_entry
from marquee.rights import avails, events
from marquee.rights.errors import RightsConflict, RightsError, RightsErrorCode, RightsNotFound
from marquee.rights.models import Deal, Direction, Instalment, LineKind, RightLine, TitleRights
from marquee.rights.queries import lines_of_title
from marquee.rights.territories import covering_nodes
from marquee.rights.validation import (
    FeeSpec,
    RightSpec,
    check_direction,
    check_fee,
    check_languages,
    check_rights,
)

SEGMENT = "content"
RECEIVABLE, ACQUIRED, CASH, PAYABLE, REVENUE = "1130", "1140", "1010", "2020", "4030"


def lock_title_rights(title_id: int) -> TitleRights:
    """The title's rights row, created if need be and locked until the transaction ends.

    Every deal of a title is checked and written under this lock, so two exclusive
    deals racing for the same rights are decided one after the other.
    """
    TitleRights.objects.bulk_create(
        [TitleRights(title_id=title_id, updated_at=timezone.now())], ignore_conflicts=True
    )
    return TitleRights.objects.select_for_update().get(title_id=title_id)


def create_deal(
    *,
    title_id: int,
    direction: str,
    counterparty: str,
    rights: Sequence[RightSpec],
    fee: FeeSpec,
    signed_on: dt.date,
    exclusive: bool = False,
    holdbacks: Sequence[RightSpec] = (),
    languages: Sequence[str] = (),
    reference: str = "",
    created_by: Any = None,
    idempotency_key: str = "",
) -> Deal:
    """Sign a deal: its lines, its fee schedule and its ledger entry, or nothing.

    A deal out must stay within what the studio holds (exclusively, for an
    exclusive deal; its languages too) and must not meet an exclusive grant, a
    holdback or — if it is itself exclusive — any grant already licensed out.
    Refusals: ``rights_not_held``, ``language_not_held`` and ``rights_conflict``
    (409, naming the deals), and every validation code before those.
    """
    direction = check_direction(direction)
    counterparty = clean_text(counterparty, field="counterparty", max_length=200)
    if not counterparty:
        raise RightsError(RightsErrorCode.NO_COUNTERPARTY, "A deal names its counterparty.")
    reference = clean_text(reference, field="reference", max_length=80)
    grants = check_rights(rights, kind=LineKind.GRANT)
    if not grants:
        raise RightsError(RightsErrorCode.NO_RIGHTS, "A deal grants at least one right.")
    held_back = check_rights(holdbacks, kind=LineKind.HOLDBACK)
    langs = check_languages(languages)
    fee = check_fee(fee)
    key = clean_text(idempotency_key, field="idempotency_key", max_length=255)

    with transaction.atomic():
        if not Title.objects.filter(pk=title_id).exists():
            raise RightsNotFound(RightsErrorCode.TITLE_NOT_FOUND, f"No title #{title_id}.")
        record = lock_title_rights(title_id)
        if key and created_by is not None:
            done = Deal.objects.filter(created_by=created_by, idempotency_key=key).first()
            if done is not None:
                return done
        new_lines = expand_lines(direction, exclusive, langs, [*grants, *held_back])
        if direction == Direction.OUT:
            check_out(title_id, new_lines, langs)
        now = timezone.now()
        deal = Deal.objects.create(
            title_id=title_id,
            direction=direction,
            counterparty=counterparty,
            reference=reference,
            exclusive=exclusive,
            languages=langs,
            currency=fee.currency,
            fee_kind=fee.kind,
            fee_minor=fee.fee_minor,
            revenue_share_bp=fee.revenue_share_bp,
            signed_on=signed_on,
            created_by=created_by,
            idempotency_key=key,
            created_at=now,
        )
        write_lines(deal, new_lines)
        Instalment.objects.bulk_create(
            [
                Instalment(deal=deal, seq=n, due_on=i.due_on, amount_minor=i.amount_minor)
                for n, i in enumerate(sorted(fee.instalments, key=lambda i: i.due_on), start=1)
            ]
        )
        if fee.fee_minor:
            deal.entry = _post_signing(deal, created_by)
            deal.save(update_fields=["entry"])
        TitleRights.objects.filter(pk=record.pk).update(
            deals_count=record.deals_count + 1, updated_at=now
        )
    return deal


def expand_lines(
    direction: str, exclusive: bool, languages: Sequence[str], specs: Sequence[RightSpec]
) -> list[avails.Line]:
    """Checked right specs as engine lines: one per medium × territory node."""
    return [
        avails.Line(
            0,
            direction,
            spec.kind,
            exclusive,
            m,
            t,
            *avails.days(spec.start_on, spec.end_on),
            frozenset(languages),
        )
        for spec in specs
        for m in spec.media
        for t in spec.territories
    ]


def write_lines(deal: Deal, lines: Sequence[avails.Line]) -> None:
    """Store engine lines as the deal's rows (its title, direction, exclusivity, languages)."""
    RightLine.objects.bulk_create(
        [
            RightLine(
                deal=deal,
                title_id=deal.title_id,
                direction=deal.direction,
                kind=line.kind,
                exclusive=deal.exclusive,
                media=line.media,
                territory=line.territory,
                start_on=dt.date.fromordinal(line.start),
                end_on=dt.date.fromordinal(line.end - 1),
                languages=list(deal.languages),
            )
            for line in lines
        ]
    )


def check_out(
    title_id: int,
    new_lines: list[avails.Line],
    languages: list[str],
    *,
    exclude_deal: int | None = None,
) -> None:
    """Refuse a deal out that is not held or that meets what is already promised.

    ``exclude_deal``: the deal being amended (its own current lines are not in its way).
    """
    held_languages = _held_languages(title_id)
    if held_languages is not None:
        # A language no acquisition names at all: say so plainly, before the cell by cell check.
        wanted = set(languages) if languages else {"*"}
        missing_langs = sorted(wanted - held_languages)
        if missing_langs:
            raise RightsConflict(
                RightsErrorCode.LANGUAGE_NOT_HELD,
                f"Languages not held: {missing_langs}.",
                languages=missing_langs,
            )
    existing = lines_of_title(title_id, exclude_deal=exclude_deal)
    check = avails.check_claims(existing, new_lines)
    if check.not_held:
        missing = [_describe(p.media, p.territories, p.intervals) for p in check.not_held]
        raise RightsConflict(
            RightsErrorCode.RIGHTS_NOT_HELD,
            "Not held: " + "; ".join(missing) + ".",
            missing=missing,
            not_held=[
                {
                    "media": p.media,
                    "territories": list(p.territories),
                    "windows": [_window(iv) for iv in p.intervals],
                }
                for p in check.not_held
            ],
        )
    if check.conflicts:
        deals = {d.pk: d for d in Deal.objects.filter(pk__in=check.conflicts)}
        conflicts = []
        for deal_id in sorted(check.conflicts):
            overlaps = check.conflicts[deal_id]
            leaves = frozenset(leaf for _, leaf, _ in overlaps)
            conflicts.append(
                {
                    "deal_id": deal_id,
                    "counterparty": deals[deal_id].counterparty,
                    "exclusive": deals[deal_id].exclusive,
                    "media": sorted({m for m, _, _ in overlaps}),
                    "territories": covering_nodes(leaves),
                    "window": _window(
                        (min(iv[0] for *_, iv in overlaps), max(iv[1] for *_, iv in overlaps))
                    ),
                }
            )
        names = [f"#{c['deal_id']} {c['counterparty']}" for c in conflicts]
        raise RightsConflict(
            RightsErrorCode.RIGHTS_CONFLICT,
            "Conflicts with " + ", ".join(names) + ".",
            deals=names,
            conflicts=conflicts,
        )


def _held_languages(title_id: int) -> set[str] | None:
    """The languages acquired for the title (``None``: every language)."""
    held: set[str] = set()
    for langs in Deal.objects.filter(title_id=title_id, direction=Direction.IN).values_list(
        "languages", flat=True
    ):
        if not langs:
            return None
        held.update(langs)
    return held


def _window(interval: avails.Interval) -> dict[str, str]:
    first, last = avails.as_dates(interval)
    return {"start": first.isoformat(), "end": last.isoformat()}


def _describe(media: str, territories: Sequence[str], intervals: Sequence[avails.Interval]) -> str:
    spans = ", ".join(f"{w['start']}..{w['end']}" for w in (_window(iv) for iv in intervals))
    return f"{media} in {'+'.join(territories)} {spans}"


def post_pair(
    deal: Deal,
    *,
    debit: str,
    credit: str,
    amount: int,
    on: dt.date,
    memo: str,
    ref: str,
    source_event_id: str,
    by: Any,
):
    """One two-line posting of the deal's title in segment ``content``, keyed once."""
    common = {"segment": SEGMENT, "currency": deal.currency, "title_id": deal.title_id}
    return post_entry(
        date=on,
        memo=memo[:200],
        lines=[
            LineSpec(debit, debit_minor=amount, reference=ref, **common),
            LineSpec(credit, credit_minor=amount, reference=ref, **common),
        ],
        source_event_id=source_event_id,
        source="rights",
        posted_by=by,
    )


def post_fee(deal: Deal, *, amount: int, reverse: bool = False, **posting: Any):
    """Book (or, ``reverse``, take back) fee of the deal on the accounts its signing uses.

    A deal out: Dr 1130 Licence fees receivable / Cr 4030 Licensing revenue; a deal in:
    Dr 1140 Acquired content rights / Cr 2020 Payable to rights holders. ``posting``:
    :func:`post_pair`'s ``on``, ``memo``, ``ref``, ``source_event_id`` and ``by``.
    """
    pair = (RECEIVABLE, REVENUE) if deal.direction == Direction.OUT else (ACQUIRED, PAYABLE)
    debit, credit = reversed(pair) if reverse else pair
    return post_pair(deal, debit=debit, credit=credit, amount=amount, **posting)


def _post_signing(deal: Deal, by: Any):
    memo = "Licence fee" if deal.direction == Direction.OUT else "Rights acquired"
    return post_fee(
        deal,
        amount=deal.fee_minor,
        on=deal.signed_on,
        memo=f"{memo}: {deal.counterparty} (deal #{deal.pk})",
        ref=f"rights-deal-{deal.pk}",
        source_event_id=f"rights.deal_signed:{deal.pk}",
        by=by,
    )


def record_fee_received(
    *, deal_id: int, seq: int, received_on: dt.date, by: Any = None
) -> Instalment:
    """An instalment of a deal out was received: cash in, receivable down, the event out.

    Exactly once: the instalment is claimed by a conditional ``UPDATE``
    (``instalment_already_settled`` when it was already), and the posting is
    keyed by the instalment.
    """
    return _settle(deal_id=deal_id, seq=seq, on=received_on, by=by, direction=Direction.OUT)


def record_fee_paid(*, deal_id: int, seq: int, paid_on: dt.date, by: Any = None) -> Instalment:
    """An instalment of a deal in was paid to the licensor: payable down, cash out."""
    return _settle(deal_id=deal_id, seq=seq, on=paid_on, by=by, direction=Direction.IN)


def _settle(*, deal_id: int, seq: int, on: dt.date, by: Any, direction: str) -> Instalment:
    with transaction.atomic():
        deal = Deal.objects.filter(pk=deal_id).first()
        if deal is None:
            raise RightsNotFound(RightsErrorCode.DEAL_NOT_FOUND, f"No deal #{deal_id}.")
        if deal.direction != direction:
            raise RightsError(RightsErrorCode.WRONG_DIRECTION, "Wrong direction for this deal.")
        instalment = Instalment.objects.filter(deal=deal, seq=seq).first()
        if instalment is None:
            raise RightsNotFound(
                RightsErrorCode.INSTALMENT_NOT_FOUND, f"Deal #{deal_id} has no instalment {seq}."
            )
        claimed = Instalment.objects.filter(
            pk=instalment.pk, received_on__isnull=True, cancelled_on__isnull=True
        ).update(received_on=on)
        cancelled = Instalment.objects.filter(pk=instalment.pk, cancelled_on__isnull=False)
        if claimed != 1 and cancelled.exists():
            raise RightsConflict(
                RightsErrorCode.INSTALMENT_CANCELLED, f"Instalment {seq} of #{deal_id} cancelled."
            )
        if claimed != 1:
            raise RightsConflict(
                RightsErrorCode.ALREADY_RECEIVED, f"Instalment {seq} of deal #{deal_id} is settled."
            )
        amount = instalment.amount_minor
        if direction == Direction.OUT:
            debit, credit, memo = CASH, RECEIVABLE, "Licence fee received"
        else:
            debit, credit, memo = PAYABLE, CASH, "Rights fee paid"
        entry = post_pair(
            deal,
            debit=debit,
            credit=credit,
            amount=amount,
            on=on,
            memo=f"{memo}: {deal.counterparty} (deal #{deal.pk}, {seq})",
            ref=f"rights-deal-{deal.pk}-{seq}",
            source_event_id=f"rights.instalment_settled:{instalment.pk}",
            by=by,
        )
        Instalment.objects.filter(pk=instalment.pk).update(entry=entry)
        instalment.received_on, instalment.entry = on, entry
        if direction == Direction.OUT:
            events.publish(
                events.LICENCE_FEE_RECEIVED,
                aggregate_id=deal.pk,
                payload={
                    "title_id": deal.title_id,
                    "deal_id": deal.pk,
                    "amount_minor": amount,
                    "currency": deal.currency,
                    "received_on": on.isoformat(),
                    "licensee": deal.counterparty,
                },
            )
    return instalment
