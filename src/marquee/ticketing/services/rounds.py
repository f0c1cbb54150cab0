"""Pre-sale rounds: planning them, who may buy in them, and the per-account limit.

Before a showtime's general sale opens only an open round covering it sells
(:func:`sale_terms`). The per-account limit is a counter row per (round,
account) raised by one conditional UPDATE inside the hold's transaction
(:func:`reserve_allowance`), so concurrent requests from one account cannot
pass it together.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest

from marquee.accounts.models import User
from marquee.catalog.models import Title
from marquee.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from marquee.core.money import is_supported_currency
from marquee.places.models import City
from marquee.ticketing.errors import TicketingErrorCode
from marquee.ticketing.models import (
    Hold,
    InvitationCode,
    InvitationRedemption,
    Order,
    PresaleRound,
    RoundAllowance,
    Showtime,
    WantToSee,
)
from marquee.ticketing.permissions import can_plan_rounds
from marquee.ticketing.services._common import Guard, guarded, require_aware
from marquee.venues.models import SeatType, Venue

MAX_LIMIT = 100
MAX_CODES_PER_CALL = 1000
#: Unambiguous upper-case letters and digits (no 0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


def _require_planner(actor: User) -> None:
    if not can_plan_rounds(actor):
        raise PermissionDenied(
            TicketingErrorCode.NOT_DISTRIBUTION_STAFF,
            "Pre-sale rounds are planned by distribution staff.",
        )


def _invalid(message: str, **detail: Any) -> DomainError:
    return DomainError(TicketingErrorCode.INVALID_ROUND, message, **detail)


def create_presale_round(
    *,
    actor: User,
    title: Title,
    name: str,
    opens_at: datetime,
    closes_at: datetime,
    audience: str = PresaleRound.Audience.EVERYONE,
    per_account_limit: int | None = None,
    currency: str = "",
    price_override_minor: int | None = None,
    price_overrides: Mapping[str, int] | None = None,
    venue_slugs: Iterable[str] = (),
    city_codes: Iterable[str] = (),
) -> PresaleRound:
    """Plan a pre-sale round of ``title`` (distribution staff or admins).

    Without venues or cities the round covers every venue. A price override
    needs ``currency`` and applies to showtimes in that currency only. Raises
    :class:`PermissionDenied` and :class:`DomainError` ``invalid_round``,
    ``naive_datetime``; :class:`NotFound` ``venue_not_found``/``city_not_found``.
    """
    _require_planner(actor)
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise _invalid("A round needs a name of at most 120 characters.", field="name")
    require_aware(opens_at, "opens_at")
    require_aware(closes_at, "closes_at")
    if closes_at <= opens_at:
        raise _invalid("A round must close after it opens.", field="closes_at")
    if audience not in PresaleRound.Audience.values:
        raise _invalid(
            f"audience is one of {', '.join(PresaleRound.Audience.values)}.", field="audience"
        )
    if per_account_limit is not None and (
        isinstance(per_account_limit, bool)
        or not isinstance(per_account_limit, int)
        or not 1 <= per_account_limit <= MAX_LIMIT
    ):
        raise _invalid(f"per_account_limit is 1–{MAX_LIMIT} seats.", field="per_account_limit")
    overrides = dict(price_overrides or {})
    for seat_type, amount in overrides.items():
        if seat_type not in SeatType.values:
            raise _invalid(f"{seat_type!r} is not a seat type.", field="price_overrides")
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            raise _invalid(
                "Override prices are whole minor units, 0 or more.", field="price_overrides"
            )
    if price_override_minor is not None and (
        isinstance(price_override_minor, bool)
        or not isinstance(price_override_minor, int)
        or price_override_minor < 0
    ):
        raise _invalid("price_override_minor is whole minor units, 0 or more.")
    currency = (currency or "").strip().upper()
    if (overrides or price_override_minor is not None) and not is_supported_currency(currency):
        raise _invalid(
            "A price override needs the supported ISO 4217 currency it is in.", field="currency"
        )
    venue_slugs = sorted(set(venue_slugs))
    city_codes = sorted(set(city_codes))
    venues = list(Venue.objects.filter(slug__in=venue_slugs))
    if len(venues) != len(venue_slugs):
        missing = sorted(set(venue_slugs) - {v.slug for v in venues})
        raise NotFound(
            TicketingErrorCode.VENUE_NOT_FOUND,
            "Unknown venues: " + ", ".join(missing),
            venues=missing,
        )
    cities = list(City.objects.filter(code__in=city_codes))
    if len(cities) != len(city_codes):
        missing = sorted(set(city_codes) - {c.code for c in cities})
        raise NotFound(
            TicketingErrorCode.CITY_NOT_FOUND,
            "Unknown cities: " + ", ".join(missing),
            cities=missing,
        )
    with transaction.atomic():
        presale = PresaleRound.objects.create(
            title=title,
            name=name,
            opens_at=opens_at,
            closes_at=closes_at,
            audience=audience,
            per_account_limit=per_account_limit,
            currency=currency,
            price_override_minor=price_override_minor,
            price_overrides=overrides,
            created_by=actor,
        )
        presale.venues.set(venues)
        presale.cities.set(cities)
    return presale


def create_invitation_codes(
    *,
    actor: User,
    presale: PresaleRound,
    count: int = 1,
    max_uses: int = 1,
    user: User | None = None,
) -> list[InvitationCode]:
    """Issue ``count`` random invitation codes for an invitation round.

    Each admits up to ``max_uses`` accounts, or only ``user`` when given.
    Raises :class:`PermissionDenied` and :class:`DomainError` ``invalid_round``.
    """
    _require_planner(actor)
    if presale.audience != PresaleRound.Audience.INVITATION:
        raise _invalid("Only an invitation round has invitation codes.", field="audience")
    if (
        isinstance(count, bool)
        or not isinstance(count, int)
        or not 1 <= count <= MAX_CODES_PER_CALL
    ):
        raise _invalid(f"count is 1–{MAX_CODES_PER_CALL}.", field="count")
    if (
        isinstance(max_uses, bool)
        or not isinstance(max_uses, int)
        or not 1 <= max_uses <= 1_000_000
    ):
        raise _invalid("max_uses is at least 1.", field="max_uses")
    if user is not None and max_uses != 1:
        raise _invalid("A code issued to one account has max_uses 1.", field="max_uses")
    codes = {
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)) for _ in range(count)
    }
    with transaction.atomic():
        return InvitationCode.objects.bulk_create(
            [
                InvitationCode(round=presale, code=code, max_uses=max_uses, user=user)
                for code in sorted(codes)
            ]
        )


def register_want_to_see(*, user: User, title: Title) -> bool:
    """Register ``user``'s interest in ``title``; idempotent. True when newly registered."""
    try:
        with transaction.atomic():
            WantToSee.objects.create(user=user, title=title)
    except IntegrityError:
        return False
    return True


