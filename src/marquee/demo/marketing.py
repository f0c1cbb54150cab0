"""Demo marketing: audience answers, segments, voucher campaigns and a pre-sale invitation.

:func:`load_demo_marketing` (called by :func:`marquee.demo.world.load_world`
after ticketing) gives a few demo moviegoers an age band and a gender, defines
segments from their purchases, and runs two campaigns through the services:

* *Weekend tenner* — ¥10 off an order in the mainland, paid by the platform
  (a subsidy), for everyone who bought a ticket in the last 30 days;
* *Hong Kong twenty* — 20 % off, at most HK$30, paid by the distributor, for
  Hong Kong buyers.

A handful of their vouchers are redeemed on coming showtimes and paid through
the simulated gateway, so every report figure has a value on a fresh
``make run``.

* *Harbour Lights members' preview* — an invitation campaign: the upcoming
  film's invitation round (open now until its general sale), sent to the
  regulars of Shanghai and Hong Kong (the demo fans among them), so "My
  invitations" lists a code. The mails go to the in-memory mail backend, not
  the console. Idempotent: an existing segment or campaign is left as it is,
and vouchers are redeemed only by the run that created the campaign.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.test import override_settings
from django.utils import timezone

from marquee.accounts.models import User
from marquee.catalog.models import Title
from marquee.core.errors import DomainError
from marquee.demo.ticketing.sales import presale_opening
from marquee.demo.ticketing.schedule import PRESALE_TITLE
from marquee.marketing.models import (
    AgeBand,
    Campaign,
    CampaignInvitation,
    Gender,
    Segment,
    Voucher,
)
from marquee.marketing.services.campaigns import (
    CampaignSpec,
    create_campaign,
    issue_vouchers,
    send_invitations,
)
from marquee.marketing.services.profiles import set_profile
from marquee.marketing.services.segments import create_segment
from marquee.ticketing.models import PresaleRound, SeatInventory, Showtime
from marquee.ticketing.services.rounds import create_presale_round
from marquee.venues.models import SeatType, seat_code

ANSWERS = [
    ("fan", AgeBand.A25_34, Gender.FEMALE),
    ("fan2", AgeBand.A18_24, Gender.FEMALE),
    ("moviegoer-01", AgeBand.A35_44, Gender.MALE),
    ("moviegoer-02", AgeBand.A25_34, Gender.MALE),
    ("moviegoer-03", AgeBand.A18_24, ""),
]


@dataclass(frozen=True)
class DemoMarketing:
    segments: int
    campaigns: int
    vouchers: int
    redeemed: int
    invitations: int = 0


def _segments(staff: User) -> dict[str, Segment]:
    wanted = [
        ("recent-buyers", "Bought in the last 30 days", "tickets(at_least=1, within=30d)"),
        ("hong-kong-buyers", "Hong Kong buyers", "bought(city=hong-kong)"),
        (
            "shanghai-action",
            "Shanghai action fans or waiting for Harbour Lights",
            "bought(genre=action, city=shanghai, within=90d) or wants_to_see(title=harbour-lights)",
        ),
        (
            "shanghai-hong-kong-regulars",
            "Regulars in Shanghai and Hong Kong",
            "bought(city=shanghai, within=30d) or bought(city=hong-kong, within=30d)",
        ),
    ]
    found: dict[str, Segment] = {}
    for slug, name, rule in wanted:
        segment = Segment.objects.filter(slug=slug).first()
        if segment is None:
            try:
                segment = create_segment(actor=staff, slug=slug, name=name, rule_text=rule)
            except DomainError:
                continue  # a trimmed demo catalog without that city, genre or title
        found[slug] = segment
    return found


def _showtimes(currency: str, now: datetime) -> list[Showtime]:
    return list(
        Showtime.objects.filter(
            status=Showtime.Status.PUBLISHED,
            currency=currency,
            starts_at__gte=now + timedelta(days=1),
            starts_at__lt=now + timedelta(days=6),
        )
        .filter(Q(sales_open_at__isnull=True) | Q(sales_open_at__lte=now))
        .select_related("venue")
        .order_by("starts_at", "pk")[:40]
    )


def _redeem(campaign: Campaign, showtimes: list[Showtime], limit: int) -> int:
    """Buy one or two seats with ``limit`` of the campaign's vouchers; returns how many worked."""
    from marquee.payments.simulator.gateway import authorize_sim_payment
    from marquee.ticketing.services import orders
    from marquee.ticketing.services.checkout import start_checkout

    vouchers = list(
        Voucher.objects.filter(campaign=campaign).select_related("user").order_by("pk")[:limit]
    )
    done = 0
    for n, voucher in enumerate(vouchers):
        if not showtimes:
            break
        showtime = showtimes[n % len(showtimes)]
        free = [
            seat_code(row, number)
            for row, number in SeatInventory.objects.filter(
                showtime=showtime, state=SeatInventory.State.FREE, seat__kind=SeatType.STANDARD
            )
            .order_by("-seat__row", "seat__column")
            .values_list("seat__row_label", "seat__number")[: 1 + n % 2]
        ]
        try:
            order = start_checkout(
                showtime=showtime, seat_codes=free, user=voucher.user, voucher_code=voucher.code
            )
            started = orders.pay_order(order=order, user=voucher.user)
            if started.payment_id is not None:
                authorize_sim_payment(
                    payment_id=started.payment_id, user=voucher.user, outcome="succeed"
                )
        except DomainError:
            continue  # a seat taken meanwhile, a showtime off the campaign: skip the buyer
        done += 1
    return done


