"""The demo slate: the seed films and series with budgets and costs, and a co-financed waterfall.

*Mission: Impossible – Rogue Nation* carries the co-financing: Paramount,
Skydance, the studio, a fans' pool and the principal talent share a US$
waterfall. Its history (theatrical rentals, home entertainment, TV) is typed
in as receipts dated when the money came; on top, yesterday's box office is
settled for every demo cinema and the distributor's share of each
settlement flows in through the same consumer the outbox runs, so the
partner statement moves as tickets sell. Everything is found by its natural
key (slug, name, source key), so loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from marquee.accounts import services as account_services
from marquee.accounts.models import Organisation, Role, User
from marquee.catalog.models import Title
from marquee.core.models import OutboxEvent
from marquee.core.money import Money
from marquee.demo.accounts import DemoAccount, demo_user
from marquee.demo.catalog_data import STUDIO
from marquee.finance.chart import ensure_chart
from marquee.investment import services
from marquee.investment.consumers import box_office_into_waterfalls
from marquee.investment.models import (
    BudgetLine,
    CostEntry,
    Participant,
    Project,
    Receipt,
    StageChange,
    Waterfall,
)
from marquee.investment.services.projects import NEXT_STAGE
from marquee.ticketing import events as ticket_events

M = 1_000_000 * 100  # a million, in minor units (2-digit currencies)
ROGUE_NATION = "mission-impossible-rogue-nation"
PARTNER_USERNAME = "paramount-partner"
STAFF_USERNAME = "investment-lead"

CATEGORIES = ("above_the_line", "below_the_line", "post", "p_and_a", "contingency")
#: How a budget splits over the categories (per cent).
SPLIT = (30, 45, 10, 12, 3)


@dataclass(frozen=True)
class Plan:
    """One project of the slate: what, where it stands, its budget and how much is spent."""

    slug: str
    stage: str
    currency: str
    budget_m: int  # millions of the currency
    spent_pct: int  # of each category, for the costs posted
    start: dt.date
    title: str | None = None  # the catalog title's slug
    kind: str | None = None  # default: the title's kind
    names: tuple[str, str, str] = ("", "", "")


PLANS: tuple[Plan, ...] = (
    Plan(ROGUE_NATION, "release", "USD", 150, 104, dt.date(2015, 1, 5), ROGUE_NATION),
    Plan("mission-impossible-fallout", "release", "USD", 178, 101, dt.date(2017, 4, 3),
         "mission-impossible-fallout"),
    Plan("star-trek-beyond", "release", "USD", 185, 98, dt.date(2015, 6, 1), "star-trek-beyond"),
    Plan("dying-to-survive", "release", "CNY", 110, 96, dt.date(2017, 3, 6), "dying-to-survive"),
    Plan("a-guilty-conscience", "release", "HKD", 60, 99, dt.date(2021, 9, 6),
         "a-guilty-conscience"),
    Plan("the-last-dance", "release", "HKD", 45, 97, dt.date(2023, 5, 8), "the-last-dance"),
    Plan("customs-frontline", "release", "HKD", 250, 103, dt.date(2022, 11, 7),
         "customs-frontline"),
    Plan("the-grey-men-2", "production", "HKD", 80, 55, dt.date(2026, 3, 2), "the-grey-men-2"),
    Plan("endless-battle-2", "pre_production", "HKD", 120, 12, dt.date(2026, 6, 1),
         "endless-battle-2"),
    Plan("sci", "release", "CNY", 90, 100, dt.date(2023, 2, 6), "sci"),
    Plan("gossip-high", "release", "CNY", 70, 95, dt.date(2023, 8, 7), "gossip-high"),
    Plan("forensic-heroes-vi", "post_production", "HKD", 75, 82, dt.date(2025, 10, 6),
         "forensic-heroes-vi"),
    Plan("news-queen-2", "production", "HKD", 65, 40, dt.date(2026, 4, 6), "news-queen-2"),
    Plan("cantopop-legends-live", "development", "HKD", 30, 0, dt.date(2026, 9, 1), None,
         "concert", ("Cantopop Legends Live", "粤语金曲传奇演唱会", "粵語金曲傳奇演唱會")),
    Plan("harbour-outdoor-cinema", "development", "HKD", 12, 0, dt.date(2026, 10, 5), None,
         "venue", ("Harbourfront Outdoor Cinema Season", "海滨露天电影季", "海濱露天電影季")),
)  # fmt: skip

#: Rogue Nation's participants: (name, kind, organisation slug, stake in bp).
PARTICIPANTS = (
    ("Paramount Pictures", "partner", "paramount-pictures", 6000),
    ("Skydance Productions", "partner", None, 2500),
    ("Marquee Pictures", "studio", STUDIO, 1000),
    ("Fans' pool", "crowdfunding", None, 500),
    ("Principal talent", "talent", None, 0),
)

#: Money that reached the film before the demo's live box office (US$ unless said).
HISTORY = (
    ("2015-08-31", "USD", 95 * M, "North American theatrical rentals"),
    ("2015-09-30", "USD", 150 * M, "International theatrical rentals"),
    ("2015-10-31", "CNY", 300 * M, "China theatrical, distributor's share"),
    ("2016-01-29", "USD", 40 * M, "Home entertainment"),
    ("2016-06-30", "USD", 25 * M, "Pay TV licence"),
)


@dataclass
class DemoInvestment:
    projects: int = 0
    receipts: int = 0
    settled: int = 0
    accounts: list[DemoAccount] = field(default_factory=list)


def _tiers(ids: dict[str, int]) -> list[dict[str, Any]]:
    paramount, talent = ids["Paramount Pictures"], ids["Principal talent"]
    return [
        {"key": "distribution-fee", "label": "Distribution fee 12.5%", "type": "fee",
         "participant": paramount, "percent": "12.5"},
        {"key": "p-and-a", "label": "P&A expenses (cap US$30m)", "type": "expenses",
         "participant": paramount, "cap_minor": 30 * M},
        {"key": "negative-cost", "label": "Negative cost + 10% premium", "type": "negative_cost",
         "amount_minor": 150 * M, "premium_percent": "10"},
        {"key": "deferments", "label": "Talent deferments", "type": "deferment",
         "participant": talent, "amount_minor": 2 * M},
        {"key": "talent-corridor", "label": "Talent corridor 5% (cap US$5m)", "type": "corridor",
         "participant": talent, "percent": "5", "cap_minor": 5 * M},
        {"key": "net-profits", "label": "Net profits by stake", "type": "residual"},
    ]  # fmt: skip


def _project(plan: Plan, titles: dict[str, Title], staff: User) -> Project | None:
    title = titles.get(plan.title) if plan.title else None
    if plan.title and title is None:
        return None  # a catalog without this title (a trimmed test world)
    project = Project.objects.filter(slug=plan.slug).first()
    if project is None:
        names = (
            plan.names
            if title is None
            else (title.title_en, title.title_zh_hans, title.title_zh_hant)
        )
        kind = plan.kind or ("series" if title and title.kind == Title.Kind.SERIES else "film")
        project = services.create_project(
            slug=plan.slug,
            name_en=names[0],
            name_zh_hans=names[1],
            name_zh_hant=names[2],
            kind=kind,
            title=title.slug if title else None,
            currency=plan.currency,
            user=staff,
        )
        StageChange.objects.filter(project=project).update(
            changed_at=dt.datetime.combine(plan.start, dt.time(9), tzinfo=dt.UTC)
        )
    stage = project.stage
    step = 0
    while stage != plan.stage and stage in NEXT_STAGE:
        step += 1
        change = services.move_stage(project=project.slug, to_stage=NEXT_STAGE[stage], user=staff)
        when = dt.datetime.combine(plan.start + dt.timedelta(days=60 * step), dt.time(9))
        StageChange.objects.filter(pk=change.pk).update(changed_at=when.replace(tzinfo=dt.UTC))
        stage = change.to_stage
    if not BudgetLine.objects.filter(project=project).exists():
        total = plan.budget_m * M
        services.set_budget(
            project=project.slug,
            as_of=plan.start,
            lines=[
                {"category": c, "currency": plan.currency, "amount_minor": total * pct // 100}
                for c, pct in zip(CATEGORIES, SPLIT, strict=True)
            ],
        )
    if plan.spent_pct and not CostEntry.objects.filter(project=project).exists():
        for n, (category, pct) in enumerate(zip(CATEGORIES, SPLIT, strict=True)):
            # Over-runs land in below-the-line and post, as they tend to.
            spent = (
                plan.spent_pct
                if category in ("below_the_line", "post")
                else min(plan.spent_pct, 100)
            )
            amount = plan.budget_m * M * pct * spent // 10_000
            if amount:
                services.record_cost(
                    project=project.slug,
                    category=category,
                    date=plan.start + dt.timedelta(days=30 + 45 * n),
                    currency=plan.currency,
                    amount_minor=amount,
                    memo=f"{project.name_en}: {category.replace('_', ' ')}",
                    user=staff,
                    idempotency_key=f"demo-{plan.slug}-{category}",
                )
    return project


def _co_financing(project: Project) -> None:
    ids = dict(Participant.objects.filter(project=project).values_list("name", "id"))
    for name, kind, org, stake in PARTICIPANTS:
        if name not in ids:
            participant = services.add_participant(
                project=project.slug, name=name, kind=kind, stake_bp=stake, organisation=org
            )
            ids[name] = participant.pk
    if not Waterfall.objects.filter(project=project, version__gt=0).exists():
        services.set_waterfall(
            project=project.slug,
            tiers=_tiers(ids),
            currency="USD",
            note="Co-financing agreement, 2015",
        )
    for day, currency, amount, label in HISTORY:
        services.receive(
            project=project,
            source=Receipt.Source.MANUAL,
            source_key=f"demo:{project.slug}:{day}",
            received_on=dt.date.fromisoformat(day),
            money=Money(amount, currency),
            description=label,
        )
    # The partners were paid what the history earned them; live box office stays owed.
    for participant in Participant.objects.filter(project=project).exclude(kind="studio"):
        owed = participant.earned_minor - participant.paid_minor
        if owed > 0 or participant.payments.exists():
            services.pay_participant(
                participant_id=participant.pk,
                date=dt.date(2016, 7, 29),
                amount_minor=owed if owed > 0 else None,
                idempotency_key=f"demo-history-{participant.pk}",
            )


def _settle_yesterday(today: dt.date) -> int:
    """Finance pays every demo cinema's settlement of yesterday (once), and the waterfalls hear it."""
    from marquee.ticketing.services.settlement import SETTLEMENT_AGGREGATE, mark_settlement_paid
    from marquee.venues.models import Venue

    payer = User.objects.filter(username="finance-controller").first()
    if payer is None:
        return 0
    day = today - dt.timedelta(days=1)
    settled = 0
    for venue in Venue.objects.filter(kind=Venue.Kind.CINEMA, is_active=True).order_by("slug"):
        key = f"{venue.pk}:{day.isoformat()}"
        if OutboxEvent.objects.filter(
            type=ticket_events.SETTLEMENT_PAID, aggregate=SETTLEMENT_AGGREGATE, aggregate_id=key
        ).exists():
            continue
        payload = mark_settlement_paid(venue=venue, day=day, actor=payer)
        settled += bool(payload["gross_minor"])
    # The consumer is idempotent by event id: hearing a settlement twice adds nothing.
    for event in OutboxEvent.objects.filter(type=ticket_events.SETTLEMENT_PAID).order_by("pk"):
        box_office_into_waterfalls(event)
    return settled