def unregister_want_to_see(*, user: User, title: Title) -> bool:
    """Withdraw ``user``'s interest; idempotent. True when a registration was removed."""
    with transaction.atomic():
        deleted, _ = WantToSee.objects.filter(user=user, title=title).delete()
    return bool(deleted)


# --- who may buy now --------------------------------------------------------------


@dataclass(frozen=True)
class SaleTerms:
    """Under which terms a hold is sold: general sale (``round`` None) or a round."""

    round: PresaleRound | None = None
    invitation: InvitationCode | None = None


def _covering_rounds(showtime: Showtime, now: datetime) -> list[PresaleRound]:
    rounds = list(
        PresaleRound.objects.filter(
            title_id=showtime.title_id, opens_at__lte=now, closes_at__gt=now
        ).order_by("opens_at", "pk")
    )
    if not rounds:
        return []
    ids = [r.pk for r in rounds]
    venue_sets: dict[int, set[int]] = {}
    city_sets: dict[int, set[int]] = {}
    for round_id, venue_id in PresaleRound.venues.through.objects.filter(
        presaleround_id__in=ids
    ).values_list("presaleround_id", "venue_id"):
        venue_sets.setdefault(round_id, set()).add(venue_id)
    for round_id, city_id in PresaleRound.cities.through.objects.filter(
        presaleround_id__in=ids
    ).values_list("presaleround_id", "city_id"):
        city_sets.setdefault(round_id, set()).add(city_id)
    city_id = showtime.venue.city_id
    return [
        r
        for r in rounds
        if (r.pk not in venue_sets or showtime.venue_id in venue_sets[r.pk])
        and (r.pk not in city_sets or city_id in city_sets[r.pk])
    ]


