"""Creating offerings and linking their pre-sale perk (investment and distribution staff)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from marquee.accounts.models import User
from marquee.core.errors import Conflict, NotFound, PermissionDenied
from marquee.core.money import is_supported_currency
from marquee.core.text import clean_text
from marquee.crowdfunding.errors import CrowdfundingError, CrowdfundingErrorCode
from marquee.crowdfunding.models import BonusTier, Offering
from marquee.crowdfunding.permissions import can_grant_presale, can_manage_offerings
from marquee.investment.models import Participant, Project
from marquee.ticketing.models import PresaleRound

#: Bounds that keep every product (units × price, principal × rate) far inside 64 bits.
MAX_UNITS = 10_000_000
MAX_UNIT_PRICE_MINOR = 100_000_000
MAX_RETURN_BP = 100_000
MAX_TIERS = 20
SLUG = re.compile(r"^[-a-z0-9]{1,120}$")


def _invalid(field: str, message: str) -> CrowdfundingError:
    return CrowdfundingError(CrowdfundingErrorCode.INVALID_OFFERING, message, field=field)


def _whole(value: Any, field: str, *, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _invalid(field, f"{field} is a whole number from {low} to {high}.")
    return value


def require_manager(actor: User) -> None:
    """Raise :class:`PermissionDenied` unless ``actor`` manages offerings."""
    if not can_manage_offerings(actor):
        raise PermissionDenied(
            CrowdfundingErrorCode.NOT_INVESTMENT_STAFF,
            "Crowdfunding offerings are managed by investment staff.",
        )


def create_offering(
    *,
    actor: User,
    project: Project | str,
    slug: str,
    names: tuple[str, str, str],
    currency: str,
    unit_price_minor: int,
    target_units: int,
    cap_units: int,
    min_units_per_backer: int = 1,
    max_units_per_backer: int,
    opens_at: datetime,
    closes_at: datetime,
    min_return_bp: int = 0,
    bonus_tiers: Iterable[tuple[int, int]] = (),
    premiere_min_units: int | None = None,
    premiere_tickets: int = 0,
) -> Offering:
    """Create an all-or-nothing offering for ``project`` (investment staff and admins).

    ``names`` are (English, 简体, 繁體); ``bonus_tiers`` are (box-office
    threshold in minor units of ``currency``, bonus in basis points) pairs.
    Every value is checked before anything is written. Raises
    :class:`PermissionDenied` ``not_investment_staff``, :class:`NotFound`
    ``project_not_found``, :class:`CrowdfundingError` ``invalid_offering``
    (detail ``field``) and :class:`Conflict` ``offering_slug_taken``.
    """
    require_manager(actor)
    if isinstance(project, str):
        found = Project.objects.filter(slug=project).first()
        if found is None:
            raise NotFound(CrowdfundingErrorCode.PROJECT_NOT_FOUND, f"No project {project!r}.")
        project = found
    slug = clean_text(slug, field="slug", max_length=120)
    if not SLUG.match(slug):
        raise _invalid("slug", "A slug is 1–120 lower-case letters, digits and hyphens.")
    name_en, name_hans, name_hant = (
        clean_text(n, field=f, max_length=200)
        for n, f in zip(names, ("name_en", "name_zh_hans", "name_zh_hant"), strict=True)
    )
    if not name_en:
        raise _invalid("name_en", "An offering needs an English name.")
    currency = (currency or "").strip()
    if not is_supported_currency(currency):
        raise _invalid("currency", "The currency must be one Marquee supports.")
    _whole(unit_price_minor, "unit_price_minor", low=1, high=MAX_UNIT_PRICE_MINOR)
    _whole(target_units, "target_units", low=1, high=MAX_UNITS)
    _whole(cap_units, "cap_units", low=target_units, high=MAX_UNITS)
    _whole(min_units_per_backer, "min_units_per_backer", low=1, high=cap_units)
    _whole(max_units_per_backer, "max_units_per_backer", low=min_units_per_backer, high=cap_units)
    _whole(min_return_bp, "min_return_bp", low=0, high=MAX_RETURN_BP)
    for field, value in (("opens_at", opens_at), ("closes_at", closes_at)):
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise _invalid(field, f"{field} is a date and time with its zone.")
    if closes_at <= opens_at:
        raise _invalid("closes_at", "An offering closes after it opens.")
    tiers = list(bonus_tiers)
    if len(tiers) > MAX_TIERS:
        raise _invalid("bonus_tiers", f"At most {MAX_TIERS} bonus tiers.")
    for threshold, bonus in tiers:
        _whole(threshold, "bonus_tiers", low=1, high=10**15)
        _whole(bonus, "bonus_tiers", low=1, high=MAX_RETURN_BP)
    if len({t for t, _ in tiers}) != len(tiers):
        raise _invalid("bonus_tiers", "Each bonus tier has its own threshold.")
    if premiere_min_units is not None:
        _whole(premiere_min_units, "premiere_min_units", low=1, high=cap_units)
        _whole(premiere_tickets, "premiere_tickets", low=1, high=20)
    elif premiere_tickets:
        raise _invalid("premiere_min_units", "Premiere tickets need premiere_min_units.")
    try:
        with transaction.atomic():
            offering = Offering.objects.create(
                project=project,
                slug=slug,
                name_en=name_en,
                name_zh_hans=name_hans,
                name_zh_hant=name_hant,
                currency=currency,
                unit_price_minor=unit_price_minor,
                target_units=target_units,
                cap_units=cap_units,
                min_units_per_backer=min_units_per_backer,
                max_units_per_backer=max_units_per_backer,
                opens_at=opens_at,
                closes_at=closes_at,
                min_return_bp=min_return_bp,
                premiere_min_units=premiere_min_units,
                premiere_tickets=premiere_tickets if premiere_min_units else 0,
                created_by=actor,
            )
            BonusTier.objects.bulk_create(
                [
                    BonusTier(offering=offering, threshold_minor=t, bonus_bp=b)
                    for t, b in sorted(tiers)
                ]
            )
    except IntegrityError:
        if Offering.objects.filter(slug=slug).exists():
            raise Conflict(
                CrowdfundingErrorCode.SLUG_TAKEN, f"Offering {slug!r} exists already."
            ) from None
        raise
    return offering


def link_presale_round(*, actor: User, offering: Offering, presale: PresaleRound) -> Offering:
    """Offer every backer of ``offering`` a place in ``presale`` (distribution staff, admins).

    The round must be an invitation round of the project's title. When the
    offering succeeds each backer receives an invitation code of their own,
    issued in ``actor``'s name through ticketing's invitation service. Raises
    :class:`PermissionDenied` ``presale_perk_forbidden`` and
    :class:`CrowdfundingError` ``invalid_presale_round``.
    """
    if not can_grant_presale(actor):
        raise PermissionDenied(
            CrowdfundingErrorCode.NOT_DISTRIBUTION_STAFF,
            "Only distribution staff may offer a place in a pre-sale round.",
        )
    title_id = offering.project.title_id
    if (
        presale.audience != PresaleRound.Audience.INVITATION
        or title_id is None
        or presale.title_id != title_id
    ):
        raise CrowdfundingError(
            CrowdfundingErrorCode.INVALID_PRESALE_ROUND,
            "The round must be an invitation round of the project's title.",
        )
    if offering.status != Offering.Status.ACTIVE:
        raise Conflict(CrowdfundingErrorCode.OFFERING_CLOSED, "This offering has closed.")
    with transaction.atomic():
        Offering.objects.filter(pk=offering.pk).update(
            presale_round=presale, presale_granted_by=actor, updated_at=timezone.now()
        )
    offering.refresh_from_db()
    return offering


def link_pool_participant(*, actor: User, offering: Offering, participant: Participant) -> Offering:
    """Make ``participant`` (the project's crowdfunding pool in its waterfall) ``offering``'s pool.

    What the waterfall pays the pool then shows beside the returns promised
    to the backers. Raises :class:`PermissionDenied` ``not_investment_staff``
    and :class:`CrowdfundingError` ``invalid_pool_participant`` (another
    project's, not a crowdfunding pool, or the pool of another offering).
    """
    require_manager(actor)
    taken = Offering.objects.filter(pool_participant=participant).exclude(pk=offering.pk).exists()
    if (
        participant.project_id != offering.project_id
        or participant.kind != Participant.Kind.CROWDFUNDING
        or taken
    ):
        raise CrowdfundingError(
            CrowdfundingErrorCode.INVALID_POOL,
            "The pool must be a crowdfunding-pool participant of the project, not linked elsewhere.",
        )
    with transaction.atomic():
        Offering.objects.filter(pk=offering.pk).update(
            pool_participant=participant, updated_at=timezone.now()
        )
    offering.pool_participant = participant
    return offering
