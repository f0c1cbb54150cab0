"""Seed data for the issue 14 fixes (``tests/browser/test_ux_fixes.py``).

Added to the small web world by ``world_ctl seed``:

* buyers of their own (``ux-fan``, ``ux-refunder``, ``ux-exchanger``) so the
  journeys do not share state with the other browser tests;
* a Dolby Cinema hall at Golden Screen Guomao playing *Harbour Lights* six
  times a day for the coming week — a busy week in the console and an
  exchange page with 40-odd showtimes to choose from;
* a paid order of three tickets for ``ux-refunder`` (refund total) and one for
  ``ux-exchanger`` on the first Dolby showtime (exchange page).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from marquee.venues.demo import stadium_layout
from tests.accounts.factories import UserFactory
from tests.ticketing.factories import ShowtimeFactory
from tests.venues.factories import HallFactory

#: Local start times of the busy hall: 104-minute film + 15 minutes' cleaning fit 2 h 15.
BUSY_TIMES = ["10:00", "12:15", "14:30", "16:45", "19:00", "21:15"]
BUSY_DAYS = 7


def _at(day: date, hhmm: str, zone: str) -> datetime:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=ZoneInfo(zone))


def seed_ux_fixes(world) -> None:
    """Add the issue 14 journeys' buyers, the busy Dolby hall and its orders to ``world``."""
    from tests.web.world import PASSWORD, buy

    for key in ("ux-fan", "ux-refunder", "ux-exchanger"):
        world.users[key] = UserFactory(username=key, password=PASSWORD, home_city="beijing")
    guomao = world.venues["guomao"]
    zone = guomao.time_zone
    world.halls["dolby"] = HallFactory(
        venue=guomao,
        layout=stadium_layout(
            "Dolby Cinema Hall",
            rows=8,
            columns=12,
            aisles_after_columns=[2, 8],
            vip_rows=2,
            couple_back_row=True,
            wheelchair_pairs=1,
            formats=("2D", "DOLBY"),
        ),
        actor=world.users["op-golden"],
    )
    today = datetime.now(ZoneInfo(zone)).date()
    first = None
    for offset in range(1, BUSY_DAYS + 1):
        day = today + timedelta(days=offset)
        for hhmm in BUSY_TIMES:
            showtime = ShowtimeFactory(
                actor=world.users["op-golden"],
                title=world.titles["harbour-lights"],
                hall=world.halls["dolby"],
                starts_at=_at(day, hhmm, zone),
                format="DOLBY",
                audio_language="yue",
                subtitle_language="zh-Hans",
            )
            first = first or showtime
    world.showtimes["dolby-first"] = first
    world.orders["ux-refund"] = buy(first, ["4-5", "4-6", "4-7"], world.users["ux-refunder"])
    world.orders["ux-exchange"] = buy(first, ["5-5"], world.users["ux-exchanger"])
