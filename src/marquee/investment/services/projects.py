"""The slate: projects, their stages, budgets, actual costs (posted to the ledger) and funding."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from marquee.catalog.models import Title
from marquee.core.money import get_currency
from marquee.core.text import clean_text
from marquee.finance.services import LineSpec, post_entry
from marquee.investment.errors import (
    InvestmentConflict,
    InvestmentError,
    InvestmentErrorCode,
    InvestmentNotFound,
)
from marquee.investment.models import BudgetCategory, BudgetLine, CostEntry, Project, StageChange

#: Account codes (finance.chart): production costs are capitalised, paid from the bank.
PRODUCTION_COSTS = "1410"
BANK = "1010"
SEGMENT = "content"

_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,118}[a-z0-9])?")

#: The legal moves: forward one stage at a time; anything before release may be cancelled.
NEXT_STAGE: dict[str, str] = {
    Project.Stage.DEVELOPMENT: Project.Stage.PRE_PRODUCTION,
    Project.Stage.PRE_PRODUCTION: Project.Stage.PRODUCTION,
    Project.Stage.PRODUCTION: Project.Stage.POST_PRODUCTION,
    Project.Stage.POST_PRODUCTION: Project.Stage.RELEASE,
}


def legal_moves(stage: str) -> list[str]:
    """The stages a project in ``stage`` may move to."""
    moves = [NEXT_STAGE[stage]] if stage in NEXT_STAGE else []
    if stage not in (Project.Stage.RELEASE, Project.Stage.CANCELLED):
        moves.append(Project.Stage.CANCELLED)
    return moves


def get_project(slug: str) -> Project:
    project = Project.objects.filter(slug=slug).select_related("title").first()
    if project is None:
        raise InvestmentNotFound(
            InvestmentErrorCode.PROJECT_NOT_FOUND, f"No project {slug!r}.", project=slug
        )
    return project


def _currency(code: Any) -> str:
    if not isinstance(code, str):
        code = ""
    return get_currency(code.upper()).code


def create_project(
    *,
    slug: str,
    name_en: str,
    kind: str = Project.Kind.FILM,
    name_zh_hans: str = "",
    name_zh_hant: str = "",
    title: str | None = None,
    currency: str = "CNY",
    logline: str = "",
    user: Any = None,
) -> Project:
    """Put a project on the slate in development (its first stage change is recorded)."""
    if not isinstance(slug, str) or not _SLUG.fullmatch(slug) or kind not in Project.Kind.values:
        raise InvestmentError(InvestmentErrorCode.INVALID_PROJECT, f"Slug {slug!r}, kind {kind!r}.")
    names = {
        "name_en": clean_text(name_en, field="name_en", max_length=300),
        "name_zh_hans": clean_text(name_zh_hans, field="name_zh_hans", max_length=300),
        "name_zh_hant": clean_text(name_zh_hant, field="name_zh_hant", max_length=300),
    }
    if not names["name_en"]:
        raise InvestmentError(InvestmentErrorCode.INVALID_PROJECT, "A project needs a name.")
    linked = None
    if title:
        linked = Title.objects.filter(slug=title).first()
        if linked is None:
            raise InvestmentError(
                InvestmentErrorCode.TITLE_NOT_FOUND, f"No title {title!r}.", title=title
            )
    code = _currency(currency)
    logline = clean_text(logline, field="logline", max_length=500)
    now = timezone.now()
    try:
        with transaction.atomic():
            project = Project.objects.create(
                slug=slug, kind=kind, title=linked, currency=code, logline=logline, **names
            )
            StageChange.objects.create(
                project=project,
                from_stage="",
                to_stage=project.stage,
                changed_by=_user(user),
                changed_at=now,
                note="Created",
            )
    except IntegrityError:
        raise InvestmentConflict(
            InvestmentErrorCode.PROJECT_EXISTS, f"Project {slug!r} exists.", project=slug
        ) from None
    return project


def _user(user: Any) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def move_stage(*, project: str, to_stage: str, user: Any = None, note: str = "") -> StageChange:
    """Move a project to ``to_stage`` if that is a legal move from where it is now.

    The move is one conditional UPDATE (``WHERE stage = <the stage read>``):
    of two racing moves from the same stage only one lands; the other is
    refused as an illegal move from the stage it finds.
    """
    note = clean_text(note, field="note", max_length=500)
    with transaction.atomic():
        current = get_project(project)
        if to_stage not in legal_moves(current.stage):
            raise _illegal(current.stage, to_stage)
        moved = Project.objects.filter(pk=current.pk, stage=current.stage).update(stage=to_stage)
        if moved != 1:
            fresh = Project.objects.get(pk=current.pk).stage
            raise _illegal(fresh, to_stage)
        return StageChange.objects.create(
            project=current,
            from_stage=current.stage,
            to_stage=to_stage,
            changed_by=_user(user),
            changed_at=timezone.now(),
            note=note,
        )


def _illegal(from_stage: str, to_stage: str) -> InvestmentConflict:
    return InvestmentConflict(
        InvestmentErrorCode.ILLEGAL_STAGE_MOVE,
        f"Cannot move from {from_stage} to {to_stage}.",
        from_stage=from_stage,
        to_stage=str(to_stage)[:40],
        allowed=legal_moves(from_stage) if from_stage in Project.Stage.values else [],
    )


def set_budget(
    *, project: str, lines: Iterable[Mapping[str, Any]], as_of: dt.date
) -> list[BudgetLine]:
    """Replace a project's budget: one line per (category, currency), each ≥ 0.

    Validated whole before anything is written; the old lines go in the same
    transaction as the new ones arrive.
    """
    if isinstance(as_of, dt.datetime) or not isinstance(as_of, dt.date):
        raise TypeError("as_of is a date.")
    parsed: dict[tuple[str, str], int] = {}
    for line in lines:
        category = line.get("category")
        if category not in BudgetCategory.values:
            raise InvestmentError(
                InvestmentErrorCode.UNKNOWN_BUDGET_CATEGORY,
                f"Category {category!r}.",
                category=str(category)[:40],
            )
        currency = _currency(line.get("currency"))
        amount = line.get("amount_minor")
        if isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount < 10**15:
            raise InvestmentError(InvestmentErrorCode.INVALID_BUDGET, f"Amount {amount!r}.")
        if (category, currency) in parsed:
            raise InvestmentError(
                InvestmentErrorCode.INVALID_BUDGET, f"{category} {currency} given twice."
            )
        parsed[(category, currency)] = amount
    with transaction.atomic():
        target = get_project(project)
        BudgetLine.objects.filter(project=target).delete()
        return BudgetLine.objects.bulk_create(
            [
                BudgetLine(project=target, category=c, currency=cur, amount_minor=amt, as_of=as_of)
                for (c, cur), amt in sorted(parsed.items())
            ]
        )


def record_cost(
    *,
    project: str,
    category: str,
    date: dt.date,
    currency: str,
    amount_minor: int,
    memo: str = "",
    user: Any = None,
    idempotency_key: str | None = None,
) -> CostEntry:
    """An actual cost: Dr production costs (1410) / Cr bank (1010), against the project.

    The ledger line carries the project's slug and ``budget:<category>`` as
    reference. With an ``idempotency_key`` the same key records the cost once
    (the existing row is returned).
    """
    if category not in BudgetCategory.values:
        raise InvestmentError(
            InvestmentErrorCode.UNKNOWN_BUDGET_CATEGORY,
            f"Category {category!r}.",
            category=str(category)[:40],
        )
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int) or amount_minor <= 0:
        raise InvestmentError(InvestmentErrorCode.INVALID_COST, f"Amount {amount_minor!r}.")
    if amount_minor >= 10**15:
        raise InvestmentError(InvestmentErrorCode.INVALID_COST, f"Amount {amount_minor!r}.")
    code = _currency(currency)
    memo = clean_text(memo, field="memo", max_length=300)
    key = (idempotency_key or "").strip()[:255]
    with transaction.atomic():
        target = get_project(project)
        if key:
            existing = CostEntry.objects.filter(project=target, idempotency_key=key).first()
            if existing is not None:
                return existing
        ref = f"budget:{category}"
        party = {"project": target.slug, "reference": ref, "title_id": target.title_id}
        entry = post_entry(
            date=date,
            memo=(memo or f"{target.name_en}: {category}")[:500],
            lines=[
                LineSpec(PRODUCTION_COSTS, SEGMENT, code, debit_minor=amount_minor, **party),
                LineSpec(BANK, SEGMENT, code, credit_minor=amount_minor, **party),
            ],
            source="investment.cost",
            posted_by=_user(user),
        )
        return CostEntry.objects.create(
            project=target,
            category=category,
            date=date,
            currency=code,
            amount_minor=amount_minor,
            memo=memo,
            journal_entry=entry,
            idempotency_key=key,
            created_by=_user(user),
            created_at=timezone.now(),
        )


def fund_project(
    *,
    project: str,
    programme_code: str,
    user: Any = None,
    memo: str = "",
    category: str,
    date: dt.date,
    currency: str,
    amount_minor: int,
) -> Any:
    """Commit programme funds to a project (finance's ``commit_funds``, funded: this project).

    The commitment points at the project row (``funded_type`` =
    ``investment.project``), so the programme's utilisation and the project's
    funding read the same rows.
    """
    from marquee.finance.programmes.services import commit_funds

    target = get_project(project)
    return commit_funds(
        programme_code=programme_code,
        category=category,
        date=date,
        currency=currency,
        amount_minor=amount_minor,
        funded_label=target.name_en[:200],
        funded_type="investment.project",
        funded_id=str(target.pk),
        memo=memo,
        created_by=_user(user),
    )
