"""The distribution console in a real browser, in English, 简体中文 and 繁體中文: the live board
takes a sale without a reload, and a title's page draws its charts."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, shot

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
SLUG = "the-long-night"
WORDS = {
    "en": {"board": "Box office of", "cities": "Cities", "nav": "Box office"},
    "zh-hans": {"board": "票房", "cities": "城市", "nav": "票房"},
    "zh-hant": {"board": "票房", "cities": "城市", "nav": "票房"},
}
#: The top-ten chart's bar of a title (yuan as plotly holds it), or null when it has none.
CHARTED = """name => {
  const trace = document.querySelector('[data-testid=board-chart]').data[0];
  const at = trace.x.indexOf(name);
  return at < 0 ? null : String(trace.y[at]);
}"""
#: A seat per journey, so each language's sale is its own.
SEATS = {"en": "3-3", "zh-hans": "3-4", "zh-hant": "3-5"}


def _tomorrow() -> str:
    return (dt.datetime.now(ZoneInfo("Asia/Shanghai")).date() + dt.timedelta(days=1)).isoformat()


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
def test_the_live_board_takes_a_sale_without_reloading(server, new_page, language):
    words = WORDS[language]
    page = new_page(viewport=DESKTOP, language=language)
    login(page, server, server.world["users"]["distribution"])
    expect(page.get_by_role("link", name=words["nav"], exact=True)).to_be_visible()
    page.goto(f"{server.url}/analytics/?day={_tomorrow()}")
    expect(page.get_by_test_id("board-title")).to_contain_text(words["board"])
    tickets = page.get_by_test_id(f"tickets-{SLUG}")
    before = int(tickets.inner_text())
    name = page.locator(f"tr[data-title='{SLUG}'] th a").inner_text()
    page.wait_for_function("() => document.querySelector('[data-testid=board-chart]').data")
    charted_before = page.evaluate(CHARTED, name)
    page.evaluate("window.__marker = 'same page'")
    sold = json.loads(
        server.ctl(
            "buy",
            str(server.world["showtimes"]["box-office"]),
            server.world["users"]["fan"],
            SEATS[language],
        )
    )
    assert len(sold) == 1
    expect(tickets).to_have_text(str(before + 1), timeout=5_000)
    gross = page.get_by_test_id(f"gross-{SLUG}").inner_text().replace(",", "")
    # The chart is redrawn in place too (Plotly.react): its bar for the title is the new gross.
    page.wait_for_function(
        f"name => ({CHARTED})(name) === {json.dumps(gross)}", arg=name, timeout=5_000
    )
    assert charted_before != gross
    assert page.evaluate("window.__marker") == "same page"  # no reload happened
    assert not page.js_errors  # type: ignore[attr-defined]
    shot(page, f"analytics-board-{language}", tour=language == "en")


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
def test_a_title_page_draws_its_charts(server, new_page, language):
    page = new_page(viewport=DESKTOP, language=language)
    login(page, server, server.world["users"]["distribution"])
    page.goto(f"{server.url}/analytics/titles/{SLUG}/")
    expect(page.get_by_test_id("daily-chart").locator(".main-svg").first).to_be_visible()
    expect(page.get_by_test_id("presale-chart").locator(".main-svg").first).to_be_visible()
    expect(page.get_by_test_id("forecast-point")).not_to_be_empty()
    expect(page.get_by_role("heading", name=WORDS[language]["cities"])).to_be_visible()
    href = page.get_by_test_id("download-csv").get_attribute("href") or ""
    assert href.startswith(f"/api/v1/analytics/titles/{SLUG}/days?") and "format=csv" in href
    assert not page.js_errors  # type: ignore[attr-defined]
    shot(page, f"analytics-title-{language}")
