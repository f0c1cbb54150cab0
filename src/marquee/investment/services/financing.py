"""Co-financing: participants and their stakes, and the waterfall's versions of tiers."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from marquee.accounts.models import Organisation
from marquee.core.money import get_currency
from marquee.core.text import clean_text
from marquee.investment import waterfall as engine
from marquee.investment.errors import (
    InvestmentConflict,
    InvestmentError,
    InvestmentErrorCode,
    InvestmentNotFound,
)
from marquee.investment.models import Participant, Project, Waterfall, WaterfallVersion
from marquee.investment.services.projects import get_project

FULL_BP = 10_000


def _check_stake(stake_bp: Any) -> int:
    if isinstance(stake_bp, bool) or not isinstance(stake_bp, int) or not 0 <= stake_bp <= FULL_BP:
        raise InvestmentError(InvestmentErrorCode.INVALID_STAKE, f"Stake {stake_bp!r}.")
    return stake_bp


def _over(project: Project, wanted: int) -> InvestmentConflict:
    left = FULL_BP - Project.objects.filter(pk=project.pk).values_list("stakes_bp", flat=True)[0]
    return InvestmentConflict(
        InvestmentErrorCode.STAKES_OVER_100,
        f"{wanted} bp asked, {left} bp left.",
        available_bp=left,
        requested_bp=wanted,
    )


def claim_stake(project: Project, bp: int) -> None:
    """Add ``bp`` to the project's Σ stakes if that keeps it ≤ 100 %: the row count decides.

    One conditional UPDATE (``stakes_bp <= 10000 - bp``): two partners racing
    for the last 20 % cannot both get it. A negative ``bp`` gives stake back.
    """
    if bp <= 0:
        Project.objects.filter(pk=project.pk).update(stakes_bp=F("stakes_bp") + bp)
        return
    claimed = Project.objects.filter(pk=project.pk, stakes_bp__lte=FULL_BP - bp).update(
        stakes_bp=F("stakes_bp") + bp
    )
    if claimed != 1:
        raise _over(project, bp)


def add_participant(
    *,
    project: str,
    name: str,
    kind: str,
    stake_bp: int = 0,
    organisation: str | None = None,
) -> Participant:
    """A participant of the project with a stake; refused past 100 % (``stakes_over_100``)."""
    name = clean_text(name, field="name", max_length=200)
    if not name or kind not in Participant.Kind.values:
        raise InvestmentError(
            InvestmentErrorCode.INVALID_PARTICIPANT, f"Participant {name!r} {kind!r}."
        )
    stake_bp = _check_stake(stake_bp)
    org = None
    if organisation:
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise InvestmentError(
                InvestmentErrorCode.UNKNOWN_ORGANISATION,
                f"No organisation {organisation!r}.",
                organisation=organisation,
            )
    target = get_project(project)
    try:
        with transaction.atomic():
            claim_stake(target, stake_bp)
            return Participant.objects.create(
                project=target,
                name=name,
                kind=kind,
                organisation=org,
                stake_bp=stake_bp,
                created_at=timezone.now(),
            )
    except IntegrityError:
        raise InvestmentConflict(
            InvestmentErrorCode.PARTICIPANT_EXISTS, f"{name!r} exists.", name=name
        ) from None


def set_stake(*, participant_id: int, stake_bp: int) -> Participant:
    """Change a participant's stake; the project's Σ stays ≤ 100 % (the same claim)."""
    stake_bp = _check_stake(stake_bp)
    with transaction.atomic():
        participant = (
            Participant.objects.select_for_update()
            .select_related("project")
            .filter(pk=participant_id)
            .first()
        )
        if participant is None:
            raise InvestmentNotFound(
                InvestmentErrorCode.PARTICIPANT_NOT_FOUND, f"No participant {participant_id}."
            )
        claim_stake(participant.project, stake_bp - participant.stake_bp)
        Participant.objects.filter(pk=participant.pk).update(stake_bp=stake_bp)
        participant.stake_bp = stake_bp
        return participant


def stakes_of(project: Project) -> dict[int, int]:
    """Participant id → stake (bp): what the engine validates tiers against."""
    return dict(Participant.objects.filter(project=project).values_list("id", "stake_bp"))


def set_waterfall(
    *,
    project: str,
    tiers: Any,
    currency: str | None = None,
    note: str = "",
    user: Any = None,
) -> WaterfallVersion:
    """Store a new version of the project's waterfall (validated by the engine first).

    The first version fixes the waterfall's currency (default: the project's).
    Receipts after this run through the new tiers; what each tier key has
    already absorbed carries over, so a recouped cost is not recouped again.
    """
    note = clean_text(note, field="note", max_length=300)
    target = get_project(project)
    code = get_currency((currency or target.currency).upper()).code
    with transaction.atomic():
        engine.parse_tiers(tiers, stakes_of(target))
        waterfall, _created = Waterfall.objects.get_or_create(
            project=target, defaults={"currency": code, "state": engine.empty_state()}
        )
        waterfall = Waterfall.objects.select_for_update().get(pk=waterfall.pk)
        version = waterfall.version + 1
        Waterfall.objects.filter(pk=waterfall.pk).update(version=version)
        return WaterfallVersion.objects.create(
            waterfall=waterfall,
            version=version,
            tiers=list(tiers),
            note=note,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            created_at=timezone.now(),
        )
