"""Programme services: create a programme and its budgets, commit, disburse (posts to the ledger)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from marquee.core.money import get_currency, round_half_even
from marquee.finance.calendar import fiscal_year_of
from marquee.finance.errors import (
    FinanceError,
    FinanceErrorCode,
    OverCommitment,
    ProgrammeNotFound,
)
from marquee.finance.programmes.models import (
    Category,
    Commitment,
    Disbursement,
    Programme,
    ProgrammeBudget,
)
from marquee.finance.rates import dated_quote, known_currency
from marquee.finance.services import LineSpec, post_entry

#: Where a disbursement of each category is booked: (debit account, segment).
#: Content is an investment (an asset amortised later); people are an expense.
POSTING: dict[str, tuple[str, str]] = {
    Category.FILM: ("1400", "content"),
    Category.RIGHTS: ("1400", "content"),
    Category.TV_SERIES: ("1400", "content"),
    Category.CONCERTS: ("1400", "content"),
    Category.VENUES: ("1200", "promotion_distribution"),
    Category.TALENT: ("6220", "corporate"),
    Category.SCHOLARSHIPS: ("6220", "corporate"),
}
CASH_ACCOUNT = "1010"


def _category(value: str) -> str:
    if value not in Category.values:
        raise FinanceError(
            FinanceErrorCode.UNKNOWN_CATEGORY,
            f"Unknown category {value!r}; one of {', '.join(Category.values)}.",
            category=value,
        )
    return value


def to_programme_currency(
    *, amount_minor: int, currency: str, programme: Programme, on: dt.date
) -> tuple[int, Decimal]:
    """``amount_minor`` of ``currency`` in the programme's currency at ``on``'s rate, and the rate.

    Raises ``missing_rate`` when no rate covers the day.
    """
    rate = dated_quote(currency, programme.currency, on).rate
    scale = Fraction(
        get_currency(programme.currency).minor_per_major,
        get_currency(currency).minor_per_major,
    )
    converted = round_half_even(amount_minor * rate * scale)
    return converted, (Decimal(rate.numerator) / Decimal(rate.denominator)).quantize(
        Decimal(1).scaleb(-16)
    )


def create_programme(
    *,
    code: str,
    names: tuple[str, str, str],
    currency: str,
    first_year: int,
    budgets: Mapping[str, Mapping[int, int]],
) -> Programme:
    """A programme whose total is the sum of ``budgets`` (category → fiscal year → minor units).

    Re-running with the same code replaces the budgets (the demo is idempotent);
    a budget below what is already committed is refused (``over_commitment``).
    """
    currency = known_currency(currency)
    years = sorted({year for per_year in budgets.values() for year in per_year})
    if not years or years[0] < first_year:
        raise FinanceError(
            FinanceErrorCode.INVALID_PERIOD, "Budgets start in or after the programme's first year."
        )
    total = sum(amount for per_year in budgets.values() for amount in per_year.values())
    with transaction.atomic():
        fields = {
            "name_en": names[0],
            "name_zh_hans": names[1],
            "name_zh_hant": names[2],
            "currency": currency,
            "total_minor": total,
            "first_year": first_year,
            "years": years[-1] - first_year + 1,
        }
        programme, _created = Programme.objects.select_for_update().update_or_create(
            code=code,
            defaults=fields,
            create_defaults={**fields, "created_at": timezone.now()},
        )
        for category, per_year in budgets.items():
            for year, amount in per_year.items():
                committed = _committed(programme, _category(category), year)
                if amount < committed:
                    raise OverCommitment(
                        FinanceErrorCode.OVER_COMMITMENT,
                        f"{category} FY{year} has {committed} committed; the budget cannot be less.",
                        category=category,
                        fiscal_year=year,
                    )
                ProgrammeBudget.objects.update_or_create(
                    programme=programme,
                    category=category,
                    fiscal_year=year,
                    defaults={"amount_minor": amount},
                )
    return programme


def _committed(programme: Programme, category: str, year: int) -> int:
    return (
        Commitment.objects.filter(
            programme=programme, category=category, fiscal_year=year
        ).aggregate(total=Sum("programme_amount_minor"))["total"]
        or 0
    )


def _lock_programme(code: str) -> Programme:
    programme = Programme.objects.select_for_update().filter(code=code).first()
    if programme is None:
        raise ProgrammeNotFound(
            FinanceErrorCode.PROGRAMME_NOT_FOUND, f"No programme {code!r}.", programme=code
        )
    return programme


def _funded_type(funded_type: str | None, funded_id: str) -> ContentType | None:
    if not funded_type:
        return None
    app_label, _dot, model = funded_type.partition(".")
    content_type = ContentType.objects.filter(app_label=app_label, model=model.lower()).first()
    model_class = content_type.model_class() if content_type else None
    if model_class is None or not model_class._default_manager.filter(pk=funded_id).exists():
        raise FinanceError(
            FinanceErrorCode.UNKNOWN_FUNDED_OBJECT,
            f"No {funded_type} with id {funded_id!r} to fund.",
            funded_type=funded_type,
            funded_id=funded_id,
        )
    return content_type


def commit_funds(
    *,
    programme_code: str,
    category: str,
    date: dt.date,
    currency: str,
    amount_minor: int,
    funded_label: str,
    funded_type: str | None = None,
    funded_id: str = "",
    fiscal_year: int | None = None,
    memo: str = "",
    created_by: Any = None,
) -> Commitment:
    """Reserve ``amount_minor`` of ``currency`` in ``category``'s budget for ``fiscal_year``.

    The amount counts in the programme's currency at ``date``'s rate. The
    programme row is locked, so two commitments cannot both take the last of
    the headroom. Raises ``programme_not_found``, ``unknown_category``,
    ``unknown_currency``, ``invalid_line`` (amount), ``invalid_period`` (year
    outside the programme), ``unknown_funded_object``, ``missing_rate`` and
    ``over_commitment`` (409, with the headroom left).
    """
    category = _category(category)
    currency = known_currency(currency)
    if type(amount_minor) is not int or amount_minor <= 0:
        raise FinanceError(FinanceErrorCode.INVALID_LINE, "The amount is a positive integer.")
    year = fiscal_year if fiscal_year is not None else fiscal_year_of(date)
    with transaction.atomic():
        programme = _lock_programme(programme_code)
        if year not in programme.fiscal_years:
            raise FinanceError(
                FinanceErrorCode.INVALID_PERIOD,
                f"FY{year} is outside the programme (FY{programme.first_year}–"
                f"FY{programme.fiscal_years[-1]}).",
                fiscal_year=year,
            )
        content_type = _funded_type(funded_type, str(funded_id))
        converted, rate = to_programme_currency(
            amount_minor=amount_minor, currency=currency, programme=programme, on=date
        )
        budget = (
            ProgrammeBudget.objects.filter(programme=programme, category=category, fiscal_year=year)
            .values_list("amount_minor", flat=True)
            .first()
            or 0
        )
        headroom = budget - _committed(programme, category, year)
        if converted > headroom:
            raise OverCommitment(
                FinanceErrorCode.OVER_COMMITMENT,
                f"{category} FY{year} has {headroom} {programme.currency} minor units left; "
                f"this commitment needs {converted}.",
                category=category,
                fiscal_year=year,
                headroom_minor=headroom,
                requested_minor=converted,
                currency=programme.currency,
            )
        return Commitment.objects.create(
            programme=programme,
            category=category,
            fiscal_year=year,
            date=date,
            currency=currency,
            amount_minor=amount_minor,
            programme_amount_minor=converted,
            rate=rate,
            funded_type=content_type,
            funded_id=str(funded_id) if content_type else "",
            funded_label=funded_label[:200],
            memo=memo[:500],
            created_by=created_by,
            created_at=timezone.now(),
        )


def disburse(
    *,
    commitment_id: int,
    date: dt.date,
    amount_minor: int,
    memo: str = "",
    created_by: Any = None,
) -> Disbursement:
    """Pay ``amount_minor`` (the commitment's currency) and post it to the ledger.

    Dr the category's account (content investment, prepayment or expense),
    Cr cash, in the commitment's currency through ``post_entry``, in the same
    transaction. Raises ``commitment_not_found``, ``invalid_line``,
    ``over_disbursement`` (past what is committed) and whatever
    ``post_entry`` refuses (``period_closed``, ``missing_rate``…).
    """
    if type(amount_minor) is not int or amount_minor <= 0:
        raise FinanceError(FinanceErrorCode.INVALID_LINE, "The amount is a positive integer.")
    with transaction.atomic():
        commitment = (
            Commitment.objects.select_for_update()
            .select_related("programme")
            .filter(pk=commitment_id)
        ).first()
        if commitment is None:
            raise ProgrammeNotFound(
                FinanceErrorCode.COMMITMENT_NOT_FOUND, f"No commitment #{commitment_id}."
            )
        paid = commitment.disbursements.aggregate(total=Sum("amount_minor"))["total"] or 0
        if paid + amount_minor > commitment.amount_minor:
            raise OverCommitment(
                FinanceErrorCode.OVER_DISBURSEMENT,
                f"Commitment #{commitment.pk} has {commitment.amount_minor - paid} "
                f"{commitment.currency} minor units left to pay.",
                remaining_minor=commitment.amount_minor - paid,
                currency=commitment.currency,
            )
        converted, _rate = to_programme_currency(
            amount_minor=amount_minor,
            currency=commitment.currency,
            programme=commitment.programme,
            on=date,
        )
        account, segment = POSTING[commitment.category]
        shared = {
            "segment": segment,
            "currency": commitment.currency,
            "project": commitment.programme.code,
            "reference": f"commitment:{commitment.pk}",
        }
        entry = post_entry(
            date=date,
            memo=(memo or f"{commitment.programme.code}: {commitment.funded_label}")[:500],
            lines=[
                LineSpec(account=account, debit_minor=amount_minor, **shared),
                LineSpec(account=CASH_ACCOUNT, credit_minor=amount_minor, **shared),
            ],
            source="finance.programme_disbursement",
            source_event_id=f"programme-disbursement:{uuid.uuid4()}",
            posted_by=created_by,
        )
        return Disbursement.objects.create(
            commitment=commitment,
            date=date,
            amount_minor=amount_minor,
            programme_amount_minor=converted,
            entry=entry,
            created_by=created_by,
            created_at=timezone.now(),
        )
