"""Fixtures of the ticketing tests: a small cinema world and showtimes in it.

The hall is built with plain ORM rows (not the venues services:
:class:`tests.venues.factories.GridHallFactory`) so these tests depend only on
the venues *models*:

    row 1: wheelchair 1-1, companion 1-2, standard 1-3 … 1-8
    rows 2–4: standard, 8 seats each; row 3 is VIP
    row 5: four couple pairs (5-1+5-2, 5-3+5-4, 5-5+5-6, 5-7+5-8)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from marquee.accounts.models import Organisation, Role, User
from marquee.catalog.models import Title
from marquee.places.models import City
from marquee.ticketing.models import PresaleRound, Showtime
from marquee.ticketing.services import rounds
from marquee.ticketing.services import showtimes as showtime_services
from marquee.venues.models import Chain, Hall, Seat, SeatType, Venue
from tests.venues.factories import GridHallFactory

_seq = itertools.count(1)

PRICES = {
    SeatType.STANDARD: 4500,
    SeatType.VIP: 6500,
    SeatType.COUPLE: 9000,
    SeatType.WHEELCHAIR: 3000,
    SeatType.COMPANION: 3000,
}
FEE = 300


@dataclass
class World:
    org: Organisation
    chain: Chain
    city: City
    venue: Venue
    hall: Hall
    title: Title
    operator: User
    seats: dict[str, Seat] = field(default_factory=dict)


def build_hall(venue: Venue, name: str = "Hall 1") -> tuple[Hall, dict[str, Seat]]:
    hall = GridHallFactory(venue=venue, name=name)
    return hall, {s.code: s for s in Seat.objects.filter(hall=hall)}


def build_world(
    make_user, *, city_code: str | None = None, time_zone: str = "Asia/Shanghai", currency="CNY"
) -> World:
    n = next(_seq)
    org = Organisation.objects.create(
        name=f"Test Cinemas {n}", kind=Organisation.Kind.EXHIBITOR, slug=f"test-cinemas-{n}"
    )
    chain = Chain.objects.create(organisation=org, name_en=f"Test Cinemas {n}", slug=f"tc-{n}")
    city, _ = City.objects.get_or_create(
        code=city_code or f"city-{n}",
        defaults={
            "name_en": f"City {n}",
            "territory": "HK" if time_zone == "Asia/Hong_Kong" else "CN",
            "time_zone": time_zone,
            "currency": currency,
        },
    )
    venue = Venue.objects.create(
        chain=chain,
        slug=f"venue-{n}",
        name_en=f"Venue {n}",
        city=city,
        time_zone=time_zone,
        currency=currency,
    )
    hall, seats = build_hall(venue)
    title = Title.objects.create(
        slug=f"film-{n}", original_title=f"Film {n}", title_en=f"Film {n}", runtime_minutes=120
    )
    operator = make_user(role=Role.CINEMA_OPERATOR, org=org)
    return World(
        org=org,
        chain=chain,
        city=city,
        venue=venue,
        hall=hall,
        title=title,
        operator=operator,
        seats=seats,
    )


@pytest.fixture
def world(make_user) -> World:
    return build_world(make_user)


def make_showtime(
    world: World,
    *,
    starts_at: datetime | None = None,
    publish: bool = True,
    hall: Hall | None = None,
    **kwargs,
) -> Showtime:
    kwargs.setdefault("prices", PRICES)
    kwargs.setdefault("service_fee_minor", FEE)
    showtime = showtime_services.create_showtime(
        actor=world.operator,
        title=kwargs.pop("title", world.title),
        hall=hall or world.hall,
        starts_at=starts_at or timezone.now() + timedelta(days=2),
        **kwargs,
    )
    if publish:
        showtime = showtime_services.publish_showtime(actor=world.operator, showtime=showtime)
    return Showtime.objects.select_related("hall__venue", "venue__city", "title").get(
        pk=showtime.pk
    )


def make_presale_showtime(world: World, *, now: datetime | None = None, **kwargs) -> Showtime:
    """A showtime that starts in 10 days and whose general sale opens in 5."""
    now = now or timezone.now()
    return make_showtime(
        world, starts_at=now + timedelta(days=10), sales_open_at=now + timedelta(days=5), **kwargs
    )


def make_presale_round(
    world: World, actor: User, *, now: datetime | None = None, **kwargs
) -> PresaleRound:
    """A pre-sale round of the world's title, open from an hour ago to day 4."""
    now = now or timezone.now()
    kwargs.setdefault("name", "Early birds")
    kwargs.setdefault("opens_at", now - timedelta(hours=1))
    kwargs.setdefault("closes_at", now + timedelta(days=4))
    return rounds.create_presale_round(actor=actor, title=world.title, **kwargs)


@pytest.fixture
def showtime(world) -> Showtime:
    return make_showtime(world)


@pytest.fixture
def buyer(make_user) -> User:
    return make_user()
