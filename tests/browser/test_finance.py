"""The finance console in a real browser, in English, 简体中文 and 繁體中文."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, shot

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}


def _halves() -> tuple[tuple[int, int], tuple[int, int]]:
    """(half, fiscal year) of the last ended half and the one a year before, as the server sees it.

    The server (like ``finance-books``) reports the last fiscal half-year that ended
    before today in Asia/Shanghai, with an April fiscal year.
    """
    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    year = today.year if today.month >= 4 else today.year - 1
    first_half_end = dt.date(year, 9, 30)
    half, fiscal_year = (1, year) if first_half_end < today else (2, year - 1)
    return (half, fiscal_year), (half, fiscal_year - 1)


(HALF, FY), (_, FY_BEFORE) = _halves()
HANS_HALF = "上半年" if HALF == 1 else "下半年"
HANT_HALF = HANS_HALF  # the same characters in both scripts

EXPECTED = {
    "en": {
        "title": f"Income statement, H{HALF} FY{FY} against H{HALF} FY{FY_BEFORE}",
        "segment": "Promotion and distribution",
        "summary_tab": "Interim summary",
        "summary": "Revenue rose 29.3% to RMB1,526.0m (US$",
        "programmes_tab": "Programme funds",
        "scholarships": "Scholarships",
    },
    "zh-hans": {
        "title": f"利润表：{FY}财年{HANS_HALF}对比{FY_BEFORE}财年{HANS_HALF}",
        "segment": "宣传发行",
        "summary_tab": "中期摘要",
        "summary": f"{FY}财年{HANS_HALF}收入增长29.3%至人民币1,526.0百万元（",
        "programmes_tab": "专项基金",
        "scholarships": "奖学金",
    },
    "zh-hant": {
        "title": f"損益表：{FY}財年{HANT_HALF}對比{FY_BEFORE}財年{HANT_HALF}",
        "segment": "宣傳發行",
        "summary_tab": "中期摘要",
        "summary": f"{FY}財年{HANT_HALF}收入增長29.3%至人民幣1,526.0百萬元（",
        "programmes_tab": "專項基金",
        "scholarships": "獎學金",
    },
}


@pytest.fixture(scope="module")
def books(server):
    assert server.ctl("finance-books").strip() == "books"
    return "books"


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
def test_the_segment_report_shows_growth(server, new_page, books, language):
    words = EXPECTED[language]
    page = new_page(viewport=DESKTOP, language=language)
    login(page, server, books)
    page.goto(server.url + "/finance/")
    expect(page.get_by_test_id("report-title")).to_have_text(words["title"])
    expect(page.get_by_test_id("change-revenue")).to_have_text("+29.3%")
    # The operating result grew many times over (the other pillars' browser seeds post
    # small costs into the same half-year, so its exact per cent is not fixed here).
    expect(page.get_by_test_id("change-operating_result")).to_have_text(
        re.compile(r"^\+1[,.]?7\d\d\.\d%$")
    )
    segment = page.locator('[data-segment="promotion_distribution"]')
    expect(segment.locator("th")).to_have_text(words["segment"])
    expect(page.get_by_test_id("growth-promotion_distribution")).to_have_text("+33.5%")
    expect(page.get_by_test_id("growth-content")).to_have_text("+28.8%")
    expect(page.get_by_test_id("growth-merchandising")).to_have_text("+20.7%")
    # plotly drew the grouped bars from the self-served plotly.js.
    chart = page.get_by_test_id("segment-chart")
    expect(chart.locator(".main-svg").first).to_be_attached()
    expect(chart.locator(".legendtext")).to_have_count(2)
    assert page.js_errors == []
    shot(page, f"finance-segments-{language}", tour=language == "en")

    page.get_by_role("link", name=words["summary_tab"]).click()
    expect(page.get_by_test_id("interim-summary").locator("p").first).to_contain_text(
        words["summary"]
    )
    shot(page, f"finance-summary-{language}")

    page.get_by_role("link", name=words["programmes_tab"]).click()
    expect(page.locator('[data-category="scholarships"] th')).to_have_text(words["scholarships"])
    expect(page.locator(".finance-chart .main-svg").first).to_be_attached()
    assert page.js_errors == []


def test_statements_balance_and_download(server, new_page, books):
    page = new_page(viewport=DESKTOP)
    login(page, server, books)
    page.goto(server.url + "/finance/trial-balance/")
    expect(page.get_by_test_id("balanced")).to_have_text("Debits equal credits.")
    assert (
        page.get_by_test_id("total-debit").inner_text()
        == page.get_by_test_id("total-credit").inner_text()
    )
    with page.expect_download() as download:
        page.get_by_test_id("download-csv").click()
    assert download.value.suggested_filename.startswith("trial-balance-")
    page.get_by_role("link", name="Balance sheet").click()
    expect(page.get_by_test_id("balanced")).to_have_text("Assets equal liabilities plus equity.")


def test_the_console_is_not_for_moviegoers(server, page):
    login(page, server, "fan")
    expect(page.get_by_role("link", name="Finance")).to_have_count(0)
    response = page.goto(server.url + "/finance/")
    assert response.status == 403
