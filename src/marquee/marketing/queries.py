"""Reads of the marketing domain, shared by the API and the pages."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from marquee.accounts.models import User
from marquee.core.money import round_half_even
from marquee.marketing.errors import MarketingErrorCode, NotFound
from marquee.marketing.models import (
    AudienceProfile,
    Campaign,
    CampaignInvitation,
    Redemption,
    Segment,
    Voucher,
)
from marquee.marketing.rules import rule_q
from marquee.marketing.services.exchange import MAX_CHAIN
from marquee.ticketing.models import TicketExchange

PREVIEW_SIZE = 20


def segment_by_slug(slug: str) -> Segment:
    """The segment called ``slug``; :class:`NotFound` ``segment_not_found`` else."""
    segment = Segment.objects.filter(slug=str(slug)[:60]).first()
    if segment is None:
        raise NotFound(MarketingErrorCode.SEGMENT_NOT_FOUND, f"No segment {slug!r}.")
    return segment


def campaign_by_slug(slug: str) -> Campaign:
    """The campaign called ``slug`` (with its segment); ``campaign_not_found`` else."""
    campaign = Campaign.objects.select_related("segment").filter(slug=str(slug)[:60]).first()
    if campaign is None:
        raise NotFound(MarketingErrorCode.CAMPAIGN_NOT_FOUND, f"No campaign {slug!r}.")
    return campaign


def audience(tree: dict[str, Any], *, now: datetime | None = None) -> QuerySet[User]:
    """The active accounts a rule tree describes (staff accounts included: they buy too)."""
    return User.objects.filter(is_active=True).filter(rule_q(tree, now or timezone.now()))


def segment_members(segment: Segment, *, now: datetime | None = None) -> QuerySet[User]:
    return audience(segment.rule, now=now)


def mask(text: str) -> str:
    """``"alice"`` → ``"a***e"``: enough to recognise a test account, not to identify a person."""
    if len(text) <= 2:
        return text[:1] + "*"
    return f"{text[0]}***{text[-1]}"


@dataclass(frozen=True)
class Preview:
    count: int
    members: list[dict[str, Any]]


def preview(
    tree: dict[str, Any], *, size: int = PREVIEW_SIZE, now: datetime | None = None
) -> Preview:
    """The live count of a rule's audience and its first ``size`` accounts, masked."""
    members = audience(tree, now=now)
    first = members.order_by("pk").values("pk", "username", "date_joined")[:size]
    return Preview(
        count=members.count(),
        members=[
            {"id": row["pk"], "username": mask(row["username"]), "joined": row["date_joined"]}
            for row in first
        ],
    )


# --- profiles ----------------------------------------------------------------------

_BOUGHT = ("paid", "partially_refunded", "exchanged")


def daypart(local: datetime) -> str:
    """morning (before 12), afternoon (before 18), evening (before 22) or night."""
    if local.hour < 12:
        return "morning"
    if local.hour < 18:
        return "afternoon"
    if local.hour < 22:
        return "evening"
    return "night"


@dataclass
class Profile:
    """What purchases say about one account, and what it told us."""

    orders: int = 0
    tickets: int = 0
    spend: dict[str, int] = field(default_factory=dict)  # currency → minor units, net of refunds
    titles: list[tuple[str, int]] = field(default_factory=list)
    genres: list[tuple[str, int]] = field(default_factory=list)
    cities: list[tuple[str, int]] = field(default_factory=list)
    dayparts: list[tuple[str, int]] = field(default_factory=list)
    first_purchase: datetime | None = None
    last_purchase: datetime | None = None
    orders_per_month: str = "0"  # a decimal string: orders ÷ months between first and last
    age_band: str = ""
    gender: str = ""


