"""Investment journeys in a real browser, in English, 简体中文 and 繁體中文.

Staff: the slate board → a project's page with its budget and its waterfall
drawn by plotly. A partner: its own statement, and nobody else's; its provisional
share rising as a ticket sells, without a reload.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, login, no_horizontal_scroll, shot
from tests.browser.seed_investment import PROJECT

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}

WORDS = {
    "en": {"slate": "The slate", "pre": "Pre-production", "name": "Browser Blockbuster",
           "waterfall": "Waterfall", "statements": "Your statements"},
    "zh-hans": {"slate": "片单", "pre": "前期筹备", "name": "浏览器大片",
                "waterfall": "收益分配瀑布", "statements": "我的结算单"},
    "zh-hant": {"slate": "片單", "pre": "前期籌備", "name": "瀏覽器大片",
                "waterfall": "收益分配瀑布", "statements": "我的結算單"},
}  # fmt: skip


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
def test_slate_board_to_the_project_page_with_its_waterfall_chart(server, new_page, language):
    words = WORDS[language]
    page = new_page(viewport=DESKTOP, language=language)
    login(page, server, "investor")
    page.goto(server.url + "/investment/")
    expect(page.get_by_role("heading", level=1)).to_have_text(words["slate"])
    column = page.locator('[data-stage="pre_production"]')
    expect(column.locator("h2")).to_contain_text(words["pre"])
    column.get_by_test_id(f"project-{PROJECT}").click()
    page.wait_for_url(f"{server.url}/investment/projects/{PROJECT}/")
    expect(page.get_by_test_id("project-name")).to_have_text(words["name"])
    expect(page.get_by_role("heading", name=words["waterfall"], exact=True)).to_be_visible()
    # plotly drew both charts (an SVG inside each chart's node).
    expect(page.get_by_test_id("waterfall-chart").locator("svg.main-svg").first).to_be_visible()
    expect(page.get_by_test_id("budget-chart").locator("svg.main-svg").first).to_be_visible()
    expect(page.locator('[data-tier="fee"] td')).to_contain_text("21,000.00")
    expect(page.get_by_test_id("received")).to_contain_text("140,000.00")
    over = page.locator('[data-category="below_the_line"] td.over')
    expect(over).to_contain_text("50,000.00")  # ¥550,000 spent of ¥500,000
    shot(page, f"investment-project-{language}", tour=language == "en")


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
def test_a_partner_sees_its_own_statement_only(server, new_page, language):
    words = WORDS[language]
    page = new_page(viewport=DESKTOP, language=language)
    login(page, server, "partner-a")
    page.goto(server.url + "/investment/statements/")
    expect(page.get_by_role("heading", level=1)).to_have_text(words["statements"])
    rows = page.get_by_test_id("stakes").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Summit Partners")
    expect(page.get_by_text("Harbour Capital")).to_have_count(0)
    rows.first.locator("a").click()
    expect(page.get_by_test_id("statement-total")).to_contain_text("35,700.00")
    own = page.url
    other = int(own.rstrip("/").rsplit("/", 1)[1]) + 1  # Harbour Capital's participant
    response = page.goto(f"{server.url}/investment/statements/{other}/")
    assert response is not None and response.status == 404
    response = page.goto(server.url + "/investment/")
    assert response is not None and response.status == 403
    page.goto(own)
    shot(page, f"investment-statement-{language}")


def _minor(shown: str) -> int:
    """``"CN¥1,234.50"`` → 123450."""
    match = re.search(r"([\d,]+)\.(\d{2})", shown)
    assert match is not None, shown
    return int(match.group(1).replace(",", "")) * 100 + int(match.group(2))


def test_a_partner_watches_its_provisional_share_rise_as_a_ticket_sells(server, new_page):
    """In 繁體中文: the statement's live part moves with a sale, without a reload."""
    page = new_page(viewport=DESKTOP, language="zh-hant")
    login(page, server, "partner-a")
    page.goto(server.url + "/investment/statements/")
    page.get_by_test_id("stakes").locator("tbody tr").first.locator("a").click()
    live = page.get_by_test_id("provisional")
    expect(live.get_by_role("heading", level=2)).to_have_text("自上次結算以來（暫估）")
    amount = page.get_by_test_id("provisional-amount")
    tickets = page.get_by_test_id("provisional-tickets")
    before_amount, before_tickets = amount.inner_text(), int(tickets.inner_text())
    page.evaluate("window.__same_page = true")  # gone if the page reloads
    showtime = server.world["showtimes"]["guomao-14-d2"]
    server.ctl("buy", str(showtime), "fan", "4-5", "4-6")
    expect(tickets).to_have_text(str(before_tickets + 2), timeout=15_000)
    expect(amount).not_to_have_text(before_amount)
    assert _minor(amount.inner_text()) > _minor(before_amount)
    assert page.evaluate("window.__same_page") is True
    expect(page.get_by_test_id("statement-total")).to_contain_text(
        "35,700.00"
    )  # settled: unchanged
    shot(page, "investment-statement-live-zh-hant")
    page.set_viewport_size(PHONE)  # the receipts table scrolls in its own box, not the page
    assert no_horizontal_scroll(page)
