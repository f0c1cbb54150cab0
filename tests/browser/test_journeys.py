"""The moviegoer's journeys in a real browser on a phone-sized screen (375 × 812)."""

from __future__ import annotations

import io
import re

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import login, no_horizontal_scroll, shot

pytestmark = pytest.mark.browser


def _seat(page, code: str):
    return page.locator(f'.seatmap input[value="{code}"]')


def _pick(page, code: str) -> None:
    """Tap a seat as a finger would (the label is the seat's box)."""
    page.locator(f'.seatmap label:has(input[value="{code}"])').click()


def test_the_whole_purchase(server, page):
    showtime = server.world["showtimes"]["long-night-10"]
    login(page, server, "fan")

    # Pick a city and a film.
    page.goto(server.url + "/")
    page.select_option("#city-select", "hong-kong")
    expect(page.locator("h1")).to_have_text("Films in Hong Kong")
    page.select_option("#city-select", "beijing")
    expect(page.locator("h1")).to_have_text("Films in Beijing")
    assert no_horizontal_scroll(page)
    shot(page, "home", tour=True, full_page=False)
    page.get_by_role("link", name=re.compile("The Long Night")).first.click()
    expect(page.locator("h1")).to_have_text("The Long Night")
    assert no_horizontal_scroll(page)

    # A showtime, then two seats on the map.
    page.locator(f'a[href="/showtimes/{showtime}/seats/"]').click()
    expect(page.locator("h1")).to_have_text("Choose your seats")
    _pick(page, "5-5")
    _pick(page, "5-6")
    expect(page.locator("[data-selection-list]")).to_have_text("Row 5 Seat 5, Row 5 Seat 6")
    expect(page.locator("[data-selection-total]")).to_have_text("CN¥136.00")
    assert no_horizontal_scroll(page)
    shot(page, "seat-map", tour=True)

    # Checkout with the hold's countdown, then the provider's page and back.
    page.get_by_test_id("continue").click()
    expect(page.locator("h1")).to_have_text("Checkout")
    expect(page.get_by_test_id("order-total")).to_have_text("CN¥136.00")
    countdown = page.locator("[data-countdown-time]")
    first = countdown.inner_text()
    assert re.fullmatch(r"(9|10):\d\d", first)
    page.wait_for_timeout(1200)
    assert countdown.inner_text() != first  # it ticks
    assert no_horizontal_scroll(page)
    shot(page, "checkout", tour=True)
    page.get_by_test_id("pay").click()
    expect(page.get_by_test_id("amount")).to_have_text("CN¥136.00")
    page.get_by_role("button", name="Pay", exact=True).click()

    # My tickets: two tickets with QR codes that decode to the signed codes.
    page.wait_for_url(re.compile(r"/tickets/"))
    expect(page.locator(".flash")).to_contain_text("Payment received")
    order = page.locator('[data-testid="order"]', has_text="Row 5 Seat 5")
    expect(order.get_by_test_id("qr")).to_have_count(2)
    expect(order).to_contain_text("Row 5 Seat 6")
    expect(order).to_contain_text("Hall 1")
    qr = Image.open(io.BytesIO(order.get_by_test_id("qr").first.screenshot()))
    decoded = zxingcpp.read_barcodes(qr)
    assert decoded and decoded[0].text.startswith("MQT1:")
    assert no_horizontal_scroll(page)
    order.scroll_into_view_if_needed()
    shot(page, "my-tickets", tour=True, full_page=False)
    assert not page.js_errors


