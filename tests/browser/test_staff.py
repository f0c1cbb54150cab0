"""Cinema staff in a real browser: the door scanner on a phone, the schedule console."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, no_horizontal_scroll, shot

pytestmark = pytest.mark.browser


def test_the_door_scanner_admits_a_ticket_once(server, page):
    code = server.world["tickets"]["doors-open-2-3"]["code"]
    login(page, server, "op-huaxia")
    page.goto(server.url + "/scan/")
    expect(page.locator("h1")).to_have_text("Huaxia Cinema Sanlitun")
    page.fill("#id_code", code)
    page.fill("#id_door", "North")
    page.get_by_test_id("check").click()
    verdict = page.get_by_test_id("verdict")
    expect(verdict).to_have_attribute("data-verdict", "valid")
    expect(verdict).to_contain_text("Admit")
    expect(verdict).to_contain_text("Row 2 Seat 3")
    assert verdict.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(20, 108, 46)"
    # Other journeys may have scanned at this door today: the count moves by this scan.
    count = page.get_by_test_id("scan-count")
    expect(count).to_have_text(re.compile(r"^\d+ admitted of \d+ scans?$"))
    admitted, scans = (int(n) for n in re.findall(r"\d+", count.inner_text()))
    assert 1 <= admitted <= scans
    assert no_horizontal_scroll(page)
    shot(page, "scanner-admit")

    page.fill("#id_code", code)
    page.get_by_test_id("check").click()
    expect(verdict).to_have_attribute("data-verdict", "already_used")
    expect(verdict).to_contain_text("Already used")
    expect(verdict).to_contain_text("door North")
    expect(count).to_have_text(f"{admitted} admitted of {scans + 1} scans")
    shot(page, "scanner-already-used")


def test_the_door_scanner_reads_a_photo_of_the_qr(server, page, tmp_path):
    from marquee.ticketing.etickets import qr_png

    code = server.world["tickets"]["doors-open-2-4"]["code"]
    photo = tmp_path / "ticket.png"
    photo.write_bytes(qr_png(code, scale=5))
    login(page, server, "op-huaxia")
    page.goto(server.url + "/scan/sanlitun/")
    page.set_input_files("#id_photo", str(photo))
    page.get_by_test_id("check").click()
    verdict = page.get_by_test_id("verdict")
    expect(verdict).to_have_attribute("data-verdict", "valid")
    expect(verdict).to_contain_text("Row 2 Seat 4")


def test_an_operator_creating_an_overlapping_showtime_sees_the_error(server, page):
    login(page, server, "op-huaxia")
    page.goto(server.url + "/console/")
    expect(page.locator("h1")).to_have_text("Huaxia Cinema Sanlitun")
    expect(page.locator(".week-grid")).to_be_visible()
    shot(page, "console-week")
    page.get_by_test_id("new-showtime").click()
    form = page.get_by_test_id("showtime-form")
    # The day after tomorrow, 13:30 in Hall 1: The Long Night plays 13:00–14:58 there.
    day = page.evaluate(
        "(() => { const d = new Date(Date.now() + 2 * 864e5);"
        " return d.toLocaleDateString('sv-SE', {timeZone: 'Asia/Shanghai'}); })()"
    )
    form.locator("#id_title").select_option(label="Paper Tigers (96 min)")
    form.locator("#id_hall").select_option(label="Hall 1 (2D, 3D)")
    form.locator("#id_day").fill(day)
    form.locator("#id_start").fill("13:30")
    form.locator("#id_price_standard").fill("45")
    page.get_by_test_id("save-showtime").click()
    start = page.locator("p.field", has=page.locator("#id_start"))
    error = start.locator(".field-error")
    expect(error).to_contain_text("Hall 1 already shows The Long Night")
    expect(error).to_contain_text("15 minutes between them for cleaning")
    expect(page.locator("#id_start")).to_have_value("13:30")  # the input is kept
    assert no_horizontal_scroll(page)
    shot(page, "console-overlap")

    # Moved to a free slot it is saved as a draft.
    page.locator("#id_start").fill("08:00")
    page.get_by_test_id("save-showtime").click()
    expect(page.get_by_test_id("showtime-status")).to_have_text("Draft")


def test_a_moviegoer_is_kept_out_of_staff_pages(server, page):
    login(page, server, "fan")
    for path in ["/console/", "/scan/"]:
        response = page.goto(server.url + path)
        assert response.status == 403
        expect(page.locator("h1")).to_have_text("You may not open this page")


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_no_page_scrolls_sideways_on_a_phone(server, new_page, language):
    """Every page at 375 px: wide content (maps, grids, tables) scrolls inside its own box."""
    world = server.world
    pages = {
        "fan": [
            "/",
            "/films/the-long-night/",
            "/cinemas/",
            "/cinemas/sanlitun/",
            f"/showtimes/{world['showtimes']['star-tide-19']}/seats/",
            "/tickets/",
            f"/tickets/{world['orders']['doors-open']}/exchange/",
            f"/tickets/{world['orders']['doors-open']}/refund/",
            "/account/",
        ],
        "op-huaxia": [
            "/console/sanlitun/",
            "/console/sanlitun/new/",
            f"/console/showtimes/{world['showtimes']['long-night-19']}/",
            "/console/sanlitun/settlement/",
            "/scan/sanlitun/",
        ],
    }
    for user, paths in pages.items():
        page = new_page(language=language)
        login(page, server, user)
        for path in paths:
            response = page.goto(server.url + path)
            assert response.status == 200, path
            assert no_horizontal_scroll(page), (language, path)
        assert not page.js_errors
