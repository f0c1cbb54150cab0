"""The demo company's books: two comparable half-years and the HK$5 billion programme.

The ticketing demo's sales reach the ledger by themselves (the outbox
consumers post them); everything else a listed studio-platform books — its
distribution share, licensing, merchandise, costs, interest and tax — is
posted here as manual entries through ``post_entry``, for the last fiscal
half-year that ended and the same half a year before, so the finance console
shows growth on a fresh ``make run``. Every entry carries a stable
``source_event_id``, so loading the demo again posts nothing twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from marquee.accounts import services as account_services
from marquee.accounts.models import Organisation, Role
from marquee.demo.catalog_data import STUDIO
from marquee.finance.calendar import FiscalPeriod, latest_ended_half, months_between
from marquee.finance.calendar import same_period_a_year_before as year_before
from marquee.finance.chart import ensure_chart
from marquee.finance.programmes.models import Commitment
from marquee.finance.programmes.services import commit_funds, create_programme, disburse
from marquee.finance.services import LineSpec, post_entry

MILLION = 1_000_000_00  # RMB1m in fen

#: (account, segment, the cash side is a debit?, RMB m in the earlier half, in the later half)
#: Revenue RMB1,180.2m → RMB1,526.0m (+29.3%); an operating loss of RMB12.8m turns
#: into a profit of RMB209.0m; net result −RMB14.8m → RMB182.0m.
BOOKS: tuple[tuple[str, str, bool, str, str], ...] = (
    ("4010", "promotion_distribution", True, "420.0", "560.5"),
    ("4020", "content", True, "380.0", "492.3"),
    ("4030", "content", True, "210.2", "268.0"),
    ("4040", "merchandising", True, "170.0", "205.2"),
    ("5010", "content", False, "390.0", "470.0"),
    ("5020", "promotion_distribution", False, "40.0", "52.0"),
    ("5030", "merchandising", False, "110.0", "128.0"),
    ("6010", "promotion_distribution", False, "170.0", "180.0"),
    ("6010", "content", False, "60.0", "70.0"),
    ("6110", "corporate", False, "300.0", "290.0"),
    ("6120", "corporate", False, "120.0", "125.0"),
    ("6210", "corporate", True, "12.0", "18.0"),
    ("6220", "corporate", False, "15.0", "20.0"),
    ("7010", "corporate", True, "25.0", "32.0"),
    ("7020", "corporate", False, "18.0", "16.0"),
    ("7030", "corporate", False, "4.0", "3.0"),
    ("8010", "corporate", False, "5.0", "40.0"),
)
#: Where the money goes or comes from for each kind of account.
COUNTERPART = {"4": "1010", "5": "2100", "6": "2300", "7": "1010", "8": "2400"}
#: A month's share of the half (a film business has summer and holiday peaks).
SEASON = (15, 16, 19, 20, 15, 15)
#: Revenue is booked weekly, costs monthly.
REVENUE_SLICES = 4

MEMOS = {
    "4010": "Ticketing service fees (agency)",
    "4020": "Distribution share of box office",
    "4030": "Licence fees: streaming and TV",
    "4040": "Merchandise sales",
    "5010": "Content amortisation",
    "5020": "Payment processing fees",
    "5030": "Cost of merchandise sold",
    "6010": "Marketing campaigns",
    "6110": "Payroll",
    "6120": "Office and IT",
    "6210": "Government film subsidies",
    "6220": "Sundry operating costs",
    "7010": "Bank interest",
    "7020": "Loan interest",
    "7030": "Exchange differences",
    "8010": "Provisional income tax",
}

PROGRAMME_CODE = "hk-film-5bn"
HKD_M = 1_000_000_00  # HK$1m in cents
#: HK$5 billion over five years, per category per year (HK$m).
PROGRAMME_BUDGET = {
    "film_production_distribution": 400,
    "rights_acquisition": 160,
    "tv_series": 140,
    "concerts": 80,
    "venue_collaborations": 100,
    "talent_development": 100,
    "scholarships": 20,
}


@dataclass(frozen=True)
class DemoFinance:
    periods: tuple[FiscalPeriod, FiscalPeriod]
    entries: int
    accounts: list


def _split(total: int, weights: tuple[int, ...]) -> list[int]:
    """``total`` in parts proportional to ``weights``; the last part takes the remainder."""
    whole = sum(weights)
    parts = [total * w // whole for w in weights[:-1]]
    return [*parts, total - sum(parts)]


def _minor(millions: str) -> int:
    whole, _dot, tenth = millions.partition(".")
    return int(whole) * MILLION + int(tenth or 0) * MILLION // 10


def _post_half(period: FiscalPeriod, column: int) -> int:
    posted = 0
    months = months_between(period.start, period.end)
    for account, segment, cash_debit, *amounts in BOOKS:
        total = _minor(amounts[column])
        for month, month_total in zip(months, _split(total, SEASON), strict=True):
            slices = REVENUE_SLICES if account.startswith("4") else 1
            for n, amount in enumerate(_split(month_total, (1,) * slices)):
                day = month + dt.timedelta(days=6 + 7 * n if slices > 1 else 27)
                counterpart = COUNTERPART[account[0]]
                ours = LineSpec(
                    account=account,
                    segment=segment,
                    currency="CNY",
                    **({"credit_minor": amount} if cash_debit else {"debit_minor": amount}),
                )
                theirs = LineSpec(
                    account=counterpart,
                    segment=segment,
                    currency="CNY",
                    **({"debit_minor": amount} if cash_debit else {"credit_minor": amount}),
                )
                post_entry(
                    date=day,
                    memo=MEMOS[account],
                    lines=[ours, theirs],
                    source="demo",
                    source_event_id=f"demo:{day.isoformat()}:{account}:{segment}:{n}",
                )
                posted += 1
    return posted


def _post_opening(day: dt.date) -> None:
    post_entry(
        date=day,
        memo="Share capital and opening borrowings",
        lines=[
            LineSpec(
                account="1010", segment="corporate", currency="CNY", debit_minor=4_000 * MILLION
            ),
            LineSpec(
                account="3000", segment="corporate", currency="CNY", credit_minor=3_200 * MILLION
            ),
            LineSpec(
                account="2500", segment="corporate", currency="CNY", credit_minor=800 * MILLION
            ),
        ],
        source="demo",
        source_event_id=f"demo:opening:{day.isoformat()}",
    )


def _load_programme(period: FiscalPeriod) -> None:
    """The HK$5bn programme from the fiscal year of ``period``, with commitments and payments."""
    from marquee.catalog.models import Title
    from marquee.venues.models import Venue

    first_year = int(period.label.split("FY")[1])
    create_programme(
        code=PROGRAMME_CODE,
        names=(
            "Hong Kong Film Programme (HK$5 billion, five years)",
            "香港电影发展计划（50亿港元，五年）",
            "香港電影發展計劃（50億港元，五年）",
        ),
        currency="HKD",
        first_year=first_year,
        budgets={
            category: {first_year + n: per_year * HKD_M for n in range(5)}
            for category, per_year in PROGRAMME_BUDGET.items()
        },
    )
    title = Title.objects.filter(slug="harbour-lights").first()
    venue = (
        Venue.objects.filter(kind=Venue.Kind.CINEMA, city__code="hong-kong")
        .order_by("slug")
        .first()
    )
    start = period.start
    plans = [
        # (category, date offset, currency, amount, label, funded row, paid share in %)
        (
            "film_production_distribution",
            10,
            "HKD",
            180 * HKD_M,
            "Harbour Lights: production and release",
            title,
            60,
        ),
        (
            "film_production_distribution",
            40,
            "HKD",
            120 * HKD_M,
            "New Hong Kong directors: a slate of four films",
            None,
            25,
        ),
        (
            "film_production_distribution",
            70,
            "CNY",
            50 * MILLION,
            "Co-production with a Shanghai studio",
            None,
            40,
        ),
        (
            "rights_acquisition",
            20,
            "HKD",
            60 * HKD_M,
            "Library rights: 40 Cantonese classics",
            None,
            100,
        ),
        (
            "tv_series",
            50,
            "HKD",
            85 * HKD_M,
            "Drama series: Kowloon Nights (12 episodes)",
            None,
            30,
        ),
        ("concerts", 90, "HKD", 30 * HKD_M, "Harbourfront film-music concerts", None, 50),
        (
            "venue_collaborations",
            100,
            "HKD",
            25 * HKD_M,
            "Cinema refurbishment partnership",
            venue,
            40,
        ),
        (
            "talent_development",
            110,
            "HKD",
            12 * HKD_M,
            "Director and screenwriter mentoring",
            None,
            0,
        ),
        (
            "scholarships",
            120,
            "HKD",
            6 * HKD_M,
            "Scholarships for 20 film students (HK$300,000 each)",
            None,
            0,
        ),
    ]
    for category, offset, currency, amount, label, funded, paid_pct in plans:
        commitment = Commitment.objects.filter(
            programme__code=PROGRAMME_CODE, funded_label=label
        ).first()
        if commitment is None:
            commitment = commit_funds(
                programme_code=PROGRAMME_CODE,
                category=category,
                date=start + dt.timedelta(days=offset),
                currency=currency,
                amount_minor=amount,
                funded_label=label,
                funded_type=f"{funded._meta.app_label}.{funded._meta.model_name}"
                if funded
                else None,
                funded_id=str(funded.pk) if funded else "",
            )
        if paid_pct and not commitment.disbursements.exists():
            disburse(
                commitment_id=commitment.pk,
                date=min(period.end, commitment.date + dt.timedelta(days=30)),
                amount_minor=amount * paid_pct // 100,
                memo=f"Programme payment: {label}",
            )


def load_demo_finance(*, today: dt.date) -> DemoFinance:
    """Post the demo books (idempotent) and add the demo finance controller."""
    from marquee.demo.accounts import DemoAccount, demo_user

    ensure_chart()
    later = latest_ended_half(today)
    earlier = year_before(later)
    posted = 0
    with transaction.atomic():
        _post_opening(earlier.start)
        for column, period in enumerate((earlier, later)):
            posted += _post_half(period, column)
        _load_programme(later)
    studio = Organisation.objects.filter(slug=STUDIO).first()
    accounts = []
    if studio is not None:
        user = demo_user("finance-controller", display_name="Finance controller 財務總監")
        account_services.grant_role(user=user, organisation=studio, role=Role.FINANCE)
        accounts.append(
            DemoAccount("finance-controller", Role.FINANCE, studio.name, user.display_name)
        )
    return DemoFinance(periods=(earlier, later), entries=posted, accounts=accounts)