def test_a_seat_taken_by_another_buyer_between_viewing_and_holding(server, page):
    showtime = server.world["showtimes"]["long-night-13"]
    login(page, server, "fan")
    page.goto(f"{server.url}/showtimes/{showtime}/seats/")
    _pick(page, "6-3")
    _pick(page, "6-4")
    expect(_seat(page, "6-4")).to_be_checked()

    # Meanwhile another buyer holds 6-4 through the API.
    status, _ = server.api(
        "POST",
        "/api/v1/ticketing/holds",
        token=server.world["tokens"]["rival"],
        body={"showtime_id": showtime, "seats": ["6-4"]},
    )
    assert status == 201
    page.get_by_test_id("continue").click()
    alert = page.get_by_test_id("seat-error")
    expect(alert).to_contain_text("someone else has just taken row 6 seat 4")
    expect(_seat(page, "6-4")).to_be_disabled()  # the map was refreshed
    expect(_seat(page, "6-3")).to_be_checked()  # the rest of the choice is kept
    shot(page, "seat-taken")

    # While picking, the live refresh notices a seat going and says so.
    _pick(page, "6-5")
    expect(_seat(page, "6-5")).to_be_checked()
    status, _ = server.api(
        "POST",
        "/api/v1/ticketing/holds",
        token=server.world["tokens"]["rival"],
        body={"showtime_id": showtime, "seats": ["6-5"]},
    )
    assert status == 201
    page.evaluate("document.getElementById('seat-form').refreshSeats()")
    expect(alert).to_contain_text("Row 6 Seat 5")
    expect(_seat(page, "6-5")).not_to_be_checked()
    expect(_seat(page, "6-5")).to_be_disabled()
    assert not page.js_errors


def test_couple_seats_go_together_and_the_keyboard_works(server, page):
    showtime = server.world["showtimes"]["paper-tigers-16"]
    page.goto(f"{server.url}/showtimes/{showtime}/seats/")
    _pick(page, "8-1")
    expect(_seat(page, "8-2")).to_be_checked()  # its partner came along
    _pick(page, "8-2")
    expect(_seat(page, "8-1")).not_to_be_checked()
    # Keyboard: one tab stop into the map, arrows to move, space to choose.
    _seat(page, "3-5").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")
    expect(_seat(page, "3-6")).to_be_checked()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    expect(_seat(page, "4-6")).to_be_checked()
    expect(page.locator("[data-selection-list]")).to_have_text("Row 3 Seat 6, Row 4 Seat 6")
    # The per-order maximum.
    for code in ["3-1", "3-2", "3-3", "4-1", "4-2"]:
        _pick(page, code)
    expect(page.get_by_test_id("seat-error")).to_contain_text("at most 6 seats")
    assert page.locator(".seatmap input:checked").count() == 6
    assert not page.js_errors


def test_the_hold_expiring_during_checkout(server, page):
    showtime = server.world["showtimes"]["long-night-10-d2"]
    login(page, server, "fan")
    page.goto(f"{server.url}/showtimes/{showtime}/seats/")
    _pick(page, "3-3")
    page.get_by_test_id("continue").click()
    expect(page.locator("h1")).to_have_text("Checkout")
    order_id = re.search(r"/checkout/(\d+)/", page.url).group(1)
    # The clock moves on: the hold now lapses three seconds from now.
    server.ctl("expire-order", order_id, "3")
    page.reload()
    expect(page.locator("[data-countdown-expired]")).to_be_visible(timeout=10_000)
    expect(page.get_by_test_id("pay")).to_be_disabled()
    shot(page, "checkout-countdown-ended")
    page.reload()
    expect(page.locator("h1")).to_have_text("Your hold expired")
    expect(page.get_by_test_id("hold-expired")).to_contain_text("your seats were released")
    page.get_by_role("link", name="Choose seats again").click()
    expect(_seat(page, "3-3")).to_be_enabled()  # the seat is free again
    assert not page.js_errors


def test_a_refund_from_my_tickets_frees_the_seats(server, page):
    order = server.world["orders"]["fan-long-night-d2"]
    showtime = server.world["showtimes"]["long-night-19-d2"]
    login(page, server, "fan")
    page.goto(server.url + "/tickets/")
    page.locator(f'a[href="/tickets/{order}/refund/"]').click()
    rule = page.get_by_test_id("refund-rule")
    expect(rule).to_contain_text("until 60 minutes before the showtime starts")
    expect(rule).to_contain_text("CN¥5.00 per ticket")
    expect(page.get_by_test_id("refund-total")).to_have_text("CN¥126.00")
    assert no_horizontal_scroll(page)
    shot(page, "refund-confirm")
    page.get_by_test_id("confirm-refund").click()
    expect(page.locator(".flash")).to_contain_text("2 tickets refunded: CN¥126.00")
    page.goto(f"{server.url}/showtimes/{showtime}/seats/")
    expect(_seat(page, "4-6")).to_be_enabled()
    expect(_seat(page, "4-7")).to_be_enabled()
    assert not page.js_errors


