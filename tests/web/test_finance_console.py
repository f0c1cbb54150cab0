"""The finance console: segment growth, statements, summary and programmes, for finance staff only."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from marquee.accounts.models import Role
from marquee.core.demo import load_demo_rates
from marquee.demo.finance import load_demo_finance

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 2)


@pytest.fixture
def books(settings, db):
    settings.MARQUEE_FISCAL_YEAR_START_MONTH = 4
    load_demo_rates()
    with time_machine.travel(dt.datetime(2026, 12, 2, 4, 0, tzinfo=dt.UTC), tick=False):
        load_demo_finance(today=TODAY)
        yield


@pytest.fixture
def finance(make_user, client_for):
    return client_for(make_user(Role.FINANCE))


def test_segment_report_shows_growth(books, finance):
    page = finance.get("/finance/").content.decode()
    assert "Income statement, H1 FY2026 against H1 FY2025" in page
    assert 'data-testid="change-revenue">+29.3%' in page
    assert "1,526.0" in page and "1,180.2" in page
    assert 'data-testid="growth-promotion_distribution">+33.5%' in page
    assert "−12.8" in page  # last year's operating loss, shown as a loss
    assert "/finance/plotly.min.js" in page and "cdn" not in page.lower()
    assert "format=csv" in page and "format=xlsx" in page
    assert "Translated at 1 USD = " in page


def test_other_pages(books, finance):
    page = finance.get("/finance/summary/").content.decode()
    assert "Revenue rose 29.3% to RMB1,526.0m (US$" in page
    page = finance.get("/finance/trial-balance/?to=2026-09-30").content.decode()
    assert "Debits equal credits." in page
    page = finance.get("/finance/balance-sheet/?to=2026-09-30").content.decode()
    assert "Assets equal liabilities plus equity." in page
    page = finance.get("/finance/programmes/").content.decode()
    assert "Hong Kong Film Programme (HK$5 billion, five years)" in page
    assert "5,000.0" in page and "Scholarships for 20 film students" in page


def test_period_by_name_and_a_bad_one(books, finance):
    page = finance.get("/finance/?period=H1+FY2025").content.decode()
    assert "Income statement, H1 FY2025 against H1 FY2024" in page
    page = finance.get("/finance/?period=soon").content.decode()
    assert "Not a period: soon." in page


def test_console_speaks_chinese(books, finance):
    page = finance.get("/finance/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "2026财年上半年" in page and "宣传发行" in page and "+29.3%" in page
    page = finance.get("/finance/summary/", HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert "2026財年上半年收入增長29.3%至人民幣1,526.0百萬元" in page


def test_console_is_for_finance_staff_and_admins(books, make_user, client_for):
    for role in (Role.MOVIEGOER, Role.CINEMA_OPERATOR, Role.DISTRIBUTION):
        assert client_for(make_user(role)).get("/finance/").status_code == 403
    anonymous = client_for(None).get("/finance/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    admin = client_for(make_user(Role.ADMIN))
    assert admin.get("/finance/programmes/").status_code == 200
    assert "/finance/" in admin.get("/").content.decode()
    assert 'href="/finance/"' not in client_for(make_user(Role.MOVIEGOER)).get("/").content.decode()


def test_plotly_is_served_from_the_wheel(client):
    response = client.get("/finance/plotly.min.js")
    assert response.status_code == 200
    assert b"plotly" in b"".join(response.streaming_content)[:2000].lower()


def test_a_missing_rate_is_a_page_not_a_500(settings, finance, db):
    settings.MARQUEE_FISCAL_YEAR_START_MONTH = 4
    from marquee.finance.chart import ensure_chart

    ensure_chart()
    response = finance.get("/finance/?period=H1+FY2026")
    assert response.status_code == 422
    assert "USD" in response.content.decode()
