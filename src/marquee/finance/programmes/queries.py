"""Reads of programme funds: utilisation and headroom per category and year."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from django.db.models import QuerySet, Sum

from marquee.finance.programmes.models import (
    Category,
    Commitment,
    Disbursement,
    Programme,
    ProgrammeBudget,
)


def programmes() -> QuerySet[Programme]:
    return Programme.objects.order_by("code")


def programme(code: str) -> Programme | None:
    return Programme.objects.filter(code=code).first()


def commitments(programme: Programme) -> QuerySet[Commitment]:
    return (
        Commitment.objects.filter(programme=programme)
        .select_related("funded_type", "created_by")
        .annotate(disbursed_minor=Sum("disbursements__amount_minor"))
        .order_by("date", "id")
    )


def _percent(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_EVEN)


@dataclass(frozen=True, slots=True)
class Utilisation:
    """Budget, committed and disbursed of one category (and year), in the programme's currency."""

    category: str
    label: str
    fiscal_year: int | None
    budget_minor: int
    committed_minor: int
    disbursed_minor: int

    @property
    def headroom_minor(self) -> int:
        return self.budget_minor - self.committed_minor

    @property
    def committed_pct(self) -> Decimal | None:
        return _percent(self.committed_minor, self.budget_minor)

    @property
    def disbursed_pct(self) -> Decimal | None:
        return _percent(self.disbursed_minor, self.budget_minor)

    def as_dict(self) -> dict:
        return {
            "category": self.category,
            "label": self.label,
            "fiscal_year": self.fiscal_year,
            "budget_minor": self.budget_minor,
            "committed_minor": self.committed_minor,
            "disbursed_minor": self.disbursed_minor,
            "headroom_minor": self.headroom_minor,
            "committed_pct": None if self.committed_pct is None else str(self.committed_pct),
            "disbursed_pct": None if self.disbursed_pct is None else str(self.disbursed_pct),
        }


@dataclass(frozen=True, slots=True)
class ProgrammeUtilisation:
    programme: Programme
    categories: tuple[Utilisation, ...]
    by_year: tuple[Utilisation, ...]
    total: Utilisation


def utilisation(programme: Programme) -> ProgrammeUtilisation:
    """Utilisation and headroom per category (all years), per category × year, and in total."""
    keys: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in ProgrammeBudget.objects.filter(programme=programme).values(
        "category", "fiscal_year", "amount_minor"
    ):
        keys[(row["category"], row["fiscal_year"])][0] += row["amount_minor"]
    for row in (
        Commitment.objects.filter(programme=programme)
        .values("category", "fiscal_year")
        .annotate(total=Sum("programme_amount_minor"))
    ):
        keys[(row["category"], row["fiscal_year"])][1] += row["total"]
    for row in (
        Disbursement.objects.filter(commitment__programme=programme)
        .values("commitment__category", "commitment__fiscal_year")
        .annotate(total=Sum("programme_amount_minor"))
    ):
        keys[(row["commitment__category"], row["commitment__fiscal_year"])][2] += row["total"]
    labels = dict(Category.choices)
    by_year = tuple(
        Utilisation(category, str(labels[category]), year, *keys[(category, year)])
        for category in Category.values
        for year in programme.fiscal_years
        if (category, year) in keys
    )
    categories = []
    for category in Category.values:
        rows = [u for u in by_year if u.category == category]
        if rows:
            categories.append(
                Utilisation(
                    category,
                    str(labels[category]),
                    None,
                    sum(u.budget_minor for u in rows),
                    sum(u.committed_minor for u in rows),
                    sum(u.disbursed_minor for u in rows),
                )
            )
    total = Utilisation(
        "total",
        "",
        None,
        sum(u.budget_minor for u in categories),
        sum(u.committed_minor for u in categories),
        sum(u.disbursed_minor for u in categories),
    )
    return ProgrammeUtilisation(programme, tuple(categories), by_year, total)
