"""Issue 14, "Missing": search, schedule filters and distance, posters and trailers, reviews
and the waiting list, walked in a real browser in English, 简体中文 and 繁體中文."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, login, no_horizontal_scroll, shot

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}
#: Just north of Huaxia Sanlitun, about 3.2 km from Golden Screen Guomao.
NEAR_SANLITUN = {"latitude": 39.937, "longitude": 116.454}


def test_search_filters_and_a_rating_in_english(server, new_page):
    """Search from the header in either script, filter a day's showtimes, rate a film seen."""
    page = new_page(viewport=PHONE, language="en")
    page.goto(server.url + "/?city=beijing")
    # Posters, not letters, on the cards.
    expect(page.locator(".film-card img").first).to_be_visible()
    expect(page.locator(".poster__placeholder")).to_have_count(0)
    page.get_by_test_id("search-input").fill("国贸")
    page.get_by_test_id("search-input").press("Enter")
    expect(page.get_by_test_id("search-cinemas")).to_contain_text("Golden Screen Guomao")
    page.get_by_test_id("search-input").fill("long night")
    page.get_by_test_id("search-input").press("Enter")
    expect(page.get_by_test_id("search-films")).to_contain_text("The Long Night")
    assert no_horizontal_scroll(page)
    shot(page, "search-results", tour=True)
    page.get_by_role("link", name=re.compile("The Long Night")).first.click()
    expect(page.locator("h1")).to_have_text("The Long Night")
    expect(page.get_by_test_id("trailer")).to_have_attribute("href", re.compile("^https://"))

    every = page.get_by_test_id("showtime").count()
    assert every > 1
    expect(page.get_by_test_id("ends-at").first).to_contain_text("ends ")
    page.get_by_test_id("filter-time").select_option("evening")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("filters-hidden")).to_be_visible()
    evening = page.get_by_test_id("showtime").count()
    assert 0 < evening < every
    for chip in page.locator(".chip__time").all_inner_texts():
        assert 17 <= int(chip.split(":")[0]) < 22, chip
    page.get_by_test_id("filter-cinema").select_option("guomao")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("filters-empty")).to_be_visible()  # Guomao plays it at 14:00
    page.get_by_role("link", name="Clear filters").click()
    expect(page.get_by_test_id("showtime")).to_have_count(every)

    # Rating: refused without a used ticket, taken with one.
    login(page, server, "fan")
    page.goto(server.url + "/films/the-long-night/")
    expect(page.get_by_test_id("review-needs-ticket")).to_contain_text("with a Marquee ticket")
    page.goto(server.url + "/films/harbour-lights/")
    form = page.get_by_test_id("review-form")
    form.locator('input[name="stars"][value="4"]').check()
    form.locator("textarea").fill("Salt, rain and family: lovely.")
    form.get_by_role("button", name="Save rating").click()
    expect(page.locator(".flash")).to_contain_text("your rating is saved")
    expect(page.get_by_test_id("film-rating")).to_contain_text("4.0 out of 5 · 1 rating")
    expect(page.get_by_test_id("reviews")).to_contain_text("Salt, rain and family")
    shot(page, "film-rating-reviews", tour=True)
    assert page.js_errors == []


def test_nearest_cinemas_first_in_simplified_chinese(server, browser):
    """The page asks for the location, then lists the nearest cinema first with its distance."""
    context = browser.new_context(
        viewport=DESKTOP,
        locale="zh-CN",
        geolocation=NEAR_SANLITUN,
        permissions=["geolocation"],
    )
    context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": server.url}])
    try:
        page = context.new_page()
        page.goto(server.url + "/films/the-long-night/?city=beijing")
        venues = page.get_by_test_id("schedule-venue")
        expect(venues.first).to_contain_text("金幕影院国贸店")  # by name: 金 before 華
        page.get_by_test_id("nearby").click()
        expect(page.get_by_test_id("nearby-status")).to_contain_text("影院已按与你的距离排序")
        expect(venues.first).to_contain_text("华夏影城三里屯店")
        expect(venues.first.get_by_test_id("distance")).to_have_text(re.compile(r"^\d+ m$"))
        expect(venues.nth(1).get_by_test_id("distance")).to_have_text("3.2 km")
        expect(page.get_by_test_id("schedule-filters")).to_contain_text("时段")
        expect(page.locator(".film__poster img")).to_be_visible()
        shot(page, "film-filters-nearby-zh-hans", tour=True, full_page=False)
    finally:
        context.close()


def test_nearest_first_without_a_location_says_so(server, browser):
    """Refused: a message, and the cinemas stay in name order."""
    context = browser.new_context(viewport=PHONE, locale="en-US", permissions=[])
    try:
        page = context.new_page()
        page.goto(server.url + "/films/the-long-night/?city=beijing")
        first = page.get_by_test_id("schedule-venue").first.inner_text()
        page.get_by_test_id("nearby").click()
        expect(page.get_by_test_id("nearby-status")).to_contain_text("Location not shared")
        assert page.get_by_test_id("schedule-venue").first.inner_text() == first
    finally:
        context.close()


def test_waiting_list_offer_after_a_refund_in_traditional_chinese(server, new_page):
    """Join a sold-out showtime's list; a refund frees a seat; take it from My orders and pay."""
    ux = server.world["ux"]
    page = new_page(viewport=PHONE, language="zh-hant")
    login(page, server, "fan2")
    page.goto(server.url + f"/showtimes/{ux['sold_out']}/seats/")
    box = page.get_by_test_id("waitlist-box")
    expect(box).to_contain_text("已售罄")
    box.get_by_test_id("waitlist-join").click()
    expect(page.locator(".flash")).to_contain_text("你已加入候補名單")
    expect(page.get_by_test_id("waitlist-joined")).to_contain_text("你已加入候補，等候 1 個座位")
    shot(page, "waitlist-join-zh-hant", tour=True)

    status, body = server.api(
        "POST",
        f"/api/v1/ticketing/orders/{ux['refundable_order']}/refund",
        token=server.world["tokens"]["rival"],
        body={},
    )
    assert status == 200, body
    page.goto(server.url + "/orders/")
    offer = page.get_by_test_id("seats-waiting")
    expect(offer).to_contain_text("你的座位在等你")
    expect(offer).to_contain_text("3排5座")
    assert no_horizontal_scroll(page)
    shot(page, "waitlist-offer-zh-hant", tour=True)
    page.get_by_test_id("waitlist-accept").click()
    expect(page).to_have_url(re.compile(r"/checkout/\d+/$"))
    assert page.js_errors == []
