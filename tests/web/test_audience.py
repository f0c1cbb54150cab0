"""Search, schedule filters and distance, reviews and the waiting list, as pages."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from marquee.core import outbox
from marquee.ticketing.models import Order, Review, SeatInventory, Ticket, WaitlistEntry
from marquee.ticketing.services.refunds import refund_tickets

pytestmark = pytest.mark.django_db


def _day(web, key: str) -> str:
    return web.showtimes[key].local_starts_at.date().isoformat()


def test_search_finds_films_and_cinemas_in_either_script(web, client_as):
    client = client_as(None)
    page = client.get("/search/", {"q": "漫长"}).content.decode()
    assert "/films/the-long-night/" in page
    assert "/films/star-tide/" not in page
    page = client.get("/search/", {"q": "國貿"}, HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert "/cinemas/guomao/" in page  # the traditional name, 金幕影院國貿店
    assert "金幕影院國貿店" in page  # shown in the visitor's script
    page = client.get("/search/", {"q": "国贸"}).content.decode()
    assert "/cinemas/guomao/" in page
    page = client.get("/search/", {"q": "Harbour"}).content.decode()
    assert "/films/harbour-lights/" in page and "/cinemas/tsim-sha-tsui/" in page
    empty = client.get("/search/", {"q": "zzzz\x00"})
    assert empty.status_code == 200
    assert 'data-testid="search-empty"' in empty.content.decode()


def test_the_header_carries_the_search_box(web, client_as):
    page = client_as(None).get("/").content.decode()
    assert 'action="/search/"' in page and 'name="q"' in page


def test_film_filters_keep_only_matching_showtimes(web, client_as):
    client = client_as("fan")
    day = _day(web, "star-tide-11")
    page = client.get("/films/star-tide/", {"date": day}).content.decode()
    assert page.count('data-testid="showtime"') == 3
    assert 'data-testid="ends-at"' in page
    morning = client.get("/films/star-tide/", {"date": day, "time": "morning"}).content.decode()
    assert morning.count('data-testid="showtime"') == 1
    assert 'data-testid="filters-hidden"' in morning
    long_night = client.get("/films/the-long-night/", {"date": day}).content.decode()
    every = long_night.count('data-testid="showtime"')
    at_guomao = client.get(
        "/films/the-long-night/", {"date": day, "cinema": "guomao"}
    ).content.decode()
    assert at_guomao.count('data-testid="showtime"') == 1 < every
    none = client.get("/films/the-long-night/", {"date": day, "format": "IMAX"}).content.decode()
    assert 'data-testid="filters-empty"' in none
    nonsense = client.get("/films/the-long-night/", {"date": day, "format": "<x>", "lat": "999"})
    assert nonsense.status_code == 200
    assert nonsense.content.decode().count('data-testid="showtime"') == every


def test_showtime_end_times_follow_the_runtime(web, client_as):
    showtime = web.showtimes["star-tide-11"]
    page = client_as("fan").get("/films/star-tide/", {"date": _day(web, "star-tide-11")})
    end = showtime.ends_at.astimezone(showtime.local_starts_at.tzinfo).strftime("%H:%M")
    assert f"ends {end}" in page.content.decode()


def test_a_shared_location_puts_the_nearest_cinema_first(web, client_as):
    web.venues["sanlitun"].__class__.objects.filter(slug="sanlitun").update(
        latitude=Decimal("39.936"), longitude=Decimal("116.455")
    )
    web.venues["guomao"].__class__.objects.filter(slug="guomao").update(
        latitude=Decimal("39.909"), longitude=Decimal("116.461")
    )
    client = client_as("fan")
    day = _day(web, "guomao-14")
    by_name = client.get("/films/the-long-night/", {"date": day}).content.decode()
    assert by_name.index("/cinemas/guomao/") < by_name.index("/cinemas/sanlitun/")  # G < H
    near_sanlitun = client.get(
        "/films/the-long-night/", {"date": day, "lat": "39.937", "lng": "116.454"}
    ).content.decode()
    assert near_sanlitun.index("/cinemas/sanlitun/") < near_sanlitun.index("/cinemas/guomao/")
    assert 'data-testid="distance"' in near_sanlitun
    assert "140 m" in near_sanlitun and "3.2 km" in near_sanlitun  # as the crow flies


def test_only_a_used_ticket_lets_a_moviegoer_rate_the_film(web, client_as):
    client = client_as("fan")
    refused = client.post("/films/the-long-night/review/", {"stars": "5", "text": "Great"})
    assert refused.status_code == 302
    page = client.get("/films/the-long-night/").content.decode()
    assert "Only moviegoers who saw this film with a Marquee ticket may rate it." in page
    assert not Review.objects.exists()
    Ticket.objects.filter(order=web.orders["fan-long-night-d2"]).update(status="used")
    page = client.get("/films/the-long-night/").content.decode()
    assert 'data-testid="review-form"' in page
    client.post("/films/the-long-night/review/", {"stars": "4", "text": "Tense, 很好看"})
    page = client.get("/films/the-long-night/").content.decode()
    assert "Tense, 很好看" in page and "4.0 out of 5" in page
    assert 'data-testid="card-rating"' in client.get("/").content.decode()


def test_a_rating_in_chinese(web, client_as):
    Ticket.objects.filter(order=web.orders["fan-long-night-d2"]).update(status="used")
    client = client_as("fan")
    client.post("/films/the-long-night/review/", {"stars": "5", "text": ""})
    page = client.get("/films/the-long-night/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "5.0 分（满分 5）· 1 人评分" in page


def test_the_waiting_list_from_the_seat_map_to_paying(web, client_as, reads_only):
    showtime = web.showtimes["long-night-19"]
    SeatInventory.objects.filter(showtime=showtime, state="free").update(state="sold")
    fan2_order = Order.objects.get(showtime=showtime, user=web.users["fan2"])
    client = client_as("fan")
    seat_page = client.get(f"/showtimes/{showtime.pk}/seats/").content.decode()
    assert 'data-testid="waitlist-box"' in seat_page
    joined = client.post(f"/showtimes/{showtime.pk}/waitlist/", {"party": "1"})
    assert joined.status_code == 302
    entry = WaitlistEntry.objects.get(user=web.users["fan"])
    assert (
        client.get(f"/showtimes/{showtime.pk}/seats/")
        .content.decode()
        .count('data-testid="waitlist-joined"')
    )
    # 5-5/5-6 is a couple pair, never offered alone; free a standard seat instead.
    SeatInventory.objects.filter(showtime=showtime, seat__row_label="3", seat__number="6").update(
        state="free"
    )
    assert fan2_order.status == "paid"
    with reads_only():  # looking offers nothing: the sweep does, every minute
        assert 'data-testid="seats-waiting"' not in client.get("/orders/").content.decode()
    call_command("waitlist_sweep", stdout=StringIO())
    centre = client.get("/orders/").content.decode()
    assert 'data-testid="seats-waiting"' in centre
    entry.refresh_from_db()
    assert entry.status == "offered"
    accepted = client.post(f"/waitlist/{entry.pk}/accept/")
    assert accepted.status_code == 302 and "/checkout/" in accepted["Location"]
    again = client.post(f"/waitlist/{entry.pk}/accept/")
    assert again["Location"] == accepted["Location"]  # a second press goes to the same order


def test_a_refund_offers_the_seat_to_the_waiter(web, client_as):
    showtime = web.showtimes["long-night-19-d2"]
    SeatInventory.objects.filter(showtime=showtime, state="free").update(state="sold")
    client_as("fan2").post(f"/showtimes/{showtime.pk}/waitlist/", {"party": "2"})
    order = web.orders["fan-long-night-d2"]
    refund_tickets(order=order, actor=web.users["fan"])
    outbox.drain()
    entry = WaitlistEntry.objects.get(user=web.users["fan2"])
    assert entry.status == "offered"
    assert sorted(s.code for s in entry.hold.seats.all()) == ["4-6", "4-7"]
    assert entry.offer_expires_at > timezone.now() + timedelta(minutes=5)


def test_cinema_page_filters_by_format_and_time_of_day(web, client_as):
    client = client_as("fan")
    day = _day(web, "star-tide-11")
    page = client.get("/cinemas/sanlitun/", {"date": day}).content.decode()
    every = page.count('data-testid="showtime"')
    imax = client.get("/cinemas/sanlitun/", {"date": day, "format": "IMAX"}).content.decode()
    assert imax.count('data-testid="showtime"') == 3 < every
    morning = client.get(
        "/cinemas/sanlitun/", {"date": day, "format": "IMAX", "time": "morning"}
    ).content.decode()
    assert morning.count('data-testid="showtime"') == 1
    assert 'data-testid="filters-hidden"' in morning
