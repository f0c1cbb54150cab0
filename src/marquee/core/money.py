"""Money: an exact amount in integer minor units beside an ISO 4217 currency code.

No float is ever accepted: every entry point that takes a number refuses
``float`` with :class:`TypeError`, so a float cannot slip into a price, a
fee or a conversion. Rounding happens once, half to even, in the few
operations that must round (:meth:`Money.percentage`, :meth:`Money.scaled`
and :func:`marquee.core.fx.convert`); everything else is exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency

from marquee.core.errors import CoreErrorCode, DomainError


@dataclass(frozen=True, slots=True)
class Currency:
    """An ISO 4217 currency: its code and the number of minor-unit digits."""

    code: str
    exponent: int
    name: str

    @property
    def minor_per_major(self) -> int:
        return 10**self.exponent


# The currencies Marquee handles. Exponents are ISO 4217's (and agree with
# CLDR's, so Babel prints exactly the digits we store).
CURRENCIES: dict[str, Currency] = {
    c.code: c
    for c in (
        Currency("CNY", 2, "Chinese yuan renminbi"),
        Currency("HKD", 2, "Hong Kong dollar"),
        Currency("USD", 2, "US dollar"),
        Currency("MOP", 2, "Macanese pataca"),
        Currency("TWD", 2, "New Taiwan dollar"),
        Currency("EUR", 2, "Euro"),
        Currency("GBP", 2, "Pound sterling"),
        Currency("SGD", 2, "Singapore dollar"),
        Currency("JPY", 0, "Japanese yen"),
        Currency("KRW", 0, "South Korean won"),
        Currency("KWD", 3, "Kuwaiti dinar"),
    )
}

# For CharField(choices=...) in forms; models validate in services instead so
# that adding a currency needs no migration.
CURRENCY_CHOICES: list[tuple[str, str]] = [
    (c.code, f"{c.code} — {c.name}") for c in CURRENCIES.values()
]

# Refuse amounts with more than this many digits before the decimal point:
# nothing real is that large, and it keeps a hostile "1E+999999999" from
# turning into a gigantic integer.
MAX_MAJOR_DIGITS = 18
_MAX_FACTOR_DIGITS = 30

# Django language codes → the Babel locale used for money.
_DJANGO_LOCALES = {
    "en": "en",
    "en-us": "en_US",
    "en-gb": "en_GB",
    "zh-hans": "zh_Hans_CN",
    "zh-cn": "zh_Hans_CN",
    "zh-hant": "zh_Hant_HK",
    "zh-hk": "zh_Hant_HK",
    "zh-tw": "zh_Hant_TW",
}


def get_currency(code: object) -> Currency:
    """The :class:`Currency` for ``code`` (case-insensitive).

    Raises :class:`DomainError` ``unknown_currency`` for anything else,
    including non-strings.
    """
    if isinstance(code, str):
        currency = CURRENCIES.get(code.strip().upper())
        if currency is not None:
            return currency
    raise DomainError(
        CoreErrorCode.UNKNOWN_CURRENCY,
        f"{code!r} is not a supported currency; use one of {', '.join(CURRENCIES)}.",
        currency=str(code)[:20],
        supported=list(CURRENCIES),
    )


def _refuse_float(value: object, what: str) -> None:
    if isinstance(value, float):
        raise TypeError(f"{what} must not be a float (got {value!r}); money is never a float.")


def _check_int(value: object, what: str) -> int:
    _refuse_float(value, what)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}.")
    return value


def exact_fraction(value: object, what: str) -> Fraction:
    """An exact ``Fraction`` from an int or a finite Decimal; floats refused."""
    _refuse_float(value, what)
    if isinstance(value, bool):
        raise TypeError(f"{what} must be an int or a Decimal, not bool.")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise DomainError(CoreErrorCode.INVALID_AMOUNT, f"{what} must be finite, not {value}.")
        if not value:
            return Fraction(0)
        # Fraction(Decimal) builds 10**|exponent|: keep hostile exponents out.
        if value.adjusted() > _MAX_FACTOR_DIGITS or int(value.as_tuple().exponent) < -60:
            raise DomainError(CoreErrorCode.INVALID_AMOUNT, f"{what} {value} is out of range.")
        return Fraction(value)
    if isinstance(value, Fraction):
        return value
    raise TypeError(f"{what} must be an int or a Decimal, not {type(value).__name__}.")


def round_half_even(value: Fraction) -> int:
    """Round an exact fraction to the nearest integer, ties to even."""
    # Fraction.__round__ without ndigits is exact banker's rounding.
    return round(value)


@dataclass(frozen=True, slots=True)
class Money:
    """An amount of ``minor`` units (cents, fen) of ``currency``.

    ``Money(1250, "CNY")`` is ¥12.50. The currency code is validated and
    upper-cased; an unknown one raises ``unknown_currency``. Arithmetic and
    comparisons across currencies raise ``currency_mismatch``.
    """

    minor: int
    currency: str

    def __post_init__(self) -> None:
        _check_int(self.minor, "Money.minor")
        object.__setattr__(self, "currency", get_currency(self.currency).code)

    # --- construction -----------------------------------------------------------
    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @classmethod
    def from_decimal(cls, amount: Decimal | int, currency: str) -> Money:
        """``Money.from_decimal(Decimal("12.50"), "CNY") == Money(1250, "CNY")``.

        Trailing zeros are fine (``"12.500"``); any more precision than the
        currency has (``"12.505"`` in CNY) raises ``amount_too_precise`` rather
        than rounding silently. NaN/infinity or absurdly large amounts raise
        ``invalid_amount``. Floats raise :class:`TypeError`.
        """
        cur = get_currency(currency)
        _refuse_float(amount, "amount")
        if isinstance(amount, bool) or not isinstance(amount, int | Decimal):
            raise TypeError(f"amount must be a Decimal or an int, not {type(amount).__name__}.")
        if isinstance(amount, int):
            amount = Decimal(amount)
        if not amount.is_finite():
            raise DomainError(CoreErrorCode.INVALID_AMOUNT, f"{amount} is not an amount of money.")
        if amount and amount.adjusted() >= MAX_MAJOR_DIGITS:
            raise DomainError(
                CoreErrorCode.INVALID_AMOUNT,
                f"{amount} {cur.code} is too large (at most {MAX_MAJOR_DIGITS} digits).",
            )
        sign, digits, exponent = amount.as_tuple()
        exponent = int(exponent)  # finite (checked above), so never "n"/"N"/"F"
        significant = "".join(map(str, digits)).rstrip("0")
        if not significant:
            return cls(0, cur.code)
        # Without trailing zeros the coefficient is not a multiple of 10, so a
        # negative shift always leaves a remainder: too precise for the currency.
        shift = exponent + (len(digits) - len(significant)) + cur.exponent
        if shift < 0:
            raise DomainError(
                CoreErrorCode.AMOUNT_TOO_PRECISE,
                f"{amount} has more decimal places than {cur.code} allows ({cur.exponent}).",
                currency=cur.code,
                decimal_places=cur.exponent,
            )
        minor = int(significant) * 10**shift
        return cls(-minor if sign else minor, cur.code)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Money:
        """The inverse of :meth:`to_dict` (for event payloads and JSON)."""
        return cls(data["minor"], data["currency"])

    # --- views --------------------------------------------------------------------
    @property
    def currency_info(self) -> Currency:
        return CURRENCIES[self.currency]

    def to_decimal(self) -> Decimal:
        """The amount in major units, exactly: ``Money(1250, "CNY") → Decimal("12.50")``."""
        sign, digits, _ = Decimal(self.minor).as_tuple()
        return Decimal((sign, digits, -self.currency_info.exponent))

    def to_dict(self) -> dict[str, Any]:
        return {"minor": self.minor, "currency": self.currency}

    def is_zero(self) -> bool:
        return self.minor == 0

    def __str__(self) -> str:
        return f"{self.to_decimal()} {self.currency}"

    # --- arithmetic -----------------------------------------------------------------
    def _same(self, other: Money, op: str) -> None:
        if self.currency != other.currency:
            raise DomainError(
                CoreErrorCode.CURRENCY_MISMATCH,
                f"Cannot {op} {other.currency} and {self.currency}.",
                currencies=[self.currency, other.currency],
            )

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "add")
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "subtract")
        return Money(self.minor - other.minor, self.currency)

    def __mul__(self, factor: object) -> Money:
        if isinstance(factor, Money):
            return NotImplemented
        return Money(self.minor * _check_int(factor, "the factor"), self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return Money(abs(self.minor), self.currency)

    # --- comparisons (equality is the dataclass's: same minor and currency) ----------
    def _cmp(self, other: object, op: str) -> int | None:
        if not isinstance(other, Money):
            return None
        self._same(other, f"compare ({op})")
        return self.minor - other.minor

    def __lt__(self, other: object) -> bool:
        d = self._cmp(other, "<")
        return NotImplemented if d is None else d < 0

    def __le__(self, other: object) -> bool:
        d = self._cmp(other, "<=")
        return NotImplemented if d is None else d <= 0

    def __gt__(self, other: object) -> bool:
        d = self._cmp(other, ">")
        return NotImplemented if d is None else d > 0

    def __ge__(self, other: object) -> bool:
        d = self._cmp(other, ">=")
        return NotImplemented if d is None else d >= 0

    # --- splitting and rates ------------------------------------------------------------
    def allocate(self, ratios: Sequence[int | Decimal]) -> list[Money]:
        """Split into parts proportional to ``ratios`` that sum exactly to ``self``.

        Largest-remainder method: every part gets the floor of its exact share
        (of the absolute amount), and the units left over go one each to the
        parts with the largest fractional remainders, ties to the earlier
        part. A negative amount is split like its absolute value and negated,
        so ``(-m).allocate(r) == [-p for p in m.allocate(r)]``. A zero ratio
        always gets zero. Ratios must be non-negative ints or finite Decimals,
        not all zero (``invalid_ratios``); floats raise :class:`TypeError`.
        """
        if isinstance(ratios, str | bytes) or not isinstance(ratios, Sequence):
            raise TypeError("ratios must be a sequence of ints or Decimals.")
        weights = [exact_fraction(r, "a ratio") for r in ratios]
        if not weights:
            raise DomainError(CoreErrorCode.INVALID_RATIOS, "Give at least one ratio.")
        if any(w < 0 for w in weights):
            raise DomainError(CoreErrorCode.INVALID_RATIOS, "Ratios must not be negative.")
        total_weight = sum(weights, Fraction(0))
        if total_weight == 0:
            raise DomainError(CoreErrorCode.INVALID_RATIOS, "At least one ratio must be positive.")
        whole = abs(self.minor)
        shares = [whole * w / total_weight for w in weights]
        parts = [s.numerator // s.denominator for s in shares]
        left = whole - sum(parts)
        # Largest fractional remainder first; ties go to the earlier part.
        order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - parts[i]), i))
        for i in order[:left]:
            parts[i] += 1
        sign = -1 if self.minor < 0 else 1
        return [Money(sign * p, self.currency) for p in parts]

    def scaled(self, factor: Decimal | int, /) -> Money:
        """``self × factor`` rounded half-to-even once to a whole minor unit.

        ``Money(1000, "CNY").scaled(Decimal("0.06")) == Money(60, "CNY")``.
        """
        exact = self.minor * exact_fraction(factor, "the factor")
        return Money(round_half_even(exact), self.currency)

    def percentage(self, percent: Decimal | int, /) -> Money:
        """``percent`` per cent of this amount, rounded half-to-even once.

        ``Money(1999, "CNY").percentage(Decimal("12.5"))`` → 12.5 % of ¥19.99
        = 249.875 fen → ``Money(250, "CNY")``. The argument is in per cent
        (``6`` means 6 %, not ``0.06``: for a fraction use :meth:`scaled`), an
        int or a Decimal; floats raise :class:`TypeError`.
        """
        exact = self.minor * exact_fraction(percent, "the percentage") / 100
        return Money(round_half_even(exact), self.currency)


def sum_money(items: Iterable[Money], *, currency: str | None = None) -> Money:
    """The total of ``items``, all in one currency.

    ``currency`` names the currency of the result, so an empty iterable gives
    ``Money.zero(currency)``; without it an empty iterable is an error
    (``invalid_amount``: there is no currency to give a zero in). Mixed
    currencies raise ``currency_mismatch``.
    """
    total: Money | None = Money.zero(currency) if currency is not None else None
    for item in items:
        if not isinstance(item, Money):
            raise TypeError(f"sum_money() takes Money, not {type(item).__name__}.")
        total = item if total is None else total + item
    if total is None:
        raise DomainError(CoreErrorCode.INVALID_AMOUNT, "Cannot sum no amounts without a currency.")
    return total


class MoneyAttribute:
    """A read-only model attribute: the :class:`Money` of a ``*_minor`` column and its currency.

    Models keep money as two columns (an integer of minor units and an ISO 4217
    code); this descriptor joins them::

        class Order(models.Model):
            currency = models.CharField(max_length=3)
            total_minor = models.PositiveIntegerField()
            total = MoneyAttribute("total_minor")      # order.total → Money(…, order.currency)

        class OrderLine(models.Model):
            price_minor = models.PositiveIntegerField()
            price = MoneyAttribute("price_minor", currency="order.currency")

    ``currency`` names the row's currency field, or a dotted path through
    related objects when the row has none of its own (load them with
    ``select_related``, or each read is a query). A ``None`` amount gives
    ``None``. It is not a database field (no migration, no lookups: filter on
    ``total_minor``) and it cannot be assigned: a service writes the
    ``*_minor`` column, from ``money.minor``.
    """

    __slots__ = ("currency_path", "minor_field", "name")

    def __init__(self, minor_field: str, *, currency: str = "currency") -> None:
        self.minor_field = minor_field
        self.currency_path = tuple(currency.split("."))
        self.name = minor_field

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        if instance is None:
            return self
        minor = getattr(instance, self.minor_field)
        if minor is None:
            return None
        currency: Any = instance
        for part in self.currency_path:
            currency = getattr(currency, part)
        return Money(minor, currency)

    def __set__(self, instance: object, value: object) -> None:
        raise AttributeError(
            f"{self.name} is read-only: set {self.minor_field} (and the currency) instead."
        )


def is_supported_currency(code: object) -> bool:
    """Whether ``code`` is, exactly, the upper-case code of a currency Marquee handles.

    For validating input that is stored as given; :func:`get_currency` also
    accepts lower case and raises instead.
    """
    return isinstance(code, str) and code in CURRENCIES


def babel_locale(locale: str | None = None) -> Locale:
    """The Babel locale for a Django language code or a Babel/CLDR identifier.

    ``None`` means the active Django language. Django's ``zh-hans`` and
    ``zh-hant`` map to mainland China and Hong Kong (our users); an unknown
    identifier falls back to English rather than failing a page render.
    """
    if locale is None:
        from django.utils import translation

        locale = translation.get_language() or "en"
    key = locale.strip().lower().replace("_", "-")
    identifier = _DJANGO_LOCALES.get(key, locale.strip().replace("-", "_"))
    try:
        return Locale.parse(identifier)
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse("en")


def format_money(money: Money, locale: str | None = None) -> str:
    """``money`` for people, in ``locale`` (default: the active language).

    ``format_money(Money(123450, "CNY"), "zh-hans") == "¥1,234.50"``;
    in ``"en"`` the same amount is ``"CN¥1,234.50"``.
    """
    return format_currency(money.to_decimal(), money.currency, locale=babel_locale(locale))
