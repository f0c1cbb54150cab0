"""Issue 14's page fixes, with Django's client: one order to pay at a time on the seat page,
labels in the visitor's language, the price range, the exchange page by day, the refund
total's data, the favicon and help texts tied to their fields.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.utils.translation import override

from marquee.ticketing.models import Hold, Order
from marquee.web.templatetags.marquee_labels import (
    format_name,
    format_names,
    hall_name,
    seat_name,
    zone_name,
)

pytestmark = pytest.mark.django_db


def _hold(client, showtime, seats):
    return client.post(f"/showtimes/{showtime.pk}/seats/", {"seats": seats})


def test_the_seat_page_refuses_a_second_order_and_points_to_the_first(web, client_as):
    fan = client_as("rival")
    showtime = web.showtimes["long-night-10"]
    first = _hold(fan, showtime, ["6-1", "6-2"])
    assert first.status_code == 302
    order_id = int(re.search(r"/checkout/(\d+)/", first["Location"]).group(1))

    again = _hold(fan, showtime, ["7-1"])
    assert again.status_code == 409
    page = again.content.decode()
    assert f"You already have order {order_id} waiting for payment" in page
    assert f'href="/checkout/{order_id}/" data-testid="continue-to-pay"' in page
    assert "Row 6 Seat 1, Row 6 Seat 2" in page  # the notice names your seats
    assert Order.objects.filter(user=web.users["rival"]).count() == 1
    assert Hold.objects.filter(user=web.users["rival"]).count() == 1
    # The same refusal in 简体中文.
    fan.cookies["django_language"] = "zh-hans"
    page = _hold(fan, showtime, ["7-1"]).content.decode()
    assert "您在本场次已有待支付的订单" in page and "6排1座" in page


@pytest.mark.parametrize(
    ("language", "seat", "hall", "kind_hall", "dolby", "zone"),
    [
        ("en", "Row 10 Seat 9", "Hall 3", "IMAX Hall", "Dolby Cinema", "China Time (GMT+08:00)"),
        ("zh-hans", "10排9座", "3号厅", "IMAX厅", "杜比影院", "中国时间（GMT+08:00）"),
        ("zh-hant", "10排9座", "3號廳", "IMAX廳", "杜比影院", "中國時間（GMT+08:00）"),
    ],
)
def test_labels_in_each_language(language, seat, hall, kind_hall, dolby, zone):
    with override(language):
        assert seat_name("10排9座") == seat == seat_name("10-9")
        assert hall_name("Hall 3") == hall
        assert hall_name("IMAX Hall") == kind_hall
        assert format_name("DOLBY") == dolby
        assert format_names(["2D", "DOLBY"]) == f"2D, {dolby}"
        assert zone_name("Asia/Shanghai") == zone
        # Names that follow no known pattern are shown as written.
        assert hall_name("星光厅") == "星光厅"
        assert seat_name("") == ""


def test_film_page_quotes_the_range_of_seats_anyone_may_buy(web, client):
    client.get("/?city=beijing")
    page = client.get("/films/the-long-night/").content.decode()
    assert "CN¥45.00–CN¥90.00" in page
    assert "CN¥30.00" not in page  # the wheelchair space and companion seat
    assert "from CN¥" not in page


def test_exchange_page_groups_the_showtimes_by_day_with_prices(web, client_as):
    fan = client_as("fan")
    order = web.orders["fan-long-night-d2"]
    page = fan.get(f"/tickets/{order.pk}/exchange/").content.decode()
    days = page.count('data-testid="exchange-day"')
    targets = page.count('data-testid="exchange-target"')
    assert days >= 1 and targets >= days
    assert page.count('data-testid="price-range"') == targets
    assert page.count(" open>") == 1  # one day unfolded


def test_refund_page_carries_each_lines_amount_for_the_live_total(web, client_as):
    fan = client_as("fan")
    order = web.orders["fan-long-night-d2"]
    page = fan.get(f"/tickets/{order.pk}/refund/").content.decode()
    amounts = [int(a) for a in re.findall(r'data-refund-minor="(\d+)"', page)]
    assert len(amounts) == 2 and all(a > 0 for a in amounts)
    assert "data-refund-total" in page and "Total back for the ticked tickets" in page


def test_favicon_is_an_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"
    assert "max-age=86400" in response["Cache-Control"]
    assert client.post("/favicon.ico").status_code == 405
    assert '<link rel="icon" href="/favicon.ico"' in client.get("/").content.decode()


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.described: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        if values.get("aria-describedby"):
            self.described += values["aria-describedby"].split()


def test_every_aria_describedby_points_to_an_element(web, client_as):
    for who, url in [
        ("op-huaxia", "/scan/sanlitun/"),
        ("op-huaxia", "/scan/sanlitun/pickup/"),
        ("op-huaxia", "/console/sanlitun/new/"),
        (None, "/accounts/login/"),
    ]:
        page = client_as(who).get(url)
        assert page.status_code == 200, url
        parser = _Ids()
        parser.feed(page.content.decode())
        assert parser.described or url == "/accounts/login/", url
        missing = [i for i in parser.described if i not in parser.ids]
        assert not missing, (url, missing)
    # A field's error is described by its element too.
    page = client_as("op-huaxia").post("/scan/sanlitun/", {"code": "x" * 700})
    parser = _Ids()
    parser.feed(page.content.decode())
    assert "id_code_error" in parser.described
    assert "id_code_error" in parser.ids