def _fund(project: Project | None, today: dt.date) -> None:
    """The HK$5 billion programme funds a Hong Kong production on the slate."""
    from marquee.demo.finance import PROGRAMME_CODE
    from marquee.finance.programmes.models import Programme

    if project is None or not Programme.objects.filter(code=PROGRAMME_CODE).exists():
        return
    from marquee.investment.queries import funding

    if funding(project):
        return
    services.fund_project(
        project=project.slug,
        programme_code=PROGRAMME_CODE,
        category="film_production_distribution",
        date=today,
        currency="HKD",
        amount_minor=20 * M,
        memo="Production support",
    )


def load_demo_investment(*, today: dt.date) -> DemoInvestment:
    """The slate, Rogue Nation's co-financing and waterfall, and the demo accounts (idempotent)."""
    ensure_chart()
    result = DemoInvestment()
    studio = Organisation.objects.filter(slug=STUDIO).first()
    paramount = Organisation.objects.filter(slug="paramount-pictures").first()
    if studio is None:
        return result
    staff = demo_user(STAFF_USERNAME, display_name="Investment lead 投資總監")
    account_services.grant_role(user=staff, organisation=studio, role=Role.INVESTMENT)
    result.accounts.append(
        DemoAccount(STAFF_USERNAME, Role.INVESTMENT, studio.name, staff.display_name)
    )
    titles = {t.slug: t for t in Title.objects.filter(slug__in=[p.title for p in PLANS if p.title])}
    projects: dict[str, Project] = {}
    with transaction.atomic():
        for plan in PLANS:
            project = _project(plan, titles, staff)
            if project is not None:
                projects[plan.slug] = project
        if ROGUE_NATION in projects:
            _co_financing(projects[ROGUE_NATION])
        _fund(projects.get("the-grey-men-2"), today)
    result.settled = _settle_yesterday(today)
    if paramount is not None:
        partner = demo_user(PARTNER_USERNAME, display_name="Paramount co-financing desk")
        account_services.grant_role(user=partner, organisation=paramount, role=Role.PARTNER)
        result.accounts.append(
            DemoAccount(PARTNER_USERNAME, Role.PARTNER, paramount.name, partner.display_name)
        )
    result.projects = len(projects)
    result.receipts = Receipt.objects.count()
    return result