def test_switching_to_simplified_and_traditional_chinese(server, page):
    page.goto(server.url + "/films/the-long-night/")
    page.select_option("#language-select", "zh-hans")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1")).to_have_text("漫长的夜")
    expect(page.locator(".chip__price").first).to_contain_text("¥45.00–¥90.00")
    expect(page.get_by_role("navigation", name="主导航")).to_contain_text("影院")
    shot(page, "film-zh-hans")
    page.goto(server.url + "/?city=hong-kong")
    expect(page.locator("h1")).to_have_text("香港的电影")

    page.select_option("#language-select", "zh-hant")
    page.get_by_role("button", name="切换").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hant")
    expect(page.locator("h1")).to_have_text("香港的電影")
    expect(page.locator("#now-heading")).to_have_text("現正上映")
    page.get_by_role("link", name=re.compile("港灣燈火")).first.click()
    expect(page.locator(".chip__price").first).to_contain_text("HK$95.00–HK$150.00")
    assert no_horizontal_scroll(page)
    shot(page, "film-zh-hant")

    page.select_option("#language-select", "en")
    page.get_by_role("button", name="切換").click()
    expect(page.locator("h1")).to_have_text("Harbour Lights")
    assert not page.js_errors


def test_without_javascript_the_seat_map_is_a_form(server, new_page):
    page = new_page(javascript=False)
    showtime = server.world["showtimes"]["star-tide-15"]
    login(page, server, "fan2")
    page.goto(f"{server.url}/showtimes/{showtime}/seats/")
    expect(page.locator("noscript")).to_have_count(1)
    _pick(page, "6-8")
    expect(_seat(page, "6-8")).to_be_checked()
    assert page.locator('.seatmap label:has(input[value="6-8"])').evaluate(
        "el => getComputedStyle(el).backgroundColor"
    ) != page.locator('.seatmap label:has(input[value="6-9"])').evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )  # the choice shows without a script
    page.get_by_test_id("continue").click()
    expect(page.locator("h1")).to_have_text("Checkout")
    expect(page.get_by_test_id("countdown")).to_contain_text(re.compile(r"(9|10):\d\d"))
    page.get_by_test_id("pay").click()
    expect(page.get_by_test_id("amount")).to_be_visible()


@pytest.mark.parametrize(
    ("language", "showtime_key", "seats", "seats_heading", "paid_flash"),
    [
        ("zh-hans", "long-night-13", ["2-4", "2-5"], "选择座位", "付款成功"),
        ("zh-hant", "long-night-13", ["3-4", "3-5"], "選擇座位", "付款成功"),
    ],
)
def test_the_whole_purchase_in_chinese(
    server, page, language, showtime_key, seats, seats_heading, paid_flash
):
    """The same journey as above, read and clicked in 简体中文 and 繁體中文."""
    showtime = server.world["showtimes"][showtime_key]
    login(page, server, "fan2")
    page.goto(server.url + "/")
    page.select_option("#language-select", language)
    page.locator("form.language-form button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)

    page.select_option("#city-select", "beijing")
    page.locator('a[href="/films/the-long-night/"]').first.click()
    expect(page.locator("h1")).not_to_have_text("The Long Night")
    page.locator(f'a[href="/showtimes/{showtime}/seats/"]').first.click()
    expect(page.locator("h1")).to_contain_text(seats_heading)
    for code in seats:
        _pick(page, code)
    labels = [f"{c.split('-')[0]}排{c.split('-')[1]}座" for c in seats]
    expect(page.locator("[data-selection-list]")).to_contain_text(labels[0])
    expect(page.locator("[data-selection-total]")).to_contain_text("¥")
    page.get_by_test_id("continue").click()
    expect(page.get_by_test_id("order-total")).to_contain_text("¥")
    assert no_horizontal_scroll(page)
    page.get_by_test_id("pay").click()
    page.locator('button[name="outcome"][value="succeed"]').click()

    page.wait_for_url(re.compile(r"/tickets/"))
    expect(page.locator(".flash")).to_contain_text(paid_flash)
    order = page.locator('[data-testid="order"]', has_text=labels[0])
    expect(order.get_by_test_id("qr")).to_have_count(2)
    expect(order).to_contain_text(labels[1])
    shot(page, f"my-tickets-{language}", full_page=False)
    assert not page.js_errors
