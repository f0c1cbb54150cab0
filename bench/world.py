"""Seeding a flash-sale world fast: venues and halls through the venues services, the rest in bulk.

Needs Django set up against the target database (``bench.flash`` does it for
the bench database; the drills run inside pytest-django). Halls go through
``venues.services.create_hall`` (the layout validation every hall gets);
showtimes, prices, seat inventory and buyers' accounts are bulk inserts —
the inventory with one ``INSERT … SELECT`` per batch of showtimes, in seat
order exactly as ``publish_showtime`` creates it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from marquee.accounts.models import Organisation, Role, User
from marquee.accounts.services import create_api_token, grant_role
from marquee.catalog.models import Title
from marquee.demo.ticketing.schedule import BASE_PRICE, SERVICE_FEE
from marquee.places.models import City
from marquee.ticketing.models import SeatInventory, Showtime, ShowtimePrice
from marquee.venues import services as venue_services
from marquee.venues.demo import stadium_layout
from marquee.venues.models import Chain, Hall, Seat, SeatType, Venue

#: A Beijing 2D evening's prices, as the demo world sets them.
PRICES = {
    SeatType.STANDARD: BASE_PRICE["beijing"],
    SeatType.VIP: BASE_PRICE["beijing"] + 2000,
    SeatType.COUPLE: 2 * BASE_PRICE["beijing"],
    SeatType.WHEELCHAIR: BASE_PRICE["beijing"] - 2000,
    SeatType.COMPANION: BASE_PRICE["beijing"] - 2000,
}
FEE = SERVICE_FEE["CNY"]
RUNTIME = 120
#: Showtimes of one hall start this far apart (runtime + cleaning, with room to spare).
SLOT = timedelta(hours=3)

#: Spread halls: (rows, columns) giving 400–1,000 seats after trimming the front rows.
SPREAD_SIZES = [(17, 26), (18, 28), (20, 30), (21, 33), (22, 36), (24, 38), (25, 40)]


@dataclass
class FlashWorld:
    """What the load generator needs to know (ids, seat codes, buyers' tokens)."""

    spread: list[list[int]] = field(default_factory=list)  # [showtime id, hall id]
    hot: list[int] = field(default_factory=list)
    room: list[int] = field(default_factory=list)  # hot showtimes with a waiting room
    room_size: int = 0
    seatmap_showtime: int = 0
    warmup: list[list[int]] = field(default_factory=list)
    baseline: list[int] = field(default_factory=list)
    halls: dict[str, list[str]] = field(default_factory=dict)  # hall id → sellable seat codes
    hall_seats: dict[str, int] = field(default_factory=dict)  # hall id → seats
    tokens: list[str] = field(default_factory=list)
    seed_seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _hall_layout(name: str, rows: int, columns: int, *, trim: int = 2) -> dict[str, Any]:
    side = max(4, columns // 4)
    return stadium_layout(
        name,
        rows=rows,
        columns=columns,
        aisles_after_columns=[side - 1, columns - side - 1],
        cross_aisle_after=3,
        trim_front_rows=trim,
        vip_rows=3,
        couple_back_row=True,
        wheelchair_pairs=2,
        formats=("2D", "3D"),
    )


def _base(n: int) -> tuple[Organisation, Chain, City, User, Title]:
    org = Organisation.objects.create(
        name=f"Flash Cinemas {n}", kind=Organisation.Kind.EXHIBITOR, slug=f"flash-cinemas-{n}"
    )
    chain = Chain.objects.create(organisation=org, name_en=f"Flash Cinemas {n}", slug=f"flash-{n}")
    city, _ = City.objects.get_or_create(
        code="flash-city",
        defaults={
            "name_en": "Flash City",
            "territory": "CN",
            "time_zone": "Asia/Shanghai",
            "currency": "CNY",
        },
    )
    operator = User.objects.create_user(username=f"flash-operator-{n}", password=None)
    grant_role(user=operator, organisation=org, role=Role.CINEMA_OPERATOR)
    title = Title.objects.create(
        slug=f"flash-blockbuster-{n}",
        original_title="Flash Blockbuster",
        title_en="Flash Blockbuster",
        runtime_minutes=RUNTIME,
    )
    return org, chain, city, operator, title


def _venue(chain: Chain, city: City, slug: str) -> Venue:
    return Venue.objects.create(
        chain=chain,
        slug=slug,
        name_en=slug.replace("-", " ").title(),
        city=city,
        time_zone="Asia/Shanghai",
        currency="CNY",
    )


def _showtimes(
    title: Title, hall: Hall, starts: list[datetime], *, created_by: User
) -> list[Showtime]:
    now = timezone.now()
    return [
        Showtime(
            title=title,
            hall=hall,
            venue_id=hall.venue_id,
            starts_at=start,
            ends_at=start + timedelta(minutes=RUNTIME),
            runtime_minutes=RUNTIME,
            format="2D",
            currency="CNY",
            service_fee_minor=FEE,
            status=Showtime.Status.PUBLISHED,
            published_at=now,
            created_by=created_by,
        )
        for start in starts
    ]


def _publish_in_bulk(showtimes: list[Showtime]) -> None:
    """Prices and seat inventory for already-published showtimes, as ``publish_showtime`` makes them."""
    ShowtimePrice.objects.bulk_create(
        [
            ShowtimePrice(showtime=s, seat_type=kind, price_minor=price)
            for s in showtimes
            for kind, price in sorted(PRICES.items())
        ],
        batch_size=5000,
    )
    inventory = SeatInventory._meta.db_table
    seat = Seat._meta.db_table
    showtime = Showtime._meta.db_table
    ids = [s.pk for s in showtimes]
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 20):
            cursor.execute(
                f"INSERT INTO {inventory} (showtime_id, seat_id, state) "  # noqa: S608 - table names from models
                f"SELECT st.id, se.id, 'free' FROM {showtime} st "
                f"JOIN {seat} se ON se.hall_id = st.hall_id "
                "WHERE st.id IN (" + ",".join(["%s"] * len(ids[start : start + 20])) + ") "
                "ORDER BY st.id, se.id",
                ids[start : start + 20],
            )
    Hall.objects.filter(pk__in={s.hall_id for s in showtimes}).update(layout_locked=True)


def create_buyers(count: int, *, prefix: str = "flash-buyer") -> list[str]:
    """``count`` moviegoer accounts, each with one API token; returns the raw tokens."""
    n = User.objects.filter(username__startswith=prefix).count()
    users = User.objects.bulk_create(
        [
            User(username=f"{prefix}-{n + i}", password="!", is_active=True)  # noqa: S106 - unusable
            for i in range(count)
        ]
    )
    if connection.vendor != "postgresql" or any(u.pk is None for u in users):
        users = list(User.objects.filter(username__startswith=prefix).order_by("pk"))[n:]
    return [create_api_token(user=user, name="flash bench")[1] for user in users]


def seed_flash_world(
    *,
    spread_showtimes: int = 100,
    hot_showtimes: int = 5,
    room_showtimes: int = 0,
    room_size: int = 16,
    baseline_showtimes: int = 40,
    warmup_showtimes: int = 4,
    buyers: int = 136,
    n: int = 1,
) -> FlashWorld:
    """Seed the world of the flash benchmark; returns what the load generator needs.

    * ``spread_showtimes`` published showtimes in 25-odd halls of 400–1,000 seats;
    * ``hot_showtimes`` showtimes of one 1,000-seat hall (one per hot run: a sold-out
      showtime cannot be raced for again), and ``room_showtimes`` more whose waiting
      room lets ``room_size`` buyers in at once;
    * a 400-seat hall with one showtime for the seat-map measurement;
    * ``baseline_showtimes`` showtimes whose inventory only the psycopg baseline touches;
    * ``buyers`` moviegoers with API tokens.
    """
    started = time.perf_counter()
    world = FlashWorld()
    day = (timezone.now() + timedelta(days=3)).replace(hour=2, minute=0, second=0, microsecond=0)
    with transaction.atomic():
        _org, chain, city, operator, title = _base(n)
        spread_halls: list[Hall] = []
        halls_needed = max(1, -(-spread_showtimes // 4))
        venues = [
            _venue(chain, city, f"flash-{n}-cinema-{v}") for v in range(halls_needed // 5 + 1)
        ]
        for i in range(halls_needed):
            rows, columns = SPREAD_SIZES[i % len(SPREAD_SIZES)]
            hall = venue_services.create_hall(
                venue=venues[i // 5],
                layout=_hall_layout(f"Hall {i % 5 + 1}", rows, columns),
                actor=operator,
            )
            spread_halls.append(hall)
        special = _venue(chain, city, f"flash-{n}-flagship")
        hot_hall = venue_services.create_hall(
            venue=special,
            layout=_hall_layout("Flagship 1000", 25, 40, trim=0),
            actor=operator,
        )
        map_hall = venue_services.create_hall(
            venue=special,
            layout=_hall_layout("Studio 400", 20, 20, trim=0),
            actor=operator,
        )
        all_halls = [*spread_halls, hot_hall, map_hall]
        for hall in all_halls:
            hall.refresh_from_db(fields=["seat_count"])
            world.hall_seats[str(hall.pk)] = hall.seat_count

        spread: list[Showtime] = []
        for k in range(spread_showtimes):
            hall = spread_halls[k % len(spread_halls)]
            spread += _showtimes(
                title, hall, [day + SLOT * (k // len(spread_halls))], created_by=operator
            )
        hot = _showtimes(
            title, hot_hall, [day + SLOT * k for k in range(hot_showtimes)], created_by=operator
        )
        room = _showtimes(
            title,
            hot_hall,
            [day + SLOT * (hot_showtimes + k) for k in range(room_showtimes)],
            created_by=operator,
        )
        for showtime in room:
            showtime.waiting_room_size = room_size
        seatmap = _showtimes(title, map_hall, [day], created_by=operator)
        warmup = _showtimes(
            title,
            map_hall,
            [day + SLOT * (k + 1) for k in range(warmup_showtimes)],
            created_by=operator,
        )
        later = day + timedelta(days=2)
        baseline = []
        for k in range(baseline_showtimes):
            hall = spread_halls[k % len(spread_halls)]
            baseline += _showtimes(
                title, hall, [later + SLOT * (k // len(spread_halls))], created_by=operator
            )
        created = Showtime.objects.bulk_create([*spread, *hot, *room, *seatmap, *warmup, *baseline])
        if any(s.pk is None for s in created):  # pragma: no cover - SQLite before 3.35
            raise RuntimeError("bulk_create did not return primary keys")
        _publish_in_bulk(created)

        world.spread = [[s.pk, s.hall_id] for s in spread]
        world.hot = [s.pk for s in hot]
        world.room = [s.pk for s in room]
        world.room_size = room_size if room else 0
        world.seatmap_showtime = seatmap[0].pk
        world.warmup = [[s.pk, s.hall_id] for s in warmup]
        world.baseline = [s.pk for s in baseline]
        for hall in all_halls:
            world.halls[str(hall.pk)] = [
                f"{label}-{number}"
                for label, number in Seat.objects.filter(hall=hall)
                .exclude(kind=SeatType.COUPLE)
                .order_by("row", "column")
                .values_list("row_label", "number")
            ]
        world.tokens = create_buyers(buyers)
    world.seed_seconds = round(time.perf_counter() - started, 2)
    return world
