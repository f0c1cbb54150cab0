"""Revenue into a waterfall: each receipt paid out to the participants and posted to the ledger.

Receipts arrive from the outbox (a day's settled box office, a licence fee)
or are typed in (other revenue). Each has a ``source_key`` (unique): the
event and title it came from, so a replay adds nothing. The waterfall row
is locked while a receipt runs, so receipts apply one at a time against the
state the previous one left.

Ledger: the participations the waterfall pays partners, crowdfunding pools
and talent are a cost of the content segment owed to them — Dr 5110
participations / Cr 2610 payable to participants, one line per participant,
in the waterfall currency. What the waterfall pays the studio itself stays
with the studio and posts nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from marquee.core import fx
from marquee.core.money import Money
from marquee.core.text import clean_text
from marquee.finance.services import EntryRequest, LineSpec, post_entries
from marquee.investment import waterfall as engine
from marquee.investment.errors import InvestmentError, InvestmentErrorCode, InvestmentNotFound
from marquee.investment.models import Participant, Payout, Project, Receipt, Waterfall
from marquee.investment.models import WaterfallVersion as Version
from marquee.investment.services.financing import stakes_of
from marquee.investment.services.projects import get_project

PARTICIPATIONS = "5110"
PAYABLE_TO_PARTICIPANTS = "2610"
SEGMENT = "content"


def receive(
    *,
    project: Project,
    source: str,
    source_key: str,
    received_on: dt.date,
    money: Money,
    description: str = "",
) -> Receipt | None:
    """Run ``money`` through ``project``'s waterfall once per ``source_key``.

    Returns the receipt (the earlier one for a key seen before), or None when
    the project has no waterfall yet or nothing was received. Raises
    ``no_exchange_rate`` when the receipt's currency cannot be converted on
    ``received_on`` (an outbox consumer then retries).
    """
    if money.minor < 0:
        raise InvestmentError(InvestmentErrorCode.INVALID_RECEIPT, f"{money!r}.")
    with transaction.atomic():
        waterfall = _lock_waterfall(project)
        if waterfall is None or waterfall.version == 0 or money.minor == 0:
            return None
        existing = Receipt.objects.filter(source_key=source_key).first()
        if existing is not None:
            return existing
        amount = (
            money
            if money.currency == waterfall.currency
            else fx.convert(money, waterfall.currency, received_on)
        )
        tiers_data = Version.objects.get(waterfall=waterfall, version=waterfall.version).tiers
        tiers = engine.parse_tiers(tiers_data, stakes_of(project))
        shares, state = engine.apply_receipt(tiers, waterfall.state, amount.minor, amount.currency)
        entry = _post(project, waterfall.currency, shares, source_key, received_on, description)
        receipt = Receipt.objects.create(
            waterfall=waterfall,
            version=waterfall.version,
            source=source,
            source_key=source_key,
            received_on=received_on,
            description=description[:300],
            original_currency=money.currency,
            original_minor=money.minor,
            currency=amount.currency,
            amount_minor=amount.minor,
            journal_entry=entry,
            created_at=timezone.now(),
        )
        Payout.objects.bulk_create(
            [
                Payout(
                    receipt=receipt,
                    participant_id=share.participant,
                    tier_key=share.tier_key,
                    tier_label=share.tier_label[:200],
                    amount_minor=share.amount_minor,
                )
                for share in shares
            ]
        )
        for pid, total in sorted(engine.totals(shares).items()):
            Participant.objects.filter(pk=pid).update(earned_minor=F("earned_minor") + total)
        Waterfall.objects.filter(pk=waterfall.pk).update(state=state)
        return receipt


def _lock_waterfall(project: Project) -> Waterfall | None:
    """The project's waterfall row, locked: receipts apply one at a time, each on the last state."""
    return Waterfall.objects.select_for_update().filter(project=project).first()


def _post(
    project: Project,
    currency: str,
    shares: list[engine.Share],
    source_key: str,
    day: dt.date,
    description: str,
) -> Any:
    """Dr participations / Cr payable, per participant who is not the studio (or None)."""
    owed = engine.totals(shares)
    outside = set(
        Participant.objects.filter(pk__in=owed)
        .exclude(kind=Participant.Kind.STUDIO)
        .values_list("pk", flat=True)
    )
    lines = []
    for pid in sorted(outside):
        if not owed[pid]:
            continue
        party = {
            "project": project.slug,
            "title_id": project.title_id,
            "reference": f"participant:{pid}",
        }
        lines.append(LineSpec(PARTICIPATIONS, SEGMENT, currency, debit_minor=owed[pid], **party))
        lines.append(
            LineSpec(PAYABLE_TO_PARTICIPANTS, SEGMENT, currency, credit_minor=owed[pid], **party)
        )
    if not lines:
        return None
    request = EntryRequest(
        date=day,
        memo=(f"Waterfall of {project.name_en}: {description}" if description else project.name_en)[
            :500
        ],
        lines=lines,
        source_event_id=f"investment:{source_key}"[:200],
        source="investment.waterfall",
    )
    return post_entries([request])[0]


def receive_manual(
    *,
    project: str,
    received_on: dt.date,
    currency: str,
    amount_minor: int,
    description: str = "",
    key: str,
) -> Receipt:
    """Other revenue typed in by investment staff (an ``Idempotency-Key`` makes ``key``)."""
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
        raise InvestmentError(InvestmentErrorCode.INVALID_RECEIPT, f"{amount_minor!r}.")
    if not 0 < amount_minor < 10**15:
        raise InvestmentError(InvestmentErrorCode.INVALID_RECEIPT, f"{amount_minor!r}.")
    description = clean_text(description, field="description", max_length=300)
    target = get_project(project)
    if not Waterfall.objects.filter(project=target, version__gt=0).exists():
        raise InvestmentNotFound(
            InvestmentErrorCode.NO_WATERFALL, f"{project} has no waterfall.", project=project
        )
    receipt = receive(
        project=target,
        source=Receipt.Source.MANUAL,
        source_key=f"manual:{target.pk}:{key}"[:200],
        received_on=received_on,
        money=Money(amount_minor, currency.upper() if isinstance(currency, str) else ""),
        description=description,
    )
    if receipt is None:  # cannot happen: the waterfall exists and the amount is positive
        raise RuntimeError("A manual receipt into an existing waterfall was not recorded.")
    return receipt


def projects_of_titles(title_ids: list[int]) -> dict[int, Project]:
    """The project whose waterfall a title's revenue feeds, by title id.

    A title feeds one waterfall: that of its earliest project that has one
    (a title's revenue is never counted twice).
    """
    out: dict[int, Project] = {}
    for project in Project.objects.filter(
        title_id__in=title_ids, waterfall__version__gt=0
    ).order_by("-pk"):
        out[project.title_id] = project
    return out
