"""The catalog HTTP API: filters, localized output, permissions, problem+json errors."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from marquee.accounts.models import Role
from marquee.accounts.services import create_api_token
from marquee.catalog import services
from marquee.catalog.models import Title
from tests.ticketing.api_calls import problem

from .helpers import image_bytes

pytestmark = pytest.mark.django_db

BASE = "/api/v1/catalog"


@pytest.fixture
def guilty(make_title):
    return make_title(
        slug="a-guilty-conscience",
        title_en="A Guilty Conscience",
        title_zh_hans="毒舌大状",
        title_zh_hant="毒舌大狀",
        synopsis_en="A barrister seeks redemption.",
        synopsis_zh_hans="律师寻求救赎。",
        synopsis_zh_hant="大狀尋求救贖。",
        runtime_minutes=133,
        year=2023,
        genres=["drama", "crime"],
        languages=["yue"],
        hk_classification="IIA",
        release_dates=[
            services.ReleaseSpec("HK", dt.date(2023, 1, 21)),
            services.ReleaseSpec("CN", dt.date(2023, 2, 24)),
        ],
        credits=[
            services.CreditSpec("marquee-pictures", "co_financier"),
            services.CreditSpec("marquee-pictures", "distributor", "CN"),
        ],
    )


@pytest.fixture
def series(make_title):
    return make_title(
        slug="news-queen-2",
        title_en="News Queen 2",
        title_zh_hans="新闻女王2",
        title_zh_hant="新聞女王2",
        kind="series",
        episodes=25,
        genres=["drama"],
        release_dates=[services.ReleaseSpec("CN", dt.date(2025, 5, 1))],
        hk_classification="",
    )


# --- reads ---------------------------------------------------------------------------


def test_list_titles_is_public_and_paginated(client, guilty, series):
    r = client.get(f"{BASE}/titles?limit=1")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 2 and body["limit"] == 1 and len(body["items"]) == 1
    assert body["items"][0]["slug"] == "a-guilty-conscience"
    second = client.get(f"{BASE}/titles?limit=1&offset=1").json()
    assert [t["slug"] for t in second["items"]] == ["news-queen-2"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=series", ["news-queen-2"]),
        ("kind=film", ["a-guilty-conscience"]),
        ("genre=crime", ["a-guilty-conscience"]),
        ("genre=drama", ["a-guilty-conscience", "news-queen-2"]),
        ("territory=HK", ["a-guilty-conscience"]),
        ("territory=CN", ["a-guilty-conscience", "news-queen-2"]),
        ("q=毒舌", ["a-guilty-conscience"]),
        ("q=queen", ["news-queen-2"]),
        ("q=新聞", ["news-queen-2"]),
        ("spoken_language=yue", ["a-guilty-conscience", "news-queen-2"]),
        ("on=2023-02-01", ["a-guilty-conscience"]),
        ("genre=western", []),
    ],
)
def test_list_filters(client, guilty, series, query, expected):
    r = client.get(f"{BASE}/titles?{query}")
    assert r.status_code == 200, r.content
    assert [t["slug"] for t in r.json()["items"]] == expected


@pytest.mark.parametrize(
    "query",
    ["kind=opera", "territory=XX", "lang=fr", "limit=0", "limit=1000", "offset=-1", "on=yesterday"],
)
def test_list_bad_filters_are_problems(client, guilty, query):
    body = problem(client.get(f"{BASE}/titles?{query}"), 422, "validation_error")
    assert body["errors"]


def test_unknown_city_filter_is_aproblem(client, guilty):
    problem(client.get(f"{BASE}/titles?city=atlantis"), 404, "city_not_found")


@pytest.mark.parametrize(
    ("lang", "title", "synopsis", "genre"),
    [
        ("en", "A Guilty Conscience", "A barrister seeks redemption.", "Crime"),
        ("zh-hans", "毒舌大状", "律师寻求救赎。", "犯罪"),
        ("zh-hant", "毒舌大狀", "大狀尋求救贖。", "犯罪"),
    ],
)
def test_detail_is_localized_and_returns_every_name(client, guilty, lang, title, synopsis, genre):
    r = client.get(f"{BASE}/titles/a-guilty-conscience?lang={lang}")
    assert r.status_code == 200
    body = r.json()
    assert body["title"] == title
    assert body["synopsis"] == synopsis
    assert body["titles"] == {
        "en": "A Guilty Conscience",
        "zh_hans": "毒舌大状",
        "zh_hant": "毒舌大狀",
    }
    assert body["genres"][0]["name"] == genre
    assert body["runtime_minutes"] == 133
    assert body["hk_classification"] == "IIA"
    assert body["languages"] == ["yue"]
    assert body["release_dates"] == [
        {"territory": "HK", "date": "2023-01-21"},
        {"territory": "CN", "date": "2023-02-24"},
    ]
    assert {(c["company"]["slug"], c["role"], c["territory"]) for c in body["credits"]} == {
        ("marquee-pictures", "co_financier", None),
        ("marquee-pictures", "distributor", "CN"),
    }
    assert body["credits"][0]["company"]["names"]["zh_hant"] == "大幕影業"
    assert body["poster_url"] is None


def test_language_defaults_to_the_request_language(client, guilty):
    r = client.get(f"{BASE}/titles/a-guilty-conscience", HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert r.json()["title"] == "毒舌大狀"
    listing = client.get(f"{BASE}/titles", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert listing["lang"] == "zh-hans"
    assert listing["items"][0]["title"] == "毒舌大状"


def test_unknown_title_is_aproblem(client):
    problem(client.get(f"{BASE}/titles/nothing-here"), 404, "title_not_found")
    problem(client.get(f"{BASE}/titles/NOT%20A%20SLUG"), 404, "title_not_found")


def test_companies_and_genres(client, guilty):
    companies = client.get(f"{BASE}/companies?lang=zh-hans").json()
    assert [c["slug"] for c in companies] == ["marquee-pictures", "paramount-pictures"]
    assert companies[0]["name"] == "大幕影业"
    assert companies[0]["roles"] == ["distributor", "studio"]
    distributors = client.get(f"{BASE}/companies?role=distributor").json()
    assert [c["slug"] for c in distributors] == ["marquee-pictures"]
    problem(client.get(f"{BASE}/companies?role=baker"), 422, "validation_error")

    studio = client.get(f"{BASE}/companies/marquee-pictures?lang=zh-hant").json()
    assert studio["names"]["en"] == "Marquee Pictures"
    assert {(c["title_slug"], c["title"], c["role"]) for c in studio["credits"]} == {
        ("a-guilty-conscience", "毒舌大狀", "co_financier"),
        ("a-guilty-conscience", "毒舌大狀", "distributor"),
    }
    problem(client.get(f"{BASE}/companies/nobody"), 404, "company_not_found")

    genres = client.get(f"{BASE}/genres?lang=zh-hant").json()
    assert [(g["code"], g["name"]) for g in genres] == [
        ("action", "動作"),
        ("crime", "犯罪"),
        ("drama", "劇情"),
    ]


def test_list_runs_a_fixed_number_of_queries(client, make_title, django_assert_max_num_queries):
    for _ in range(6):
        make_title()
    with django_assert_max_num_queries(6):
        r = client.get(f"{BASE}/titles")
    assert r.json()["count"] == 6


# --- writes --------------------------------------------------------------------------

NEW_TITLE = {
    "slug": "kowloon-express",
    "title_en": "Kowloon Express",
    "title_zh_hans": "九龙快车",
    "title_zh_hant": "九龍快車",
    "runtime_minutes": 115,
    "year": 2026,
    "genres": ["action"],
    "languages": ["yue"],
    "hk_classification": "IIB",
    "release_dates": [{"territory": "HK", "date": "2026-12-24"}],
    "credits": [{"company": "marquee-pictures", "role": "producer"}],
}


def test_anonymous_cannot_create(client, genres, companies):
    problem(
        client.post(f"{BASE}/titles", NEW_TITLE, content_type="application/json"),
        401,
        "not_authenticated",
    )
    assert not Title.objects.exists()


@pytest.mark.parametrize("role", [None, Role.CINEMA_OPERATOR, Role.FINANCE, Role.PARTNER])
def test_other_roles_cannot_create(client_for, make_user, genres, companies, role):
    c = client_for(make_user(role=role))
    problem(c.post(f"{BASE}/titles", NEW_TITLE, content_type="application/json"), 403, "forbidden")
    assert not Title.objects.exists()


def test_distribution_staff_create_a_title(client_for, distributor, genres, companies):
    r = client_for(distributor).post(
        f"{BASE}/titles?lang=zh-hant", NEW_TITLE, content_type="application/json"
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["slug"] == "kowloon-express"
    assert body["title"] == "九龍快車"
    assert body["release_dates"] == [{"territory": "HK", "date": "2026-12-24"}]
    assert body["credits"][0]["role"] == "producer"
    assert Title.objects.get(slug="kowloon-express").runtime_minutes == 115


def test_admin_creates_with_a_bearer_token(client, make_user, genres, companies):
    admin = make_user(role=Role.ADMIN)
    _, raw = create_api_token(user=admin, name="ci")
    r = client.post(
        f"{BASE}/titles",
        NEW_TITLE,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert r.status_code == 201, r.content


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"runtime_minutes": 0}, 400, "invalid_runtime"),
        ({"runtime_minutes": "long"}, 422, "validation_error"),
        ({"genres": ["western"]}, 400, "unknown_genre"),
        ({"slug": "Kowloon Express"}, 400, "invalid_slug"),
        ({"title_en": ""}, 400, "title_required"),
        ({"title_en": "x\u0000y"}, 400, "invalid_text"),
        ({"kind": "opera"}, 422, "validation_error"),
        ({"hk_classification": "XXX"}, 422, "validation_error"),
        ({"release_dates": [{"territory": "ZZ", "date": "2026-01-01"}]}, 422, "validation_error"),
        ({"release_dates": [{"territory": "HK", "date": "2026-02-30"}]}, 422, "validation_error"),
        (
            {
                "release_dates": [
                    {"territory": "HK", "date": "2026-01-01"},
                    {"territory": "HK", "date": "2026-01-02"},
                ]
            },
            400,
            "duplicate_release_territory",
        ),
        ({"credits": [{"company": "nobody", "role": "producer"}]}, 400, "unknown_company"),
        ({"credits": [{"company": "marquee-pictures", "role": "chef"}]}, 422, "validation_error"),
        ({"surprise": True}, 422, "validation_error"),
        ({"year": 10**30}, 400, "invalid_year"),
    ],
)
def test_bad_input_is_a_problem_and_changes_nothing(
    client_for, distributor, genres, companies, change, status, code
):
    r = client_for(distributor).post(
        f"{BASE}/titles", {**NEW_TITLE, **change}, content_type="application/json"
    )
    problem(r, status, code)
    assert not Title.objects.exists()


def test_malformed_json_is_aproblem(client_for, distributor):
    r = client_for(distributor).post(f"{BASE}/titles", "{not json", content_type="application/json")
    assert r.status_code in (400, 422)
    assert r["Content-Type"] == "application/problem+json"


def test_duplicate_slug_is_a_conflict(client_for, distributor, guilty):
    r = client_for(distributor).post(
        f"{BASE}/titles",
        {**NEW_TITLE, "slug": "a-guilty-conscience"},
        content_type="application/json",
    )
    body = problem(r, 409, "title_slug_taken")
    assert body["field"] == "slug"


def test_patch_changes_only_what_is_sent(client_for, distributor, guilty):
    c = client_for(distributor)
    r = c.patch(
        f"{BASE}/titles/a-guilty-conscience",
        {"runtime_minutes": 134, "release_dates": [{"territory": "MO", "date": "2023-01-21"}]},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["runtime_minutes"] == 134
    assert body["title"] == "A Guilty Conscience"
    assert body["release_dates"] == [{"territory": "MO", "date": "2023-01-21"}]
    assert [g["code"] for g in body["genres"]] == ["crime", "drama"]

    renamed = c.patch(
        f"{BASE}/titles/a-guilty-conscience",
        {"slug": "guilty-conscience"},
        content_type="application/json",
    )
    assert renamed.json()["slug"] == "guilty-conscience"
    assert c.get(f"{BASE}/titles/guilty-conscience").status_code == 200


def test_patch_permissions_and_errors(client_for, make_user, distributor, guilty):
    fan = client_for(make_user())
    problem(
        fan.patch(
            f"{BASE}/titles/a-guilty-conscience", {"year": 1999}, content_type="application/json"
        ),
        403,
        "forbidden",
    )
    staff = client_for(distributor)
    problem(
        staff.patch(f"{BASE}/titles/missing", {"year": 1999}, content_type="application/json"),
        404,
        "title_not_found",
    )
    problem(
        staff.patch(
            f"{BASE}/titles/a-guilty-conscience",
            {"runtime_minutes": -1},
            content_type="application/json",
        ),
        400,
        "invalid_runtime",
    )
    assert Title.objects.get(slug="a-guilty-conscience").year == 2023


def test_poster_upload(client_for, make_user, distributor, guilty, media_root):
    url = f"{BASE}/titles/a-guilty-conscience/poster"
    fan = client_for(make_user())
    problem(fan.post(url, {"poster": SimpleUploadedFile("p.png", image_bytes())}), 403, "forbidden")
    staff = client_for(distributor)
    bad = staff.post(url, {"poster": SimpleUploadedFile("p.png", b"GIF89a-nope")})
    problem(bad, 400, "invalid_poster")
    problem(staff.post(url, {}), 422, "validation_error")
    good = staff.post(url, {"poster": SimpleUploadedFile("p.jpg", image_bytes("JPEG"))})
    assert good.status_code == 200, good.content
    poster_url = good.json()["poster_url"]
    assert poster_url.startswith("http://testserver/media/posters/a-guilty-conscience-")
    assert poster_url.endswith(".jpg")
    assert client_for(None).get(f"{BASE}/titles/a-guilty-conscience").json()["poster_url"] == (
        poster_url
    )


def test_add_credit_and_release_date_endpoints(client_for, distributor, guilty):
    c = client_for(distributor)
    credit = c.post(
        f"{BASE}/titles/a-guilty-conscience/credits",
        {"company": "paramount-pictures", "role": "distributor", "territory": "US"},
        content_type="application/json",
    )
    assert credit.status_code == 201, credit.content
    assert credit.json()["company"]["slug"] == "paramount-pictures"
    again = c.post(
        f"{BASE}/titles/a-guilty-conscience/credits",
        {"company": "paramount-pictures", "role": "distributor", "territory": "US"},
        content_type="application/json",
    )
    problem(again, 409, "credit_exists")

    put = c.put(
        f"{BASE}/titles/a-guilty-conscience/release-dates/TW",
        {"date": "2023-03-10"},
        content_type="application/json",
    )
    assert put.json() == {"territory": "TW", "date": "2023-03-10"}
    problem(
        c.put(
            f"{BASE}/titles/a-guilty-conscience/release-dates/XX",
            {"date": "2023-03-10"},
            content_type="application/json",
        ),
        422,
        "validation_error",
    )
    assert c.delete(f"{BASE}/titles/a-guilty-conscience/release-dates/TW").status_code == 204
    assert sorted(guilty.release_dates.values_list("territory", flat=True)) == ["CN", "HK"]


def test_openapi_lists_the_catalog(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/catalog/titles" in paths
    assert "/api/v1/catalog/titles/{slug}/poster" in paths


@pytest.mark.parametrize(
    "path",
    [
        "/titles?q=%00",
        "/titles?genre=%00",
        "/titles?city=%00",
        "/titles?spoken_language=%00",
        "/titles/a%00b",
        "/companies/a%00b",
    ],
)
def test_nul_bytes_in_reads_are_refused_as_invalid_text(client, guilty, path):
    r = client.get(f"{BASE}{path}")
    assert r.status_code == 400, r.content
    assert r["Content-Type"] == "application/problem+json"
    assert r.json()["code"] == "invalid_text"


@pytest.mark.parametrize(
    "change",
    [
        {"slug": "a\u0000b"},
        {"genres": ["dra\u0000ma"]},
        {"languages": ["yu\u0000e"]},
        {"original_language": "y\u0000"},
        {"synopsis_en": "\u0000"},
        {"credits": [{"company": "marquee\u0000pictures", "role": "producer"}]},
    ],
)
def test_nul_bytes_in_writes_are_refused(client_for, distributor, genres, companies, change):
    r = client_for(distributor).post(
        f"{BASE}/titles", {**NEW_TITLE, **change}, content_type="application/json"
    )
    assert r.status_code == 400, r.content
    assert r["Content-Type"] == "application/problem+json"
    assert not Title.objects.exists()
