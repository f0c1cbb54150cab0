"""Currencies and dated rates as the finance domain refuses them: FinanceError, stable codes."""

from __future__ import annotations

import datetime as dt

from marquee.core.errors import CoreErrorCode, DomainError
from marquee.core.fx import Quote, quote_on
from marquee.core.money import get_currency
from marquee.finance.errors import FinanceError, FinanceErrorCode


def known_currency(code: str) -> str:
    """The ISO code of ``code`` (any case); raises ``unknown_currency``."""
    try:
        return get_currency(code.upper()).code
    except DomainError as exc:
        raise FinanceError(
            FinanceErrorCode.UNKNOWN_CURRENCY, f"Unknown currency {code!r}.", currency=code
        ) from exc


def dated_quote(base: str, quote: str, on: dt.date) -> Quote:
    """The ``base → quote`` rate of day ``on``; raises ``missing_rate`` when none covers it."""
    try:
        return quote_on(base, quote, on)
    except DomainError as exc:
        if exc.code != CoreErrorCode.NO_RATE:
            raise
        raise FinanceError(
            FinanceErrorCode.MISSING_RATE,
            f"No {base}→{quote} rate covers {on.isoformat()}.",
            currency=base,
            on=on.isoformat(),
        ) from exc
