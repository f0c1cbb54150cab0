"""Reads of the slate and the waterfalls: the board, budget vs actual, statements.

Callers check who may read (``investment.permissions``); the partner scope
(participants of the partner's own organisations) is applied here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Sum

from marquee.core import fx
from marquee.core.money import Money, sum_money
from marquee.investment.live import Provisional, provisional_of
from marquee.investment.models import (
    BudgetCategory,
    BudgetLine,
    CostEntry,
    Participant,
    Payout,
    Project,
    Receipt,
    StageChange,
    Waterfall,
    WaterfallVersion,
    format_bp,
)
from marquee.investment.permissions import partner_organisations

BOARD_STAGES = list(Project.Stage.values)


def board() -> dict[str, list[Project]]:
    """Projects by stage, in the order of the stages (cancelled last)."""
    columns: dict[str, list[Project]] = {stage: [] for stage in BOARD_STAGES}
    for project in Project.objects.select_related("title").order_by("name_en"):
        columns[project.stage].append(project)
    return columns


def projects() -> list[Project]:
    return list(Project.objects.select_related("title").order_by("name_en"))


def stage_history(project: Project) -> list[StageChange]:
    return list(
        StageChange.objects.filter(project=project)
        .select_related("changed_by")
        .order_by("changed_at", "id")
    )


@dataclass(frozen=True)
class CategoryVariance:
    """One budget category in the project currency: budget, actual, variance (budget − actual)."""

    category: str
    label: str
    budget: Money
    actual: Money

    @property
    def variance(self) -> Money:
        return self.budget - self.actual

    @property
    def used_percent(self) -> str | None:
        """Actual as a per cent of budget, one decimal, half-to-even (None without a budget)."""
        if not self.budget.minor:
            return None
        return _per_cent(self.actual.minor, self.budget.minor)

    def as_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "budget_minor": self.budget.minor,
            "actual_minor": self.actual.minor,
            "variance_minor": self.variance.minor,
            "used_percent": self.used_percent,
        }


def _per_cent(part: int, whole: int) -> str:
    from decimal import ROUND_HALF_EVEN, Decimal

    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_EVEN)
    return str(value)


@dataclass
class Variance:
    currency: str
    categories: list[CategoryVariance] = field(default_factory=list)

    @property
    def budget(self) -> Money:
        return sum_money((c.budget for c in self.categories), currency=self.currency)

    @property
    def actual(self) -> Money:
        return sum_money((c.actual for c in self.categories), currency=self.currency)

    @property
    def variance(self) -> Money:
        return self.budget - self.actual

    def as_dict(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "budget_minor": self.budget.minor,
            "actual_minor": self.actual.minor,
            "variance_minor": self.variance.minor,
            "categories": [c.as_dict() for c in self.categories],
        }


def _in(money: Money, currency: str, on: dt.date) -> Money:
    return money if money.currency == currency else fx.convert(money, currency, on)


def variance(project: Project) -> Variance:
    """Budget vs actual per category, in the project currency.

    Each budget line counts at the rate of its ``as_of`` day, each cost at
    the rate of its own date (``core.fx``: half-to-even once per amount); a
    missing rate raises ``no_exchange_rate``.
    """
    code = project.currency
    budget = {c: Money.zero(code) for c in BudgetCategory.values}
    actual = {c: Money.zero(code) for c in BudgetCategory.values}
    for line in BudgetLine.objects.filter(project=project):
        budget[line.category] += _in(line.amount, code, line.as_of)
    for cost in CostEntry.objects.filter(project=project):
        actual[cost.category] += _in(cost.amount, code, cost.date)
    labels = dict(BudgetCategory.choices)
    return Variance(
        currency=code,
        categories=[
            CategoryVariance(c, str(labels[c]), budget[c], actual[c]) for c in BudgetCategory.values
        ],
    )


def costs(project: Project, limit: int = 50) -> list[CostEntry]:
    return list(CostEntry.objects.filter(project=project).order_by("-date", "-id")[:limit])


def funding(project: Project) -> list[Any]:
    """The programme commitments that fund this project (finance's rows)."""
    from marquee.finance.programmes.models import Commitment

    kind = ContentType.objects.get_for_model(Project)
    return list(
        Commitment.objects.filter(funded_type=kind, funded_id=str(project.pk))
        .select_related("programme")
        .order_by("date", "id")
    )


def participants(project: Project) -> list[Participant]:
    return list(Participant.objects.filter(project=project).select_related("organisation"))


def waterfall_of(project: Project) -> Waterfall | None:
    return Waterfall.objects.filter(project=project).first()


def versions(waterfall: Waterfall) -> list[WaterfallVersion]:
    return list(WaterfallVersion.objects.filter(waterfall=waterfall).order_by("-version"))


def current_tiers(waterfall: Waterfall | None) -> list[dict[str, Any]]:
    if waterfall is None or not waterfall.version:
        return []
    return WaterfallVersion.objects.get(waterfall=waterfall, version=waterfall.version).tiers


@dataclass(frozen=True)
class TierTotal:
    key: str
    label: str
    paid_minor: int


def waterfall_summary(waterfall: Waterfall) -> dict[str, Any]:
    """Gross received, what each tier of the current version paid, what each participant earned."""
    tiers = current_tiers(waterfall)
    paid_by_tier = dict(
        Payout.objects.filter(receipt__waterfall=waterfall)
        .values("tier_key")
        .annotate(total=Sum("amount_minor"))
        .values_list("tier_key", "total")
    )
    labels = {t.get("key"): t.get("label", t.get("key")) for t in tiers}
    for key, label in (
        Payout.objects.filter(receipt__waterfall=waterfall)
        .values_list("tier_key", "tier_label")
        .distinct()
    ):
        labels.setdefault(key, label)
    order = [t.get("key") for t in tiers] + sorted(k for k in paid_by_tier if k not in labels)
    order += sorted(k for k in paid_by_tier if k not in order)
    by_participant = dict(
        Payout.objects.filter(receipt__waterfall=waterfall)
        .values("participant")
        .annotate(total=Sum("amount_minor"))
        .values_list("participant", "total")
    )
    received = Receipt.objects.filter(waterfall=waterfall).aggregate(
        total=Sum("amount_minor"), count=Count("id")
    )
    return {
        "currency": waterfall.currency,
        "version": waterfall.version,
        "received_minor": received["total"] or 0,
        "receipts": received["count"],
        "tiers": [
            TierTotal(key, str(labels.get(key, key)), paid_by_tier.get(key, 0)) for key in order
        ],
        "by_participant": by_participant,
    }


def receipts(waterfall: Waterfall, limit: int = 100) -> list[Receipt]:
    return list(Receipt.objects.filter(waterfall=waterfall).order_by("-received_on", "-id")[:limit])


# --- partners -----------------------------------------------------------------------------


def stakes_for_partner(user: Any) -> list[Participant]:
    """The participants linked to the partner's own organisations: nobody else's."""
    orgs = partner_organisations(user)
    if not orgs:
        return []
    return list(
        Participant.objects.filter(organisation_id__in=orgs)
        .select_related("project", "project__title", "organisation")
        .order_by("project__name_en", "id")
    )


@dataclass
class Statement:
    """What a participant earned from its project's waterfall: per receipt and per tier."""

    participant: Participant
    currency: str
    lines: list[dict[str, Any]]
    by_tier: list[dict[str, Any]]
    live: Provisional | None = None

    @property
    def total_minor(self) -> int:
        return sum(t["amount_minor"] for t in self.by_tier)

    @property
    def owed_minor(self) -> int:
        """Earned and not yet paid out (the studio keeps its share: nothing is owed to it)."""
        if self.participant.kind == Participant.Kind.STUDIO:
            return 0
        return self.participant.earned_minor - self.participant.paid_minor

    @property
    def provisional(self) -> dict[str, Any]:
        """The part not settled yet (``live``): provisional, never posted to the ledger."""
        live = self.live if self.live is not None else Provisional(self.currency)
        return live.for_participant(self.participant.pk)

    def _money(self, minor: int) -> dict[str, Any]:
        return {"amount_minor": minor, "currency": self.currency}

    def as_dict(self) -> dict[str, Any]:
        p = self.participant
        return {
            "participant": {
                "id": p.pk,
                "name": p.name,
                "kind": p.kind,
                "stake_bp": p.stake_bp,
                "stake_percent": format_bp(p.stake_bp),
            },
            "project": {"slug": p.project.slug, "name": p.project.name_en},
            "currency": self.currency,
            "total_minor": self.total_minor,
            "paid_minor": p.paid_minor,
            "owed_minor": self.owed_minor,
            "by_tier": self.by_tier,
            "lines": self.lines,
            "settled": {
                "earned": self._money(self.total_minor),
                "paid": self._money(p.paid_minor),
                "owed": self._money(self.owed_minor),
                "by_tier": self.by_tier,
            },
            "provisional": self.provisional,
        }


def statement(
    participant: Participant, limit: int = 500, *, live: Provisional | None = None
) -> Statement:
    """The participant's earnings: every receipt that paid it (newest first) and totals by tier.

    Beside them, the provisional part (:mod:`marquee.investment.live`): what
    the box office sold since the last settlement would pay it. Pass ``live``
    when the project's provisional payouts are already computed (one
    computation for every participant of a project).
    """
    waterfall = Waterfall.objects.filter(project_id=participant.project_id).first()
    if live is None:
        live = provisional_of(participant.project, waterfall)
    currency = waterfall.currency if waterfall else participant.project.currency
    payouts = (
        Payout.objects.filter(participant=participant)
        .select_related("receipt")
        .order_by("-receipt__received_on", "-receipt_id", "id")
    )
    lines = [
        {
            "receipt_id": p.receipt_id,
            "received_on": p.receipt.received_on.isoformat(),
            "source": p.receipt.source,
            "description": p.receipt.description,
            "receipt_minor": p.receipt.amount_minor,
            "tier": p.tier_label,
            "amount_minor": p.amount_minor,
        }
        for p in payouts[:limit]
    ]
    by_tier = [
        {"tier_key": row["tier_key"], "tier": row["tier_label"], "amount_minor": row["total"]}
        for row in Payout.objects.filter(participant=participant)
        .values("tier_key", "tier_label")
        .annotate(total=Sum("amount_minor"))
        .order_by("tier_key")
    ]
    return Statement(
        participant=participant, currency=currency, lines=lines, by_tier=by_tier, live=live
    )


def project_live(project: Project) -> Provisional:
    """The project's provisional payouts, once for all its participants' statements."""
    return provisional_of(project, waterfall_of(project))
