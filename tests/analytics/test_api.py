"""The analytics API: scopes, downloads, and problem+json for bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from marquee.accounts.models import Role
from marquee.analytics.models import BoxOfficeFact, NationalDay
from marquee.core import outbox
from tests.analytics.factories import NationalDayFactory
from tests.ticketing.buying import buy
from tests.ticketing.conftest import build_world, make_showtime

pytestmark = pytest.mark.django_db
API = "/api/v1/analytics"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sold(world, make_user):
    """Two chains: chain A sells two tickets, chain B one; returns (world A, world B, day)."""
    other = build_world(make_user)
    a, b = make_showtime(world), make_showtime(other, title=world.title)
    buy(a, make_user(), "2-1", "2-2")
    buy(b, make_user(), "2-1")
    outbox.drain()
    return world, other, BoxOfficeFact.objects.filter(showtime=a).get().show_day


def test_distribution_sees_every_cinema_and_an_operator_only_their_own(sold, make_user):
    world, other, day = sold
    staff = make_user(role=Role.DISTRIBUTION)
    everything = _client(staff).get(f"{API}/board", {"day": day}).json()
    assert everything["tickets"] == 3
    assert everything["rows"][0]["gross_minor"] == 13_500
    mine = _client(world.operator).get(f"{API}/board", {"day": day}).json()
    assert mine["tickets"] == 2
    assert mine["rows"][0]["showtimes"] == 1
    theirs = _client(other.operator).get(
        f"{API}/titles/{world.title.slug}/cities", {"from": day, "to": day}
    )
    assert [c["tickets"] for c in theirs.json()["cities"]] == [1]


def test_a_moviegoer_is_refused_the_board(make_user):
    response = _client(make_user()).get(f"{API}/board")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_csv_and_xlsx_downloads(sold, make_user):
    _, _, day = sold
    client = _client(make_user(role=Role.DISTRIBUTION))
    csv = client.get(f"{API}/board", {"day": day, "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert "Film" in csv.content.decode("utf-8-sig")
    assert ",135,3,2," in csv.content.decode("utf-8-sig")
    xlsx = client.get(f"{API}/board", {"day": day, "format": "xlsx"})
    assert xlsx.content[:2] == b"PK"


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("/board", {"day": "1999-12-31"}, 422, "day_out_of_range"),
        ("/board", {"day": "2999-01-01"}, 422, "day_out_of_range"),
        ("/board", {"day": "not-a-day"}, 422, None),
        ("/titles/no-such-film/days", {}, 404, "title_not_found"),
        ("/titles/{slug}/days", {"from": "2026-02-01", "to": "2026-01-01"}, 422, "range_reversed"),
        (
            "/titles/{slug}/cities",
            {"from": "2020-01-01", "to": "2026-01-01"},
            422,
            "range_too_long",
        ),
    ],
)
def test_bad_input_is_problem_json(world, make_user, path, params, status, code):
    client = _client(make_user(role=Role.DISTRIBUTION))
    response = client.get(API + path.replace("{slug}", world.title.slug), params)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    if code:
        assert response.json()["code"] == code


def test_national_upload_and_the_platform_share(sold, make_user):
    _, _, day = sold
    client = _client(make_user(role=Role.DISTRIBUTION))
    text = (
        f"day,gross_cny\n{day.isoformat()},1350.00\n{(day - dt.timedelta(days=1)).isoformat()},99\n"
    )
    response = client.post(f"{API}/national", {"csv": text}, content_type="application/json")
    assert response.json() == {"days": 2, "created": 2, "updated": 0}
    again = client.post(f"{API}/national", {"csv": text}, content_type="application/json")
    assert again.json() == {"days": 2, "created": 0, "updated": 2}
    board = client.get(f"{API}/board", {"day": day}).json()
    assert board["national_minor"] == 135_000
    assert board["platform_share_bp"] == 1_000  # 135 of 1,350 yuan


def test_a_bad_national_file_writes_nothing(make_user):
    NationalDayFactory(day=dt.date(2026, 1, 1), gross_minor=5)
    client = _client(make_user(role=Role.DISTRIBUTION))
    text = "2026-01-01,100\n2026-01-02,12.345\n"
    response = client.post(f"{API}/national", {"csv": text}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"] == "bad_national_csv"
    assert response.json()["line"] == 2
    assert list(NationalDay.objects.values_list("gross_minor", flat=True)) == [5]


def test_presale_curve_counts_sales_before_release(world, make_user):
    from marquee.catalog.models import ReleaseDate

    showtime = make_showtime(world)
    buy(showtime, make_user(), "2-1")
    outbox.drain()
    sale_day = BoxOfficeFact.objects.get().sale_day
    ReleaseDate.objects.create(
        title=world.title, territory="CN", date=sale_day + dt.timedelta(days=3)
    )
    client = _client(make_user(role=Role.DISTRIBUTION))
    curve = client.get(f"{API}/titles/{world.title.slug}/presale").json()
    points = {p["days_before"]: p for p in curve["points"]}
    assert len(curve["points"]) == 30
    assert points[4]["tickets"] == 0
    assert (points[3]["tickets"], points[3]["gross_minor"]) == (1, 4_500)
    assert points[1]["gross_minor"] == 4_500


def test_breakdown_by_cinema_chain_city_and_format(sold, make_user):
    world, other, day = sold
    staff = _client(make_user(role=Role.DISTRIBUTION))
    params = {"from": day, "to": day}
    cinemas = staff.get(f"{API}/breakdown", {**params, "by": "cinema"}).json()["rows"]
    assert [(r["key"], r["tickets"], r["showtimes"]) for r in cinemas] == [
        (str(world.venue.pk), 2, 1),
        (str(other.venue.pk), 1, 1),
    ]
    assert cinemas[0]["gross_share_bp"] == 6_667  # 90 of 135 yuan
    assert (cinemas[0]["local_currency"], cinemas[0]["local_gross_minor"]) == ("CNY", 9_000)
    chains = staff.get(f"{API}/breakdown", {**params, "by": "chain"}).json()["rows"]
    assert {r["name"] for r in chains} == {world.chain.name_en, other.chain.name_en}
    formats = staff.get(f"{API}/breakdown", {**params, "by": "format", "title": world.title.slug})
    assert [(r["key"], r["tickets"]) for r in formats.json()["rows"]] == [("2D", 3)]
    mine = _client(world.operator).get(f"{API}/breakdown", {**params, "by": "city"}).json()
    assert [r["tickets"] for r in mine["rows"]] == [2]
    xlsx = staff.get(f"{API}/breakdown", {**params, "by": "city", "format": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    bad = staff.get(f"{API}/breakdown", {**params, "by": "planet"})
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
