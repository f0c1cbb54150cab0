"""Catalog reads: browsing by city, date and language; search; fixed query counts."""

import datetime as dt

import pytest

from marquee.catalog import queries, services
from marquee.core.errors import NotFound
from marquee.places.models import City

pytestmark = pytest.mark.django_db


@pytest.fixture
def cities(db):
    return {
        "hong-kong": City.objects.create(
            code="hong-kong",
            name_en="Hong Kong",
            territory="HK",
            time_zone="Asia/Hong_Kong",
            currency="HKD",
        ),
        "shanghai": City.objects.create(
            code="shanghai",
            name_en="Shanghai",
            territory="CN",
            time_zone="Asia/Shanghai",
            currency="CNY",
        ),
    }


@pytest.fixture
def slate(make_title):
    R = services.ReleaseSpec
    return {
        "hk_only": make_title(
            slug="hk-only", title_en="Harbour", release_dates=[R("HK", dt.date(2025, 3, 1))]
        ),
        "both": make_title(
            slug="both",
            title_en="Bridges",
            title_zh_hans="桥梁",
            title_zh_hant="橋樑",
            languages=["cmn", "yue"],
            genres=["action", "crime"],
            release_dates=[R("HK", dt.date(2025, 1, 1)), R("CN", dt.date(2025, 6, 1))],
        ),
        "cn_later": make_title(
            slug="cn-later",
            title_en="Canal",
            languages=["cmn"],
            kind="series",
            episodes=12,
            release_dates=[R("CN", dt.date(2026, 1, 1))],
        ),
        "unreleased": make_title(slug="slate-project", title_en="Development", release_dates=[]),
    }


def _slugs(qs) -> list[str]:
    return [t.slug for t in qs]


def test_titles_without_filters_lists_everything_alphabetically(slate):
    assert _slugs(queries.titles()) == ["both", "cn-later", "slate-project", "hk-only"]


def test_titles_by_city_uses_the_city_territory(slate, cities):
    assert _slugs(queries.titles(city="hong-kong")) == ["both", "hk-only"]
    assert _slugs(queries.titles(city=cities["shanghai"])) == ["both", "cn-later"]


def test_titles_on_a_date_keeps_released_ones(slate, cities):
    assert _slugs(queries.titles(on=dt.date(2025, 2, 1))) == ["both"]
    assert _slugs(queries.titles(city="shanghai", on=dt.date(2025, 7, 1))) == ["both"]
    assert _slugs(queries.titles(city="hong-kong", on=dt.date(2025, 3, 1))) == ["both", "hk-only"]


def test_titles_by_spoken_language(slate):
    assert _slugs(queries.titles(language="cmn")) == ["both", "cn-later"]
    assert _slugs(queries.titles(language="xx")) == []


def test_unknown_city_is_not_found(slate):
    with pytest.raises(NotFound) as exc_info:
        queries.titles(city="atlantis")
    assert exc_info.value.code == "city_not_found"
    with pytest.raises(NotFound):
        queries.titles(city="bad\x00code")


def test_search_filters(slate):
    assert _slugs(queries.search_titles(kind="series")) == ["cn-later"]
    assert _slugs(queries.search_titles(genre="crime")) == ["both"]
    assert _slugs(queries.search_titles(territory="CN")) == ["both", "cn-later"]
    assert _slugs(queries.search_titles(q="橋")) == ["both"]
    assert _slugs(queries.search_titles(q="桥梁")) == ["both"]
    assert _slugs(queries.search_titles(q="harb")) == ["hk-only"]
    assert _slugs(queries.search_titles(q="\x00")) == _slugs(queries.titles())
    assert _slugs(queries.search_titles(genre="crime", territory="CN", kind="film")) == ["both"]
    assert _slugs(queries.search_titles(genre="western")) == []


def test_title_by_slug_prefetches_in_fixed_queries(slate, django_assert_num_queries):
    with django_assert_num_queries(4):  # title, genres, release dates, credits+companies
        title = queries.title_by_slug("both")
        assert [g.code for g in title.genres.all()] == ["action", "crime"]
        assert [r.territory for r in title.release_dates.all()] == ["HK", "CN"]
        assert [c.company.slug for c in title.credits.all()] == ["marquee-pictures"]


def test_list_query_count_does_not_grow_with_titles(slate, make_title, django_assert_num_queries):
    for _ in range(5):
        make_title()
    with django_assert_num_queries(3):  # titles, genres, release dates
        for title in queries.titles():
            list(title.genres.all())
            list(title.release_dates.all())


def test_title_by_slug_unknown_or_malformed(slate):
    for slug in ["nope", "Bad Slug", "x\x00"]:
        with pytest.raises(NotFound) as exc_info:
            queries.title_by_slug(slug)
        assert exc_info.value.code == "title_not_found"


def test_companies_by_role(companies):
    assert [c.slug for c in queries.companies()] == ["marquee-pictures", "paramount-pictures"]
    assert [c.slug for c in queries.companies(role="distributor")] == ["marquee-pictures"]
    assert list(queries.companies(role="merchant")) == []
    with pytest.raises(NotFound):
        queries.company_by_slug("nobody")


def test_home_titles_lists_films_newest_first(make_title):
    make_title(slug="old", title_en="Old", year=2001)
    make_title(slug="new", title_en="New", year=2025)
    make_title(slug="show", title_en="Show", kind="series", episodes=3)
    assert [t.slug for t in queries.home_titles()] == ["new", "old"]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("en", "en"),
        ("en-us", "en"),
        (None, "en"),
        ("zh-hans", "zh-hans"),
        ("zh-cn", "zh-hans"),
        ("zh-hant", "zh-hant"),
        ("zh-HK", "zh-hant"),
        ("zh_TW", "zh-hant"),
        ("fr", "en"),
    ],
)
def test_normalize_language(code, expected):
    assert queries.normalize_language(code) == expected
