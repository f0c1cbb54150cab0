"""Merchandise journeys in a real browser: a fan's ticket bundle (English), a merchant
listing a product (简体中文), the licensor's approval and a verification (繁體中文)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, no_horizontal_scroll, shot

pytestmark = pytest.mark.browser


def test_a_fan_buys_goods_with_the_ticket_bundle(server, new_page):
    # A paid ticket order of the fan's own for the film (whatever other journeys refunded).
    server.ctl("buy", str(server.world["showtimes"]["long-night-13-d2"]), "fan", "6-10", "6-11")
    page = new_page(language="en")
    login(page, server, "fan")
    page.goto(server.url + "/tickets/")
    offer = page.get_by_test_id("film-goods").first
    expect(offer).to_contain_text("Complete your night")
    offer.get_by_test_id("goods-item").filter(has_text="Long Night tee").first.click()
    expect(page.get_by_test_id("product-name")).to_have_text("Long Night tee")
    expect(page.get_by_test_id("bundle-price")).to_have_text("CN¥99.00")
    page.get_by_test_id("add-to-cart").click()
    page.wait_for_url(re.compile(r"/shop/cart/"))
    group = page.get_by_test_id("cart-group").first
    group.get_by_test_id("recipient").fill("Li Wei")
    group.get_by_test_id("phone").fill("+86 138 0000 0000")
    group.get_by_test_id("address").fill("1 Century Avenue")
    group.get_by_test_id("city").fill("Shanghai")
    expect(group.get_by_test_id("use-bundle")).to_be_checked()
    assert no_horizontal_scroll(page)
    group.get_by_test_id("checkout").click()
    expect(page.get_by_test_id("amount")).to_have_text("CN¥99.00")
    page.get_by_role("button", name="Pay", exact=True).click()
    page.wait_for_url(re.compile(r"/shop/orders/\d+/"))
    expect(page.get_by_test_id("goods-order-status")).to_have_text("Paid")
    expect(page.get_by_test_id("discount")).to_have_text("CN¥30.00")
    code = page.get_by_test_id("unit-code").first.inner_text()
    assert code.startswith("MQA1:") and len(code) == 157
    shot(page, "merch-order-en")


def _new_product(page, *, stock: str) -> None:
    """Fill in the merchant portal's new-product form (a figure at 299) and save it."""
    form = page.get_by_test_id("new-product")
    form.get_by_test_id("category").select_option("toys")
    form.get_by_test_id("name-en").fill("Night watchman figure")
    form.get_by_test_id("sku").fill("FIG-1")
    form.get_by_test_id("variant-label").fill("Standard")
    form.get_by_test_id("price").fill("299")
    form.get_by_test_id("stock").fill(stock)
    form.get_by_test_id("save-product").click()


def test_a_merchant_lists_a_product_in_simplified_chinese(server, new_page):
    page = new_page(language="zh-hans")
    login(page, server, "shopkeeper")
    page.goto(server.url + "/shop/merchant/")
    expect(page.locator("h1")).to_have_text("商户后台")
    _new_product(page, stock="-3")
    expect(page.locator(".flash")).to_contain_text("库存须为零或正整数")  # negative stock refused
    _new_product(page, stock="30")
    item = page.get_by_test_id("portal-product").filter(has_text="Night watchman figure")
    expect(item.get_by_test_id("product-status")).to_have_text("草稿")
    item.get_by_test_id("submit-product").click()
    item = page.get_by_test_id("portal-product").filter(has_text="Night watchman figure")
    expect(item.get_by_test_id("product-status")).to_have_text("已提交审核")
    assert no_horizontal_scroll(page)
    shot(page, "merch-portal-zh-hans")


def test_the_licensor_approves_and_anyone_verifies_in_traditional_chinese(server, new_page):
    licensor = new_page(language="zh-hant")
    login(licensor, server, "licensor")
    licensor.goto(server.url + "/shop/approvals/")
    expect(licensor.locator("h1")).to_have_text("審核隊列")
    queued = licensor.get_by_test_id("queued-product").filter(has_text="長夜海報")
    queued.get_by_test_id("approve").click()
    expect(licensor.locator(".flash")).to_contain_text("審核結果已記錄")
    expect(licensor.get_by_test_id("queued-product").filter(has_text="長夜海報")).to_have_count(0)

    owner = new_page(language="zh-hant")
    login(owner, server, "fan2")
    owner.goto(server.url + "/shop/orders/")
    owner.get_by_test_id("goods-order").first.get_by_role("link").click()
    code = owner.get_by_test_id("unit-code").first.inner_text()

    visitor = new_page(language="zh-hant")
    visitor.goto(server.url + "/shop/verify/")
    visitor.get_by_test_id("verify-code").fill(code)
    visitor.get_by_test_id("verify").click()
    result = visitor.get_by_test_id("verify-result")
    expect(result).to_contain_text("正品")
    expect(result).to_contain_text("LIC-NIGHT-001")
    shot(visitor, "merch-verify-zh-hant")
    visitor.get_by_test_id("verify-code").fill(code[:-4] + "AAAA")
    visitor.get_by_test_id("verify").click()
    expect(visitor.get_by_test_id("verify-forged")).to_contain_text("非正品")