def _is_eligible(presale: PresaleRound, user: User) -> bool:
    if presale.audience == PresaleRound.Audience.EVERYONE:
        return True
    if presale.audience == PresaleRound.Audience.WANT_TO_SEE:
        return WantToSee.objects.filter(user=user, title_id=presale.title_id).exists()
    return InvitationRedemption.objects.filter(round=presale, user=user).exists()


def sale_terms(
    *, showtime: Showtime, user: User, invitation_code: str | None, now: datetime
) -> SaleTerms:
    """Decide whether ``user`` may buy seats of ``showtime`` now, and under which round.

    From ``sales_open_at`` on (or when it is unset) it is general sale. Before,
    the earliest open round covering the showtime for which the account is
    eligible (everyone; registered "want to see"; redeemed or given an
    invitation code) applies. Reads only; the invitation is redeemed in the
    hold's transaction. Raises :class:`DomainError` ``sales_not_open``,
    ``not_eligible``, ``invitation_invalid``.
    """
    if showtime.sales_open_at is None or showtime.sales_open_at <= now:
        return SaleTerms()
    rounds = _covering_rounds(showtime, now)
    if not rounds:
        raise DomainError(
            TicketingErrorCode.SALES_NOT_OPEN,
            f"Sales for this showtime open at {showtime.sales_open_at.isoformat()}; "
            "no pre-sale round is open for it now.",
            sales_open_at=showtime.sales_open_at.isoformat(),
        )
    code = (invitation_code or "").strip().upper()
    if code:
        invitation = InvitationCode.objects.select_related("round").filter(code=code).first()
        if invitation is None or invitation.round_id not in {r.pk for r in rounds}:
            raise DomainError(
                TicketingErrorCode.INVITATION_INVALID,
                "This invitation code is not valid for an open round of this showtime.",
            )
        if invitation.user_id is not None and invitation.user_id != user.pk:
            raise DomainError(
                TicketingErrorCode.INVITATION_INVALID,
                "This invitation code was issued to another account.",
            )
        return SaleTerms(round=invitation.round, invitation=invitation)
    for presale in rounds:
        if _is_eligible(presale, user):
            return SaleTerms(round=presale)
    needs = sorted({r.audience for r in rounds})
    hint = {
        PresaleRound.Audience.WANT_TO_SEE: "register “want to see” for the title",
        PresaleRound.Audience.INVITATION: "give an invitation code",
    }
    raise DomainError(
        TicketingErrorCode.NOT_ELIGIBLE,
        "Only pre-sale buyers may buy now: "
        + " or ".join(hint[a] for a in needs if a in hint)
        + ".",
        audiences=needs,
        sales_open_at=showtime.sales_open_at.isoformat(),
    )


# --- inside the hold's transaction ------------------------------------------------


