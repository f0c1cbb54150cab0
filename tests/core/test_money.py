"""Money: exact arithmetic, allocation, percentages, parsing and formatting."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from marquee.core.errors import DomainError
from marquee.core.money import (
    CURRENCIES,
    Money,
    MoneyAttribute,
    babel_locale,
    format_money,
    get_currency,
    is_supported_currency,
    sum_money,
)

# Shared CI machines are slow at times; correctness, not speed, is tested here.
no_deadline = hypothesis_settings(deadline=None)

currencies = st.sampled_from(sorted(CURRENCIES))
minors = st.integers(min_value=-(10**15), max_value=10**15)


@st.composite
def money(draw: st.DrawFn, currency: str | None = None) -> Money:
    return Money(draw(minors), currency or draw(currencies))


@st.composite
def same_currency_pair(draw: st.DrawFn) -> tuple[Money, Money]:
    cur = draw(currencies)
    return Money(draw(minors), cur), Money(draw(minors), cur)


int_ratios = st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=12).filter(any)
decimal_ratios = st.lists(
    st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=12,
).filter(lambda rs: any(r > 0 for r in rs))


# --- construction and validation ----------------------------------------------------


def test_currency_codes_are_validated_and_normalised():
    assert Money(100, "cny") == Money(100, "CNY")
    assert Money(100, " hkd ").currency == "HKD"
    for bad in ("XXX", "", "RMB", "usd1", None, 840):
        with pytest.raises(DomainError) as err:
            Money(1, bad)  # type: ignore[arg-type]
        assert err.value.code == "unknown_currency"
    assert get_currency("JPY").exponent == 0
    assert {"CNY", "HKD", "USD"} <= set(CURRENCIES)


def test_exponents_agree_with_babel():
    from babel.numbers import get_currency_precision

    for code, currency in CURRENCIES.items():
        assert get_currency_precision(code) == currency.exponent, code


@pytest.mark.parametrize("bad", [1.5, 0.0, Decimal("1"), "100", True, None])
def test_minor_must_be_a_real_int(bad):
    with pytest.raises(TypeError):
        Money(bad, "CNY")  # type: ignore[arg-type]


@no_deadline
@given(st.floats(allow_nan=True, allow_infinity=True), money())
def test_no_float_is_ever_accepted(f, m):
    with pytest.raises(TypeError):
        Money(f, "CNY")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money.from_decimal(f, "CNY")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        m * f  # type: ignore[operator]
    with pytest.raises(TypeError):
        f * m  # type: ignore[operator]
    with pytest.raises(TypeError):
        m.percentage(f)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        m.scaled(f)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        m.allocate([1, f])  # type: ignore[list-item]


def test_from_decimal_and_to_decimal():
    assert Money.from_decimal(Decimal("12.50"), "CNY") == Money(1250, "CNY")
    assert Money.from_decimal(Decimal("12.500000"), "CNY") == Money(1250, "CNY")
    assert Money.from_decimal(Decimal("-0.01"), "USD") == Money(-1, "USD")
    assert Money.from_decimal(Decimal("1E+3"), "JPY") == Money(1000, "JPY")
    assert Money.from_decimal(12, "HKD") == Money(1200, "HKD")
    assert Money.from_decimal(Decimal("0E-50"), "CNY") == Money(0, "CNY")
    assert Money.from_decimal(Decimal("1.234"), "KWD") == Money(1234, "KWD")
    assert Money(1250, "CNY").to_decimal() == Decimal("12.50")
    assert str(Money(1250, "CNY").to_decimal()) == "12.50"
    assert str(Money(-5, "USD").to_decimal()) == "-0.05"
    assert str(Money(1234, "JPY").to_decimal()) == "1234"
    assert str(Money(1250, "CNY")) == "12.50 CNY"


@pytest.mark.parametrize(
    ("amount", "currency"),
    [
        ("12.505", "CNY"),
        ("0.001", "USD"),
        ("1.5", "JPY"),
        ("1E-999999999", "CNY"),
        ("1.2345", "KWD"),
    ],
)
def test_from_decimal_refuses_more_precision_than_the_currency_has(amount, currency):
    with pytest.raises(DomainError) as err:
        Money.from_decimal(Decimal(amount), currency)
    assert err.value.code == "amount_too_precise"


@pytest.mark.parametrize("amount", ["NaN", "sNaN", "Infinity", "-Infinity", "1E+99999"])
def test_from_decimal_refuses_non_amounts(amount):
    with pytest.raises(DomainError) as err:
        Money.from_decimal(Decimal(amount), "CNY")
    assert err.value.code == "invalid_amount"


@no_deadline
@given(money())
def test_decimal_round_trip(m):
    assert Money.from_decimal(m.to_decimal(), m.currency) == m
    assert Money.from_dict(m.to_dict()) == m


# --- arithmetic laws ------------------------------------------------------------------


@no_deadline
@given(same_currency_pair(), minors, st.integers(-1000, 1000))
def test_addition_and_subtraction_laws(pair, c_minor, k):
    a, b = pair
    c = Money(c_minor, a.currency)
    zero = Money.zero(a.currency)
    assert a + b == b + a
    assert (a + b) + c == a + (b + c)
    assert a + zero == a
    assert a - a == zero
    assert (a + b) - b == a
    assert a - b == a + (-b)
    assert (-a).__neg__() == a
    assert (a + b).minor == a.minor + b.minor
    assert k * (a + b) == k * a + k * b
    assert a * k == k * a
    assert abs(-a) == abs(a)
    assert +a == a


@no_deadline
@given(same_currency_pair())
def test_comparisons_follow_the_minor_units(pair):
    a, b = pair
    assert (a < b) == (a.minor < b.minor)
    assert (a <= b) == (a.minor <= b.minor)
    assert (a > b) == (a.minor > b.minor)
    assert (a >= b) == (a.minor >= b.minor)
    assert (a == b) == (a.minor == b.minor)
    if a == b:
        assert hash(a) == hash(b)


def test_different_currencies_never_mix():
    cny, usd = Money(100, "CNY"), Money(100, "USD")
    for op in (
        lambda: cny + usd,
        lambda: cny - usd,
        lambda: cny < usd,
        lambda: cny >= usd,
    ):
        with pytest.raises(DomainError) as err:
            op()
        assert err.value.code == "currency_mismatch"
    assert cny != usd  # equality is never an error


def test_money_does_not_mix_with_plain_numbers():
    m = Money(100, "CNY")
    with pytest.raises(TypeError):
        m + 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        m * m  # type: ignore[operator]
    with pytest.raises(TypeError):
        m * Decimal("1.5")  # type: ignore[operator]
    with pytest.raises(TypeError):
        m < 5  # type: ignore[operator]  # noqa: B015
    assert m != 100


def test_money_is_immutable():
    m = Money(100, "CNY")
    with pytest.raises(AttributeError):
        m.minor = 5  # type: ignore[misc]
    assert m.minor == 100


def test_sum_money():
    items = [Money(100, "HKD"), Money(250, "HKD"), Money(-50, "HKD")]
    assert sum_money(items) == Money(300, "HKD")
    assert sum_money([], currency="HKD") == Money.zero("HKD")
    assert sum_money(iter(items), currency="HKD") == Money(300, "HKD")
    with pytest.raises(DomainError) as err:
        sum_money([])
    assert err.value.code == "invalid_amount"
    with pytest.raises(DomainError) as err:
        sum_money([Money(1, "HKD"), Money(1, "CNY")])
    assert err.value.code == "currency_mismatch"
    with pytest.raises(DomainError) as err:
        sum_money([Money(1, "HKD")], currency="CNY")
    assert err.value.code == "currency_mismatch"
    with pytest.raises(TypeError):
        sum_money([Money(1, "HKD"), 5])  # type: ignore[list-item]


# --- allocation ---------------------------------------------------------------------


@no_deadline
@given(money(), st.one_of(int_ratios, decimal_ratios))
def test_allocate_always_sums_to_the_whole(m, ratios):
    parts = m.allocate(ratios)
    assert len(parts) == len(ratios)
    assert all(p.currency == m.currency for p in parts)
    assert sum_money(parts) == m
    total = sum(Fraction(r) for r in ratios)
    for part, ratio in zip(parts, ratios, strict=True):
        exact = Fraction(m.minor) * Fraction(ratio) / total
        assert abs(part.minor - exact) < 1  # never more than one unit off its share
        if ratio == 0:
            assert part.minor == 0


@no_deadline
@given(money(), st.integers(min_value=1, max_value=50))
def test_equal_ratios_give_parts_within_one_unit(m, n):
    parts = m.allocate([1] * n)
    minors_ = [p.minor for p in parts]
    assert max(minors_) - min(minors_) <= 1
    assert sum(minors_) == m.minor
    # Deterministic ties: the larger parts come first.
    assert minors_ == sorted(minors_, reverse=m.minor >= 0)


@no_deadline
@given(money(), int_ratios)
def test_allocating_a_negative_amount_mirrors_the_positive_one(m, ratios):
    assert (-m).allocate(ratios) == [-p for p in m.allocate(ratios)]


def test_allocate_examples():
    assert Money(100, "CNY").allocate([1, 1, 1]) == [
        Money(34, "CNY"),
        Money(33, "CNY"),
        Money(33, "CNY"),
    ]
    assert [p.minor for p in Money(2, "CNY").allocate([1, 1, 1])] == [1, 1, 0]
    assert [p.minor for p in Money(-2, "CNY").allocate([1, 1, 1])] == [-1, -1, 0]
    assert [p.minor for p in Money(5, "USD").allocate([3, 7])] == [2, 3]  # 1.5 / 3.5
    assert [p.minor for p in Money(10, "USD").allocate([0, 1, 0])] == [0, 10, 0]
    assert [p.minor for p in Money(0, "USD").allocate([1, 2])] == [0, 0]
    assert [p.minor for p in Money(100, "USD").allocate([Decimal("0.7"), Decimal("0.3")])] == [
        70,
        30,
    ]
    # Largest remainder wins over position: 10 × (0.15, 0.35, 0.5) → 1.5, 3.5, 5.
    assert [p.minor for p in Money(10, "USD").allocate([15, 35, 50])] == [2, 3, 5]


@pytest.mark.parametrize(
    ("ratios", "error"),
    [
        ([], DomainError),
        ([0, 0], DomainError),
        ([1, -1], DomainError),
        ([Decimal("NaN")], DomainError),
        ([1, Decimal("1E+999999999")], DomainError),
        ([1, Decimal("1E-999999999")], DomainError),
        ([1.0], TypeError),
        ([True], TypeError),
        (["1"], TypeError),
        ("12", TypeError),
    ],
)
def test_allocate_refuses_bad_ratios(ratios, error):
    with pytest.raises(error) as err:
        Money(100, "CNY").allocate(ratios)
    if error is DomainError:
        assert err.value.code in {"invalid_ratios", "invalid_amount"}


# --- percentages ------------------------------------------------------------------------


@no_deadline
@given(money(), st.decimals(min_value=-200, max_value=200, places=4))
def test_percentage_rounds_half_even_once(m, pct):
    result = m.percentage(pct)
    exact = Fraction(m.minor) * Fraction(pct) / 100
    assert result.currency == m.currency
    assert abs(result.minor - exact) <= Fraction(1, 2)
    if abs(result.minor - exact) == Fraction(1, 2):
        assert result.minor % 2 == 0


@no_deadline
@given(money())
def test_whole_and_no_percentages(m):
    assert m.percentage(100) == m
    assert m.percentage(0) == Money.zero(m.currency)
    assert m.percentage(Decimal("50")) + m.percentage(Decimal("50")) in {
        m,
        m - Money(1, m.currency),
        m + Money(1, m.currency),
    }


def test_percentage_examples():
    # 12.5 % of ¥19.99 = 249.875 fen → 250
    assert Money(1999, "CNY").percentage(Decimal("12.5")) == Money(250, "CNY")
    # ties go to even, in both directions
    assert Money(5, "CNY").percentage(10) == Money(0, "CNY")  # 0.5
    assert Money(15, "CNY").percentage(10) == Money(2, "CNY")  # 1.5
    assert Money(25, "CNY").percentage(10) == Money(2, "CNY")  # 2.5
    assert Money(-25, "CNY").percentage(10) == Money(-2, "CNY")  # -2.5
    assert Money(-35, "CNY").percentage(10) == Money(-4, "CNY")  # -3.5
    # rounding happens once: 6 % of 1 fen a thousand times is not 1000 × 6 % of 1 fen
    assert Money(1000, "CNY").percentage(Decimal("0.06")) == Money(1, "CNY")
    assert Money(1000, "CNY").scaled(Decimal("0.06")) == Money(60, "CNY")
    assert Money(1000, "CNY").scaled(Decimal("0E-999999999")) == Money(0, "CNY")
    for hostile in (Decimal("1E+999999999"), Decimal("1E-999999999"), Decimal("Infinity")):
        with pytest.raises(DomainError) as err:
            Money(1, "CNY").percentage(hostile)
        assert err.value.code == "invalid_amount"
    assert Money(101, "USD").scaled(Decimal("0.5")) == Money(50, "USD")  # 50.5 → 50
    assert Money(103, "USD").scaled(Decimal("0.5")) == Money(52, "USD")  # 51.5 → 52


# --- formatting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("money_", "locale", "expected"),
    [
        (Money(123450, "CNY"), "en", "CN¥1,234.50"),
        (Money(123450, "CNY"), "zh-hans", "¥1,234.50"),
        (Money(123450, "CNY"), "zh_Hans_CN", "¥1,234.50"),
        (Money(123450, "HKD"), "zh-hant", "HK$1,234.50"),
        (Money(123450, "HKD"), "zh_Hant_HK", "HK$1,234.50"),
        (Money(123450, "USD"), "en", "$1,234.50"),
        (Money(123450, "USD"), "zh-hans", "US$1,234.50"),
        (Money(123450, "USD"), "zh-hant", "US$1,234.50"),
        (Money(-5, "HKD"), "en", "-HK$0.05"),
        (Money(1234, "JPY"), "en", "¥1,234"),
        (Money(0, "CNY"), "zh-hans", "¥0.00"),
    ],
)
def test_format_money_per_locale(money_, locale, expected):
    assert format_money(money_, locale) == expected


def test_format_money_follows_the_active_language():
    m = Money(123450, "CNY")
    with translation.override("zh-hans"):
        assert format_money(m) == "¥1,234.50"
    with translation.override("en"):
        assert format_money(m) == "CN¥1,234.50"


def test_unknown_locale_falls_back_to_english():
    assert str(babel_locale("xx-nowhere")) == "en"
    assert format_money(Money(100, "USD"), "!!") == "$1.00"
    assert str(babel_locale("zh-hant")) == "zh_Hant_HK"


@no_deadline
@given(money())
def test_formatting_never_fails(m):
    for locale in ("en", "zh-hans", "zh-hant"):
        text = format_money(m, locale)
        assert text.startswith("-") == (m.minor < 0)


# --- the model descriptor -------------------------------------------------------------


class _Order:
    total = MoneyAttribute("total_minor")

    def __init__(self, total_minor, currency):
        self.total_minor = total_minor
        self.currency = currency


class _Line:
    price = MoneyAttribute("price_minor", currency="order.currency")

    def __init__(self, price_minor, order):
        self.price_minor = price_minor
        self.order = order


def test_money_attribute_joins_the_minor_column_and_the_rows_currency():
    order = _Order(4500, "CNY")
    assert order.total == Money(4500, "CNY")
    order.total_minor, order.currency = 100, "HKD"  # read fresh each time, never cached
    assert order.total == Money(100, "HKD")
    assert _Line(1200, order).price == Money(1200, "HKD")  # a currency through a relation
    assert _Order(None, "CNY").total is None
    assert isinstance(_Order.total, MoneyAttribute)  # on the class: the descriptor itself


def test_money_attribute_is_read_only_and_refuses_what_money_refuses():
    order = _Order(4500, "CNY")
    with pytest.raises(AttributeError, match="total_minor"):
        order.total = Money(1, "CNY")
    with pytest.raises(DomainError) as exc:
        _ = _Order(1, "XYZ").total
    assert exc.value.code == "unknown_currency"


def test_models_expose_their_money(db):
    from marquee.payments.models import Payment, Refund
    from marquee.venues.models import Venue

    payment = Payment(amount_minor=8800, refunded_minor=800, currency="HKD")
    assert (payment.amount, payment.refunded) == (Money(8800, "HKD"), Money(800, "HKD"))
    assert Refund(amount_minor=5, currency="USD").amount == Money(5, "USD")
    assert Venue(refund_fee_minor=300, currency="CNY").refund_fee == Money(300, "CNY")


def test_ticketing_models_expose_their_money_in_the_right_currency(db):
    from marquee.ticketing.models import (
        Order,
        OrderLine,
        OrderRefund,
        Showtime,
        ShowtimePrice,
        TicketExchange,
    )

    showtime = Showtime(currency="HKD", service_fee_minor=500)
    assert showtime.service_fee == Money(500, "HKD")
    assert ShowtimePrice(showtime=showtime, price_minor=9000).price == Money(9000, "HKD")
    order = Order(
        currency="HKD", subtotal_minor=9000, fees_minor=500, total_minor=9500, refunded_minor=0
    )
    assert (order.subtotal, order.fees, order.total, order.refunded) == (
        Money(9000, "HKD"),
        Money(500, "HKD"),
        Money(9500, "HKD"),
        Money(0, "HKD"),
    )
    assert order.subtotal + order.fees == order.total
    line = OrderLine(order=order, price_minor=9000, fee_minor=500)
    assert (line.price, line.fee) == (Money(9000, "HKD"), Money(500, "HKD"))
    refund = OrderRefund(currency="HKD", amount_minor=9000, fee_minor=500)
    assert (refund.amount, refund.fee) == (Money(9000, "HKD"), Money(500, "HKD"))
    exchange = TicketExchange(currency="HKD", old_value_minor=9500, new_value_minor=8000)
    assert exchange.old_value - exchange.new_value == Money(1500, "HKD")


def test_supported_currencies_are_the_known_list_not_a_shape():
    assert all(is_supported_currency(code) for code in CURRENCIES)
    for code in ("XYZ", "ABC", "cny", "CNYY", "", None, 156):
        assert not is_supported_currency(code), code
