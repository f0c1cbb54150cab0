"""The demo rights desk: what the studio holds, and *SCI* and *Gossip High* licensed to iQiyi and Youku.

Held-in rights first (a FilMart purchase, a programme-funded rights
acquisition, the studio's own productions registered as held), then the
licences out — exclusive SVOD windows with AVOD holdbacks, a free-TV licence
to TVB, an airline licence for the films — each with its fee schedule, and the
first instalments received so the ledger and the outbox show the flow.
Youku's TVOD licence of *SCI* is a minimum guarantee plus 40 % of Youku's
revenue, running since January; its quarters already ended are reported, and
the third takes the cumulative share past the guarantee, so the overage shows
as a receivable. The other way round, *The Last Dance* is acquired from
Emperor Motion Pictures for a guarantee plus 30 % of what the studio earns
from it: the studio's own quarters are reported too, and the third owes
Emperor its share above the guarantee (a payable).
Every deal is keyed (the demo rights account + a stable key), so loading the
demo again signs nothing twice. Windows are cut from ``today``'s year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from marquee.accounts.models import User
from marquee.catalog.models import Title
from marquee.finance.chart import ensure_chart
from marquee.rights import revenue, services
from marquee.rights.errors import RightsError
from marquee.rights.models import Deal, Instalment
from marquee.rights.validation import FeeSpec, InstalmentSpec, RightSpec

WAN = 10_000_00  # RMB 10,000 in fen
ALL_MEDIA = ["theatrical", "free_tv", "pay_tv", "svod", "avod", "tvod", "pvod", "airline"]


@dataclass(frozen=True)
class DemoRights:
    deals: int
    received: int
    accounts: list
    reports: int = 0


def _fee(total_wan: int, dues: list[tuple[dt.date, int]], *, mg_share_bp: int = 0) -> FeeSpec:
    return FeeSpec(
        currency="CNY",
        fee_minor=total_wan * WAN,
        kind="mg_share" if mg_share_bp else "flat",
        revenue_share_bp=mg_share_bp,
        instalments=[InstalmentSpec(day, wan * WAN) for day, wan in dues],
    )


def load_demo_rights(*, today: dt.date) -> DemoRights:
    """Sign the demo deals (idempotent) and receive their first instalments."""
    ensure_chart()
    user = User.objects.filter(username="rights").first()
    titles = {t.slug: t for t in Title.objects.filter(slug__in=SLUGS)}
    if user is None or not titles:
        return DemoRights(deals=0, received=0, accounts=[])
    y1 = today.year + 1
    year = (dt.date(y1, 1, 1), dt.date(y1, 12, 31))
    held = (dt.date(today.year, 1, 1), dt.date(today.year + 6, 12, 31))
    signed = today - dt.timedelta(days=min(today.day - 1, 10))
    due = today + dt.timedelta(days=30)
    plan = _plan(year, held, signed, due)
    signed_deals = 0
    for key, slug, kwargs in plan:
        title = titles.get(slug)
        if title is None:
            continue
        try:
            services.create_deal(
                title_id=title.pk,
                created_by=user,
                idempotency_key=f"demo-rights-{key}",
                **{"signed_on": signed, **kwargs},
            )
        except RightsError:
            continue  # a world edited by hand since: leave it be
        signed_deals += 1
    received = 0
    for deal in Deal.objects.filter(created_by=user, idempotency_key__in=FIRST_PAID):
        first = Instalment.objects.filter(deal=deal, seq=1, received_on__isnull=True).first()
        if first is None:
            continue
        on = min(first.due_on, signed)
        if deal.direction == "out":
            services.record_fee_received(deal_id=deal.pk, seq=1, received_on=on, by=user)
        else:
            services.record_fee_paid(deal_id=deal.pk, seq=1, paid_on=on, by=user)
        received += 1
    reports = _report_revenue(user, today)
    return DemoRights(deals=signed_deals, received=received, accounts=[], reports=reports)


#: Reported gross, quarter by quarter (RMB 10,000s): Youku's TVOD revenue from SCI, and the
#: studio's own revenue from The Last Dance (whose licensor takes 30 % above its guarantee).
GROSS_WAN = {
    "demo-rights-sci-youku": [280, 350, 420, 390],
    "demo-rights-the-last-dance-in": [900, 1100, 800, 600],
}


def _report_revenue(user: User, today: dt.date) -> int:
    """The statements for the quarters of this year already ended (each recorded once)."""
    return sum(
        _report_quarters(deal, GROSS_WAN[deal.idempotency_key], user, today)
        for deal in Deal.objects.filter(created_by=user, idempotency_key__in=GROSS_WAN)
    )


def _report_quarters(deal: Deal, grosses: list[int], user: User, today: dt.date) -> int:
    recorded = 0
    for quarter, gross in enumerate(grosses):
        start = dt.date(today.year, 3 * quarter + 1, 1)
        end = (
            dt.date(today.year, 3 * quarter + 4, 1) - dt.timedelta(days=1)
            if quarter < 3
            else dt.date(today.year, 12, 31)
        )
        if end >= today:
            break
        try:
            revenue.record_revenue_report(
                deal_id=deal.pk, period_start=start, period_end=end, gross_minor=gross * WAN,
                due_on=end + dt.timedelta(days=45), source="statement", by=user,
            )  # fmt: skip
        except RightsError:
            continue  # reported already
        recorded += 1
    return recorded


SLUGS = ["sci", "gossip-high", "dying-to-survive", "a-guilty-conscience", "the-last-dance"]
FIRST_PAID = [
    "demo-rights-sci-in",
    "demo-rights-sci-iqiyi",
    "demo-rights-gossip-youku",
    "demo-rights-gossip-in",
    "demo-rights-sci-youku",
]


def _plan(year, held, signed, due) -> list[tuple[str, str, dict]]:
    y_start, y_end = year
    h1_end = dt.date(y_start.year, 6, 30)
    h2_start = dt.date(y_start.year, 7, 1)
    later = due + dt.timedelta(days=90)
    return [
        # SCI: the studio's co-production; worldwide rights bought out from the co-producer.
        ("sci-in", "sci", {
            "direction": "in", "counterparty": "Benxiaohai Media (co-producer)", "exclusive": True,
            "reference": "SCI-ACQ-01", "languages": [],
            "rights": [RightSpec(ALL_MEDIA, ["WW"], *held)],
            "fee": _fee(800, [(signed, 400), (later, 400)]),
        }),
        ("sci-iqiyi", "sci", {
            "direction": "out", "counterparty": "iQiyi", "exclusive": True, "reference": "IQ-SCI-2027",
            "rights": [RightSpec(["svod"], ["CN"], y_start, y_end)],
            "holdbacks": [RightSpec(["avod"], ["CN"], y_start, y_end)],
            "fee": _fee(1200, [(signed, 400), (due, 400), (later, 400)]),
        }),
        ("sci-youku", "sci", {
            "direction": "out", "counterparty": "Youku", "exclusive": False, "reference": "YK-SCI-TVOD",
            "rights": [RightSpec(["tvod"], ["CN"], held[0], y_end)],
            "signed_on": held[0] - dt.timedelta(days=20),
            "fee": _fee(300, [(held[0] + dt.timedelta(days=30), 300)], mg_share_bp=4000),
        }),
        ("sci-tvb", "sci", {
            "direction": "out", "counterparty": "TVB", "exclusive": True, "reference": "TVB-SCI",
            "rights": [RightSpec(["free_tv"], ["HK", "MO"], y_start, h1_end)],
            "fee": _fee(150, [(due, 150)]),
        }),
        # Gossip High: bought at FilMart for Greater China and Southeast Asia, with the
        # Hong Kong programme fund's rights-acquisition money.
        ("gossip-in", "gossip-high", {
            "direction": "in", "counterparty": "FilMart: Hong Kong Film Development Fund (rights acquisition)",
            "exclusive": True, "reference": "FILMART-GH", "languages": ["yue", "zh", "en"],
            "rights": [RightSpec(["free_tv", "pay_tv", "svod", "avod", "tvod"], ["GCN", "SEA"], *held)],
            "fee": _fee(500, [(signed, 250), (later, 250)]),
        }),
        ("gossip-youku", "gossip-high", {
            "direction": "out", "counterparty": "Youku", "exclusive": True, "reference": "YK-GH-2027",
            "languages": ["yue", "zh"],
            "rights": [RightSpec(["svod"], ["CN"], y_start, y_end)],
            "fee": _fee(600, [(signed, 300), (due, 300)]),
        }),
        ("gossip-iqiyi", "gossip-high", {
            "direction": "out", "counterparty": "iQiyi", "exclusive": False, "reference": "IQ-GH-INTL",
            "languages": ["yue", "zh", "en"],
            "rights": [RightSpec(["svod"], ["TW", "SEA"], y_start, y_end)],
            "fee": _fee(200, [(due, 200)], mg_share_bp=3000),
        }),
        ("gossip-iqiyi-h2", "gossip-high", {
            "direction": "out", "counterparty": "iQiyi", "exclusive": True, "reference": "IQ-GH-AVOD",
            "languages": ["yue", "zh"],
            "rights": [RightSpec(["avod"], ["CN"], h2_start, y_end)],
            "fee": _fee(120, [(due, 120)]),
        }),
        # Films: rights held for the catalogue, one airline licence.
        *[
            (f"{slug}-in", slug, {
                "direction": "in", "counterparty": counterparty, "exclusive": True,
                "reference": f"ACQ-{slug[:12].upper()}",
                "rights": [RightSpec(media, territories, *held)],
                "fee": _fee(fee, [(signed, fee)]),
            })
            for slug, counterparty, media, territories, fee in (
                ("dying-to-survive", "Huanxi Media", ["svod", "avod", "pay_tv", "airline"], ["GCN"], 900),
                ("a-guilty-conscience", "Mandarin Motion Pictures", ["svod", "free_tv", "airline"], ["WW"], 700),
            )
        ],
        ("the-last-dance-in", "the-last-dance", {
            "direction": "in", "counterparty": "Emperor Motion Pictures", "exclusive": True,
            "reference": "ACQ-THE-LAST-DA",
            "rights": [RightSpec(["svod", "pay_tv", "airline"], ["GCN", "SEA"], *held)],
            "fee": _fee(650, [(signed, 650)], mg_share_bp=3000),
        }),
        ("guilty-airline", "a-guilty-conscience", {
            "direction": "out", "counterparty": "Cathay Pacific (inflight)", "exclusive": False,
            "reference": "CX-IFE-27",
            "rights": [RightSpec(["airline"], ["WW"], y_start, y_end)],
            "fee": _fee(60, [(due, 60)]),
        }),
    ]  # fmt: skip
