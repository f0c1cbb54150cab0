"""Campaigns: created against a segment, then sent as vouchers or pre-sale invitations.

Every setting is checked before anything is written (one transaction).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from marquee.accounts.models import User
from marquee.catalog.models import Title
from marquee.core.money import is_supported_currency
from marquee.core.text import clean_text
from marquee.marketing.errors import Conflict, MarketingError, MarketingErrorCode
from marquee.marketing.models import Campaign, CampaignInvitation, Segment, Voucher
from marquee.marketing.permissions import require_marketing_staff
from marquee.marketing.queries import segment_members
from marquee.marketing.services.segments import clean_slug
from marquee.ticketing.models import PresaleRound, Showtime
from marquee.venues.models import Venue

#: The longest a campaign may run, and how far back its start may lie when created.
MAX_LENGTH = timedelta(days=730)
MAX_BUDGET_MINOR = 10**13
MAX_PER_ACCOUNT = 100
MAX_TOTAL_LIMIT = 10_000_000
#: Vouchers and invitations a campaign sends in one go (larger audiences: send again).
MAX_SEND = 20_000
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _bad(field: str, message: str) -> MarketingError:
    return MarketingError(MarketingErrorCode.INVALID_CAMPAIGN, message, field=field)


def _int(value: Any, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _bad(field, f"{field} is a whole number from {low} to {high}.")
    return value


@dataclass(frozen=True)
class CampaignSpec:
    """What a campaign is made of (the API's body, the page's form)."""

    slug: str
    name: str
    segment: str  # the segment's slug
    starts_at: datetime
    ends_at: datetime
    kind: str = Campaign.Kind.VOUCHER
    currency: str = "CNY"
    payer: str = Campaign.Payer.PLATFORM
    discount_kind: str = Campaign.DiscountKind.FIXED
    amount_minor: int = 0
    percent_bp: int = 0
    cap_minor: int = 0
    per_account_limit: int = 1
    total_limit: int = 0
    budget_minor: int = 0
    titles: Sequence[str] = ()
    cinemas: Sequence[str] = ()
    showtimes: Sequence[int] = ()
    weekdays: Sequence[int] = ()
    presale_round: int | None = None


def _check_dates(spec: CampaignSpec, now: datetime) -> None:
    for value in (spec.starts_at, spec.ends_at):
        if not isinstance(value, datetime) or timezone.is_naive(value):
            raise MarketingError(
                MarketingErrorCode.CAMPAIGN_DATES, "Dates need a time zone.", field="starts_at"
            )
    if (
        spec.ends_at <= spec.starts_at
        or spec.ends_at <= now
        or spec.ends_at - spec.starts_at > MAX_LENGTH
        or spec.starts_at < now - MAX_LENGTH
    ):
        raise MarketingError(
            MarketingErrorCode.CAMPAIGN_DATES,
            "A campaign ends after it starts, in the future, and lasts at most two years.",
        )


def _check_offer(spec: CampaignSpec) -> None:
    if spec.kind not in Campaign.Kind.values:
        raise _bad("kind", "kind is voucher or invitation.")
    if not is_supported_currency(spec.currency):
        raise _bad("currency", f"{spec.currency!r} is not a currency Marquee keeps.")
    if spec.kind == Campaign.Kind.INVITATION:
        return
    if spec.payer not in Campaign.Payer.values:
        raise _bad("payer", "payer is platform, distributor or cinema.")
    if spec.discount_kind not in Campaign.DiscountKind.values:
        raise _bad("discount_kind", "discount_kind is fixed, percent or price.")
    budget = _int(spec.budget_minor, "budget_minor", 1, MAX_BUDGET_MINOR)
    _int(spec.per_account_limit, "per_account_limit", 1, MAX_PER_ACCOUNT)
    _int(spec.total_limit, "total_limit", 0, MAX_TOTAL_LIMIT)
    if spec.discount_kind == Campaign.DiscountKind.FIXED:
        amount = _int(spec.amount_minor, "amount_minor", 1, MAX_BUDGET_MINOR)
        if amount > budget:
            raise _bad("budget_minor", "The budget is smaller than one voucher's discount.")
    elif spec.discount_kind == Campaign.DiscountKind.PERCENT:
        _int(spec.percent_bp, "percent_bp", 1, 10_000)
        cap = _int(spec.cap_minor, "cap_minor", 1, MAX_BUDGET_MINOR)
        if cap > budget:
            raise _bad("budget_minor", "The budget is smaller than one voucher's cap.")
    else:
        _int(spec.amount_minor, "amount_minor", 0, MAX_BUDGET_MINOR)
    weekdays = list(spec.weekdays)
    if any(isinstance(d, bool) or not isinstance(d, int) or not 1 <= d <= 7 for d in weekdays):
        raise _bad("weekdays", "weekdays are 1 (Monday) to 7 (Sunday).")


def _lookup(model: type, field: str, values: Sequence[Any], what: str) -> list[Any]:
    values = list(dict.fromkeys(values))
    if len(values) > 500:
        raise _bad(what, f"At most 500 {what}.")
    found = list(model.objects.filter(**{f"{field}__in": values}))
    if len(found) != len(values):
        known = {getattr(obj, field) for obj in found}
        missing = [v for v in values if v not in known]
        raise _bad(what, f"Unknown {what}: {missing[:5]}.")
    return found


def create_campaign(*, actor: User, spec: CampaignSpec, now: datetime | None = None) -> Campaign:
    """A new campaign of ``spec``; nothing is written unless every setting is valid.

    Raises ``not_marketing_staff`` (403), ``invalid_campaign`` (with the
    ``field``), ``campaign_dates``, ``segment_not_found`` and
    ``campaign_exists`` (409).
    """
    from marquee.marketing.queries import segment_by_slug

    require_marketing_staff(actor)
    now = now or timezone.now()
    slug = clean_slug(spec.slug, what="slug")
    name = clean_text(spec.name, max_length=120, field="name")
    if not name:
        raise _bad("name", "A campaign needs a name.")
    segment: Segment = segment_by_slug(spec.segment)
    _check_dates(spec, now)
    _check_offer(spec)
    titles = _lookup(Title, "slug", spec.titles, "titles")
    venues = _lookup(Venue, "slug", spec.cinemas, "cinemas")
    showtimes = _lookup(
        Showtime, "pk", [_int(s, "showtimes", 1, 2**62) for s in spec.showtimes], "showtimes"
    )
    presale = None
    if spec.kind == Campaign.Kind.INVITATION:
        if spec.presale_round is None:
            raise _bad("presale_round", "An invitation campaign names its pre-sale round.")
        presale = PresaleRound.objects.filter(
            pk=_int(spec.presale_round, "presale_round", 1, 2**62)
        ).first()
        if presale is None or presale.audience != PresaleRound.Audience.INVITATION:
            raise _bad("presale_round", "Choose an invitation round.")
    voucher = spec.kind == Campaign.Kind.VOUCHER
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                slug=slug,
                name=name,
                segment=segment,
                kind=spec.kind,
                starts_at=spec.starts_at,
                ends_at=spec.ends_at,
                currency=spec.currency,
                payer=spec.payer if voucher else Campaign.Payer.PLATFORM,
                discount_kind=spec.discount_kind if voucher else Campaign.DiscountKind.FIXED,
                amount_minor=spec.amount_minor if voucher else 0,
                percent_bp=spec.percent_bp if voucher else 0,
                cap_minor=spec.cap_minor if voucher else 0,
                per_account_limit=spec.per_account_limit if voucher else 1,
                total_limit=spec.total_limit if voucher else 0,
                budget_minor=spec.budget_minor if voucher else 0,
                weekdays=sorted(set(spec.weekdays)),
                presale_round=presale,
                created_by=actor,
            )
            campaign.titles.set(titles)
            campaign.venues.set(venues)
            campaign.showtimes.set(showtimes)
    except IntegrityError:
        raise Conflict(
            MarketingErrorCode.CAMPAIGN_EXISTS, f"Campaign {slug!r} exists.", slug=slug
        ) from None
    return campaign


def _require_open(campaign: Campaign, kind: str, now: datetime) -> None:
    if campaign.kind != kind:
        raise Conflict(MarketingErrorCode.CAMPAIGN_KIND, f"This campaign sends {campaign.kind}s.")
    if campaign.ends_at <= now:
        raise Conflict(MarketingErrorCode.CAMPAIGN_ENDED, "This campaign has ended.")


def new_voucher_code() -> str:
    """``MQ-`` and ten letters or digits that cannot be mistaken for one another."""
    return "MQ-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def issue_vouchers(*, actor: User, campaign: Campaign, now: datetime | None = None) -> int:
    """Give every account of the campaign's segment that has none its voucher; returns how many.

    Idempotent: an account gets one voucher per campaign (a unique
    constraint); sending again reaches only accounts that joined the segment
    since. Raises ``campaign_kind`` and ``campaign_ended`` (409).
    """
    require_marketing_staff(actor)
    now = now or timezone.now()
    _require_open(campaign, Campaign.Kind.VOUCHER, now)
    with transaction.atomic():
        have = Voucher.objects.filter(campaign=campaign).values("user_id")
        users = list(
            segment_members(campaign.segment, now=now)
            .exclude(pk__in=have)
            .order_by("pk")
            .values_list("pk", flat=True)[:MAX_SEND]
        )
        created = Voucher.objects.bulk_create(
            [
                Voucher(
                    campaign=campaign,
                    user_id=user_id,
                    code=new_voucher_code(),
                    max_uses=campaign.per_account_limit,
                )
                for user_id in users
            ],
            ignore_conflicts=True,
        )
    return len(created)


def send_invitations(*, actor: User, campaign: Campaign, now: datetime | None = None) -> int:
    """Send each account of the segment without one an invitation code of the campaign's round.

    The codes are the ticketing round's own (``create_invitation_codes``, one
    per account, for that account only). Each new invitee is mailed their
    code in their language after the commit (``services/invitations.py``);
    the invitation shows on their "my invitations" list. Idempotent: an
    account gets one invitation per campaign (a unique constraint), so
    sending again reaches and mails only newcomers. Returns how many were sent.
    """
    from marquee.marketing.services.invitations import mail_after_commit
    from marquee.ticketing.services.rounds import create_invitation_codes

    require_marketing_staff(actor)
    now = now or timezone.now()
    _require_open(campaign, Campaign.Kind.INVITATION, now)
    presale = campaign.presale_round
    with transaction.atomic():
        have = CampaignInvitation.objects.filter(campaign=campaign).values("user_id")
        users = list(
            segment_members(campaign.segment, now=now)
            .exclude(pk__in=have)
            .order_by("pk")[: MAX_SEND // 10]
        )
        sent = []
        for user in users:
            (code,) = create_invitation_codes(actor=actor, presale=presale, count=1, user=user)
            sent.append(CampaignInvitation(campaign=campaign, user=user, code=code.code))
        CampaignInvitation.objects.bulk_create(sent)
        mail_after_commit(campaign, sent)
    return len(sent)
