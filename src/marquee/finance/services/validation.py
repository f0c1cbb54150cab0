"""Checks of an entry before anything is written, and its CNY amounts.

Every refusal of the posting service is raised from here, before the first
write, as a :class:`~marquee.finance.errors.FinanceError` with a stable code.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db import connection

from marquee.core.errors import DomainError
from marquee.core.money import get_currency, round_half_even
from marquee.finance.errors import FinanceError, FinanceErrorCode
from marquee.finance.models import FUNCTIONAL_CURRENCY
from marquee.finance.rates import dated_quote

#: Decimal places kept of a rate on a line (the column's scale).
_RATE_PLACES = 16


@dataclass(frozen=True, slots=True)
class LineSpec:
    """One line to post: exactly one of ``debit_minor``/``credit_minor`` is positive.

    ``functional_minor`` fixes the CNY amount instead of converting at the
    day's rate (a reversal copies the original's; an FX deal states what was
    paid); ``rate`` then records the rate it implies.
    """

    account: str
    segment: str
    currency: str
    debit_minor: int = 0
    credit_minor: int = 0
    venue_id: int | None = None
    title_id: int | None = None
    project: str = ""
    reference: str = ""
    functional_minor: int | None = None
    rate: Decimal | None = None

    @property
    def amount_minor(self) -> int:
        return self.debit_minor or self.credit_minor

    @property
    def is_debit(self) -> bool:
        return self.debit_minor > 0


def refuse(code: FinanceErrorCode, message: str, **detail: Any) -> FinanceError:
    return FinanceError(code, message, **detail)


def check_shape(lines: Sequence[LineSpec]) -> None:
    if len(lines) < 2:
        raise refuse(FinanceErrorCode.EMPTY_ENTRY, "An entry needs at least two lines.")
    for index, line in enumerate(lines):
        amounts = (line.debit_minor, line.credit_minor)
        if any(type(a) is not int for a in amounts):
            raise refuse(
                FinanceErrorCode.INVALID_LINE,
                "Amounts are integers of minor units.",
                line=index,
            )
        if min(amounts) < 0 or (line.debit_minor > 0) == (line.credit_minor > 0):
            raise refuse(
                FinanceErrorCode.INVALID_LINE,
                "Each line has exactly one positive side: a debit or a credit.",
                line=index,
            )
        if line.functional_minor is not None and (
            type(line.functional_minor) is not int or line.functional_minor < 0
        ):
            raise refuse(
                FinanceErrorCode.INVALID_LINE,
                "A fixed functional amount is a non-negative integer.",
                line=index,
            )


def check_currencies(lines: Sequence[LineSpec]) -> None:
    for index, line in enumerate(lines):
        try:
            get_currency(line.currency)
        except DomainError as exc:
            raise refuse(
                FinanceErrorCode.UNKNOWN_CURRENCY,
                f"Unknown currency {line.currency!r}.",
                line=index,
                currency=line.currency,
            ) from exc
        if line.currency != line.currency.upper():
            raise refuse(
                FinanceErrorCode.UNKNOWN_CURRENCY,
                f"Currency codes are upper case, not {line.currency!r}.",
                line=index,
                currency=line.currency,
            )
    by_currency: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for line in lines:
        by_currency[line.currency][0] += line.debit_minor
        by_currency[line.currency][1] += line.credit_minor
    if len(by_currency) == 1:
        ((currency, (debit, credit)),) = by_currency.items()
        check_balanced(currency, debit, credit)


def check_balanced(currency: str, debit: int, credit: int) -> None:
    if debit != credit:
        raise refuse(
            FinanceErrorCode.UNBALANCED_ENTRY,
            f"Debits ({debit}) and credits ({credit}) in {currency} differ.",
            currency=currency,
            debit_minor=debit,
            credit_minor=credit,
        )


def load_chart(lines: Sequence[LineSpec]) -> tuple[dict[str, int], dict[str, int]]:
    """Ids of the lines' accounts and segments, in one query; refuses unknown or closed ones."""
    accounts = sorted({line.account for line in lines})
    segments = sorted({line.segment for line in lines})
    marks_a = ", ".join(["%s"] * len(accounts))
    marks_s = ", ".join(["%s"] * len(segments))
    sql = (
        f"SELECT 'a', id, code, active FROM finance_account WHERE code IN ({marks_a})"  # noqa: S608
        f" UNION ALL SELECT 's', id, code, active FROM finance_segment WHERE code IN ({marks_s})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*accounts, *segments])
        rows = cursor.fetchall()
    found = {(kind, code): (pk, bool(active)) for kind, pk, code, active in rows}
    for code in accounts:
        if ("a", code) not in found:
            raise refuse(
                FinanceErrorCode.UNKNOWN_ACCOUNT, f"No account {code!r} in the chart.", account=code
            )
        if not found[("a", code)][1]:
            raise refuse(
                FinanceErrorCode.INACTIVE_ACCOUNT, f"Account {code!r} is closed.", account=code
            )
    for code in segments:
        if not found.get(("s", code), (0, False))[1]:
            raise refuse(
                FinanceErrorCode.UNKNOWN_SEGMENT, f"No active segment {code!r}.", segment=code
            )
    return (
        {code: found[("a", code)][0] for code in accounts},
        {code: found[("s", code)][0] for code in segments},
    )


def rates(
    lines: Sequence[LineSpec], day: dt.date, known: dict[tuple[str, dt.date], Fraction]
) -> dict[str, Fraction]:
    """CNY per unit of each line's currency on ``day`` (``known`` caches them per batch)."""
    rates: dict[str, Fraction] = {FUNCTIONAL_CURRENCY: Fraction(1)}
    for line in lines:
        if line.currency in rates or line.functional_minor is not None:
            continue
        if (line.currency, day) in known:
            rates[line.currency] = known[(line.currency, day)]
            continue
        rates[line.currency] = known[(line.currency, day)] = dated_quote(
            line.currency, FUNCTIONAL_CURRENCY, day
        ).rate
    return rates


def functional_amounts(lines: Sequence[LineSpec], rates: dict[str, Fraction]) -> list[int]:
    """Each line's CNY amount; converted lines round once per currency and side.

    The total of each currency's debits (and credits) is converted and
    rounded once, and the rounding residue goes to that side's largest line,
    so a currency whose debits equal its credits balances in CNY too.
    """
    amounts: list[int] = [0] * len(lines)
    groups: dict[tuple[str, bool], list[int]] = defaultdict(list)
    for index, line in enumerate(lines):
        if line.functional_minor is not None:
            amounts[index] = line.functional_minor
        else:
            groups[(line.currency, line.is_debit)].append(index)
    for (currency, _side), indexes in groups.items():
        scale = rates[currency] * Fraction(
            get_currency(FUNCTIONAL_CURRENCY).minor_per_major,
            get_currency(currency).minor_per_major,
        )
        total = round_half_even(sum(lines[i].amount_minor for i in indexes) * scale)
        for i in indexes:
            amounts[i] = round_half_even(lines[i].amount_minor * scale)
        largest = max(indexes, key=lambda i: lines[i].amount_minor)
        amounts[largest] += total - sum(amounts[i] for i in indexes)
    return amounts


def line_rate(line: LineSpec, functional: int, rates: dict[str, Fraction]) -> Decimal:
    if line.rate is not None:
        return line.rate
    if line.currency in rates:
        exact = rates[line.currency]
    else:
        major = Fraction(
            get_currency(line.currency).minor_per_major,
            get_currency(FUNCTIONAL_CURRENCY).minor_per_major,
        )
        exact = Fraction(functional, line.amount_minor) * major
    quantum = Decimal(1).scaleb(-_RATE_PLACES)
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(quantum)
