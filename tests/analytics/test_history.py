"""The heavy reads: DuckDB over the snapshot up to its cut-off plus the database since give
exactly what the database alone gives, and the database answers alone when it must."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marquee.analytics.models import BoxOfficeFact, HistoricalTitle
from marquee.analytics.queries import history
from marquee.analytics.queries.board import day_board
from marquee.analytics.queries.titles import presale_curve, title_cities, title_days
from marquee.analytics.services.snapshots import current_snapshot, write_snapshot
from marquee.core import outbox
from marquee.core.services import set_rate
from marquee.ticketing.models import Ticket
from marquee.ticketing.services.refunds import refund_tickets
from tests.analytics.factories import HistoryFactFactory
from tests.ticketing.conftest import build_world, make_showtime
from tests.ticketing.factories import OrderFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 5, 20, 10, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
CUTOFF = dt.date(2026, 5, 19)  # the UTC day before the snapshot
EARLIER = NOW - dt.timedelta(days=1)


@pytest.fixture
def venues(world, make_user):
    hong_kong = build_world(make_user, time_zone="Asia/Hong_Kong", currency="HKD")
    set_rate(base="HKD", quote="CNY", rate=Decimal("0.9137"), valid_from=dt.date(2026, 1, 1))
    set_rate(base="HKD", quote="CNY", rate=Decimal("0.9213"), valid_from=dt.date(2026, 5, 18))
    HistoricalTitle.objects.create(title=world.title, opening_day=TODAY - dt.timedelta(days=5))
    HistoricalTitle.objects.create(title=hong_kong.title, opening_day=TODAY + dt.timedelta(days=2))
    return [world.venue, hong_kong.venue], [world.title, hong_kong.title]


@pytest.fixture
def opened(monkeypatch):
    """How many times the heavy reads asked the DuckDB engine."""
    count = [0]
    real = history.engine_for

    def counting(snapshot):
        count[0] += 1
        return real(snapshot)

    monkeypatch.setattr(history, "engine_for", counting)
    return count


def answers(titles, scope=None):
    """Every heavy question, as plain values."""
    out = []
    for day in (TODAY - dt.timedelta(days=3), CUTOFF, TODAY):
        board = day_board(day, scope)
        out.append(
            [(r.slug, r.rank, r.tickets, r.gross_minor, r.cumulative_minor) for r in board.rows]
        )
    for title in titles:
        start, end = TODAY - dt.timedelta(days=30), TODAY + dt.timedelta(days=10)
        out.append(title_days(title, start, end, scope))
        out.append(title_cities(title, start, end, scope))
        out.append(presale_curve(title, scope).points)
    return out


def operational(titles, settings_, scope=None):
    settings_.MARQUEE_ANALYTICS_ENGINE = False
    try:
        return answers(titles, scope)
    finally:
        settings_.MARQUEE_ANALYTICS_ENGINE = True


FACT = st.tuples(
    st.integers(0, 1),  # title
    st.integers(0, 1),  # venue (CNY, HKD)
    st.integers(-20, 8),  # show day, from today
    st.integers(0, 25),  # sold that many days before the show
    st.integers(-2, 6),  # tickets (negative: refunds that day)
    st.integers(0, 9_999),  # price noise, minor units
)


def _fact(places, titles, spec, *, not_before=None, not_after=None, updated_at):
    title, venue, show, before, tickets, noise = spec
    show_day = TODAY + dt.timedelta(days=show)
    sale_day = show_day - dt.timedelta(days=before)
    if not_before:
        sale_day = max(sale_day, not_before)
    if not_after:
        sale_day = min(sale_day, not_after)
    HistoryFactFactory(
        title=titles[title],
        venue=places[venue],
        show_day=show_day,
        sale_day=sale_day,
        tickets=tickets,
        gross_minor=tickets * 4_500 + noise,
        updated_at=updated_at,
    )


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    before=st.lists(FACT, max_size=10),
    after=st.lists(FACT, max_size=6),
    late=st.booleans(),
)
def test_snapshot_plus_live_equals_the_database_alone(
    venues, opened, settings, before, after, late
):
    places, titles = venues
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        for spec in before:
            _fact(places, titles, spec, not_after=CUTOFF - dt.timedelta(days=1), updated_at=EARLIER)
        for spec in before[:2]:  # some of the same show days also sell after the cut-off
            _fact(places, titles, spec, not_before=CUTOFF, updated_at=EARLIER)
        snapshot = write_snapshot()
        assert snapshot.cutoff == CUTOFF
        assert snapshot.rows == BoxOfficeFact.objects.filter(sale_day__lt=CUTOFF).count()
        for spec in after:  # sales and refunds once the snapshot is written
            _fact(places, titles, spec, not_before=CUTOFF, not_after=TODAY, updated_at=NOW)
        old = BoxOfficeFact.objects.filter(sale_day__lt=CUTOFF).first()
        if late and old is not None:  # an event applied a day late: the snapshot is stale
            BoxOfficeFact.objects.filter(pk=old.pk).update(tickets=old.tickets + 1, updated_at=NOW)
        expected = operational(titles, settings)
        opened[0] = 0
        assert answers(titles) == expected
        stale = late and old is not None
        assert (history.usable_snapshot(None) is None) == stale
        assert (opened[0] > 0) == (not stale)  # the engine answered unless the snapshot was stale
        transaction.set_rollback(True)


def test_real_sales_and_refunds_around_a_snapshot(world, venues, opened, settings, make_user):
    settings.MARQUEE_OUTBOX_MODE = "immediate"
    _, titles = venues
    buyer = make_user()
    with time_machine.travel(NOW - dt.timedelta(days=3), tick=False):
        showtime = make_showtime(world, starts_at=NOW + dt.timedelta(days=1))
        first = OrderFactory(showtime=showtime, user=buyer, seats=["2-1", "2-2"], paid="gateway")
        OrderFactory(showtime=showtime, user=buyer, seats=["3-1"], paid="gateway")
        outbox.drain()
    with time_machine.travel(NOW, tick=False):
        snapshot = write_snapshot()
        assert snapshot.rows == 1  # the showtime's row of its first sale day
        ticket = Ticket.objects.filter(order=first).first()
        refund_tickets(order=first, ticket_ids=[ticket.pk], actor=buyer)
        OrderFactory(showtime=showtime, user=buyer, seats=["4-1"], paid="gateway")
        outbox.drain()
        expected = operational(titles, settings)
        opened[0] = 0
        combined = answers(titles)
    assert combined == expected
    assert opened[0] > 0
    [day] = [d for d in title_days(world.title, TODAY, TODAY + dt.timedelta(days=1)) if d.tickets]
    assert day.tickets == 3  # 3 bought before the snapshot, 1 refunded and 1 bought after


def _past_sale(places, titles) -> None:
    """Ten tickets of the first title, shown and sold four days ago (in the snapshot)."""
    HistoryFactFactory(
        title=titles[0], venue=places[0], show_day=TODAY - dt.timedelta(days=4), updated_at=EARLIER
    )


def test_the_board_says_which_snapshot_its_history_comes_from(venues, settings):
    places, titles = venues
    with time_machine.travel(NOW, tick=False):
        _past_sale(places, titles)
        assert day_board(TODAY - dt.timedelta(days=4)).history_as_of is None  # no snapshot yet
        snapshot = write_snapshot()
        board = day_board(TODAY - dt.timedelta(days=4))
    assert board.history_as_of == snapshot.written_at
    assert board.rows[0].tickets == 10


def test_the_database_answers_alone_for_a_scoped_reader_or_another_databases_snapshot(
    venues, opened, settings
):
    places, titles = venues
    with time_machine.travel(NOW, tick=False):
        _past_sale(places, titles)
        write_snapshot()
        scope = frozenset({places[0].pk})
        assert history.usable_snapshot(scope) is None
        assert day_board(TODAY - dt.timedelta(days=4), scope).rows[0].tickets == 10
        assert opened[0] == 0
        assert current_snapshot() is not None
        pointer = settings.MARQUEE_ANALYTICS_DIR / "current.json"
        meta = json.loads(pointer.read_text())
        pointer.write_text(json.dumps({**meta, "database": "postgresql:production"}))
        assert current_snapshot() is None
        assert day_board(TODAY - dt.timedelta(days=4)).history_as_of is None
    assert opened[0] == 0
