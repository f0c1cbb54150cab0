"""The demo's crowdfunding: an open offering for *Harbour Lights* and a funded one for
*A Guilty Conscience*, with backers who paid through the simulated gateway.

Idempotent: an offering whose slug exists is left as it is. The backers are
demo accounts (the demo password, hashed once for all of them) listed with
the others. Pledges go through the real services (reserve, pay, confirm
into escrow, close), so the ledger, the perks and the progress are the real ones.

The funded offering is the "crowdfunding pool" of its film's waterfall
(:func:`_link_pool`): the pool holds a stake the size of what the backers put
in beside the budget, the film gets a waterfall if it has none, and the money
that reaches it — the box office the demo settles and a streaming licence
typed in after the close — pays the pool, so the console and the offering page
show what the pool received.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from marquee.accounts.models import Organisation, Role, User
from marquee.catalog.models import Title
from marquee.core.models import OutboxEvent
from marquee.core.money import Money
from marquee.crowdfunding.models import Offering
from marquee.crowdfunding.services import closing, offerings, payouts, pledges, premiere
from marquee.demo.accounts import DEMO_PASSWORD, DemoAccount
from marquee.demo.catalog_data import STUDIO
from marquee.investment import services as investment
from marquee.investment.consumers import box_office_into_waterfalls
from marquee.investment.models import Participant, Project, Receipt, Waterfall
from marquee.investment.services.financing import stakes_of
from marquee.payments.simulator.gateway import authorize_sim_payment

#: (username, display name) of the demo backers; fan and fan2 are the demo's fans.
BACKERS = [
    ("backer-wong-ka-ming", "Wong Ka-ming 黃家明"),
    ("backer-chen-jing", "Chen Jing 陈静"),
    ("backer-lau-mei-ling", "Lau Mei-ling 劉美玲"),
    ("backer-zhang-wei", "Zhang Wei 张伟"),
    ("backer-ho-chi-wai", "Ho Chi-wai 何志偉"),
    ("backer-li-na", "Li Na 李娜"),
    ("backer-cheung-siu-fung", "Cheung Siu-fung 張小鳳"),
    ("backer-wang-fang", "Wang Fang 王芳"),
    ("backer-yip-tsz-kin", "Yip Tsz-kin 葉子健"),
    ("backer-liu-yang", "Liu Yang 刘洋"),
    ("backer-tang-wing-yan", "Tang Wing-yan 鄧詠欣"),
    ("backer-zhao-lei", "Zhao Lei 赵磊"),
]

OPEN_SLUG = "back-harbour-lights"
FUNDED_SLUG = "back-a-guilty-conscience"


@dataclass
class DemoCrowdfunding:
    offerings: list[str] = field(default_factory=list)
    pledges: int = 0
    accounts: list[DemoAccount] = field(default_factory=list)


def _backers() -> list[User]:
    existing = set(
        User.objects.filter(username__in=[u for u, _ in BACKERS]).values_list("username", flat=True)
    )
    missing = [(u, n) for u, n in BACKERS if u not in existing]
    if missing:
        hashed = make_password(DEMO_PASSWORD)  # once: hashing is slow on purpose
        User.objects.bulk_create(
            [
                User(username=u, display_name=n, email=f"{u}@demo.marquee.example", password=hashed)
                for u, n in missing
            ]
        )
    by_name = User.objects.in_bulk([u for u, _ in BACKERS], field_name="username")
    return [by_name[u] for u, _ in BACKERS]


def _project(title: Title) -> Project:
    """The slate's project of ``title`` (the investment demo's, when it made one)."""
    project = Project.objects.filter(title=title).order_by("pk").first()
    if project is None:
        project = Project.objects.create(
            slug=f"{title.slug}-crowdfund"[:120],
            kind=Project.Kind.FILM,
            name_en=title.title_en,
            name_zh_hans=title.title_zh_hans,
            name_zh_hant=title.title_zh_hant,
            title=title,
            stage=Project.Stage.RELEASE,
            currency="HKD",
        )
    return project


def _pledge(offering: Offering, user: User, units: int, now: dt.datetime) -> None:
    started = pledges.place_pledge(offering=offering, user=user, units=units, now=now)
    authorize_sim_payment(payment_id=started.payment_id, user=user, outcome="succeed")


def _open_offering(staff: User, backers: list[User], now) -> int:
    # No pre-sale perk here: the demo's Harbour Lights round is a "want to see" round
    # (the perk needs an invitation round), and the film has that one round only.
    title = Title.objects.filter(slug="harbour-lights").first()
    if title is None:
        return 0
    offering = offerings.create_offering(
        actor=staff,
        project=_project(title),
        slug=OPEN_SLUG,
        names=("Back Harbour Lights", "支持《港湾灯火》", "支持《港灣燈火》"),
        currency="HKD",
        unit_price_minor=50_000,
        target_units=400,
        cap_units=600,
        min_units_per_backer=1,
        max_units_per_backer=20,
        opens_at=now - dt.timedelta(days=12),
        closes_at=now + dt.timedelta(days=9),
        min_return_bp=400,
        bonus_tiers=[(5_000_000_00, 300), (20_000_000_00, 600)],
        premiere_min_units=10,
        premiere_tickets=2,
    )
    units = [20, 12, 8, 15, 5, 20, 10, 3, 18, 6]
    for user, n in zip(backers, units, strict=False):
        _pledge(offering, user, n, now)
    return len(units)


def _funded_offering(staff: User, backers: list[User], now) -> int:
    title = Title.objects.filter(slug="a-guilty-conscience").first()
    if title is None:
        return 0
    opened = now - dt.timedelta(days=120)
    offering = offerings.create_offering(
        actor=staff,
        project=_project(title),
        slug=FUNDED_SLUG,
        names=("Back A Guilty Conscience", "支持《毒舌大状》", "支持《毒舌大狀》"),
        currency="CNY",
        unit_price_minor=10_000,
        target_units=500,
        cap_units=800,
        min_units_per_backer=1,
        max_units_per_backer=80,
        opens_at=opened,
        closes_at=now - dt.timedelta(days=60),
        min_return_bp=500,
        bonus_tiers=[(50_000_00, 200), (1_000_000_00, 500)],
        premiere_min_units=50,
        premiere_tickets=2,
    )
    units = [80, 60, 45, 70, 30, 55, 40, 25, 80, 35, 20, 50, 10, 12]
    for i, (user, n) in enumerate(zip(backers, units, strict=False)):
        _pledge(offering, user, n, opened + dt.timedelta(days=3 * i + 1))
    closing.close_offering(offering=offering, now=now)
    _premiere(staff, offering, now)
    return len(units)


#: Backers who chose to be paid by bank transfer (the others: back to how they paid).
BANK_ACCOUNTS = (
    ("backer-chen-jing", "陈静", "中国工商银行 ICBC", "6222 0212 3456 7890"),
    ("backer-wong-ka-ming", "黃家明", "HSBC Hong Kong", "004-123-456789-001"),
)


def _payout_accounts() -> None:
    users = {u.username: u for u in User.objects.filter(username__in=[b[0] for b in BANK_ACCOUNTS])}
    for username, name, bank, number in BANK_ACCOUNTS:
        if username in users:
            payouts.set_payout_account(
                user=users[username],
                kind="bank",
                account_name=name,
                bank_name=bank,
                account_number=number,
            )


def _premiere(staff: User, offering: Offering, now: dt.datetime) -> None:
    """The premiere perk's showtime: the film's first upcoming published showtime, if any."""
    from marquee.ticketing.models import Showtime

    showtime = (
        Showtime.objects.filter(
            title_id=offering.project.title_id,
            status=Showtime.Status.PUBLISHED,
            starts_at__gt=now + dt.timedelta(days=1),
        )
        .order_by("starts_at", "pk")
        .first()
    )
    if showtime is not None:
        premiere.set_premiere_showtime(actor=staff, offering=offering, showtime=showtime)


#: The funded offering's pool: CN¥61,200 from the backers beside a HK$60m budget is about 0.1 %.
POOL_NAME = "Crowdfunding pool (Back A Guilty Conscience)"
POOL_STAKE_BP = 10
#: What reached the film after the offering closed, typed in (HK$).
POOL_RECEIPT = ("Streaming licence, first window", 8_000_000_00)


def _link_pool(staff: User, offering: Offering, today: dt.date) -> None:
    """Make the funded offering its film's crowdfunding pool, with money through the waterfall.

    Idempotent: the pool, the studio's stake, the waterfall and the receipt are
    each found before they are made; a film whose stakes are all taken gets no pool.
    """
    from marquee.ticketing import events as ticket_events

    project = offering.project
    pool = offering.pool_participant or (
        Participant.objects.filter(project=project, kind=Participant.Kind.CROWDFUNDING)
        .order_by("pk")
        .first()
    )
    if pool is None:
        if sum(stakes_of(project).values()) + POOL_STAKE_BP > 10_000:
            return
        pool = investment.add_participant(
            project=project.slug, name=POOL_NAME, kind="crowdfunding", stake_bp=POOL_STAKE_BP
        )
    if not Waterfall.objects.filter(project=project, version__gt=0).exists():
        _studio_waterfall(project)
    if offering.pool_participant_id is None:
        offerings.link_pool_participant(actor=staff, offering=offering, participant=pool)
    # The box office the demo settled before the film had a waterfall (by event: once).
    for event in OutboxEvent.objects.filter(type=ticket_events.SETTLEMENT_PAID).order_by("pk"):
        box_office_into_waterfalls(event)
    label, amount = POOL_RECEIPT
    investment.receive(
        project=project,
        source=Receipt.Source.MANUAL,
        source_key=f"demo:{project.slug}:crowdfunding-streaming",
        received_on=today - dt.timedelta(days=30),
        money=Money(amount, "HKD"),
        description=label,
    )


def _studio_waterfall(project: Project) -> None:
    """The studio distributes (a 15 % fee) and holds the rest of the stakes; profits by stake."""
    studio = Participant.objects.filter(project=project, kind=Participant.Kind.STUDIO).first()
    if studio is None:
        org = STUDIO if Organisation.objects.filter(slug=STUDIO).exists() else None
        studio = investment.add_participant(
            project=project.slug,
            name="Marquee Pictures",
            kind="studio",
            stake_bp=10_000 - sum(stakes_of(project).values()),
            organisation=org,
        )
    investment.set_waterfall(
        project=project.slug,
        tiers=[
            {
                "key": "distribution-fee",
                "label": "Distribution fee 15%",
                "type": "fee",
                "participant": studio.pk,
                "percent": "15",
            },
            {"key": "net-profits", "label": "Net profits by stake", "type": "residual"},
        ],
        currency="HKD",
        note="Studio distribution with the fans' crowdfunding pool",
    )


def load_demo_crowdfunding(*, today: dt.date) -> DemoCrowdfunding:
    """The open and the funded offering (idempotent: existing offerings are kept)."""
    loaded = DemoCrowdfunding()
    staff = (
        User.objects.filter(username="investment").first()
        or User.objects.filter(username="admin").first()
    )
    if staff is None:
        return loaded
    fans = list(User.objects.filter(username__in=["fan", "fan2"]).order_by("username"))
    backers = [*fans, *_backers()]
    loaded.accounts = [DemoAccount(u, Role.MOVIEGOER, "", n) for u, n in BACKERS]
    now = timezone.now()
    if not Offering.objects.filter(slug=OPEN_SLUG).exists():
        loaded.pledges += _open_offering(staff, backers, now)
        loaded.offerings.append(OPEN_SLUG)
    if not Offering.objects.filter(slug=FUNDED_SLUG).exists():
        _payout_accounts()
        loaded.pledges += _funded_offering(staff, backers[::-1], now)
        loaded.offerings.append(FUNDED_SLUG)
    funded = Offering.objects.filter(slug=FUNDED_SLUG, status=Offering.Status.SUCCEEDED).first()
    if funded is not None:
        _link_pool(staff, funded, today)
    return loaded