def audience_profile(user: User, *, limit: int = 500) -> Profile:
    """``user``'s profile from their paid orders (the latest ``limit``) and their own answers."""
    from marquee.ticketing.models import Order

    orders = list(
        Order.objects.filter(user=user, status__in=_BOUGHT)
        .select_related("showtime__title", "showtime__venue__city")
        .prefetch_related("showtime__title__genres")
        .annotate(n=Count("tickets", filter=Q(tickets__status__in=("valid", "used"))))
        .order_by("-paid_at")[:limit]
    )
    profile = Profile()
    titles: Counter[str] = Counter()
    genres: Counter[str] = Counter()
    cities: Counter[str] = Counter()
    parts: Counter[str] = Counter()
    spend: dict[str, int] = defaultdict(int)
    for order in orders:
        showtime = order.showtime
        profile.orders += 1
        profile.tickets += order.n
        spend[order.currency] += order.total_minor - order.refunded_minor
        titles[showtime.title.title] += 1
        for genre in showtime.title.genres.all():
            genres[genre.name] += 1
        cities[showtime.venue.city.name] += 1
        parts[daypart(showtime.local_starts_at)] += 1
    profile.spend = dict(sorted(spend.items()))
    profile.titles = titles.most_common(5)
    profile.genres = genres.most_common(5)
    profile.cities = cities.most_common(5)
    profile.dayparts = parts.most_common()
    paid = [o.paid_at for o in orders if o.paid_at]
    if paid:
        profile.first_purchase, profile.last_purchase = min(paid), max(paid)
        days = max((profile.last_purchase - profile.first_purchase).days, 30)
        rate = Fraction(profile.orders * 30, days)
        profile.orders_per_month = str(Decimal(round_half_even(rate * 10)) / 10)
    own = AudienceProfile.objects.filter(user=user).first()
    if own is not None:
        profile.age_band, profile.gender = own.age_band, own.gender
    return profile


# --- vouchers ----------------------------------------------------------------------


def vouchers_of(user: User) -> QuerySet[Voucher]:
    """``user``'s own vouchers with their campaigns, newest first (nobody else's, ever)."""
    return (
        Voucher.objects.filter(user=user).select_related("campaign").order_by("-issued_at", "-pk")
    )


def voucher_state(voucher: Voucher, now: datetime) -> str:
    """usable, used (no use left), not_started or expired."""
    campaign = voucher.campaign
    if now >= campaign.ends_at:
        return "expired"
    if voucher.uses >= voucher.max_uses:
        return "used"
    if now < campaign.starts_at:
        return "not_started"
    return "usable"


@dataclass(frozen=True)
class Invitation:
    """One pre-sale invitation of the account: its code, the round, and where it stands.

    ``state``: ``accepted`` (the code was redeemed), ``upcoming`` (the round
    has not opened), ``open`` or ``closed``.
    """

    code: str
    campaign: str
    round_name: str
    title_slug: str
    title: str
    opens_at: datetime
    closes_at: datetime
    sent_at: datetime
    state: str


def invitations_of(
    user: User, *, now: datetime | None = None, limit: int = 200
) -> list[Invitation]:
    """``user``'s own pre-sale invitations, newest first (nobody else's, ever). Two queries."""
    from marquee.ticketing.models import InvitationCode

    now = now or timezone.now()
    rows = list(
        CampaignInvitation.objects.filter(user=user)
        .select_related("campaign__presale_round__title")
        .order_by("-sent_at", "-pk")[:limit]
    )
    used = set(
        InvitationCode.objects.filter(
            code__in=[r.code for r in rows], user=user, uses__gt=0
        ).values_list("code", flat=True)
    )
    out = []
    for row in rows:
        presale = row.campaign.presale_round
        if row.code in used:
            state = "accepted"
        elif now < presale.opens_at:
            state = "upcoming"
        else:
            state = "open" if now < presale.closes_at else "closed"
        title = presale.title
        out.append(
            Invitation(
                *(row.code, row.campaign.slug, presale.name, title.slug, title.title),
                *(presale.opens_at, presale.closes_at, row.sent_at, state),
            )
        )
    return out


# --- campaigns ---------------------------------------------------------------------


def campaigns() -> QuerySet[Campaign]:
    return Campaign.objects.select_related("segment").order_by("-starts_at", "-pk")


@dataclass(frozen=True)
class DayFigures:
    day: date
    redeemed: int
    tickets: int
    cost_minor: int


