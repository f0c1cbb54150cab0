"""Quarterly royalty statements per licence.

For each calendar quarter of the term: net sales by category (the royalty
sub-ledger :class:`~marquee.merch.models.SaleRecord`: sales minus refunds, by
the day of the event) × the category's rate, rounded half-to-even once per
category. Royalties first recoup the advance the merchant paid when the
licence was signed; what is earned beyond it is withheld from the merchant's
sales (``payable``). The last quarter of the term settles the minimum
guarantee: the licensor keeps any unrecouped advance, and whatever the
royalties and the advance together fall short of the MG is due from the merchant::

    recouped to date  = min(max(earned to date, 0), advance)
    payable (quarter) = royalty (quarter) − recouped (quarter)
    at term end:  forfeited advance = advance − recouped to date
                  MG shortfall      = max(0, MG − max(earned, advance))

so the licensor receives max(earned, advance, MG) over the term, and that is
the royalty revenue posted (segment merchandising). :func:`compute_statement`
is the arithmetic alone (the property tests drive it); :func:`issue_statement`
writes the statement and publishes ``merch.statement_issued``, from which the
ledger posts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from marquee.accounts.models import User
from marquee.core.errors import CoreErrorCode, PermissionDenied
from marquee.core.money import round_half_even
from marquee.merch import events, permissions
from marquee.merch.errors import MerchConflict, MerchErrorCode
from marquee.merch.models import Licence, RoyaltyStatement, SaleRecord


@dataclass(frozen=True)
class StatementFigures:
    """A quarter's figures: the :class:`RoyaltyStatement` columns of the same names."""

    lines: list[dict[str, Any]]
    net_sales_minor: int
    royalty_minor: int
    advance_recouped_minor: int
    advance_remaining_minor: int
    mg_shortfall_minor: int
    advance_forfeited_minor: int
    payable_minor: int


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * quarter - 2, 1)
    end = (
        dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    ) - dt.timedelta(days=1)
    return start, end


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def term_quarters(licence: Licence) -> list[tuple[int, int]]:
    """Every quarter that overlaps the licence's term, in order."""
    out, (year, q) = [], quarter_of(licence.starts_on)
    while quarter_bounds(year, q)[0] <= licence.ends_on:
        out.append((year, q))
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return out


def compute_statement(
    *,
    sales: Mapping[str, tuple[int, int]],
    rates: Mapping[str, int],
    advance_minor: int,
    earned_before_minor: int,
    recouped_before_minor: int,
    minimum_guarantee_minor: int,
    final: bool,
) -> StatementFigures:
    """The figures of one quarter from its net sales by category ((amount, units) each)."""
    lines = []
    for category in sorted(sales):
        net, units = sales[category]
        bp = rates.get(category, 0)
        lines.append(
            {
                "category": category,
                "net_sales_minor": net,
                "units": units,
                "royalty_bp": bp,
                "royalty_minor": round_half_even(Fraction(net * bp, 10_000)),
            }
        )
    royalty = sum(line["royalty_minor"] for line in lines)
    earned = earned_before_minor + royalty
    recouped_to_date = min(max(earned, 0), advance_minor)
    recouped = recouped_to_date - recouped_before_minor
    forfeited = shortfall = 0
    if final:
        forfeited = advance_minor - recouped_to_date
        shortfall = max(0, minimum_guarantee_minor - max(earned, advance_minor))
    return StatementFigures(
        lines=lines,
        net_sales_minor=sum(line["net_sales_minor"] for line in lines),
        royalty_minor=royalty,
        advance_recouped_minor=recouped,
        advance_remaining_minor=advance_minor - recouped_to_date - forfeited,
        mg_shortfall_minor=shortfall,
        advance_forfeited_minor=forfeited,
        payable_minor=royalty - recouped,
    )


def _sales(licence: Licence, start: dt.date, end: dt.date | None) -> dict[str, tuple[int, int]]:
    qs = SaleRecord.objects.filter(licence=licence, day__gte=start)
    if end is not None:
        qs = qs.filter(day__lte=end)
    return {
        row["category"]: (row["amount"], row["units"])
        for row in qs.values("category").annotate(amount=Sum("amount_minor"), units=Sum("units"))
    }


def issue_statement(
    *, actor: User | None, licence: Licence, year: int, quarter: int, today: dt.date | None = None
) -> RoyaltyStatement:
    """Issue the statement of ``year`` Q``quarter`` (and any earlier quarter of the term still
    missing); the quarter must overlap the term and have ended. Idempotent: an issued
    quarter is returned as it is. Rights and finance staff and admins (None: the platform)."""
    if actor is not None and not permissions.is_studio_reader(actor):
        raise PermissionDenied(CoreErrorCode.FORBIDDEN, "Studio staff issue statements.")
    today = today or timezone.localdate()
    quarters = term_quarters(licence)
    if (year, quarter) not in quarters or quarter_bounds(year, quarter)[1] >= today:
        raise MerchConflict(MerchErrorCode.INVALID_QUARTER, f"{year}Q{quarter} not issuable.")
    statement = None
    for y, q in quarters[: quarters.index((year, quarter)) + 1]:
        statement = _issue_one(actor, licence, y, q, final=(y, q) == quarters[-1])
    if statement is None:
        raise RuntimeError("no quarter issued")
    return statement


def _issue_one(
    actor: User | None, licence: Licence, year: int, quarter: int, *, final: bool
) -> RoyaltyStatement:
    existing = RoyaltyStatement.objects.filter(licence=licence, year=year, quarter=quarter).first()
    if existing is not None:
        return existing
    start, end = quarter_bounds(year, quarter)
    before = RoyaltyStatement.objects.filter(licence=licence).aggregate(
        earned=Sum("royalty_minor"), recouped=Sum("advance_recouped_minor")
    )
    figures = compute_statement(
        sales=_sales(licence, start, None if final else end),
        rates=dict(licence.categories.values_list("category", "royalty_bp")),
        advance_minor=licence.advance_minor,
        earned_before_minor=before["earned"] or 0,
        recouped_before_minor=before["recouped"] or 0,
        minimum_guarantee_minor=licence.minimum_guarantee_minor,
        final=final,
    )
    try:
        with transaction.atomic():
            statement = RoyaltyStatement.objects.create(
                licence=licence,
                year=year,
                quarter=quarter,
                period_start=start,
                period_end=end,
                currency=licence.currency,
                **asdict(figures),
                final=final,
                issued_by=actor,
                issued_at=timezone.now(),
            )
            events.publish(
                events.STATEMENT_ISSUED,
                aggregate="merch.statement",
                aggregate_id=statement.pk,
                payload={
                    "statement_id": statement.pk,
                    "licence_id": licence.pk,
                    "title_id": licence.title_id,
                    "merchant_id": licence.merchant_id,
                    "currency": licence.currency,
                    "royalty_minor": figures.royalty_minor,
                    "advance_recouped_minor": figures.advance_recouped_minor,
                    "payable_minor": figures.payable_minor,
                    "mg_shortfall_minor": figures.mg_shortfall_minor,
                    "advance_forfeited_minor": figures.advance_forfeited_minor,
                    "period_end": end.isoformat(),
                },
            )
    except IntegrityError:
        # Issued concurrently: the first one stands.
        return RoyaltyStatement.objects.get(licence=licence, year=year, quarter=quarter)
    return statement
