"""A fan backs a film in a real browser: pledge, pay, see the progress move, my pledges.

One journey per language (English, 简体, 繁體), each on its own offering
(tests/browser/seed_crowdfunding.py), on a phone-sized screen.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, no_horizontal_scroll, shot
from tests.browser.seed_crowdfunding import OFFERINGS

pytestmark = pytest.mark.browser

#: language → (fan, raised after 3 units, the status "Paid", heading of my pledges)
CASES = {
    "en": ("fan", "CN¥300.00", "Paid", "My pledges"),
    "zh-hans": ("rival", "¥300.00", "已支付", "我的认购"),
    "zh-hant": ("fan2", "CN¥300.00", "已付款", "我的認購"),
}


@pytest.mark.parametrize("language", list(CASES))
def test_a_fan_pledges_pays_and_sees_the_progress_move(server, new_page, language):
    fan, raised, paid, heading = CASES[language]
    slug = OFFERINGS[language][0]
    page = new_page(language=language)
    login(page, server, fan)

    # The film page points at the offering; its page shows the progress so far.
    page.goto(server.url + f"/films/{server.world['titles']['the-long-night']}/")
    box = page.get_by_test_id("film-crowdfunding")
    expect(box).to_be_visible()
    box.locator(f'a[href="/crowdfunding/{slug}/"]').click()
    expect(page.get_by_test_id("progress-pct")).to_have_text("0%")
    assert no_horizontal_scroll(page)

    # Pledge three units, pay on the provider's page, land on "my pledges".
    page.fill("#id_units", "3")
    page.get_by_test_id("pledge").click()
    page.locator('button[name="outcome"][value="succeed"]').click()
    page.wait_for_url(re.compile(r"/crowdfunding/pledges/"))
    expect(page.locator("h1")).to_have_text(heading)
    row = page.get_by_test_id("pledge-row").first
    expect(row.get_by_test_id("pledge-status")).to_have_text(paid)
    assert no_horizontal_scroll(page)
    shot(page, f"crowdfunding-pledges-{language}")

    # The progress moved: 3 of the 20-unit target.
    page.goto(server.url + f"/crowdfunding/{slug}/")
    expect(page.get_by_test_id("raised")).to_have_text(raised)
    expect(page.get_by_test_id("progress-pct")).to_have_text("15%")
    expect(page.get_by_test_id("held")).to_be_visible()
    shot(page, f"crowdfunding-offering-{language}")
    assert not page.js_errors


def test_a_pledge_past_the_per_backer_limit_is_refused_on_the_page(server, new_page):
    page = new_page(language="en")
    login(page, server, "op-huaxia")
    page.goto(server.url + f"/crowdfunding/{OFFERINGS['en'][0]}/")
    page.evaluate("document.getElementById('id_units').removeAttribute('max')")
    page.fill("#id_units", "11")
    page.get_by_test_id("pledge").click()
    expect(page.locator(".flash, [role=alert]").first).to_contain_text("Each backer holds between")


def test_a_backer_claims_premiere_tickets_and_sees_the_payout(server, new_page):
    """繁體: the premiere perk becomes two tickets; the returns show as paid out."""
    page = new_page(language="zh-hant")
    login(page, server, "cf-backer")
    page.goto(server.url + "/crowdfunding/pledges/")
    returns = page.get_by_test_id("return-row")
    expect(returns).to_have_count(1)
    expect(returns.get_by_test_id("payout-status")).to_have_text("已付款")
    assert no_horizontal_scroll(page)
    perk = page.get_by_test_id("perk-premiere").filter(has_text="支持《漫長的夜》四")
    perk.get_by_test_id("claim-premiere").click()
    expect(page.get_by_test_id("premiere-left")).to_contain_text("2")
    expect(page.get_by_test_id("seatmap-scroll")).to_be_visible()
    assert no_horizontal_scroll(page)
    shot(page, "crowdfunding-premiere-zh-hant")
    page.get_by_test_id("premiere-count").select_option("2")
    page.get_by_test_id("claim-best").click()
    page.wait_for_url(re.compile(r"/orders/"))
    expect(page.locator(".flash, [role=status], [role=alert]").first).to_contain_text("首映票")
    page.goto(server.url + "/crowdfunding/pledges/")
    expect(perk).to_contain_text("已領取 2 張")
    expect(perk.get_by_test_id("claim-premiere")).to_have_count(0)
    assert not page.js_errors


def test_staff_pay_the_returns_from_the_console(server, new_page):
    """简体: investment staff open the offering in the console and pay its backers."""
    from tests.browser.seed_crowdfunding import TO_PAY_SLUG

    page = new_page(language="zh-hans")
    login(page, server, "cf-console")
    page.goto(server.url + "/crowdfunding/console/")
    expect(page.locator("h1")).to_have_text("众筹管理台")
    page.get_by_test_id(f"console-row-{TO_PAY_SLUG}").locator("a").click()
    expect(page.get_by_test_id("returns-quote")).to_be_visible()
    page.get_by_test_id("pay-returns").click()
    expect(page.get_by_test_id("returns-paid")).to_be_visible()
    rows = page.get_by_test_id("payout-row")
    expect(rows).to_have_count(2)
    for i in range(2):
        expect(rows.nth(i).get_by_test_id("payout-status")).to_have_text("已支付")
    assert no_horizontal_scroll(page)
    shot(page, "crowdfunding-console-zh-hans")
    assert not page.js_errors


def test_a_backer_fixes_the_account_and_sends_the_refused_payout_again(server, new_page):
    """English: the bank refused the payout; the backer fixes the account and sends it again."""
    from tests.browser.seed_crowdfunding import RETRY_BACKER

    page = new_page(language="en")
    login(page, server, RETRY_BACKER)
    page.goto(server.url + "/crowdfunding/pledges/")
    row = page.get_by_test_id("return-row")
    expect(row.get_by_test_id("payout-status")).to_have_text("Failed")
    page.get_by_test_id("kind-bank").check()
    page.get_by_test_id("account-number").fill("6222 0000 9999")
    page.get_by_test_id("save-payout-account").click()
    expect(page.locator(".flash, [role=status]").first).to_contain_text("payout account was saved")
    assert no_horizontal_scroll(page)
    page.get_by_test_id("retry-my-payout").click()
    expect(page.locator(".flash, [role=status]").first).to_contain_text(
        "Your payout was sent again."
    )
    expect(row.get_by_test_id("payout-status")).to_have_text("Paid")
    expect(page.get_by_test_id("retry-my-payout")).to_have_count(0)
    shot(page, "crowdfunding-payout-retried-en")
    assert not page.js_errors
