"""The demo's history: loads fast, twice leaves one copy, and never touches live rows."""

from __future__ import annotations

import datetime as dt

import pytest

from marquee.analytics.models import BoxOfficeFact, HistoricalTitle, NationalDay, Source
from marquee.analytics.queries.board import day_board
from marquee.analytics.services.rollup import rebuild_box_office
from marquee.core import outbox
from marquee.demo.analytics import history_counts, load_demo_analytics
from tests.ticketing.buying import buy
from tests.ticketing.conftest import make_showtime

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)


def test_the_history_loads_once_and_a_rebuild_keeps_it(world, make_user):
    buy(make_showtime(world), make_user(), "2-1")
    outbox.drain()
    first = load_demo_analytics(today=TODAY)
    counts = history_counts()
    assert first.titles == 1 and counts["facts"] > 50 and counts["screenings"] > 20
    load_demo_analytics(today=TODAY)
    assert history_counts() == counts
    assert NationalDay.objects.count() == 367
    opening = HistoricalTitle.objects.get().opening_day
    board = day_board(opening)
    assert board.rows[0].title_id == world.title.pk and board.rows[0].gross_minor > 0
    assert board.platform_share_bp is not None
    assert not BoxOfficeFact.objects.filter(
        source=Source.HISTORY, show_day__gte=TODAY - dt.timedelta(days=1)
    ).exists()
    rebuild_box_office()
    assert history_counts() == counts
    assert BoxOfficeFact.objects.filter(source=Source.LIVE).count() == 1
