"""The home page: films with localized titles, facts, posters or placeholders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from marquee.catalog import services
from marquee.catalog.models import Title

pytestmark = pytest.mark.django_db


@pytest.fixture
def films(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    services.upsert_genre(actor=None, code="drama", name_en="Drama", name_zh_hans="剧情")
    soon = timezone.localdate() + dt.timedelta(days=9)
    plain = services.create_title(
        actor=None,
        slug="harbour-lights",
        title_en="Harbour Lights",
        title_zh_hans="港湾灯火",
        runtime_minutes=108,
        year=soon.year,
        genres=["drama"],
        hk_classification="IIA",
        release_dates=[services.ReleaseSpec("HK", soon)],
    )
    Title.objects.filter(pk=plain.pk).update(poster="posters/harbour.png")
    bare = services.create_title(actor=None, slug="bare", title_en="Bare", year=2001)
    return plain, bare


def test_home_shows_films_with_facts(client, films):
    page = client.get("/").content.decode()
    assert "Harbour Lights" in page and "Bare" in page
    assert "108 minutes" in page and "IIA" in page and "Drama" in page
    assert "Opens" in page  # the coming release is flagged
    assert '<img src="/media/posters/harbour.png"' in page
    assert 'class="poster__placeholder"' in page  # Bare has no poster
    assert page.index("Harbour Lights") < page.index("Bare")  # newest first


def test_home_runs_a_fixed_number_of_queries(client, films, django_assert_num_queries):
    for n in range(5):
        services.create_title(
            actor=None, slug=f"extra-{n}", title_en=f"Extra {n}", genres=["drama"]
        )
    # films, their genres, their release dates, … and their ratings (one query for all)
    with django_assert_num_queries(6):
        assert client.get("/").status_code == 200


def test_home_is_localized(client, films):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "港湾灯火" in page and "剧情" in page
    assert '<html lang="zh-hans">' in page


def test_home_without_films_says_how_to_load_them(client, db):
    r = client.get("/")
    assert r.status_code == 200
    assert "marquee demo" in r.content.decode()


def test_base_template_links_login_signup_and_api(client, db):
    page = client.get("/").content.decode()
    for href in ["/accounts/login/", "/accounts/signup/", "/api/v1/docs", "/i18n/setlang/"]:
        assert f'"{href}"' in page
    assert 'name="viewport"' in page
