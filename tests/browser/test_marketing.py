"""Marketing in a real browser, in English, 简体中文 and 繁體中文.

Staff define a segment (live count as they type) and a voucher campaign and
send it; a moviegoer finds the voucher under "My vouchers", types it on the
seat map and sees the discount on the checkout page. A Hong Kong fan finds
the pre-sale invitation a campaign sent them under "我的邀請", on a phone.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, login, no_horizontal_scroll, shot
from tests.browser.seed_marketing import FANS, INVITED

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
WORDS = {
    "en": {"segments": "Audience segments", "voucher": "Voucher", "count": "Accounts now: "},
    "zh-hans": {"segments": "人群分组", "voucher": "优惠券", "count": "当前账户数："},
    "zh-hant": {"segments": "人群分組", "voucher": "優惠券", "count": "目前賬戶數："},
}
SEAT = {"en": "3-1", "zh-hans": "3-2", "zh-hant": "3-3"}


def _local(offset: timedelta) -> str:
    return f"{datetime.now(ZoneInfo('Asia/Shanghai')) + offset:%Y-%m-%dT%H:%M}"


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
def test_staff_define_a_segment_and_send_a_campaign(server, new_page, language):
    words = WORDS[language]
    slug = f"fans-{language}"
    page = new_page(viewport=DESKTOP, language=language)
    login(page, server, "distribution")
    page.goto(server.url + "/marketing/segments/")
    expect(page.locator(".marketing-tabs [aria-current=page]")).to_have_text(words["segments"])
    page.fill("#segment-slug", slug)
    page.fill("#segment-name", f"Fans {language}")
    page.locator("#segment-rule").press_sequentially("tickets(at_least=1)", delay=5)
    expect(page.get_by_test_id("live-count")).to_contain_text(words["count"])
    page.get_by_test_id("save-segment").click()
    expect(page.locator(f'[data-segment="{slug}"]')).to_be_visible()

    page.goto(server.url + "/marketing/campaigns/new/")
    page.fill("#c-slug", f"spring-{language}")
    page.fill("#c-name", f"Spring {language}")
    page.select_option("#c-segment", slug)
    page.fill("#c-starts", _local(timedelta(hours=-1)))
    page.fill("#c-ends", _local(timedelta(days=10)))
    page.fill("#c-amount", "8")
    page.fill("#c-budget", "800")
    page.get_by_test_id("create-campaign").click()
    page.wait_for_url(re.compile(rf"/marketing/campaigns/spring-{language}/$"))
    page.get_by_test_id("send").click()
    expect(page.get_by_test_id("reached")).not_to_have_text("0")
    expect(page.get_by_test_id("download-xlsx")).to_be_visible()
    assert not page.js_errors
    shot(page, f"marketing-campaign-{language}", tour=language == "en")


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
def test_a_moviegoer_redeems_a_voucher_at_checkout(server, new_page, language):
    words = WORDS[language]
    showtime = server.world["showtimes"]["harbour-lights-21-d2"]
    page = new_page(viewport=DESKTOP, language=language)
    login(page, server, FANS[language])
    page.goto(server.url + "/account/vouchers/")
    code = page.get_by_test_id("voucher-code").first.inner_text()
    assert code.startswith("MQ-")
    page.goto(server.url + f"/showtimes/{showtime}/seats/")
    page.locator(f'.seatmap label:has(input[value="{SEAT[language]}"])').click()
    page.get_by_test_id("voucher-code").fill(code)
    page.get_by_test_id("continue").click()
    page.wait_for_url(re.compile(r"/checkout/\d+/$"))
    discount = page.get_by_test_id("order-discount")
    expect(discount).to_contain_text(f"{words['voucher']} {code}")
    expect(discount).to_contain_text("10.00")
    shot(page, f"marketing-checkout-{language}", tour=language == "en")


def test_an_invited_fan_finds_the_invitation_on_a_phone(server, new_page):
    page = new_page(viewport=PHONE, language="zh-hant")
    login(page, server, INVITED)
    page.goto(server.url + "/account/")
    page.get_by_test_id("account-invitations").click()
    page.wait_for_url(re.compile(r"/account/invitations/$"))
    expect(page.locator("h1")).to_have_text("我的邀請")
    card = page.locator("[data-invitation]")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Insiders")
    expect(page.get_by_test_id("invitation-state")).to_have_text("預售尚未開始")
    code = page.get_by_test_id("invitation-code").inner_text()
    assert code and card.get_attribute("data-invitation") == code
    assert no_horizontal_scroll(page)
    assert not page.js_errors
    shot(page, "marketing-invitations-zh-hant")
