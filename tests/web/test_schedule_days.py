"""Film and cinema pages list every day with showtimes (issue 14, "Broken" 1 and 3)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.ticketing.factories import ShowtimeFactory

pytestmark = pytest.mark.django_db

BJ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def far_presale(web):
    day = timezone.now().astimezone(BJ).date() + timedelta(days=30)
    return ShowtimeFactory(
        actor=web.users["op-huaxia"],
        title=web.titles["moon-over-the-bay"],
        hall=web.halls["hall-1"],
        starts_at=datetime.combine(day, time(19, 0), tzinfo=BJ),
        sales_open_at=datetime.combine(day - timedelta(days=7), time(10, 0), tzinfo=BJ),
    )


def test_film_page_lists_a_presale_day_a_month_ahead(web, client_as, far_presale):
    day = far_presale.starts_at.astimezone(BJ).date()
    client = client_as("fan")
    r = client.get("/films/moon-over-the-bay/")
    assert day in [d.day for d in r.context["schedule"]]
    r = client.get(f"/films/moon-over-the-bay/?date={day.isoformat()}")
    assert r.context["day"].day == day and not r.context["date_notice"]
    page = r.content.decode()
    assert f'href="/showtimes/{far_presale.pk}/seats/"' in page
    assert "general sale" in page and "Pre-sale" in page
    [info] = r.context["presale_rounds"]
    assert info.round.name == "Early birds" and info.open_now and info.audience == "Everyone"
    assert "Who may buy: Everyone" in page


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("?date=2099-01-01", "There are no showtimes on"),
        ("?date=garbage", "not a date we understand"),
    ],
)
def test_a_date_without_showtimes_is_said_so(web, client_as, query, notice):
    for url in ["/films/the-long-night/", "/cinemas/sanlitun/"]:
        r = client_as("fan").get(url + query)
        assert r.status_code == 200
        assert notice in r.context["date_notice"] and notice in r.content.decode()
    assert not client_as("fan").get("/cinemas/sanlitun/").context["date_notice"]


def test_cinema_page_has_every_day_with_showtimes(web, client_as, far_presale):
    day = far_presale.starts_at.astimezone(BJ).date()
    r = client_as(None).get(f"/cinemas/sanlitun/?date={day.isoformat()}")
    assert day in r.context["days"] and r.context["day"] == day
    assert r.context["days"][0] == timezone.now().astimezone(BJ).date()
    assert f'href="/showtimes/{far_presale.pk}/seats/"' in r.content.decode()


def test_console_dates_are_iso_in_chinese(web, client_as):
    client = client_as("op-huaxia")
    client.cookies["django_language"] = "zh-hans"
    day = timezone.now().astimezone(BJ).date() + timedelta(days=30)
    page = client.get(f"/console/sanlitun/new/?date={day.isoformat()}").content.decode()
    assert 'lang="zh-hans"' in page  # the page is in Chinese…
    assert f'type="date" name="day" value="{day.isoformat()}"' in page  # …its date input ISO
    assert day.strftime("%Y/%m/%d") not in page


def test_the_notices_speak_chinese(web, client_as):
    page = client_as(None).get(
        "/films/the-long-night/?date=2099-01-01", HTTP_ACCEPT_LANGUAGE="zh-hant"
    )
    assert "沒有場次" in page.content.decode()
    page = client_as(None).get("/films/moon-over-the-bay/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "可购买者" in page.content.decode()
