"""The booking journey's dead ends (issue 14, "Broken" 1, 3, 4 and 6), walked in a real browser.

Phone items on a 390 px wide screen, in the language they were found in.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, no_horizontal_scroll, shot

pytestmark = pytest.mark.browser

PHONE_390 = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _beijing_day(offset: int) -> str:
    return (datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=offset)).isoformat()


def _seat(page, code: str):
    return page.locator(f'.seatmap input[value="{code}"]')


def _pick(page, code: str) -> None:
    page.locator(f'.seatmap label:has(input[value="{code}"])').click()


def test_presale_days_beyond_a_week_are_listed_with_the_round(server, new_page):
    """1. The pre-sale badge leads to days with showtimes, not to "no showtimes"."""
    showtime = int(server.ctl("presale-showtime", "21").strip())
    far_day = _beijing_day(21)
    page = new_page(viewport=PHONE_390)
    page.goto(server.url + "/?city=beijing")
    page.get_by_role("link", name=re.compile("Moon Over the Bay")).first.click()
    expect(page.locator("h1")).to_have_text("Moon Over the Bay")

    # The date strip reaches the far pre-sale day; the round says when and for whom.
    rounds = page.get_by_test_id("presale-rounds")
    expect(rounds).to_contain_text("Early birds")
    expect(rounds).to_contain_text("open now, until")
    expect(rounds).to_contain_text("Who may buy: Everyone")
    page.locator(f'.day-tabs a[href^="?date={far_day}"]').click()
    chip = page.locator(f'a[href="/showtimes/{showtime}/seats/"]')
    expect(chip).to_contain_text("Pre-sale")
    expect(chip.get_by_test_id("general-sale")).to_contain_text("general sale")
    expect(page.get_by_test_id("date-notice")).to_have_count(0)
    assert no_horizontal_scroll(page)
    shot(page, "film-presale-days")

    # A day without showtimes is said so, not silently replaced.
    page.goto(server.url + "/films/moon-over-the-bay/?date=2099-01-01")
    expect(page.get_by_test_id("date-notice")).to_contain_text("There are no showtimes on")
    page.goto(server.url + "/films/moon-over-the-bay/?date=not-a-day")
    expect(page.get_by_test_id("date-notice")).to_contain_text("not a date we understand")

    # The cinema's strip reaches it too.
    page.goto(server.url + f"/cinemas/sanlitun/?date={far_day}")
    expect(page.locator(f'.day-tabs a[href="?date={far_day}"]')).to_have_attribute(
        "aria-current", "date"
    )
    expect(page.locator(f'a[href="/showtimes/{showtime}/seats/"]')).to_be_visible()
    expect(page.get_by_test_id("date-notice")).to_have_count(0)
    page.goto(server.url + "/cinemas/sanlitun/?date=2099-01-01")
    expect(page.get_by_test_id("date-notice")).to_be_visible()


def test_console_date_field_is_iso_in_chinese(server, new_page):
    """3. The console's <input type=date> gets an ISO date in 简体中文, and saving works."""
    page = new_page(viewport=DESKTOP, language="zh-hans")
    login(page, server, "op-huaxia")
    day = _beijing_day(30)
    hall = server.world["halls"]["hall-3"]
    page.goto(server.url + f"/console/sanlitun/new/?date={day}&hall={hall}")
    day_input = page.locator("#id_day")
    assert day_input.get_attribute("value") == day
    expect(day_input).to_have_value(day)  # the browser shows it (an unparsable value is blank)
    page.select_option("#id_title", index=1)
    page.fill("#id_start", "23:00")
    page.fill("#id_price_standard", "50")
    page.locator("main button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/console/showtimes/\d+/"))
    expect(page.locator("main")).to_contain_text(
        re.sub(r"^\d{4}-0?(\d+)-0?(\d+)$", r"\1月\2日", day)
    )


