"""The pickup code (取票码) in a real browser: the buyer reads it, the door types it.

The signed code is 160-odd characters that nobody can read out; the pickup
code is ten digits on the ticket page (and the PDF) that an operator types at
the scanner, ending with Enter as a hand scanner does.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, no_horizontal_scroll, shot

pytestmark = pytest.mark.browser


def _buy(server, seat: str) -> dict:
    """A fresh ticket of the doors-open showtime for "fan" (no other test scans it)."""
    showtime = server.world["showtimes"]["doors-open"]
    [ticket] = json.loads(server.ctl("buy", str(showtime), server.world["users"]["fan"], seat))
    return ticket


def test_a_buyer_sees_the_pickup_code_and_the_door_admits_it_with_enter(server, new_page):
    ticket = _buy(server, "4-5")
    grouped = " ".join(re.findall(r"\d{1,4}", ticket["pickup_code"]))
    assert re.fullmatch(r"\d{4} \d{4} \d{2}", grouped)

    buyer = new_page()
    login(buyer, server, server.world["users"]["fan"])
    buyer.goto(server.url + "/tickets/")
    shown = buyer.get_by_test_id("pickup-code").filter(has_text=grouped)
    expect(shown).to_have_count(1)
    expect(shown).to_be_visible()
    card = buyer.get_by_test_id("ticket").filter(has=shown)
    expect(card).to_contain_text(re.compile(r"4\D+5"))  # row 4, seat 5 in any language
    # Whole on a phone: not clipped by the ticket card.
    code_box, card_box = shown.bounding_box(), card.bounding_box()
    assert code_box["x"] + code_box["width"] <= card_box["x"] + card_box["width"]
    assert shown.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert no_horizontal_scroll(buyer)
    shot(buyer, "ticket-pickup-code")

    door = new_page()
    login(door, server, "op-huaxia")
    door.goto(server.url + f"/scan/{server.world['venues']['sanlitun']['slug']}/")
    box = door.locator("#id_code")
    expect(box).to_be_focused()  # ready for the next ticket
    # Typed as read out from the buyer's phone, then Enter: no click on the button.
    box.press_sequentially(grouped)
    box.press("Enter")
    verdict = door.get_by_test_id("verdict")
    expect(verdict).to_have_attribute("data-verdict", "valid")
    expect(verdict).to_contain_text(re.compile(r"4\D+5"))
    shot(door, "scanner-pickup-code")

    # The same code again: already used.
    door.locator("#id_code").fill(ticket["pickup_code"])
    door.locator("#id_code").press("Enter")
    expect(verdict).to_have_attribute("data-verdict", "already_used")


def test_the_kiosk_finds_a_ticket_by_its_pickup_code(server, new_page):
    ticket = _buy(server, "4-6")
    page = new_page()
    login(page, server, "op-huaxia")
    page.goto(server.url + f"/scan/{server.world['venues']['sanlitun']['slug']}/pickup/")
    page.locator("#id_code").fill(ticket["pickup_code"])
    page.locator("#id_code").press("Enter")
    found = page.get_by_test_id("kiosk-ticket")
    expect(found).to_have_attribute("data-status", "valid")
    expect(found).to_contain_text(re.compile(r"4\D+6"))
    page.get_by_test_id("kiosk-check-in").click()
    expect(page.get_by_test_id("verdict")).to_have_attribute("data-verdict", "valid")
