"""The console pages and the moviegoer's recommendations, through the test client."""

from __future__ import annotations

import pytest
from django.test import Client

from marquee.accounts.models import Role
from marquee.analytics.models import BoxOfficeFact
from marquee.analytics.recommend import also_bought, for_user
from marquee.core import outbox
from tests.ticketing.buying import buy
from tests.ticketing.conftest import build_world, make_showtime

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_board_and_the_title_page_render_for_distribution(world, make_user):
    showtime = make_showtime(world)
    buy(showtime, make_user(), "2-1")
    outbox.drain()
    day = BoxOfficeFact.objects.get().show_day
    client = _client(make_user(role=Role.DISTRIBUTION))
    board = client.get("/analytics/", {"day": day.isoformat()})
    assert board.status_code == 200
    assert f'data-testid="gross-{world.title.slug}">45.00<' in board.content.decode()
    page = client.get(f"/analytics/titles/{world.title.slug}/", {"to": day.isoformat()})
    assert page.status_code == 200
    assert 'data-testid="presale-chart"' in page.content.decode()
    assert 'data-testid="forecast"' in page.content.decode()


def test_an_operator_sees_the_board_without_the_forecast(world, make_user):
    page = _client(world.operator).get(f"/analytics/titles/{world.title.slug}/")
    assert page.status_code == 200
    assert 'data-testid="forecast"' not in page.content.decode()
    assert 'data-testid="scope-note"' in _client(world.operator).get("/analytics/").content.decode()


def test_a_moviegoer_cannot_open_the_console(make_user):
    assert _client(make_user()).get("/analytics/").status_code == 403


def test_a_bad_day_is_a_page_that_says_why(make_user):
    client = _client(make_user(role=Role.DISTRIBUTION))
    response = client.get("/analytics/", {"day": "2099-01-01"})
    assert response.status_code == 422
    assert 'data-testid="analytics-error"' in response.content.decode()


def test_also_bought_and_the_personal_list(world, make_user):
    other = build_world(make_user)
    a = make_showtime(world)
    b = make_showtime(other)  # another film in another city
    c = make_showtime(
        world, title=other.title, starts_at=a.starts_at + (a.ends_at - a.starts_at) * 2
    )
    fans = [make_user() for _ in range(3)]
    for n, fan in enumerate(fans):
        buy(a, fan, f"2-{n + 1}")
        buy(b, fan, f"2-{n + 1}")
    newcomer = make_user()
    buy(a, newcomer, "4-1")
    outbox.drain()
    assert [t["slug"] for t in also_bought(world.title)] == [other.title.slug]
    mine = for_user(newcomer, city_code=world.city.code)
    assert mine["titles"][0]["slug"] == other.title.slug
    assert [s["showtime_id"] for s in mine["showtimes"]] == [c.pk]
    response = _client(newcomer).get("/api/v1/analytics/recommendations/me")
    assert response.json()["titles"][0]["slug"] == other.title.slug


def test_the_pages_say_when_their_history_was_snapshotted(world, make_user):
    import datetime as dt

    from django.utils import timezone

    from marquee.analytics.services.snapshots import write_snapshot
    from tests.analytics.factories import HistoryFactFactory

    past = timezone.localdate() - dt.timedelta(days=10)
    HistoryFactFactory(
        title=world.title,
        venue=world.venue,
        show_day=past,
        updated_at=timezone.now() - dt.timedelta(days=9),
    )
    client = _client(make_user(role=Role.DISTRIBUTION))
    page = client.get(f"/analytics/titles/{world.title.slug}/").content.decode()
    assert 'data-testid="history-as-of"' not in page  # no snapshot yet: the database alone
    snapshot = write_snapshot()
    moment = timezone.localtime(snapshot.written_at).strftime("%Y-%m-%d %H:%M")
    page = client.get(f"/analytics/titles/{world.title.slug}/").content.decode()
    assert f"History as of {moment}" in page
    board = client.get("/analytics/", {"day": past.isoformat()}).content.decode()
    assert f"History as of {moment}" in board
    assert f'data-testid="gross-{world.title.slug}">450.00<' in board  # snapshot + database
    operator = _client(world.operator).get("/analytics/", {"day": past.isoformat()})
    assert 'data-testid="history-as-of"' not in operator.content.decode()  # scoped: database
