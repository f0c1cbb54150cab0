"""The demo books: two comparable half-years that show growth, and the HK$5 billion programme."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from marquee.core.demo import load_demo_rates
from marquee.demo.finance import PROGRAMME_CODE, load_demo_finance
from marquee.finance.models import JournalEntry
from marquee.finance.programmes import queries as programme_queries
from marquee.finance.reports import balance_sheet, income_statement, trial_balance

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 2)
M = 1_000_000_00


def test_demo_books_show_growth_balance_and_load_once(settings):
    settings.MARQUEE_FISCAL_YEAR_START_MONTH = 4
    load_demo_rates()
    demo = load_demo_finance(today=TODAY)
    earlier, later = demo.periods
    assert (earlier.label, later.label) == ("H1 FY2025", "H1 FY2026")
    count = JournalEntry.objects.count()
    assert 300 < count < 3000
    load_demo_finance(today=TODAY)
    assert JournalEntry.objects.count() == count

    report = income_statement(date_from=later.start, date_to=later.end, convenience_currency="USD")
    revenue = report.line("revenue")
    assert (revenue.current, revenue.prior, revenue.change_pct) == (
        1_526 * M,
        1_180 * M + 20_000_000,
        Decimal("29.3"),
    )
    operating = report.line("operating_result")
    assert (operating.current, operating.prior) == (209 * M, -12 * M - 80_000_000)
    net = report.line("net_result")
    assert (net.current, net.prior) == (182 * M, -14 * M - 80_000_000)
    growth = {s.code: s.line("revenue").change_pct for s in report.segments}
    assert all(growth[code] > 0 for code in ("promotion_distribution", "content", "merchandising"))
    assert trial_balance(date_to=later.end).balanced
    assert balance_sheet(date_to=later.end, compare_to=earlier.end).balanced


def test_demo_programme_five_billion_hkd_over_five_years(settings):
    settings.MARQUEE_FISCAL_YEAR_START_MONTH = 4
    load_demo_rates()
    load_demo_finance(today=TODAY)
    programme = programme_queries.programme(PROGRAMME_CODE)
    assert (programme.currency, programme.total_minor, programme.years) == ("HKD", 5_000 * M, 5)
    usage = programme_queries.utilisation(programme)
    categories = {u.category for u in usage.categories}
    assert categories == {
        "film_production_distribution",
        "rights_acquisition",
        "tv_series",
        "concerts",
        "venue_collaborations",
        "talent_development",
        "scholarships",
    }
    scholarships = next(u for u in usage.categories if u.category == "scholarships")
    assert scholarships.committed_minor == 6 * M
    assert usage.total.disbursed_minor > 0
    assert usage.total.headroom_minor < usage.total.budget_minor
