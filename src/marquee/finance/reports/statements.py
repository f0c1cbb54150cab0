"""The trial balance and the balance sheet, both read from the rollup.

The trial balance lists every account's net balance on its side (debit or
credit) as at a day, or its movement over a range; its two columns are equal
by construction of the ledger, and ``balanced`` says so. The balance sheet
groups asset, liability and equity accounts; the result of revenue and
expense accounts not yet transferred shows as an equity line, so assets equal
liabilities plus equity.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from marquee.finance.models import Account
from marquee.finance.reports._rollup import (
    Chart,
    Translation,
    localized_name,
    sums_between,
    translations,
)


@dataclass(frozen=True, slots=True)
class TrialBalanceRow:
    code: str
    name: str
    type: str
    debit: int
    credit: int
    convenience_debit: int | None
    convenience_credit: int | None

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "type": self.type,
            "debit": self.debit,
            "credit": self.credit,
            "convenience_debit": self.convenience_debit,
            "convenience_credit": self.convenience_credit,
        }


@dataclass(frozen=True, slots=True)
class TrialBalance:
    date_from: dt.date | None
    date_to: dt.date
    currency: str
    presentation: Translation
    convenience: Translation | None
    rows: tuple[TrialBalanceRow, ...]

    @property
    def total_debit(self) -> int:
        return sum(r.debit for r in self.rows)

    @property
    def total_credit(self) -> int:
        return sum(r.credit for r in self.rows)

    @property
    def balanced(self) -> bool:
        return self.total_debit == self.total_credit

    @property
    def rates(self) -> list[dict]:
        return [t.as_dict() for t in (self.presentation, self.convenience) if t is not None]


def _net_by_account(sums) -> dict[int, int]:
    """Debit-minus-credit per account (all segments)."""
    net: dict[int, int] = defaultdict(int)
    for (account_id, _segment_id), (debit, credit) in sums.items():
        net[account_id] += debit - credit
    return net


def _sided(net: int, translation: Translation | None) -> tuple[int, int] | tuple[None, None]:
    if translation is None:
        return None, None
    amount = translation.apply(abs(net))
    return (amount, 0) if net >= 0 else (0, amount)


def trial_balance(
    *,
    date_to: dt.date,
    date_from: dt.date | None = None,
    currency: str = "CNY",
    convenience_currency: str | None = None,
) -> TrialBalance:
    """Each account's balance at ``date_to`` (or its movement since ``date_from``).

    Accounts with nothing posted are left out. Translated amounts use the rate
    of ``date_to``; each side is translated row by row (the translated totals
    may differ from each other by rounding, the CNY totals never do).
    """
    presentation, convenience = translations(
        currency=currency, convenience_currency=convenience_currency, on=date_to
    )
    chart = Chart.load()
    sums = sums_between(date_from, date_to)
    touched = {account_id for account_id, _segment_id in sums}
    net = _net_by_account(sums)
    rows = []
    for account in sorted((chart.accounts[i] for i in touched), key=lambda a: a.code):
        debit, credit = _sided(net[account.pk], presentation)
        conv_debit, conv_credit = _sided(net[account.pk], convenience)
        rows.append(
            TrialBalanceRow(
                code=account.code,
                name=localized_name(account),
                type=account.type,
                debit=debit,
                credit=credit,
                convenience_debit=conv_debit,
                convenience_credit=conv_credit,
            )
        )
    return TrialBalance(
        date_from=date_from,
        date_to=date_to,
        currency=presentation.currency,
        presentation=presentation,
        convenience=convenience,
        rows=tuple(rows),
    )


# --- balance sheet ------------------------------------------------------------------------

SECTIONS = (
    ("assets", _("Assets"), Account.Type.ASSET),
    ("liabilities", _("Liabilities"), Account.Type.LIABILITY),
    ("equity", _("Equity"), Account.Type.EQUITY),
)


@dataclass(frozen=True, slots=True)
class SheetRow:
    code: str
    name: str
    amount: int
    convenience: int | None
    prior: int | None

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "amount": self.amount,
            "convenience": self.convenience,
            "prior": self.prior,
        }


@dataclass(frozen=True, slots=True)
class SheetSection:
    key: str
    label: str
    rows: tuple[SheetRow, ...]

    @property
    def total(self) -> int:
        return sum(r.amount for r in self.rows)

    @property
    def prior_total(self) -> int | None:
        priors = [r.prior for r in self.rows]
        return None if any(p is None for p in priors) else sum(priors)  # type: ignore[misc]

    @property
    def convenience_total(self) -> int | None:
        values = [r.convenience for r in self.rows]
        return None if any(v is None for v in values) else sum(values)  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class BalanceSheet:
    date_to: dt.date
    compare_to: dt.date | None
    currency: str
    presentation: Translation
    convenience: Translation | None
    sections: tuple[SheetSection, ...]

    def section(self, key: str) -> SheetSection:
        return next(s for s in self.sections if s.key == key)

    @property
    def balanced(self) -> bool:
        assets = self.section("assets").total
        return assets == self.section("liabilities").total + self.section("equity").total

    @property
    def rates(self) -> list[dict]:
        return [t.as_dict() for t in (self.presentation, self.convenience) if t is not None]


#: The equity line that carries the result of revenue and expense accounts.
RESULT_CODE = "result"


def _positions(date_to: dt.date, chart: Chart) -> dict[str, int]:
    """Signed CNY position per account code (assets debit-positive, the rest credit-positive)."""
    out: dict[str, int] = defaultdict(int)
    for account_id, net in _net_by_account(sums_between(None, date_to)).items():
        account = chart.accounts[account_id]
        if account.type == Account.Type.ASSET:
            out[account.code] += net
        elif account.type in (Account.Type.LIABILITY, Account.Type.EQUITY):
            out[account.code] -= net
        else:
            out[RESULT_CODE] -= net
    return out


def balance_sheet(
    *,
    date_to: dt.date,
    compare_to: dt.date | None = None,
    currency: str = "CNY",
    convenience_currency: str | None = None,
) -> BalanceSheet:
    """Assets, liabilities and equity as at ``date_to`` (and ``compare_to`` beside them).

    Every account is translated at the rate of ``date_to`` and the equity's
    result line absorbs the translation's rounding, so the translated sheet
    balances too.
    """
    presentation, convenience = translations(
        currency=currency, convenience_currency=convenience_currency, on=date_to
    )
    chart = Chart.load()
    now = _positions(date_to, chart)
    before = _positions(compare_to, chart) if compare_to is not None else None
    by_code = {a.code: a for a in chart.accounts.values()}
    sections = []
    for key, label, account_type in SECTIONS:
        codes = sorted(
            c
            for c in set(now) | set(before or {})
            if c != RESULT_CODE and by_code[c].type == account_type
        )
        rows = [
            SheetRow(
                code=code,
                name=localized_name(by_code[code]),
                amount=presentation.apply(now.get(code, 0)),
                convenience=convenience.apply(now.get(code, 0)) if convenience else None,
                prior=presentation.apply(before.get(code, 0)) if before is not None else None,
            )
            for code in codes
        ]
        sections.append(SheetSection(key=key, label=str(label), rows=tuple(rows)))
    assets, liabilities, equity = sections
    result = _balancing_result(assets, liabilities, equity, now, before, presentation, convenience)
    sections[2] = SheetSection(key="equity", label=equity.label, rows=(*equity.rows, result))
    return BalanceSheet(
        date_to=date_to,
        compare_to=compare_to,
        currency=presentation.currency,
        presentation=presentation,
        convenience=convenience,
        sections=tuple(sections),
    )


def _balancing_result(
    assets: SheetSection,
    liabilities: SheetSection,
    equity: SheetSection,
    now: dict[str, int],
    before: dict[str, int] | None,
    presentation: Translation,
    convenience: Translation | None,
) -> SheetRow:
    """The result not yet transferred: exactly the CNY figure, and the balancing one translated."""

    def plug(column: str) -> int | None:
        values = [getattr(r, column) for s in (assets, liabilities, equity) for r in s.rows]
        if any(v is None for v in values):
            return None
        total = lambda s: sum(getattr(r, column) for r in s.rows)  # noqa: E731
        return total(assets) - total(liabilities) - total(equity)

    if presentation.is_identity:
        amount = now.get(RESULT_CODE, 0)
        prior = before.get(RESULT_CODE, 0) if before is not None else None
    else:
        amount = plug("amount")  # type: ignore[assignment]
        prior = plug("prior") if before is not None else None
    return SheetRow(
        code=RESULT_CODE,
        name=str(_("Result not yet transferred to retained earnings")),
        amount=amount,
        convenience=plug("convenience") if convenience is not None else None,
        prior=prior,
    )