def redeem_invitation(*, invitation: InvitationCode, user: User) -> None:
    """Bind ``user`` to ``invitation`` once (a use); redeeming again costs nothing.

    Call inside the hold's transaction, after the seats were claimed. Raises
    :class:`Conflict` ``invitation_used_up``.
    """
    try:
        with transaction.atomic():
            InvitationRedemption.objects.create(
                invitation=invitation, round_id=invitation.round_id, user=user
            )
    except IntegrityError:
        return  # this account redeemed the code before
    taken = InvitationCode.objects.filter(pk=invitation.pk, uses__lt=F("max_uses")).update(
        uses=F("uses") + 1
    )
    if not taken:
        raise Conflict(
            TicketingErrorCode.INVITATION_USED_UP, "This invitation code has been used up."
        )


def give_back_allowance(*, round_id: int, user_id: int, seats: int) -> None:
    """Return ``seats`` to an account's allowance in a round (release, expiry, refund)."""
    RoundAllowance.objects.filter(round_id=round_id, user_id=user_id).update(
        tickets=Greatest(F("tickets") - seats, 0)
    )


def reclaim_expired_holds(*, round_id: int, user_id: int, now: datetime) -> int:
    """Expire the account's lapsed holds in a round and give their seats back.

    Each hold flips ``active`` → ``expired`` in a conditional UPDATE, so its
    seats are given back exactly once however many requests notice it.
    Returns the seats given back. The inventory rows are left alone: an
    expired hold's seats already read and claim as free.
    """
    returned = 0
    lapsed = Hold.objects.filter(
        round_id=round_id, user_id=user_id, status=Hold.Status.ACTIVE, expires_at__lte=now
    ).values_list("pk", "seat_count")
    for hold_id, seats in lapsed:
        if Hold.objects.filter(pk=hold_id, status=Hold.Status.ACTIVE, expires_at__lte=now).update(
            status=Hold.Status.EXPIRED, ended_at=now
        ):
            Order.objects.filter(hold_id=hold_id, status=Order.Status.PENDING).update(
                status=Order.Status.EXPIRED, closed_at=now
            )
            returned += seats
    if returned:
        give_back_allowance(round_id=round_id, user_id=user_id, seats=returned)
    return returned


def reserve_allowance(*, presale: PresaleRound, user: User, seats: int, now: datetime) -> int:
    """Count ``seats`` against ``user``'s limit in ``presale``; returns the new total.

    Call inside the hold's transaction (after the seats were claimed, so the
    lock order inventory → holds → allowance holds everywhere). One
    conditional ``UPDATE … SET tickets = tickets + n WHERE tickets + n <=
    limit``: concurrent holds of one account queue on the row and the limit
    holds. Raises :class:`Conflict` ``round_limit_exceeded`` (the caller's
    transaction then rolls back, holding nothing).
    """
    RoundAllowance.objects.bulk_create(
        [RoundAllowance(round=presale, user=user, tickets=0)], ignore_conflicts=True
    )
    reclaim_expired_holds(round_id=presale.pk, user_id=user.pk, now=now)
    rows = RoundAllowance.objects.filter(round=presale, user=user)
    if presale.per_account_limit is not None:
        if guarded(Guard.ROUND_LIMIT):
            rows = rows.filter(tickets__lte=presale.per_account_limit - seats)
        else:  # race-test control: decide on a read
            used = rows.values_list("tickets", flat=True).get()
            rows = rows if used + seats <= presale.per_account_limit else rows.none()
    if not rows.update(tickets=F("tickets") + seats):
        used = (
            RoundAllowance.objects.filter(round=presale, user=user)
            .values_list("tickets", flat=True)
            .first()
        )
        raise Conflict(
            TicketingErrorCode.ROUND_LIMIT_EXCEEDED,
            f"{presale.name} allows {presale.per_account_limit} seats per account; you have "
            f"{used} and asked for {seats} more.",
            limit=presale.per_account_limit,
            used=used,
            requested=seats,
        )
    return (
        RoundAllowance.objects.filter(round=presale, user=user)
        .values_list("tickets", flat=True)
        .get()
    )
