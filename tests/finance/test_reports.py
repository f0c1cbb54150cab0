"""Reports: every rule of the trial balance, income statement, balance sheet and summary."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import translation

from marquee.core.errors import DomainError
from marquee.finance.calendar import (
    fiscal_period,
    latest_ended_half,
    parse_period,
    same_period_a_year_before,
)
from marquee.finance.models import JournalLine
from marquee.finance.reports import balance_sheet, income_statement, interim_summary, trial_balance
from marquee.finance.reports._rollup import change_percent, sums_between
from marquee.finance.reports.summary import millions, result_case
from marquee.finance.services import post_entry
from tests.finance.conftest import cr, dr

pytestmark = pytest.mark.django_db

H1_FY2026 = (dt.date(2026, 4, 1), dt.date(2026, 9, 30))


def _sale(day, amount, segment="promotion_distribution", account="4010"):
    post_entry(
        date=day,
        memo="sale",
        lines=[dr("1010", amount, segment=segment), cr(account, amount, segment=segment)],
    )


def _cost(day, amount, account, segment="corporate"):
    post_entry(
        date=day,
        memo="cost",
        lines=[dr(account, amount, segment=segment), cr("1010", amount, segment=segment)],
    )


@pytest.fixture
def compiled_translations(settings):
    """The catalogs (compiled once per session by tests/conftest.py), freshly loaded."""
    translation.trans_real._translations = {}
    translation.trans_real._active = translation.trans_real.Local()
    yield
    translation.trans_real._translations = {}
    translation.trans_real._active = translation.trans_real.Local()


@pytest.fixture
def two_halves(chart, rates):
    """H1 FY2025 and H1 FY2026: revenue 1,180.2 → 1,526.0 (+29.3%), a loss turned profit."""
    _sale(dt.date(2025, 5, 10), 800_00, segment="promotion_distribution")
    _sale(dt.date(2025, 6, 10), 380_20, segment="content", account="4020")
    _cost(dt.date(2025, 7, 1), 1_300_00, "6110")
    _cost(dt.date(2025, 8, 1), 10_00, "7020")
    _sale(dt.date(2026, 4, 15), 1_000_00, segment="promotion_distribution")
    _sale(dt.date(2026, 9, 30), 526_00, segment="content", account="4020")
    _cost(dt.date(2026, 5, 1), 600_00, "5010", segment="content")
    _cost(dt.date(2026, 6, 1), 700_00, "6110")
    post_entry(
        date=dt.date(2026, 7, 1),
        memo="interest",
        lines=[dr("1010", 30_00), cr("7010", 30_00)],
    )
    _cost(dt.date(2026, 8, 1), 50_00, "8010")
    # Outside both periods: must not count.
    _sale(dt.date(2026, 10, 1), 999_00)
    _sale(dt.date(2025, 3, 31), 999_00)


# --- calendar ---------------------------------------------------------------------------


def test_fiscal_periods_follow_the_april_start(settings):
    settings.MARQUEE_FISCAL_YEAR_START_MONTH = 4
    assert (parse_period("H1 FY2026").start, parse_period("H1 FY2026").end) == H1_FY2026
    h2 = parse_period("h2 fy2026")
    assert (h2.start, h2.end) == (dt.date(2026, 10, 1), dt.date(2027, 3, 31))
    q4 = parse_period("Q4 FY2026")
    assert (q4.start, q4.end, q4.label) == (dt.date(2027, 1, 1), dt.date(2027, 3, 31), "Q4 FY2026")
    year = parse_period("FY2026")
    assert (year.start, year.end) == (dt.date(2026, 4, 1), dt.date(2027, 3, 31))
    month = parse_period("2027-02")
    assert (month.start, month.end) == (dt.date(2027, 2, 1), dt.date(2027, 2, 28))
    custom = parse_period("2026-04-01..2026-09-30")
    assert custom.label == "H1 FY2026"
    assert fiscal_period("month", 2026, 12).start == dt.date(2027, 3, 1)
    with pytest.raises(ValueError, match="Not a period"):
        parse_period("H3")
    with pytest.raises(ValueError, match="2 half"):
        fiscal_period("half", 2026, 3)


def test_january_fiscal_year_and_comparatives(settings):
    settings.MARQUEE_FISCAL_YEAR_START_MONTH = 1
    h1 = parse_period("H1 FY2024")
    assert (h1.start, h1.end) == (dt.date(2024, 1, 1), dt.date(2024, 6, 30))
    feb = parse_period("2024-02")
    before = same_period_a_year_before(feb)
    assert (before.start, before.end) == (dt.date(2023, 2, 1), dt.date(2023, 2, 28))
    assert same_period_a_year_before(h1).label == "H1 FY2023"


def test_latest_ended_half(settings):
    settings.MARQUEE_FISCAL_YEAR_START_MONTH = 4
    assert latest_ended_half(dt.date(2026, 12, 2)).label == "H1 FY2026"
    assert latest_ended_half(dt.date(2026, 9, 30)).label == "H2 FY2025"
    assert latest_ended_half(dt.date(2026, 10, 1)).label == "H1 FY2026"


# --- arithmetic ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "prior", "expected"),
    [
        (152600, 118020, Decimal("29.3")),
        (118020, 152600, Decimal("-22.7")),
        (-50, -100, Decimal("50.0")),  # a loss that halves is an improvement
        (-150, -100, Decimal("-50.0")),
        (100, -100, Decimal("200.0")),
        (5, 0, None),
        # Half-even at the exact midpoint, no float drift: 1/8 = 12.5%, 3/16 = 18.75%.
        (1125, 1000, Decimal("12.5")),
        (11875, 10000, Decimal("18.8")),
        (10_000_000_000_000_001, 10_000_000_000_000_000, Decimal("0.0")),
    ],
)
def test_change_percent_is_exact_decimal(current, prior, expected):
    assert change_percent(current, prior) == expected


def test_result_cases():
    assert result_case(10, 5) == "profit_up"
    assert result_case(5, 10) == "profit_down"
    assert result_case(5, -10) == "to_profit"
    assert result_case(-5, 10) == "to_loss"
    assert result_case(-5, -10) == "loss_narrowed"
    assert result_case(-15, -10) == "loss_widened"
    assert result_case(0, -10) == "flat"


# --- income statement ------------------------------------------------------------------


def test_income_statement_lines_signs_and_growth(two_halves):
    report = income_statement(date_from=H1_FY2026[0], date_to=H1_FY2026[1])
    assert report.comparative.label == "H1 FY2025"
    revenue = report.line("revenue")
    assert (revenue.current, revenue.prior) == (1_526_00, 1_180_20)
    assert revenue.change == 345_80
    assert revenue.change_pct == Decimal("29.3")
    assert report.line("cost_of_sales").current == -600_00
    assert report.line("gross_profit").current == 926_00
    operating = report.line("operating_result")
    # 926.00 − 700.00 this year; 1,180.20 − 1,300.00 = a loss of 119.80 last year.
    assert (operating.current, operating.prior) == (226_00, -119_80)
    assert report.line("net_financial_income").current == 30_00
    assert report.line("net_financial_income").prior == -10_00
    net = report.line("net_result")
    assert (net.current, net.prior) == (206_00, -129_80)
    assert report.line("income_tax").current == -50_00
    # Subtotals add up.
    assert net.current == (
        report.line("operating_result").current
        + report.line("net_financial_income").current
        + report.line("income_tax").current
    )


def test_income_statement_by_segment_adds_up_to_the_total(two_halves):
    report = income_statement(date_from=H1_FY2026[0], date_to=H1_FY2026[1])
    by_code = {s.code: s for s in report.segments}
    assert set(by_code) == {"promotion_distribution", "content", "corporate"}
    content = by_code["content"].line("revenue")
    assert (content.current, content.prior, content.change_pct) == (526_00, 380_20, Decimal("38.3"))
    for key in ("revenue", "operating_result", "net_result"):
        assert sum(s.line(key).current for s in report.segments) == report.line(key).current
        assert sum(s.line(key).prior for s in report.segments) == report.line(key).prior
    corporate = by_code["corporate"].line("revenue")
    assert (corporate.current, corporate.change_pct) == (0, None)


def test_explicit_comparative_and_none(two_halves):
    report = income_statement(
        date_from=H1_FY2026[0],
        date_to=H1_FY2026[1],
        compare_from=dt.date(2026, 4, 1),
        compare_to=dt.date(2026, 4, 30),
    )
    assert report.line("revenue").prior == 1_000_00
    alone = income_statement(date_from=H1_FY2026[0], date_to=H1_FY2026[1], compare=False)
    assert alone.comparative is None
    assert alone.line("revenue").change is None


def test_partial_months_read_lines_and_agree_with_a_scan(two_halves):
    start, end = dt.date(2026, 4, 16), dt.date(2026, 9, 29)
    sums = sums_between(start, end)
    scan = JournalLine.objects.filter(entry__date__gte=start, entry__date__lte=end).aggregate(
        d=Sum("functional_debit_minor"), c=Sum("functional_credit_minor")
    )
    assert sum(d for d, _c in sums.values()) == scan["d"]
    assert sum(c for _d, c in sums.values()) == scan["c"]
    report = income_statement(date_from=start, date_to=end, compare=False)
    # The sales of 15 April and 30 September fall outside.
    assert report.line("revenue").current == 0
    one_day = income_statement(
        date_from=dt.date(2026, 9, 30), date_to=dt.date(2026, 9, 30), compare=False
    )
    assert one_day.line("revenue").current == 526_00


def test_presentation_and_convenience_currencies_state_their_rate(two_halves):
    report = income_statement(
        date_from=H1_FY2026[0], date_to=H1_FY2026[1], convenience_currency="USD"
    )
    revenue = report.line("revenue")
    # 1,526.00 CNY / 7.1234 = 214.2235… → 214.22 USD.
    assert revenue.convenience_current == 214_22
    assert report.rates == [
        {
            "purpose": "presentation",
            "currency": "CNY",
            "functional_currency": "CNY",
            "rate": "1.000000",
            "on": "2026-09-30",
            "valid_from": None,
            "source": "identity",
        },
        {
            "purpose": "convenience",
            "currency": "USD",
            "functional_currency": "CNY",
            "rate": "7.123400",
            "on": "2026-09-30",
            "valid_from": "2025-01-01",
            "source": "",
        },
    ]
    hkd = income_statement(date_from=H1_FY2026[0], date_to=H1_FY2026[1], currency="HKD")
    assert hkd.currency == "HKD"
    assert hkd.line("revenue").current == 1_672_33  # 1,526.00 / 0.9125
    # Translated subtotals are the sums of the translated lines.
    assert hkd.line("gross_profit").current == (
        hkd.line("revenue").current + hkd.line("cost_of_sales").current
    )


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"currency": "XXX"}, "unknown_currency"),
        ({"convenience_currency": "EUR"}, "missing_rate"),
        ({"date_to": dt.date(2026, 3, 1)}, "invalid_period"),
    ],
)
def test_report_refusals(chart, rates, kwargs, code):
    args = {"date_from": H1_FY2026[0], "date_to": H1_FY2026[1], **kwargs}
    with pytest.raises(DomainError) as exc_info:
        income_statement(**args)
    assert exc_info.value.code == code


# --- trial balance and balance sheet ------------------------------------------------------


def test_trial_balance_balances_and_sides(two_halves):
    report = trial_balance(date_to=dt.date(2026, 9, 30), convenience_currency="USD")
    assert report.balanced
    assert report.total_debit == report.total_credit > 0
    rows = {r.code: r for r in report.rows}
    assert (rows["4010"].debit, rows["4010"].credit) == (0, 999_00 + 800_00 + 1_000_00)
    assert rows["1010"].credit == 0 and rows["1010"].debit > 0
    assert rows["4010"].convenience_credit == 392_93  # 2,799.00 / 7.1234
    movement = trial_balance(date_from=dt.date(2026, 4, 1), date_to=dt.date(2026, 9, 30))
    assert {r.code: r.credit for r in movement.rows}["4010"] == 1_000_00


def test_balance_sheet_balances_with_the_result_in_equity(two_halves):
    post_entry(
        date=dt.date(2025, 4, 1),
        memo="capital",
        lines=[dr("1010", 5_000_00), cr("3000", 5_000_00)],
    )
    sheet = balance_sheet(
        date_to=dt.date(2026, 9, 30), compare_to=dt.date(2025, 9, 30), convenience_currency="USD"
    )
    assert sheet.balanced
    equity = {r.code: r for r in sheet.section("equity").rows}
    assert equity["3000"].amount == 5_000_00
    assert equity["result"].amount == sheet.section("assets").total - 5_000_00
    assert sheet.section("assets").prior_total == (
        sheet.section("liabilities").prior_total + sheet.section("equity").prior_total
    )
    usd = sheet.section("assets").convenience_total
    assert (
        usd
        == sheet.section("equity").convenience_total
        + sheet.section("liabilities").convenience_total
    )
    hkd = balance_sheet(date_to=dt.date(2026, 9, 30), currency="HKD")
    assert hkd.balanced


# --- interim summary ---------------------------------------------------------------------


def test_millions_formatting():
    assert millions(1_526_012_345_67, "CNY") == "RMB1,526.0m"
    with translation.override("zh-hans"):
        assert millions(219_612_345_67, "USD") == "219.6百万美元"
    with translation.override("zh-hant"):
        assert millions(1_526_012_345_67, "CNY") == "人民幣1,526.0百萬元"


@pytest.fixture
def listed_scale(chart, rates):
    """Revenue RMB1,180.2m → RMB1,526.0m; an operating loss turned into a profit."""
    million = 1_000_000_00
    _sale(dt.date(2025, 6, 1), 900 * million)
    _sale(dt.date(2025, 6, 2), 280_2 * million // 10, segment="content", account="4020")
    _cost(dt.date(2025, 6, 3), 1_200 * million, "6110")
    _sale(dt.date(2026, 6, 1), 1_100 * million)
    _sale(dt.date(2026, 6, 2), 426 * million, segment="content", account="4020")
    _cost(dt.date(2026, 6, 3), 1_300 * million, "6110")


SENTENCES = {
    "en": [
        "Interim summary, H1 FY2026",
        "Revenue rose 29.3% to RMB1,526.0m (US$214.2m) in H1 FY2026, from RMB1,180.2m.",
        "Promotion and distribution: revenue rose 22.2% to RMB1,100.0m.",
        "The operating result turned to a profit of RMB226.0m (US$31.7m), from a loss of RMB19.8m.",
    ],
    "zh-hans": [
        "2026财年上半年中期摘要",
        "2026财年上半年收入增长29.3%至人民币1,526.0百万元（214.2百万美元），"
        "上年同期为人民币1,180.2百万元。",
        "宣传发行：收入增长22.2%至人民币1,100.0百万元。",
        "经营业绩扭亏为盈，录得盈利人民币226.0百万元（31.7百万美元），上年同期亏损人民币19.8百万元。",
    ],
    "zh-hant": [
        "2026財年上半年中期摘要",
        "2026財年上半年收入增長29.3%至人民幣1,526.0百萬元（214.2百萬美元），"
        "去年同期為人民幣1,180.2百萬元。",
        "宣傳發行：收入增長22.2%至人民幣1,100.0百萬元。",
        "經營業績轉虧為盈，錄得盈利人民幣226.0百萬元（31.7百萬美元），去年同期虧損人民幣19.8百萬元。",
    ],
}


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
def test_interim_summary_writes_the_sentences_from_the_figures(
    listed_scale, compiled_translations, language
):
    summary = interim_summary(
        date_from=H1_FY2026[0], date_to=H1_FY2026[1], convenience_currency="USD", language=language
    )
    title, revenue, segment, operating = SENTENCES[language]
    assert summary.title == title
    assert summary.paragraphs[0] == revenue
    assert segment in summary.paragraphs
    assert operating in summary.paragraphs
    assert summary.statement.line("revenue").change_pct == Decimal("29.3")
    assert "7.1234" in summary.paragraphs[-1]
