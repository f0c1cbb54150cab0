"""Seed of the analytics browser journeys: a hall of its own with a showtime tomorrow, and two
weeks of box-office history and pre-sales for *The Long Night* (so the title page has its charts)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from marquee.analytics.models import HistoricalTitle
from marquee.venues.demo import stadium_layout
from tests.analytics.factories import HistoricalScreeningFactory, HistoryFactFactory
from tests.venues.factories import HallFactory


def seed_analytics(world) -> None:
    """Add ``halls["box-office"]``, ``showtimes["box-office"]`` (tomorrow 12:00 Beijing time,
    The Long Night at Sanlitun) and the history rows."""
    from tests.web.world import _local, _showtime

    venue = world.venues["sanlitun"]
    world.halls["box-office"] = HallFactory(
        venue=venue,
        layout=stadium_layout("Hall BO", rows=6, columns=10),
        actor=world.users["admin"],
    )
    today = timezone.localdate()
    _showtime(
        world,
        "box-office",
        title="the-long-night",
        hall="box-office",
        starts_at=_local(today + timedelta(days=1), "12:00", venue.time_zone),
        actor=world.users["admin"],
    )
    film = world.titles["the-long-night"]
    opening = today - timedelta(days=16)
    HistoricalTitle.objects.get_or_create(
        title=film, defaults={"opening_day": opening, "want_to_see": 900}
    )
    for before in range(1, 11):  # pre-sales: the curve and the forecast stand on them
        HistoryFactFactory(
            title=film,
            venue=venue,
            show_day=opening,
            sale_day=opening - timedelta(days=before),
            tickets=40 // before,
            gross_minor=(40 // before) * 4_500,
        )
    for back in range(2, 16):
        day = today - timedelta(days=back)
        gross = 300_000 - back * 12_000
        HistoryFactFactory(
            title=film, venue=venue, show_day=day, tickets=gross // 4_500, gross_minor=gross
        )
        HistoricalScreeningFactory(title=film, venue=venue, day=day, showtimes=6, seats=900)