@dataclass(frozen=True)
class CampaignReport:
    """reached: accounts sent a voucher or invitation; the rest over redemptions still standing."""

    campaign: Campaign
    reached: int
    redeemed: int
    reserved: int
    tickets: int
    gross_minor: int
    cost_minor: int
    cost_per_ticket_minor: int | None
    budget_left_minor: int
    ledger_cost_minor: int
    days: list[DayFigures]

    def as_dict(self) -> dict[str, Any]:
        c = self.campaign
        return {
            "campaign": c.slug,
            "currency": c.currency,
            "reached": self.reached,
            "redeemed": self.redeemed,
            "reserved": self.reserved,
            "tickets": self.tickets,
            "gross_minor": self.gross_minor,
            "cost_minor": self.cost_minor,
            "cost_per_ticket_minor": self.cost_per_ticket_minor,
            "budget_minor": c.budget_minor,
            "budget_left_minor": self.budget_left_minor,
            "ledger_cost_minor": self.ledger_cost_minor,
            "days": [
                {
                    "day": d.day.isoformat(),
                    "redeemed": d.redeemed,
                    "tickets": d.tickets,
                    "cost_minor": d.cost_minor,
                }
                for d in self.days
            ],
        }


def ledger_cost(campaign: Campaign) -> int:
    """The campaign's net charge to its funder's account in the ledger (its currency)."""
    from marquee.finance.models import JournalLine
    from marquee.marketing.services.settle import funder_account

    row = JournalLine.objects.filter(
        reference=f"campaign:{campaign.slug}",
        account__code=funder_account(campaign.payer),
        currency=campaign.currency,
    ).aggregate(d=Sum("debit_minor"), c=Sum("credit_minor"))
    return (row["d"] or 0) - (row["c"] or 0)


def _refunded_after_exchanges(redemptions: QuerySet[Redemption]) -> int:
    """What was refunded on the orders the redeeming orders' tickets were exchanged into.

    An exchange writes a new order (the payment moves with the tickets, and
    the difference is refunded on the old order); a later refund is booked on
    the new one. The chain is followed level by level (one query each, at most
    ``MAX_CHAIN``), as the refund consumer follows it back to the voucher.
    """
    level = TicketExchange.objects.filter(order_id__in=redemptions.values("order_id"))
    refunded = 0
    for _ in range(MAX_CHAIN):
        row = level.aggregate(n=Count("pk"), back=Sum("new_order__refunded_minor"))
        if not row["n"]:
            break
        refunded += row["back"] or 0
        level = TicketExchange.objects.filter(order_id__in=level.values("new_order_id"))
    return refunded


def campaign_report(campaign: Campaign) -> CampaignReport:
    """Reached, redeemed, tickets, gross, cost and cost per ticket of ``campaign``.

    Figures count redemptions that were paid and not wholly refunded; gross is
    what those orders' buyers paid, net of refunds, including the refunds of
    the orders their tickets were exchanged into (:func:`_refunded_after_exchanges`);
    cost is the discount still granted. ``ledger_cost_minor`` is the same cost as the ledger holds it
    (posted from the outbox; equal to ``cost_minor`` once the worker caught up).
    """
    standing = Redemption.objects.filter(campaign=campaign, status=Redemption.Status.REDEEMED)
    totals = standing.aggregate(
        n=Count("pk"),
        tickets=Sum(F("tickets") - F("returned_tickets")),
        cost=Sum(F("amount_minor") - F("returned_minor")),
        gross=Sum(F("order__total_minor") - F("order__refunded_minor")),
    )
    tickets = totals["tickets"] or 0
    cost = totals["cost"] or 0
    gross = (totals["gross"] or 0) - _refunded_after_exchanges(standing)
    reached = (
        campaign.vouchers.count()
        if campaign.kind == Campaign.Kind.VOUCHER
        else campaign.invitations.count()
    )
    by_day: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0])
    tz = timezone.get_current_timezone()
    for row in standing.values(
        "redeemed_at", "tickets", "returned_tickets", "amount_minor", "returned_minor"
    ):
        if row["redeemed_at"] is None:
            continue
        day = row["redeemed_at"].astimezone(tz).date()
        by_day[day][0] += 1
        by_day[day][1] += row["tickets"] - row["returned_tickets"]
        by_day[day][2] += row["amount_minor"] - row["returned_minor"]
    return CampaignReport(
        campaign=campaign,
        reached=reached,
        redeemed=totals["n"] or 0,
        reserved=Redemption.objects.filter(
            campaign=campaign, status=Redemption.Status.RESERVED
        ).count(),
        tickets=tickets,
        gross_minor=gross,
        cost_minor=cost,
        cost_per_ticket_minor=round_half_even(Fraction(cost, tickets)) if tickets else None,
        budget_left_minor=campaign.budget_minor - campaign.committed_minor,
        ledger_cost_minor=ledger_cost(campaign),
        days=[DayFigures(d, *v) for d, v in sorted(by_day.items())],
    )
