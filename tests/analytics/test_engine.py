"""DuckDB over the Parquet snapshot answers exactly what the operational reads answer."""

from __future__ import annotations

import datetime as dt

import pytest

from marquee.analytics.engine import Engine
from marquee.analytics.errors import AnalyticsError
from marquee.analytics.models import BoxOfficeFact
from marquee.analytics.queries.board import day_board
from marquee.analytics.queries.titles import title_cities
from marquee.analytics.services.snapshots import write_snapshot
from tests.analytics.factories import HistoryFactFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 6)


def test_the_engine_agrees_with_the_database(world, tmp_path):
    other = HistoryFactFactory(
        title=world.title, venue=world.venue, show_day=DAY, tickets=3, gross_minor=13_500
    )
    HistoryFactFactory(
        title=world.title,
        venue=world.venue,
        show_day=DAY,
        sale_day=DAY - dt.timedelta(days=2),
        tickets=2,
        gross_minor=9_000,
    )
    HistoryFactFactory(
        title=world.title,
        venue=world.venue,
        show_day=DAY + dt.timedelta(days=1),
        tickets=1,
        gross_minor=4_500,
    )
    snapshot = write_snapshot(tmp_path)
    assert snapshot.rows == BoxOfficeFact.objects.count() == 3
    assert snapshot.cutoff > DAY + dt.timedelta(days=1)  # every fact here was sold before it
    engine = Engine(snapshot.directory)
    ranking = engine.day_ranking(DAY)
    assert ranking == [(world.title.pk, "CNY", 5, 22_500)]
    assert all(type(v) is int for v in ranking[0][2:])  # money from the roll-ups is never a float
    board = day_board(DAY)
    assert (board.rows[0].tickets, board.rows[0].gross_minor) == (5, 22_500)
    cities = engine.title_cities(world.title.pk, DAY, DAY + dt.timedelta(days=1))
    assert sum(r[4] for r in cities) == 27_000
    assert title_cities(world.title, DAY, DAY + dt.timedelta(days=1))[0].gross_minor == 27_000
    presale = engine.presale(world.title.pk, DAY)
    assert presale == [(DAY - dt.timedelta(days=2), "CNY", 2, 9_000)]
    assert other.city_id == world.venue.city_id
    engine.close()
    assert sorted(p.name for p in snapshot.directory.glob("cube_*.parquet")) == [
        "cube_by_city.parquet",
        "cube_by_day.parquet",
        "cube_by_sale.parquet",
    ]
    scan = Engine(snapshot.directory, cubes=False)  # the same SQL over every fact: the same answers
    assert scan.day_ranking(DAY) == ranking
    assert sorted(scan.title_cities(world.title.pk, DAY, DAY + dt.timedelta(days=1))) == sorted(
        cities
    )
    assert scan.presale(world.title.pk, DAY) == presale
    scan.close()


def test_no_snapshot_is_a_clear_error(tmp_path):
    with pytest.raises(AnalyticsError) as caught:
        Engine(tmp_path)
    assert caught.value.code == "no_snapshot"
