"""Exchange rates: set_rate, rate_on, convert, and the demo rates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from marquee.core import events, fx
from marquee.core.demo import demo_rates, load_demo_rates
from marquee.core.errors import DomainError
from marquee.core.models import ExchangeRate, OutboxEvent
from marquee.core.money import Money
from marquee.core.services import set_rate

# Shared CI machines are slow at times; correctness, not speed, is tested here.
no_deadline = hypothesis_settings(deadline=None)

D = Decimal
JAN = dt.date(2024, 1, 1)
APR = dt.date(2024, 4, 1)


@pytest.fixture
def usd_cny(db):
    set_rate(base="USD", quote="CNY", rate=D("7.1"), valid_from=JAN, source="test")
    set_rate(base="USD", quote="CNY", rate=D("7.2"), valid_from=APR, source="test")


# --- rate_on -------------------------------------------------------------------------


def test_rate_applies_from_its_first_day_until_the_next(usd_cny):
    assert fx.rate_on("USD", "CNY", JAN) == D("7.1")
    assert fx.rate_on("USD", "CNY", dt.date(2024, 3, 31)) == D("7.1")
    assert fx.rate_on("USD", "CNY", APR) == D("7.2")
    assert fx.rate_on("usd", "cny", dt.date(2030, 1, 1)) == D("7.2")


def test_before_the_first_rate_is_an_error_naming_pair_and_day(usd_cny):
    with pytest.raises(DomainError) as err:
        fx.rate_on("USD", "CNY", dt.date(2023, 12, 31))
    assert err.value.code == "no_exchange_rate"
    assert err.value.status == 422
    assert "USD" in err.value.message
    assert "CNY" in err.value.message
    assert "2023-12-31" in err.value.message
    assert err.value.detail == {"base": "USD", "quote": "CNY", "on": "2023-12-31"}
    with pytest.raises(DomainError) as err:
        fx.convert(Money(100, "USD"), "HKD", JAN)  # no USD/HKD rate at all
    assert err.value.code == "no_exchange_rate"


def test_inverse_of_the_stored_rate_is_used(usd_cny):
    quote = fx.quote_on("CNY", "USD", dt.date(2024, 2, 1))
    assert quote.inverted
    assert quote.rate == 1 / Fraction(D("7.1"))
    assert fx.rate_on("CNY", "USD", dt.date(2024, 2, 1)) == D(1) / D("7.1")
    assert fx.convert(Money(710, "CNY"), "USD", dt.date(2024, 2, 1)) == Money(100, "USD")
    assert fx.convert(Money(720, "CNY"), "USD", APR) == Money(100, "USD")


@pytest.mark.django_db
def test_the_more_recent_of_direct_and_inverse_wins_and_direct_wins_a_tie():
    set_rate(base="USD", quote="HKD", rate=D("7.8"), valid_from=JAN)
    set_rate(base="HKD", quote="USD", rate=D("0.125"), valid_from=APR)  # 8 HKD per USD
    assert fx.rate_on("USD", "HKD", dt.date(2024, 2, 1)) == D("7.8")
    assert fx.rate_on("USD", "HKD", APR) == D(8)
    set_rate(base="USD", quote="HKD", rate=D("7.75"), valid_from=APR)
    assert fx.rate_on("USD", "HKD", APR) == D("7.75")
    assert fx.rate_on("HKD", "USD", APR) == D("0.125")


@pytest.mark.django_db
def test_same_currency_needs_no_rate():
    assert ExchangeRate.objects.count() == 0
    assert fx.rate_on("CNY", "CNY", dt.date(1990, 1, 1)) == 1
    m = Money(12345, "CNY")
    assert fx.convert(m, "cny", dt.date(1990, 1, 1)) == m


@pytest.mark.django_db
def test_conversion_rounds_half_even_once_at_the_end():
    # 1 USD = 6 CNY: 3 fen = 0.5 cent → 0; 9 fen = 1.5 cents → 2; -3 fen → -0.
    set_rate(base="USD", quote="CNY", rate=D(6), valid_from=JAN)
    assert fx.convert(Money(3, "CNY"), "USD", JAN) == Money(0, "USD")
    assert fx.convert(Money(9, "CNY"), "USD", JAN) == Money(2, "USD")
    assert fx.convert(Money(15, "CNY"), "USD", JAN) == Money(2, "USD")
    assert fx.convert(Money(-9, "CNY"), "USD", JAN) == Money(-2, "USD")
    # Rounding the inverse rate first (28 digits) would tip 0.5 cent up to 1 cent.
    rounded_rate = fx.rate_on("CNY", "USD", JAN)
    assert fx.convert_at(Money(3, "CNY"), "USD", rounded_rate) == Money(1, "USD")


@pytest.mark.django_db
def test_conversion_between_exponents():
    set_rate(base="USD", quote="JPY", rate=D(150), valid_from=JAN)
    assert fx.convert(Money(1, "USD"), "JPY", JAN) == Money(2, "JPY")  # 1.5 yen → 2
    assert fx.convert(Money(3, "USD"), "JPY", JAN) == Money(4, "JPY")  # 4.5 yen → 4
    assert fx.convert(Money(1000, "JPY"), "USD", JAN) == Money(667, "USD")  # 6.666… → 6.67
    set_rate(base="KWD", quote="USD", rate=D("3.25"), valid_from=JAN)
    assert fx.convert(Money(1000, "KWD"), "USD", JAN) == Money(325, "USD")


@no_deadline
@given(
    st.integers(-(10**12), 10**12),
    st.decimals(min_value=D("0.0001"), max_value=D(10000), places=4),
)
def test_convert_at_is_exact_then_rounded_once(minor, rate):
    result = fx.convert_at(Money(minor, "USD"), "CNY", rate)
    exact = minor * Fraction(rate)
    assert abs(result.minor - exact) <= Fraction(1, 2)
    if abs(result.minor - exact) == Fraction(1, 2):
        assert result.minor % 2 == 0


def test_fx_refuses_bad_arguments():
    with pytest.raises(TypeError):
        fx.convert_at(Money(1, "USD"), "CNY", 7.1)  # type: ignore[arg-type]
    with pytest.raises(DomainError) as err:
        fx.convert_at(Money(1, "USD"), "CNY", D(0))
    assert err.value.code == "invalid_exchange_rate"
    with pytest.raises(DomainError) as err:
        fx.convert_at(Money(1, "USD"), "USD", D(2))
    assert err.value.code == "invalid_exchange_rate"
    with pytest.raises(DomainError) as err:
        fx.convert_at(Money(1, "USD"), "XYZ", D(2))
    assert err.value.code == "unknown_currency"
    with pytest.raises(TypeError):
        fx.convert(100, "CNY", JAN)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_rate_on_wants_a_day_and_known_currencies():
    with pytest.raises(TypeError):
        fx.rate_on("USD", "CNY", dt.datetime(2024, 1, 1, tzinfo=dt.UTC))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        fx.rate_on("USD", "CNY", "2024-01-01")  # type: ignore[arg-type]
    with pytest.raises(DomainError) as err:
        fx.rate_on("USD", "BTC", JAN)
    assert err.value.code == "unknown_currency"


# --- set_rate --------------------------------------------------------------------------


@pytest.mark.django_db
def test_set_rate_upserts_and_publishes_only_real_changes():
    first = set_rate(base="usd", quote="cny", rate=D("7.1"), valid_from=JAN, source="pboc")
    assert (first.base, first.quote, first.source) == ("USD", "CNY", "pboc")
    again = set_rate(base="USD", quote="CNY", rate=D("7.10000"), valid_from=JAN, source="pboc")
    assert again.pk == first.pk
    fixed = set_rate(base="USD", quote="CNY", rate=D("7.12"), valid_from=JAN, source="pboc")
    assert fixed.pk == first.pk
    assert ExchangeRate.objects.get().rate == D("7.12")
    published = OutboxEvent.objects.filter(type=events.EXCHANGE_RATE_SET).order_by("id")
    assert [e.payload["rate"] for e in published] == ["7.1", "7.12"]
    assert published[0].aggregate_id == "USD/CNY/2024-01-01"
    assert published[0].payload == {
        "base": "USD",
        "quote": "CNY",
        "rate": "7.1",
        "valid_from": "2024-01-01",
        "source": "pboc",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"base": "USD", "quote": "USD", "rate": D(1)}, "invalid_exchange_rate"),
        ({"base": "USD", "quote": "CNY", "rate": D(0)}, "invalid_exchange_rate"),
        ({"base": "USD", "quote": "CNY", "rate": D("-7")}, "invalid_exchange_rate"),
        ({"base": "USD", "quote": "CNY", "rate": D("NaN")}, "invalid_exchange_rate"),
        ({"base": "USD", "quote": "CNY", "rate": D("Infinity")}, "invalid_exchange_rate"),
        ({"base": "USD", "quote": "CNY", "rate": D("7.12345678901")}, "invalid_exchange_rate"),
        ({"base": "USD", "quote": "CNY", "rate": D("1E-20")}, "invalid_exchange_rate"),
        ({"base": "USD", "quote": "CNY", "rate": D("1E+10")}, "invalid_exchange_rate"),
        ({"base": "USD", "quote": "XXX", "rate": D(7)}, "unknown_currency"),
        ({"base": "", "quote": "CNY", "rate": D(7)}, "unknown_currency"),
    ],
)
def test_set_rate_refuses_bad_rates_and_changes_nothing(kwargs, code):
    with pytest.raises(DomainError) as err:
        set_rate(valid_from=JAN, **kwargs)
    assert err.value.code == code
    assert not ExchangeRate.objects.exists()
    assert not OutboxEvent.objects.exists()


@pytest.mark.django_db
def test_set_rate_refuses_floats_and_datetimes():
    with pytest.raises(TypeError):
        set_rate(base="USD", quote="CNY", rate=7.1, valid_from=JAN)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        set_rate(
            base="USD",
            quote="CNY",
            rate=D("7.1"),
            valid_from=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        )
    assert set_rate(base="USD", quote="JPY", rate=150, valid_from=JAN).rate == 150
    assert ExchangeRate.objects.count() == 1


# --- demo rates --------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_rates_cover_2015_to_2027_and_load_idempotently():
    assert load_demo_rates() == len(demo_rates()) == 52 * 3
    events_after_first = OutboxEvent.objects.count()
    assert ExchangeRate.objects.count() == 156
    load_demo_rates()
    assert ExchangeRate.objects.count() == 156
    assert OutboxEvent.objects.count() == events_after_first
    for day in (dt.date(2015, 1, 1), dt.date(2020, 6, 15), dt.date(2027, 12, 31)):
        usd_cny = fx.rate_on("USD", "CNY", day)
        usd_hkd = fx.rate_on("USD", "HKD", day)
        cny_hkd = fx.rate_on("CNY", "HKD", day)
        assert D(6) < usd_cny < D("7.4")
        assert D("7.75") <= usd_hkd <= D("7.85")  # the peg band
        assert abs(cny_hkd - usd_hkd / usd_cny) < D("0.000001")
        assert abs(fx.rate_on("HKD", "CNY", day) * cny_hkd - 1) < D("1e-20")
    with pytest.raises(DomainError):
        fx.rate_on("USD", "CNY", dt.date(2014, 12, 31))
    assert fx.convert(Money(10000, "USD"), "CNY", dt.date(2024, 7, 1)) == Money(71500, "CNY")