INVITATION_CAMPAIGN = "harbour-lights-preview"
INVITATION_ROUND = "Harbour Lights members' preview"
QUIET_MAIL = "django.core.mail.backends.locmem.EmailBackend"


def _invite(staff: User, segments: dict[str, Segment], today: date, now: datetime) -> int:
    """The invitation round of the upcoming film and its campaign; returns the invitations sent."""
    title = Title.objects.filter(slug=PRESALE_TITLE).first()
    segment = segments.get("shanghai-hong-kong-regulars")
    general_sale = presale_opening(today)
    if title is None or segment is None or title.pk not in general_sale:
        return 0
    if Campaign.objects.filter(slug=INVITATION_CAMPAIGN).exists():
        return 0
    presale = PresaleRound.objects.filter(title=title, name=INVITATION_ROUND).first()
    if presale is None:
        presale = create_presale_round(
            actor=staff,
            title=title,
            name=INVITATION_ROUND,
            opens_at=now - timedelta(hours=1),
            closes_at=general_sale[title.pk],
            audience=PresaleRound.Audience.INVITATION,
            per_account_limit=2,
        )
    campaign = create_campaign(
        actor=staff,
        spec=CampaignSpec(
            slug=INVITATION_CAMPAIGN,
            name=INVITATION_ROUND,
            segment=segment.slug,
            kind=Campaign.Kind.INVITATION,
            presale_round=presale.pk,
            starts_at=now - timedelta(hours=1),
            ends_at=presale.closes_at,
        ),
    )
    # The invitation mails go out after the commit: to memory, not onto setup's console.
    with override_settings(EMAIL_BACKEND=QUIET_MAIL):
        return send_invitations(actor=staff, campaign=campaign, now=now)


def load_demo_marketing(*, today: date | None = None) -> DemoMarketing:
    """Load the demo marketing rows (see the module docstring); quick: a few dozen orders."""
    staff = User.objects.filter(username="distribution").first()
    if staff is None:
        return DemoMarketing(0, 0, 0, 0)
    now = timezone.now()
    for username, band, gender in ANSWERS:
        user = User.objects.filter(username=username).first()
        if user is not None:
            set_profile(user=user, age_band=band, gender=gender)
    segments = _segments(staff)
    plans = [
        (
            "weekend-tenner",
            "Weekend tenner",
            "recent-buyers",
            {"currency": "CNY", "amount_minor": 1000, "budget_minor": 500_000},
        ),
        (
            "hong-kong-twenty",
            "Hong Kong twenty",
            "hong-kong-buyers",
            {
                "currency": "HKD",
                "payer": Campaign.Payer.DISTRIBUTOR,
                "discount_kind": Campaign.DiscountKind.PERCENT,
                "percent_bp": 2000,
                "cap_minor": 3000,
                "budget_minor": 300_000,
                "per_account_limit": 2,
            },
        ),
    ]
    redeemed = 0
    for slug, name, segment, offer in plans:
        if segment not in segments or Campaign.objects.filter(slug=slug).exists():
            continue
        campaign = create_campaign(
            actor=staff,
            spec=CampaignSpec(
                slug=slug,
                name=name,
                segment=segment,
                starts_at=now - timedelta(days=3),
                ends_at=now + timedelta(days=28),
                **offer,
            ),
        )
        issue_vouchers(actor=staff, campaign=campaign)
        redeemed += _redeem(campaign, _showtimes(campaign.currency, now), limit=8)
    _invite(staff, segments, today or timezone.localdate(), now)
    return DemoMarketing(
        segments=Segment.objects.count(),
        campaigns=Campaign.objects.count(),
        vouchers=Voucher.objects.count(),
        redeemed=redeemed,
        invitations=CampaignInvitation.objects.count(),
    )
