"""The storefront pages: home by city, film, cinemas, want to see, and robustness of their input."""

from __future__ import annotations

import re

import pytest

from marquee.ticketing.models import WantToSee
from marquee.web.city import COOKIE

pytestmark = pytest.mark.django_db


def _section(page: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by ``heading_id``."""
    start = page.index(f'id="{heading_id}"')
    end = page.find("</section>", start)
    return page[start:end]


def _card(section: str, name: str) -> str:
    """The film tile (<li>) of ``name`` within ``section``."""
    return next(part for part in section.split('<article class="film-card">') if name in part)


def test_home_lists_now_showing_and_coming_soon_for_the_default_city(web, client_as):
    page = client_as(None).get("/").content.decode()
    assert "Films in Beijing" in page
    now = _section(page, "now-heading")
    soon = _section(page, "soon-heading")
    for film in ["The Long Night", "Star Tide", "Paper Tigers", "Harbour Lights"]:
        assert film in now and film not in soon
    assert "Moon Over the Bay" in soon and "Iron River" in soon
    # The open pre-sale round covers Beijing: badge. Iron River only has a date.
    moon = _card(soon, "Moon Over the Bay")
    assert "Pre-sale" in moon
    assert "3 want to see" in moon  # fan, fan2 and rival registered
    assert re.search(r"Opens [A-Z][a-z]+ \d+", _card(soon, "Iron River"))
    long_night = _card(now, "The Long Night")  # the film's facts, as on its page
    assert "118 minutes" in long_night and ">IIB</abbr>" in long_night


def test_city_is_remembered_from_the_picker(web, client_as):
    client = client_as(None)
    r = client.post("/city/", {"city": "hong-kong", "next": "/cinemas/"})
    assert r.status_code == 302 and r["Location"] == "/cinemas/"
    assert r.cookies[COOKIE].value == "hong-kong"
    page = client.get("/").content.decode()
    assert "Films in Hong Kong" in page
    assert "Star Tide" not in _section(page, "now-heading")  # no IMAX in Hong Kong here
    # A fresh visitor with only the cookie gets the same city.
    fresh = client_as(None)
    fresh.cookies[COOKIE] = "hong-kong"
    assert "Films in Hong Kong" in fresh.get("/").content.decode()


def test_unknown_city_changes_nothing_and_offsite_next_is_ignored(web, client_as):
    client = client_as(None)
    r = client.post("/city/", {"city": "atlantis\x00", "next": "https://evil.example/"})
    assert r.status_code == 302 and r["Location"] == "/"
    assert COOKIE not in r.cookies
    assert "Films in Beijing" in client.get("/?city=%00nowhere").content.decode()


def test_signed_in_account_starts_in_its_home_city(web, client_as):
    assert "Films in Hong Kong" in client_as("fan2").get("/").content.decode()


def test_film_page_groups_showtimes_by_date_and_cinema(web, client_as):
    client = client_as(None)
    page = client.get("/films/the-long-night/").content.decode()
    assert "The Long Night" in page and "night-shift doctor" in page
    assert "118 minutes" in page and "IIB" in page
    schedule = page[page.index('id="showtimes-heading"') :]
    tabs = re.findall(r'href="\?date=(\d{4}-\d\d-\d\d)#showtimes-heading"', schedule)
    assert len(tabs) == 2  # tomorrow and the day after, one at a time
    assert schedule.index("Golden Screen Guomao") < schedule.index("Huaxia Cinema Sanlitun")
    assert "10:00" in schedule and "19:00" in schedule and "14:00" in schedule
    assert "Mandarin" in schedule and "English subtitles" in schedule
    # The price range of the seats anyone may buy (standard to couple), not the
    # wheelchair space's concession price (issue 14).
    assert "CN¥45.00–CN¥90.00" in schedule and "CN¥30.00" not in schedule
    assert f"/showtimes/{web.showtimes['long-night-10'].pk}/seats/" in schedule
    assert f"/showtimes/{web.showtimes['long-night-10-d2'].pk}/seats/" not in schedule
    page = client.get(f"/films/the-long-night/?date={tabs[1]}").content.decode()
    assert f"/showtimes/{web.showtimes['long-night-10-d2'].pk}/seats/" in page
    assert f"/showtimes/{web.showtimes['long-night-10'].pk}/seats/" not in page


def test_want_to_see_needs_an_account_then_counts(web, client_as):
    r = client_as(None).post("/films/star-tide/want-to-see/", {"next": "/films/star-tide/"})
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert not WantToSee.objects.filter(title=web.titles["star-tide"]).exists()

    fan = client_as("fan")
    page = fan.get("/films/star-tide/").content.decode()
    assert "0 people want to see this" in page
    r = fan.post("/films/star-tide/want-to-see/", {"next": "/films/star-tide/"})
    assert r.status_code == 302
    page = fan.get("/films/star-tide/").content.decode()
    assert "1 person wants to see this" in page and "You want to see this" in page
    fan.post("/films/star-tide/want-to-see/", {"action": "remove"})
    assert not WantToSee.objects.filter(title=web.titles["star-tide"]).exists()


def test_cinemas_of_the_city_and_a_cinema_day(web, client_as):
    client = client_as(None)
    page = client.get("/cinemas/").content.decode()
    assert "Huaxia Cinema Sanlitun" in page and "Golden Screen Guomao" in page
    assert "Harbour Cinemas" not in page
    days = client.get("/cinemas/sanlitun/").context["days"]
    page = client.get(f"/cinemas/sanlitun/?date={days[1].isoformat()}").content.decode()
    assert "19 Sanlitun Road" in page
    assert "Hall 1" in page and "IMAX Hall" in page
    assert "Star Tide" in page and "Paper Tigers" in page
    assert page.count('data-testid="showtime"') == 8  # five in Hall 1, three in IMAX


@pytest.mark.parametrize(
    "url",
    [
        "/films/no-such-film/",
        "/cinemas/nowhere/",
        "/showtimes/987654321/seats/",
        "/showtimes/99999999999999999999999/seats/",
        "/showtimes/0/seats/",
        "/checkout/abc/",
    ],
)
def test_unknown_things_are_404_pages(web, client_as, url):
    r = client_as("fan").get(url)
    assert r.status_code == 404
    assert "We could not find that page" in r.content.decode()


@pytest.mark.parametrize(
    "query", ["?date=garbage", "?date=2020-01-01", "?date=%00", "?date=9999-99-99"]
)
def test_bad_dates_fall_back_to_today(web, client_as, query):
    r = client_as(None).get("/cinemas/sanlitun/" + query)
    assert r.status_code == 200
    assert r.context["day"] == r.context["days"][0]


def test_base_links_and_language_switcher(web, client_as):
    page = client_as(None).get("/").content.decode()
    for href in ["/accounts/login/", "/accounts/signup/", "/i18n/setlang/", "/cinemas/"]:
        assert f'"{href}"' in page
    assert 'name="viewport"' in page
    assert "/tickets/" not in page  # only for accounts
    page = client_as("fan").get("/").content.decode()
    assert '"/tickets/"' in page and '"/account/"' in page
    assert '"/console/"' not in page and '"/scan/"' not in page


def test_home_runs_a_fixed_number_of_queries(web, client_as, django_assert_max_num_queries):
    client = client_as(None)
    client.get("/")
    with django_assert_max_num_queries(12):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("who", "url", "limit"),
    [
        # the film (genres, release dates, credits), the cities, its schedule with the
        # prices (one query), pre-sale rounds, want-to-see, plus: also-bought, rating and
        # reviews, the crowdfunding box and the official goods (one query each)
        (None, "/films/the-long-night/", 14),
        # signed in: session, user, city, roles, own review, has seen it
        ("fan", "/films/the-long-night/", 20),
        (None, "/cinemas/sanlitun/", 5),
        ("fan", "/showtimes/{long-night-19}/seats/", 12),
        ("fan", "/tickets/", 10),
        ("op-huaxia", "/console/sanlitun/", 14),
    ],
)
def test_pages_run_a_bounded_number_of_queries(
    web, client_as, django_assert_max_num_queries, who, url, limit
):
    url = url.replace("{long-night-19}", str(web.showtimes["long-night-19"].pk))
    client = client_as(who)
    client.get(url)
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200