def test_seats_chosen_before_login_are_still_chosen_after(server, new_page):
    """4. Choose seats, log in, come back to the same seats chosen."""
    showtime = server.world["showtimes"]["long-night-13"]
    page = new_page(viewport=PHONE_390)
    page.goto(server.url + f"/showtimes/{showtime}/seats/")
    _pick(page, "6-7")
    _pick(page, "6-8")
    expect(page.locator("[data-selection-list]")).to_have_text("Row 6 Seat 7, Row 6 Seat 8")
    page.get_by_test_id("login-to-continue").click()

    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.fill("#id_username", "fan2")
    page.fill("#id_password", server.world["password"])
    page.click("main button[type=submit]")

    page.wait_for_url(re.compile(rf"/showtimes/{showtime}/seats/\?seats=6-7&seats=6-8"))
    expect(_seat(page, "6-7")).to_be_checked()
    expect(_seat(page, "6-8")).to_be_checked()
    expect(page.locator("[data-selection-list]")).to_have_text("Row 6 Seat 7, Row 6 Seat 8")
    assert no_horizontal_scroll(page)
    page.get_by_test_id("continue").click()
    expect(page.locator("h1")).to_have_text("Checkout")
    expect(page.get_by_test_id("order-summary")).to_contain_text("Row 6 Seat 7")
    expect(page.get_by_test_id("order-summary")).to_contain_text("Row 6 Seat 8")
    # Release them: one order to pay at a time, and fan2 buys this showtime later.
    page.get_by_role("button", name="Cancel and release the seats").click()
    page.wait_for_url(re.compile(rf"/showtimes/{showtime}/seats/"))


def test_order_centre_and_own_held_seats(server, new_page):
    """6. Your held seats are yours on the map; the order centre lists every order."""
    showtime = server.world["showtimes"]["long-night-13"]
    page = new_page(viewport=PHONE_390)
    login(page, server, "fan")
    page.goto(server.url + f"/showtimes/{showtime}/seats/")
    _pick(page, "7-5")
    page.get_by_test_id("continue").click()
    expect(page.locator("h1")).to_have_text("Checkout")
    order_id = re.search(r"/checkout/(\d+)/", page.url).group(1)

    # Back on the map: the seat reads as yours, with the way back to paying.
    page.goto(server.url + f"/showtimes/{showtime}/seats/")
    mine = page.locator('.seatmap label:has(input[value="7-5"])')
    expect(mine).to_have_class(re.compile(r"\bis-mine\b"))
    expect(_seat(page, "7-5")).to_have_attribute("aria-label", re.compile("held by you"))
    banner = page.get_by_test_id("held-by-me")
    expect(banner).to_contain_text("Row 7 Seat 5")
    expect(page.locator(".legend")).to_contain_text("Held by you")
    assert no_horizontal_scroll(page)
    shot(page, "seat-map-held-by-me")
    banner.get_by_test_id("continue-to-pay").click()
    page.wait_for_url(re.compile(rf"/checkout/{order_id}/"))

    # The order centre: to pay (with its countdown), and paid with a receipt.
    page.goto(server.url + "/tickets/")
    page.get_by_test_id("order-centre-link").click()
    expect(page.locator("h1")).to_have_text("My orders")
    pending = page.get_by_test_id("shelf-pending")
    expect(pending).to_contain_text(f"Order {order_id}")
    countdown = pending.locator("[data-countdown-time]").first
    first = countdown.inner_text()
    assert re.fullmatch(r"(9|10):\d\d", first)
    page.wait_for_timeout(1200)
    assert countdown.inner_text() != first
    paid = page.get_by_test_id("shelf-paid")
    expect(paid).to_contain_text("The Long Night")
    assert no_horizontal_scroll(page)
    shot(page, "order-centre", tour=True)

    paid_order = server.world["orders"]["fan-long-night-d2"]
    page.locator(f'a[href="/orders/{paid_order}/"]').first.click()
    expect(page.get_by_test_id("order-status")).to_have_text("Paid")
    expect(page.get_by_test_id("order-summary")).to_contain_text("Row 4 Seat 6")
    expect(page.get_by_test_id("order-total")).to_be_visible()
    assert no_horizontal_scroll(page)

    page.goto(server.url + "/orders/")
    page.get_by_test_id("shelf-pending").get_by_test_id("continue-to-pay").first.click()
    page.wait_for_url(re.compile(rf"/checkout/{order_id}/"))
    expect(page.get_by_test_id("pay")).to_be_visible()
