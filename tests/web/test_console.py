"""The cinema console: who may open it, the week grid, showtimes created with inline errors."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marquee.ticketing.models import Showtime, ShowtimePrice

pytestmark = pytest.mark.django_db


def _form(web, **overrides) -> dict:
    day = web.showtimes["long-night-10"].local_starts_at.date() + timedelta(days=7)
    data = {
        "title": web.titles["star-tide"].pk,
        "hall": web.halls["hall-1"].pk,
        "day": day.isoformat(),
        "start": "10:00",
        "format": "2D",
        "audio_language": "en",
        "subtitle_language": "zh-Hans",
        "service_fee": "3.00",
        "price_standard": "45",
        "price_vip": "65.00",
        "price_couple": "90",
        "price_wheelchair": "30",
        "price_companion": "30",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "url", ["/console/", "/console/sanlitun/", "/console/sanlitun/new/", "/console/showtimes/1/"]
)
def test_a_moviegoer_cannot_open_the_console(web, client_as, url):
    r = client_as("fan").get(url)
    assert r.status_code == 403
    assert "You may not open this page" in r.content.decode()


def test_a_moviegoer_cannot_write_through_the_console(web, client_as):
    draft = web.showtimes["draft"]
    fan = client_as("fan")
    assert fan.post("/console/sanlitun/new/", _form(web)).status_code == 403
    assert fan.post(f"/console/showtimes/{draft.pk}/publish/").status_code == 403
    assert fan.post(f"/console/showtimes/{draft.pk}/cancel/").status_code == 403
    assert Showtime.objects.get(pk=draft.pk).status == Showtime.Status.DRAFT


def test_another_chains_operator_sees_neither_the_cinema_nor_its_showtimes(web, client_as):
    golden = client_as("op-golden")
    draft = web.showtimes["draft"]
    assert golden.get("/console/sanlitun/").status_code == 404
    assert golden.get(f"/console/showtimes/{draft.pk}/").status_code == 404
    assert golden.post(f"/console/showtimes/{draft.pk}/publish/").status_code == 404
    assert Showtime.objects.get(pk=draft.pk).status == Showtime.Status.DRAFT
    r = golden.get("/console/")
    assert r.status_code == 302 and r["Location"] == "/console/guomao/"


def test_the_week_grid_shows_halls_days_and_occupancy(web, client_as):
    day = web.showtimes["long-night-19"].local_starts_at.date()
    page = client_as("op-huaxia").get(f"/console/sanlitun/?week={day.isoformat()}").content.decode()
    for hall in ["Hall 1", "IMAX Hall", "Hall 3"]:
        assert hall in page
    assert "19:00–20:58" in page  # The Long Night, 118 minutes
    assert "2/" in page and "sold" in page  # fan2's two seats at 19:00
    assert page.count('class="slot-add"') == 3 * 7
    assert "Previous 7 days" in page and "Settlement" in page


def test_creating_a_showtime_makes_a_draft_with_exact_prices(web, client_as):
    r = client_as("op-huaxia").post("/console/sanlitun/new/", _form(web))
    assert r.status_code == 302
    showtime = Showtime.objects.get(pk=int(r["Location"].rstrip("/").split("/")[-1]))
    assert showtime.status == Showtime.Status.DRAFT and showtime.service_fee_minor == 300
    assert showtime.local_starts_at.strftime("%H:%M") == "10:00"
    prices = dict(
        ShowtimePrice.objects.filter(showtime=showtime).values_list("seat_type", "price_minor")
    )
    assert prices == {
        "standard": 4500,
        "vip": 6500,
        "couple": 9000,
        "wheelchair": 3000,
        "companion": 3000,
    }


def test_an_overlapping_showtime_shows_the_error_inline_and_creates_nothing(web, client_as):
    taken = web.showtimes["long-night-13"]
    before = Showtime.objects.count()
    r = client_as("op-huaxia").post(
        "/console/sanlitun/new/",
        _form(web, day=taken.local_starts_at.date().isoformat(), start="14:00"),
    )
    assert r.status_code == 400
    page = r.content.decode()
    assert "Hall 1 already shows The Long Night" in page
    assert "from 13:00 to 14:58" in page and "15 minutes between them for cleaning" in page
    start_field = page[page.index('for="id_start"') : page.index('for="id_format"')]
    assert "field-error" in start_field  # next to the time that clashes
    assert Showtime.objects.count() == before


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"price_vip": "abc"}, "price_vip", "Enter a number."),
        ({"price_vip": "65.001"}, "price_vip", "decimal places"),
        ({"price_vip": "-1"}, "price_vip", "greater than or equal to 0"),
        ({"day": "2020-01-01"}, "day", "must start in the future"),
        ({"day": "not-a-date"}, "day", "Enter a valid date."),
        ({"start": "25:99"}, "start", "Enter a valid time."),
        ({"format": "IMAX"}, "format", "shows 2D, 3D only"),
        ({"title": "999999"}, "title", "Select a valid choice."),
        ({"hall": str(10**30)}, "hall", "Select a valid choice."),
        ({"sales_open_day": "2030-01-01"}, "sales_open_time", "both the date and the time"),
    ],
)
def test_bad_input_is_a_field_error(web, client_as, overrides, field, message):
    before = Showtime.objects.count()
    r = client_as("op-huaxia").post("/console/sanlitun/new/", _form(web, **overrides))
    assert r.status_code == 400
    page = r.content.decode()
    assert message in page
    assert f'id="id_{field}"' in page
    assert Showtime.objects.count() == before


def test_publish_edit_and_cancel(web, client_as):
    op = client_as("op-huaxia")
    draft = web.showtimes["draft"]
    r = op.post(f"/console/showtimes/{draft.pk}/publish/")
    assert r.status_code == 302
    page = op.get(r["Location"]).content.decode()
    assert "Published: the showtime is on sale." in page and "0 sold" in page
    # Once published, only the languages change.
    data = _form(web, audio_language="yue", start="11:00")
    r = op.post(f"/console/showtimes/{draft.pk}/", data)
    assert r.status_code == 302
    draft.refresh_from_db()
    assert draft.audio_language == "yue" and draft.local_starts_at.strftime("%H:%M") == "10:00"
    r = op.post(f"/console/showtimes/{draft.pk}/cancel/", {"reason": "Projector fault"})
    assert r.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Showtime.Status.CANCELLED and draft.cancel_reason == "Projector fault"
    assert (
        "This showtime is already cancelled."
        in op.post(f"/console/showtimes/{draft.pk}/cancel/", follow=True).content.decode()
    )


def test_publishing_without_every_price_says_which(web, client_as):
    op = client_as("op-huaxia")
    data = _form(web, price_couple="", price_wheelchair="", price_companion="")
    showtime_url = op.post("/console/sanlitun/new/", data)["Location"]
    showtime_id = int(showtime_url.rstrip("/").split("/")[-1])
    page = op.post(f"/console/showtimes/{showtime_id}/publish/", follow=True).content.decode()
    assert "Give a price for every seat type in the hall." in page
    assert Showtime.objects.get(pk=showtime_id).status == Showtime.Status.DRAFT


def test_the_days_settlement_with_its_csv(web, client_as):
    day = web.showtimes["long-night-19"].local_starts_at.date()
    page = (
        client_as("op-huaxia")
        .get(f"/console/sanlitun/settlement/?date={day.isoformat()}")
        .content.decode()
    )
    assert "The Long Night" in page
    assert "CN¥130.00" in page  # fan2's two VIP seats: the gross box office
    assert (
        f"/api/v1/ticketing/settlements.csv?venue_id={web.venues['sanlitun'].pk}&amp;date={day.isoformat()}"
        in page
    )
    assert client_as("fan").get("/console/sanlitun/settlement/").status_code == 403
    assert client_as("op-golden").get("/console/sanlitun/settlement/").status_code == 404
    assert client_as("distribution").get("/console/sanlitun/settlement/").status_code == 200
