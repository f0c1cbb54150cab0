"""The demo's ticketing: the two-week schedule, prices, the pre-sale, sales and door scans.

The world is loaded once for the module at a fixed instant (a Saturday, 15:00 in
Shanghai) inside a transaction rolled back at the end; the ticketing loader then
runs a second time to prove it keeps one copy. To keep the module quick the
world has four of the demo cinemas (a flagship with IMAX and a neighbourhood
cinema in each territory); the loader works hall by hall, so the full world
differs only in size (``tests/demo/test_world.py`` loads all of it).
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.db.models import F, Sum
from django.test import override_settings
from django.utils import timezone

from marquee.accounts.models import User
from marquee.demo.ticketing.schedule import PROGRAMME
from marquee.ticketing.models import (
    Order,
    PresaleRound,
    Scan,
    SeatInventory,
    Showtime,
    ShowtimePrice,
    Ticket,
    WantToSee,
)
from marquee.ticketing.models.settlement import SettlementRule
from marquee.ticketing.services.settlement import settlement_for
from marquee.venues.models import Hall, SeatType, Venue

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 14, 15, 0, tzinfo=SHANGHAI)  # a Saturday afternoon
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CINEMAS = {
    "huaxia-shanghai-xujiahui",  # flagship: IMAX, VIP
    "golden-beijing-xidan",
    "harbour-hk-tsim-sha-tsui",  # flagship in Hong Kong
    "harbour-hk-sha-tin",
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from marquee.demo import ticketing as demo_ticketing
    from marquee.demo.world import load_world
    from marquee.venues import demo as venues_demo

    cinemas = tuple(c for c in venues_demo.CINEMAS if c.slug in CINEMAS)
    with (
        pytest.MonkeyPatch.context() as patch,
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        time_machine.travel(NOW, tick=True),
        transaction.atomic(),
    ):
        patch.setattr(venues_demo, "CINEMAS", cinemas)
        summary = load_world()
        counts = _counts()
        again = demo_ticketing.load_demo_ticketing(today=NOW.date())
        yield {"summary": summary, "counts": counts, "again": again, "after": _counts()}
        transaction.set_rollback(True)


def _counts() -> dict[str, int]:
    return {
        "showtimes": Showtime.objects.count(),
        "prices": ShowtimePrice.objects.count(),
        "inventory": SeatInventory.objects.count(),
        "orders": Order.objects.count(),
        "tickets": Ticket.objects.count(),
        "scans": Scan.objects.count(),
        "rounds": PresaleRound.objects.count(),
        "users": User.objects.count(),
    }


@pytest.fixture
def world(demo, db):
    return demo


def local(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI)  # every demo city is on UTC+8


def test_running_twice_keeps_one_copy(world):
    assert world["after"] == world["counts"]
    again = world["again"]
    assert (again.showtimes, again.online_orders, again.box_office_orders) == (0, 0, 0)
    accounts = {a["username"] for a in world["summary"]["accounts"]}
    assert {"moviegoer-01", "fan", "fan2"} <= accounts
    assert len(world["summary"]["accounts"]) == User.objects.count()


def test_every_hall_has_four_to_six_shows_a_day_for_two_weeks(world):
    from marquee.demo.ticketing.schedule import schedule_days

    days = schedule_days(NOW.date())
    assert days[0] == NOW.date() - timedelta(days=1) and len(days) == 15
    per_hall_day = Counter(
        (hall_id, local(starts).date())
        for hall_id, starts in Showtime.objects.values_list("hall_id", "starts_at")
    )
    halls = Hall.objects.filter(venue__kind=Venue.Kind.CINEMA, venue__is_active=True)
    assert Venue.objects.count() == len(CINEMAS)
    assert halls.count() >= 15
    for hall_id in halls.values_list("pk", flat=True):
        for day in days:
            assert 4 <= per_hall_day[(hall_id, day)] <= 6, (hall_id, day)


def test_shows_start_between_ten_and_half_past_eleven_and_never_overlap(world):
    by_hall = defaultdict(list)
    for hall_id, starts, ends in Showtime.objects.values_list("hall_id", "starts_at", "ends_at"):
        by_hall[hall_id].append((starts, ends))
        t = local(starts).time()
        assert (10, 0) <= (t.hour, t.minute) <= (23, 30), local(starts)
    for shows in by_hall.values():
        shows.sort()
        for (_, end), (start, _) in pairwise(shows):
            assert start >= end + timedelta(minutes=15)


def test_evening_peaks_and_the_big_titles_on_more_screens(world):
    hours = Counter(local(s).hour for s in Showtime.objects.values_list("starts_at", flat=True))
    evening = sum(n for h, n in hours.items() if 17 <= h <= 23)
    assert evening > sum(hours.values()) * 0.4
    per_title = Counter(Showtime.objects.values_list("title__slug", flat=True))
    assert per_title["mission-impossible-fallout"] > 3 * per_title["time-still-turns-the-pages"]
    big = sum(per_title[slug] for slug, p in PROGRAMME.items() if p.weight >= 8)
    assert big > sum(per_title.values()) / 2
    # IMAX halls play IMAX titles in IMAX
    imax_halls = [h.pk for h in Hall.objects.all() if "IMAX" in h.formats]
    assert imax_halls
    imax = Showtime.objects.filter(hall__in=imax_halls)
    assert set(imax.values_list("format", flat=True)) == {"IMAX"}
    assert set(imax.values_list("title__slug", flat=True)) <= {
        "mission-impossible-fallout",
        "mission-impossible-rogue-nation",
        "star-trek-beyond",
    }
    # territory releases: mainland-only films never play in Hong Kong, and vice versa
    hk = Showtime.objects.filter(venue__city__code="hong-kong")
    assert not hk.filter(title__slug="dying-to-survive").exists()
    assert (
        not Showtime.objects.exclude(venue__city__code="hong-kong")
        .filter(title__slug="the-last-dance")
        .exists()
    )


def test_published_exactly_as_publish_showtime_does(world):
    assert not Showtime.objects.exclude(status="published").exists()
    seats = Showtime.objects.aggregate(n=Sum("hall__seat_count"))["n"]
    assert SeatInventory.objects.count() == seats
    assert ShowtimePrice.objects.count() == 5 * Showtime.objects.count()
    assert not Hall.objects.filter(showtimes__isnull=False, layout_locked=False).exists()
    for currency, fee in [("CNY", 300), ("HKD", 400)]:
        assert set(
            Showtime.objects.filter(currency=currency).values_list("service_fee_minor", flat=True)
        ) == {fee}
    assert not Showtime.objects.exclude(currency=F("venue__currency")).exists()


def test_prices_by_city_format_and_time_of_day(world):
    from marquee.demo.ticketing.schedule import prices_for

    saturday = datetime(2026, 3, 14, 19, 30, tzinfo=SHANGHAI)
    monday_morning = datetime(2026, 3, 16, 10, 30, tzinfo=SHANGHAI)
    evening = prices_for(city="shanghai", currency="CNY", fmt="IMAX", local_start=saturday)
    morning = prices_for(city="shanghai", currency="CNY", fmt="2D", local_start=monday_morning)
    assert evening[SeatType.STANDARD] > morning[SeatType.STANDARD]
    assert evening[SeatType.VIP] > evening[SeatType.STANDARD] > evening[SeatType.WHEELCHAIR]
    hk = prices_for(city="hong-kong", currency="HKD", fmt="2D", local_start=monday_morning)
    assert hk[SeatType.STANDARD] > morning[SeatType.STANDARD]
    assert all(p % 100 == 0 and p > 0 for p in [*evening.values(), *hk.values()])
    for showtime in Showtime.objects.filter(venue__city__code__in=["chengdu", "hong-kong"])[:50]:
        stored = dict(showtime.prices.values_list("seat_type", "price_minor"))
        assert stored == prices_for(
            city=showtime.venue.city.code,
            currency=showtime.currency,
            fmt=showtime.format,
            local_start=local(showtime.starts_at),
        )


def test_an_open_presale_round_for_the_upcoming_hong_kong_film(world):
    round_ = PresaleRound.objects.get(
        title__slug="harbour-lights", audience=PresaleRound.Audience.WANT_TO_SEE
    )  # the members' preview (an invitation round) is the marketing demo's
    now = timezone.now()
    assert round_.is_open(now)
    assert round_.audience == PresaleRound.Audience.WANT_TO_SEE
    assert list(round_.cities.values_list("code", flat=True)) == ["hong-kong"]
    assert WantToSee.objects.filter(title=round_.title).count() >= 3
    shows = Showtime.objects.filter(title=round_.title)
    assert shows.exists()
    assert set(shows.values_list("venue__city__code", flat=True)) == {"hong-kong"}
    assert all(s.sales_open_at and s.sales_open_at > now for s in shows)
    sold = Order.objects.filter(round=round_, status="paid")
    assert sold.exists()
    assert set(sold.values_list("user__username", flat=True)) >= {"fan2"}


def test_some_seats_sold_online_and_at_the_box_office(world):
    online = Order.objects.filter(status="paid", payment_id__isnull=False)
    box_office = Order.objects.filter(status="paid", payment_id__isnull=True)
    assert online.count() >= 10
    assert box_office.count() >= 10
    assert online.filter(user__username="fan").exists()
    assert not online.filter(showtime__starts_at__lte=timezone.now()).exists()
    assert not box_office.filter(showtime__starts_at__gt=timezone.now()).exists()
    sold = SeatInventory.objects.filter(state="sold").count()
    assert sold == Ticket.objects.filter(status__in=["valid", "used"]).count()
    assert sold < SeatInventory.objects.count() * 0.01  # "some", not a sell-out


def test_a_few_tickets_were_checked_in_at_the_door(world):
    used = Ticket.objects.filter(status="used")
    assert used.exists()
    assert Scan.objects.filter(verdict="valid").count() == used.count()
    assert Scan.objects.filter(verdict="already_used").exists()
    assert Scan.objects.filter(verdict="forged").exists()
    for ticket in used[:20]:
        assert ticket.valid_from <= ticket.used_at <= ticket.showtime.starts_at


def test_settlement_rules_and_yesterdays_settlement(world):
    assert set(SettlementRule.objects.values_list("territory", flat=True)) >= {"CN", "HK"}
    order = Order.objects.filter(payment_id__isnull=True).select_related("showtime__venue").first()
    venue = Venue.objects.select_related("city", "chain").get(pk=order.showtime.venue_id)
    admin = User.objects.get(username="admin")
    result = settlement_for(venue=venue, day=local(order.showtime.starts_at).date(), actor=admin)
    total = result.total
    assert total.tickets > 0
    parts = total.film_fund + total.taxes + total.cinema_share + total.distributor_share
    assert parts == total.gross


def test_plan_day_is_deterministic():
    from marquee.demo.ticketing.schedule import DEFAULT_PROGRAMME, _Film, plan_day

    class FakeTitle:
        def __init__(self, runtime):
            self.runtime_minutes = runtime

    films = [_Film(FakeTitle(r), DEFAULT_PROGRAMME, {}) for r in (80, 95, 150)]
    day = NOW.date()
    a = plan_day(random.Random("x"), day=day, zone=SHANGHAI, films=films, imax=False)
    b = plan_day(random.Random("x"), day=day, zone=SHANGHAI, films=films, imax=False)
    assert [s for s, _ in a] == [s for s, _ in b]
    assert 4 <= len(a) <= 6
