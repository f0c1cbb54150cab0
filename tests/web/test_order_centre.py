"""The order centre and your own held seats on the map (issue 14, "Broken" 6)."""

from __future__ import annotations

import re

import pytest

from marquee.ticketing.models import Order

pytestmark = pytest.mark.django_db


def _checkout(client, showtime, seats) -> Order:
    r = client.post(f"/showtimes/{showtime.pk}/seats/", {"seats": seats})
    assert r.status_code == 302, r.content.decode()[:500]
    return Order.objects.get(pk=int(re.search(r"/checkout/(\d+)/", r["Location"]).group(1)))


def _seat_input(page: str, code: str) -> str:
    match = re.search(
        rf'<label class="[^"]*"[^>]*><input type="checkbox" name="seats" value="{code}"[^>]*>', page
    )
    assert match, f"no seat {code}"
    return match.group(0)


def test_own_held_seats_read_as_yours_with_the_way_to_pay(web, client_as):
    showtime = web.showtimes["long-night-13"]
    fan = client_as("fan")
    order = _checkout(fan, showtime, ["3-4", "3-5"])
    page = fan.get(f"/showtimes/{showtime.pk}/seats/").content.decode()
    seat = _seat_input(page, "3-4")
    assert "is-mine" in seat and "held by you" in seat and "another buyer" not in seat
    assert f'href="/checkout/{order.pk}/"' in page and "Continue to pay" in page
    # Anyone else still sees them held by another buyer, with no way to that order.
    other = client_as("rival").get(f"/showtimes/{showtime.pk}/seats/").content.decode()
    seat = _seat_input(other, "3-4")
    assert "is-mine" not in seat and "held by another buyer" in seat
    assert f"/checkout/{order.pk}/" not in other


def test_the_centre_shelves_orders_by_state(web, client_as):
    fan = client_as("fan")
    pending = _checkout(fan, web.showtimes["long-night-13"], ["3-4"])
    cancelled = _checkout(fan, web.showtimes["long-night-10"], ["3-4"])
    assert fan.post(f"/checkout/{cancelled.pk}/cancel/").status_code == 302
    refunded = web.orders["doors-open"]
    Order.objects.filter(pk=refunded.pk).update(
        status=Order.Status.REFUNDED, refunded_minor=refunded.total_minor
    )
    r = fan.get("/orders/")
    assert r.status_code == 200
    centre = r.context["centre"]
    assert [e.order.pk for e in centre.pending] == [pending.pk]
    assert [e.order.pk for e in centre.paid] == [web.orders["fan-long-night-d2"].pk]
    assert [e.order.pk for e in centre.refunded] == [refunded.pk]
    assert [e.order.pk for e in centre.ended] == [cancelled.pk]
    assert 0 < centre.pending[0].remaining <= 600
    page = r.content.decode()
    assert "data-countdown" in page and f'href="/checkout/{pending.pk}/"' in page
    # Nobody else's orders.
    assert not client_as("rival").get("/orders/").context["centre"].pending


def test_a_lapsed_pending_order_is_shelved_as_ended(web, client_as):
    from datetime import timedelta

    from django.utils import timezone

    from marquee.ticketing.models import Hold

    fan = client_as("fan")
    order = _checkout(fan, web.showtimes["long-night-13"], ["3-4"])
    Hold.objects.filter(pk=order.hold_id).update(expires_at=timezone.now() - timedelta(seconds=1))
    centre = fan.get("/orders/").context["centre"]
    assert not centre.pending
    assert [(e.order.pk, e.status) for e in centre.ended] == [(order.pk, "expired")]
    page = fan.get(f"/showtimes/{web.showtimes['long-night-13'].pk}/seats/").content.decode()
    assert "Continue to pay" not in page


def test_order_detail_is_a_receipt_for_the_owner_only(web, client_as):
    order = web.orders["fan-long-night-d2"]
    r = client_as("fan").get(f"/orders/{order.pk}/")
    assert r.status_code == 200
    page = r.content.decode()
    assert "Paid" in page and "Row 4 Seat 6" in page and "Row 4 Seat 7" in page
    assert "CN¥136.00" in page
    assert len(r.context["receipt"].tickets) == 2
    assert r.context["receipt"].paid_payment is None  # sold at the counter: no online payment
    assert client_as("rival").get(f"/orders/{order.pk}/").status_code == 404
    assert client_as(None).get(f"/orders/{order.pk}/").status_code == 302


def test_the_centre_runs_a_bounded_number_of_queries(web, client_as, django_assert_max_num_queries):
    client = client_as("fan")
    _checkout(client, web.showtimes["long-night-13"], ["3-4"])
    client.get("/orders/")
    with django_assert_max_num_queries(8):
        assert client.get("/orders/").status_code == 200


def test_seats_chosen_before_login_come_back_through_next(web, client_as):
    showtime = web.showtimes["long-night-13"]
    r = client_as(None).post(f"/showtimes/{showtime.pk}/seats/", {"seats": ["6-5", "6-6"]})
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert "seats%3D6-5%26seats%3D6-6" in r["Location"]
    page = client_as("fan").get(f"/showtimes/{showtime.pk}/seats/?seats=6-5&seats=6-6&seats=zz")
    html = page.content.decode()
    assert "checked" in _seat_input(html, "6-5") and "checked" in _seat_input(html, "6-6")
    assert "checked" not in _seat_input(html, "6-7")


def test_the_centre_and_the_map_speak_chinese(web, client_as):
    fan = client_as("fan")
    showtime = web.showtimes["long-night-13"]
    _checkout(fan, showtime, ["3-4"])
    page = fan.get("/orders/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "我的订单" in page and "待支付" in page and "继续支付" in page
    page = fan.get(f"/showtimes/{showtime.pk}/seats/", HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert "由您保留" in page.content.decode() and "繼續付款" in page.content.decode()
