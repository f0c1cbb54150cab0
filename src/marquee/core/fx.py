"""Currency conversion with dated rates.

A rate applies from its ``valid_from`` day until the next rate of the same
pair. Conversion is exact until the very end, where the result is rounded
half-to-even once to the target currency's minor unit. The day is a plain
``date``: callers cut the business day in the venue's zone before asking.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from marquee.core.errors import CoreErrorCode, DomainError
from marquee.core.models import ExchangeRate
from marquee.core.money import Money, exact_fraction, get_currency, round_half_even


@dataclass(frozen=True, slots=True)
class Quote:
    """The rate that applies to ``base → quote`` on a day, and where it came from."""

    base: str
    quote: str
    rate: Fraction  # exact; the inverse of a stored rate stays exact
    valid_from: dt.date
    inverted: bool  # True when derived from the stored quote → base rate
    source: str

    @property
    def rate_decimal(self) -> Decimal:
        return _to_decimal(self.rate)


def _to_decimal(value: Fraction) -> Decimal:
    # Exact for stored rates; an inverse rate is rounded to the context's 28 digits.
    return Decimal(value.numerator) / Decimal(value.denominator)


def _check_day(on: object) -> dt.date:
    if isinstance(on, dt.datetime) or not isinstance(on, dt.date):
        raise TypeError(
            "on must be a date (cut the business day in the venue's zone), "
            f"not {type(on).__name__}."
        )
    return on


def quote_on(base: str, quote: str, on: dt.date) -> Quote:
    """The :class:`Quote` for ``base → quote`` on day ``on``.

    The latest stored ``base → quote`` rate with ``valid_from <= on`` is used;
    when the stored ``quote → base`` rate is more recent, its exact inverse is
    used instead (on the same day the direct rate wins). Same currency → 1.

    Raises ``unknown_currency`` and ``no_exchange_rate`` (naming the pair and
    the day) as :class:`DomainError`.
    """
    base_code = get_currency(base).code
    quote_code = get_currency(quote).code
    day = _check_day(on)
    if base_code == quote_code:
        return Quote(base_code, quote_code, Fraction(1), dt.date.min, False, "identity")
    direct = (
        ExchangeRate.objects.filter(base=base_code, quote=quote_code, valid_from__lte=day)
        .order_by("-valid_from")
        .only("rate", "valid_from", "source")
        .first()
    )
    inverse = (
        ExchangeRate.objects.filter(base=quote_code, quote=base_code, valid_from__lte=day)
        .order_by("-valid_from")
        .only("rate", "valid_from", "source")
        .first()
    )
    if inverse is not None and (direct is None or inverse.valid_from > direct.valid_from):
        return Quote(
            base_code,
            quote_code,
            1 / Fraction(inverse.rate),
            inverse.valid_from,
            True,
            inverse.source,
        )
    if direct is not None:
        return Quote(
            base_code, quote_code, Fraction(direct.rate), direct.valid_from, False, direct.source
        )
    raise DomainError(
        CoreErrorCode.NO_RATE,
        f"No {base_code}→{quote_code} exchange rate covers {day.isoformat()}.",
        status=422,
        base=base_code,
        quote=quote_code,
        on=day.isoformat(),
    )


def rate_on(base: str, quote: str, on: dt.date) -> Decimal:
    """How many ``quote`` units one ``base`` unit buys on day ``on``.

    See :func:`quote_on` for the rules and errors. A rate derived by
    inversion is rounded to 28 significant digits here; :func:`convert`
    uses it exactly.
    """
    return quote_on(base, quote, on).rate_decimal


def convert_at(money: Money, to: str, rate: Decimal | int | Fraction) -> Money:
    """``money`` in currency ``to`` at ``rate`` (``to`` units per ``money.currency`` unit).

    Exact arithmetic, then one half-to-even rounding to ``to``'s minor unit.
    Floats raise :class:`TypeError`; a non-positive rate ``invalid_exchange_rate``.
    """
    target = get_currency(to)
    exact_rate = exact_fraction(rate, "rate")
    if exact_rate <= 0:
        raise DomainError(CoreErrorCode.INVALID_EXCHANGE_RATE, "An exchange rate must be positive.")
    if target.code == money.currency:
        if exact_rate != 1:
            raise DomainError(
                CoreErrorCode.INVALID_EXCHANGE_RATE, "A currency converts to itself at 1."
            )
        return money
    source = money.currency_info
    exact = money.minor * exact_rate * Fraction(target.minor_per_major, source.minor_per_major)
    return Money(round_half_even(exact), target.code)


def convert(money: Money, to: str, on: dt.date) -> Money:
    """``money`` in currency ``to`` at the rate of day ``on``, rounded half-to-even once.

    Raises ``unknown_currency`` and ``no_exchange_rate`` (:class:`DomainError`).
    """
    if not isinstance(money, Money):
        raise TypeError(f"convert() takes Money, not {type(money).__name__}.")
    return convert_at(money, to, quote_on(money.currency, to, on).rate)
