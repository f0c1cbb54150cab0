"""Rights staff in a real browser, in English, 简体中文 and 繁體中文: the avails grid, a refused
exclusive deal that names the deal in its way, and a deal that signs; in 繁體中文, a licensee's
revenue report booked above its guarantee and a cancelled deal whose rights come free again;
in 简体中文, a deal's fee schedule amended (a sum that does not add up refused first)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, shot
from tests.browser.seed_rights import TITLE

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}

WORDS = {
    "en": {
        "taken": "Licensed or held back",
        "free": "Free to license",
        "refused": "already licensed",
    },
    "zh-hans": {"taken": "已授出或保留", "free": "可授权", "refused": "已授权或受保留期限制"},
    "zh-hant": {"taken": "已授出或保留", "free": "可授權", "refused": "已授權或受保留期限制"},
}
#: Each language signs its own deal in a territory of its own (the world is shared).
SIGN_IN = {"en": "US", "zh-hans": "JP", "zh-hant": "KR"}


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
def test_avails_grid_and_a_refused_exclusive_deal(server, new_page, language):
    words = WORDS[language]
    page = new_page(viewport=DESKTOP, language=language)
    login(page, server, "rightsdesk")

    page.goto(server.url + "/rights/")
    page.get_by_test_id("avails-title").select_option(label=TITLE)
    page.get_by_test_id("avails-territory").select_option("GCN")
    page.get_by_test_id("avails-from").fill("2027-01-01")
    page.get_by_test_id("avails-to").fill("2027-12-31")
    page.get_by_test_id("avails-exclusive").check()
    page.get_by_test_id("avails-submit").click()
    grid = page.get_by_test_id("avails-grid")
    cn_svod = grid.locator('tr[data-territory="CN"] td[data-media="svod"]')
    expect(cn_svod).to_have_attribute("data-state", "taken")
    expect(cn_svod).to_contain_text(words["taken"])
    expect(cn_svod).to_contain_text("iQiyi")
    hk_svod = grid.locator('tr[data-territory="HK"] td[data-media="svod"]')
    expect(hk_svod).to_have_attribute("data-state", "free")
    expect(hk_svod).to_contain_text(words["free"])
    expect(grid.locator('tr[data-territory="CN"] td[data-media="tvod"]')).to_have_attribute(
        "data-state", "not_held"
    )
    shot(page, f"rights-avails-{language}", tour=language == "en")

    page.goto(server.url + "/rights/deals/new/")
    form = page.get_by_test_id("deal-form")
    form.locator("#id_title").select_option(label=TITLE)
    form.locator("#id_direction").select_option("out")
    form.locator("#id_counterparty").fill("Youku")
    form.locator("#id_exclusive").check()
    form.locator('input[name="media"][value="svod"]').check()
    form.locator("#id_territories").select_option(["GCN"])
    form.locator("#id_start_on").fill("2027-06-01")
    form.locator("#id_end_on").fill("2027-12-31")
    form.locator("#id_fee").fill("500000.00")
    form.locator("#id_instalments").fill("2027-06-30 200000.00\n2027-09-30 300000.00")
    form.locator("#id_signed_on").fill("2026-12-01")
    page.get_by_test_id("deal-submit").click()
    refused = page.get_by_test_id("deal-refused")
    expect(refused).to_contain_text(words["refused"])
    expect(page.get_by_test_id("deal-conflicts")).to_contain_text("iQiyi")
    shot(page, f"rights-conflict-{language}")

    # The same deal where nothing stands in the way signs and shows its instalments.
    page.get_by_test_id("deal-form").locator("#id_territories").select_option([SIGN_IN[language]])
    page.get_by_test_id("deal-submit").click()
    expect(page.get_by_test_id("deal-title")).to_contain_text("Youku")
    expect(page.get_by_test_id("deal-instalments").locator("tbody tr")).to_have_count(2)
    assert page.js_errors == []


PHONE = {"width": 390, "height": 844}


def _avod_taiwan(page, server) -> str:
    """The avails square of exclusive AVOD in Taiwan, July to December 2027: its state."""
    page.goto(server.url + "/rights/")
    page.get_by_test_id("avails-title").select_option(label=TITLE)
    page.get_by_test_id("avails-territory").select_option("TW")
    page.get_by_test_id("avails-from").fill("2027-07-01")
    page.get_by_test_id("avails-to").fill("2027-12-31")
    page.get_by_test_id("avails-exclusive").check()
    page.get_by_test_id("avails-submit").click()
    square = page.get_by_test_id("avails-grid").locator(
        'tr[data-territory="TW"] td[data-media="avod"]'
    )
    return square.get_attribute("data-state")


def test_a_revenue_report_then_a_cancellation_frees_the_avails(server, new_page):
    """繁體中文: Tencent Video reports its revenue, the share above the MG is booked; the deal is
    cancelled from July and AVOD in Taiwan is free again from then."""
    page = new_page(viewport=PHONE, language="zh-hant")
    login(page, server, "rightsdesk")
    assert _avod_taiwan(page, server) == "taken"

    page.goto(server.url + "/rights/deals/?direction=out")
    page.get_by_test_id("deal-list").locator("tr", has_text="Tencent Video").locator(
        "a"
    ).first.click()
    expect(page.get_by_test_id("deal-title")).to_contain_text("Tencent Video")
    report = page.get_by_test_id("report-form")
    report.locator("#id_report-period_start").fill("2027-01-01")
    report.locator("#id_report-period_end").fill("2027-03-31")
    report.locator("#id_report-gross").fill("3000000.00")  # 40 %: 1,200,000 — 200,000 above
    page.get_by_test_id("report-submit").click()
    expect(page.locator(".flash__item--success")).to_contain_text("超出保底")
    expect(page.get_by_test_id("share-booked")).to_contain_text("200,000.00")
    expect(page.get_by_test_id("deal-reports").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("deal-instalments").locator("tbody tr")).to_have_count(2)

    # The same period again is refused, in Chinese, and nothing more is booked.
    report = page.get_by_test_id("report-form")
    report.locator("#id_report-period_start").fill("2027-02-01")
    report.locator("#id_report-period_end").fill("2027-02-28")
    report.locator("#id_report-gross").fill("1.00")
    page.get_by_test_id("report-submit").click()
    expect(page.locator(".flash__item--error")).to_contain_text("已有涵蓋")
    expect(page.get_by_test_id("deal-reports").locator("tbody tr")).to_have_count(1)

    page.get_by_test_id("cancel-details").locator("summary").click()
    cancel = page.get_by_test_id("cancel-form")
    cancel.locator("#id_cancel-on").fill("2027-07-01")
    cancel.locator("#id_cancel-note").fill("平台終止合作")
    page.get_by_test_id("cancel-submit").click()
    expect(page.get_by_test_id("deal-cancelled")).to_contain_text("2027-07-01")
    expect(page.get_by_test_id("deal-history")).to_contain_text("平台終止合作")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "rights-cancelled-zh-hant")

    assert _avod_taiwan(page, server) == "free"
    assert page.js_errors == []


def test_the_fee_schedule_of_a_deal_is_amended(server, new_page):
    """简体中文: meWATCH's two instalments become one in June; a schedule short of the fee is
    refused first and changes nothing."""
    page = new_page(viewport=PHONE, language="zh-hans")
    login(page, server, "rightsdesk")
    page.goto(server.url + "/rights/deals/?direction=out")
    page.get_by_test_id("deal-list").locator("tr", has_text="meWATCH").locator("a").first.click()
    expect(page.get_by_test_id("deal-title")).to_contain_text("meWATCH")
    rows = page.get_by_test_id("deal-instalments").locator("tbody tr")
    expect(rows).to_have_count(2)

    def amend(schedule: str) -> None:
        page.get_by_test_id("amend-form").locator("xpath=..").locator("summary").click()
        page.locator("#id_amend-schedule").fill(schedule)
        page.get_by_test_id("amend-submit").click()

    amend("2027-06-30 500000.00")
    expect(page.locator(".flash__item--error")).to_contain_text("各期付款合计")
    expect(rows).to_have_count(2)
    amend("2027-06-30 600,000.00")
    expect(page.locator(".flash__item--success")).to_contain_text("交易已修改")
    expect(rows).to_have_count(3)
    expect(page.get_by_test_id("fee-amended")).to_contain_text("600,000.00")
    expect(rows.nth(0)).to_contain_text("取消")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "rights-fee-amended-zh-hans")
    assert page.js_errors == []


def test_rights_pages_are_not_for_moviegoers(server, page):
    login(page, server, "fan")
    response = page.goto(server.url + "/rights/")
    assert response.status == 403
