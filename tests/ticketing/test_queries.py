"""Reads: finding showtimes (by local day), the seat map, visibility of drafts."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from marquee.accounts.models import Role
from marquee.core.errors import NotFound
from marquee.ticketing import queries, seatmap
from marquee.ticketing.models import SeatInventory
from marquee.ticketing.services import holds

from .conftest import PRICES, build_world, make_showtime

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
HONG_KONG = ZoneInfo("Asia/Hong_Kong")
DAY = date(2031, 3, 14)


@pytest.fixture
def frozen():
    with time_machine.travel(datetime(2031, 3, 1, 12, tzinfo=SHANGHAI), tick=False):
        yield


def test_filters_by_title_city_venue_and_local_day(frozen, world, make_user):
    hk = build_world(make_user, city_code="hong-kong", time_zone="Asia/Hong_Kong", currency="HKD")
    # 23:30 local on the 14th is still the 14th in Shanghai, though it is 15:30 UTC
    late = make_showtime(world, starts_at=datetime(2031, 3, 14, 23, 30, tzinfo=SHANGHAI))
    early = make_showtime(world, starts_at=datetime(2031, 3, 14, 0, 30, tzinfo=SHANGHAI))
    next_day = make_showtime(world, starts_at=datetime(2031, 3, 15, 3, 0, tzinfo=SHANGHAI))
    hk_show = make_showtime(hk, starts_at=datetime(2031, 3, 14, 10, 0, tzinfo=HONG_KONG))
    draft = make_showtime(
        world, starts_at=datetime(2031, 3, 14, 15, 0, tzinfo=SHANGHAI), publish=False
    )

    def ids(**kw):
        return [s.pk for s in queries.list_showtimes(user=None, **kw)]

    assert ids(on=DAY) == [early.pk, hk_show.pk, late.pk]
    assert ids(on=DAY, city="hong-kong") == [hk_show.pk]
    assert ids(on=DAY, venue=world.venue.slug) == [early.pk, late.pk]
    assert ids(title=hk.title.slug) == [hk_show.pk]
    assert ids(on=date(2031, 3, 15)) == [next_day.pk]
    assert draft.pk not in ids()
    assert ids(title="no-such-title") == []


def test_past_showtimes_are_hidden_unless_a_day_is_asked(frozen, world):
    st = make_showtime(world, starts_at=datetime(2031, 3, 2, 20, 0, tzinfo=SHANGHAI))
    with time_machine.travel(datetime(2031, 3, 2, 21, 0, tzinfo=SHANGHAI), tick=False):
        assert list(queries.list_showtimes(user=None)) == []
        assert [s.pk for s in queries.list_showtimes(user=None, on=date(2031, 3, 2))] == [st.pk]


def test_drafts_are_seen_by_their_schedulers_only(world, make_user, make_org):
    draft = make_showtime(world, publish=False)
    outsider = make_user(role=Role.CINEMA_OPERATOR, org=make_org())
    staff = make_user(role=Role.DISTRIBUTION)
    for who in (None, make_user(), outsider):
        with pytest.raises(NotFound):
            queries.get_showtime(user=who, showtime_id=draft.pk)
        assert draft not in queries.list_showtimes(user=who, status="draft")
    for who in (world.operator, staff):
        assert queries.get_showtime(user=who, showtime_id=draft.pk) == draft
        assert list(queries.list_showtimes(user=who, status="draft")) == [draft]
    assert list(queries.manageable_showtimes(outsider)) == []
    assert list(queries.manageable_showtimes(world.operator)) == [draft]


def test_seat_map_states_without_revealing_holders(showtime, buyer, make_user):
    holds.hold_seats(showtime=showtime, seat_codes=["2-1", "2-2"], user=buyer)
    SeatInventory.objects.filter(showtime=showtime, seat__row_label="4", seat__number="8").update(
        state="sold"
    )
    seat_map = seatmap.seat_map(user=None, showtime_id=showtime.pk)
    by_code = {s.code: s for s in seat_map.seats}
    assert len(by_code) == 40
    assert by_code["2-1"].state == "held"
    assert by_code["4-8"].state == "sold"
    assert by_code["2-3"].state == "free"
    assert seat_map.counts == {"free": 37, "held": 2, "sold": 1}
    assert by_code["5-1"].partner == "5-2" and by_code["5-2"].partner == "5-1"
    assert by_code["3-1"].seat_type == "vip"
    assert by_code["3-1"].price_minor == PRICES["vip"]
    assert by_code["2-1"].label == "2排1座"
    assert (by_code["2-1"].row, by_code["2-1"].column) == (1, 0)
    assert [s.code for s in seat_map.seats[:3]] == ["1-1", "1-2", "1-3"]
    assert not any(hasattr(s, "hold") or hasattr(s, "user") for s in seat_map.seats)
    assert (seat_map.rows, seat_map.columns) == (5, 8)


def test_seat_map_treats_expired_holds_as_free(showtime, buyer):
    hold = holds.hold_seats(showtime=showtime, seat_codes=["2-1"], user=buyer)
    with time_machine.travel(hold.expires_at + timedelta(seconds=1)):
        seat_map = seatmap.seat_map(user=None, showtime_id=showtime.pk)
    assert {s.code: s.state for s in seat_map.seats}["2-1"] == "free"
    assert seat_map.counts == {"free": 40}


def test_seat_map_is_three_queries_whatever_the_hall_size(showtime, django_assert_num_queries):
    # showtime + prices + one query for every seat's state with its layout
    with django_assert_num_queries(3):
        seat_map = seatmap.seat_map(user=None, showtime_id=showtime.pk)
    assert len(seat_map.seats) == 40


def test_seat_map_of_unknown_showtime(db):
    with pytest.raises(NotFound) as exc:
        seatmap.seat_map(user=None, showtime_id=123456)
    assert exc.value.code == "showtime_not_found"


def test_holds_and_orders_are_private(showtime, buyer, make_user):
    hold = holds.hold_seats(showtime=showtime, seat_codes=["2-1"], user=buyer)
    assert queries.hold_of(user=buyer, hold_id=hold.pk) == hold
    for who in (None, make_user()):
        with pytest.raises(NotFound):
            queries.hold_of(user=who, hold_id=hold.pk)
        assert list(queries.orders_of(who)) == []
