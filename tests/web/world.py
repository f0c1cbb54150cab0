"""A small, deterministic cinema world for the web tests and the browser tests' server.

Built from the domain factories (``tests/<domain>/factories.py``), which go
through the domain services wherever those do more than insert a row (halls from
layouts, titles, showtimes, sales, roles), so the pages are exercised against
what production writes.

Two cities (Beijing in CNY, Hong Kong in HKD), three chains, four cinemas,
six films (four showing, two coming soon — one in an open pre-sale round),
showtimes over the next days, a showtime whose doors are open right now (for
the scanner) with a ticket sold for it, want-to-see registrations and accounts:

=================  ============================================
``fan``            moviegoer in Beijing (the buyer of the tests)
``fan2``           moviegoer in Hong Kong
``rival``          moviegoer who takes seats from under ``fan``
``op-huaxia``      cinema operator of Huaxia (Beijing cinemas)
``op-golden``      cinema operator of Golden Screen (another chain)
``op-harbour``     cinema operator of Harbour (Hong Kong)
``distribution``   distribution staff (plans pre-sale rounds)
``admin``          superuser
=================  ============================================

Every password is :data:`PASSWORD`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from marquee.accounts import services as account_services
from marquee.accounts.models import Organisation, Role, User
from marquee.catalog import services as catalog
from marquee.catalog.models import Title
from marquee.places.models import City
from marquee.ticketing.models import Order, Showtime, Ticket
from marquee.ticketing.services import rounds
from marquee.venues.demo import stadium_layout
from marquee.venues.models import Chain, Hall, Venue
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.catalog.factories import GenreFactory, TitleFactory
from tests.places.factories import CityFactory
from tests.ticketing.factories import OrderFactory, ShowtimeFactory
from tests.venues.factories import ChainFactory, HallFactory, VenueFactory

PASSWORD = "popcorn-and-jasmine-tea"


@dataclass
class WebWorld:
    users: dict[str, User] = field(default_factory=dict)
    cities: dict[str, City] = field(default_factory=dict)
    venues: dict[str, Venue] = field(default_factory=dict)
    halls: dict[str, Hall] = field(default_factory=dict)
    titles: dict[str, Title] = field(default_factory=dict)
    showtimes: dict[str, Showtime] = field(default_factory=dict)
    tickets: dict[str, Ticket] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """Ids and codes the browser tests need (the world lives in another process)."""
        return {
            "password": PASSWORD,
            "users": {k: u.username for k, u in self.users.items()},
            "cities": {k: c.code for k, c in self.cities.items()},
            "venues": {k: {"id": v.pk, "slug": v.slug} for k, v in self.venues.items()},
            "halls": {k: h.pk for k, h in self.halls.items()},
            "titles": {k: t.slug for k, t in self.titles.items()},
            "showtimes": {k: s.pk for k, s in self.showtimes.items()},
            "tickets": {k: {"id": t.pk, "code": t.code} for k, t in self.tickets.items()},
            "orders": {k: o.pk for k, o in self.orders.items()},
            "tokens": dict(self.tokens),
        }


def _user(world: WebWorld, key: str, *, home_city: str = "", superuser: bool = False) -> User:
    user = UserFactory(username=key, password=PASSWORD, superuser=superuser, home_city=home_city)
    world.users[key] = user
    return user


def _chain(slug: str, name: str, hans: str, hant: str) -> Chain:
    return ChainFactory(slug=slug, name_en=name, name_zh_hans=hans, name_zh_hant=hant)


def _local(day: date, at: str, zone: str) -> datetime:
    hours, minutes = (int(x) for x in at.split(":"))
    return datetime.combine(day, time(hours, minutes), tzinfo=ZoneInfo(zone))


def _showtime(
    world: WebWorld,
    key: str | None,
    *,
    title: str,
    hall: str,
    starts_at: datetime,
    actor: User,
    fmt: str = "2D",
    audio: str = "",
    subtitles: str = "",
    sales_open_at: datetime | None = None,
    publish: bool = True,
) -> Showtime:
    showtime = ShowtimeFactory(
        actor=actor,
        title=world.titles[title],
        hall=world.halls[hall],
        starts_at=starts_at,
        format=fmt,
        audio_language=audio,
        subtitle_language=subtitles,
        sales_open_at=sales_open_at,
        publish=publish,
    )
    if key:
        world.showtimes[key] = showtime
    return showtime


def buy(showtime: Showtime, seats: list[str], buyer: User) -> Order:
    """A paid order for ``seats`` (as a successful payment would complete it)."""
    return OrderFactory(showtime=showtime, seats=seats, user=buyer, paid="counter")


def build_world(*, now: datetime | None = None) -> WebWorld:
    """Create the world (in an empty database) and return what the tests address."""
    now = now or timezone.now()
    world = WebWorld()
    admin = _user(world, "admin", superuser=True)
    for key, city in [("fan", "beijing"), ("fan2", "hong-kong"), ("rival", "beijing")]:
        _user(world, key, home_city=city)
    _, token = account_services.create_api_token(user=world.users["rival"], name="browser tests")
    world.tokens["rival"] = token

    # --- places -----------------------------------------------------------------------
    world.cities["beijing"] = CityFactory(
        code="beijing",
        name_en="Beijing",
        name_zh_hans="北京",
        name_zh_hant="北京",
        territory="CN",
        time_zone="Asia/Shanghai",
        currency="CNY",
    )
    world.cities["hong-kong"] = CityFactory(
        code="hong-kong",
        name_en="Hong Kong",
        name_zh_hans="香港",
        name_zh_hant="香港",
        territory="HK",
        time_zone="Asia/Hong_Kong",
        currency="HKD",
    )
    huaxia = _chain("huaxia", "Huaxia Cinema Line", "华夏影城", "華夏影城")
    golden = _chain("golden", "Golden Screen", "金幕影院", "金幕影院")
    harbour = _chain("harbour", "Harbour Cinemas", "海港影院", "海港影院")
    for key, chain in [("op-huaxia", huaxia), ("op-golden", golden), ("op-harbour", harbour)]:
        world.users[key] = UserFactory(
            username=key,
            password=PASSWORD,
            role=Role.CINEMA_OPERATOR,
            organisation=chain.organisation,
        )
    studio = OrganisationFactory(
        name="Marquee Pictures", kind=Organisation.Kind.STUDIO, slug="marquee-pictures"
    )
    world.users["distribution"] = UserFactory(
        username="distribution", password=PASSWORD, role=Role.DISTRIBUTION, organisation=studio
    )

    for key, chain, city, name, hans, hant, address in [
        (
            "sanlitun",
            huaxia,
            "beijing",
            "Huaxia Cinema Sanlitun",
            "华夏影城三里屯店",
            "華夏影城三里屯店",
            ("19 Sanlitun Road, Chaoyang", "朝阳区三里屯路19号", "朝陽區三里屯路19號"),
        ),
        (
            "guomao",
            golden,
            "beijing",
            "Golden Screen Guomao",
            "金幕影院国贸店",
            "金幕影院國貿店",
            ("1 Jianguomenwai Avenue", "建国门外大街1号", "建國門外大街1號"),
        ),
        (
            "tsim-sha-tsui",
            harbour,
            "hong-kong",
            "Harbour Cinemas Tsim Sha Tsui",
            "海港影院尖沙咀",
            "海港影院尖沙咀",
            ("3 Canton Road, Tsim Sha Tsui", "尖沙咀广东道3号", "尖沙咀廣東道3號"),
        ),
    ]:
        world.venues[key] = VenueFactory(
            chain=chain,
            city=world.cities[city],
            slug=key,
            name_en=name,
            name_zh_hans=hans,
            name_zh_hant=hant,
            address_en=address[0],
            address_zh_hans=address[1],
            address_zh_hant=address[2],
            refund_cutoff_minutes=60,
            refund_fee_minor=500 if city == "beijing" else 1000,
        )
    layouts = {
        "hall-1": (
            "sanlitun",
            stadium_layout(
                "Hall 1",
                rows=8,
                columns=12,
                aisles_after_columns=[2, 8],
                cross_aisle_after=2,
                trim_front_rows=1,
                vip_rows=2,
                couple_back_row=True,
                wheelchair_pairs=1,
                formats=("2D", "3D"),
            ),
        ),
        "imax": (
            "sanlitun",
            stadium_layout(
                "IMAX Hall",
                rows=12,
                columns=20,
                aisles_after_columns=[4, 14],
                cross_aisle_after=3,
                trim_front_rows=2,
                vip_rows=3,
                couple_back_row=True,
                wheelchair_pairs=2,
                formats=("2D", "IMAX"),
            ),
        ),
        "hall-3": ("sanlitun", stadium_layout("Hall 3", rows=5, columns=8)),
        "guomao-1": ("guomao", stadium_layout("Hall A", rows=6, columns=10)),
        "tst-1": (
            "tsim-sha-tsui",
            stadium_layout("House 1", rows=7, columns=10, couple_back_row=True),
        ),
    }
    for key, (venue, layout) in layouts.items():
        world.halls[key] = HallFactory(venue=world.venues[venue], layout=layout, actor=admin)

    # --- films ------------------------------------------------------------------------
    for code, en, hans, hant in [
        ("drama", "Drama", "剧情", "劇情"),
        ("thriller", "Thriller", "惊悚", "驚悚"),
        ("comedy", "Comedy", "喜剧", "喜劇"),
        ("scifi", "Science fiction", "科幻", "科幻"),
    ]:
        GenreFactory(code=code, name_en=en, name_zh_hans=hans, name_zh_hant=hant)
    today = now.astimezone(ZoneInfo("Asia/Shanghai")).date()
    past = today - timedelta(days=20)
    films = [
        (
            "the-long-night",
            "The Long Night",
            "漫长的夜",
            "漫長的夜",
            "cmn",
            118,
            ["drama", "thriller"],
            "IIB",
            past,
            (
                "A night-shift doctor in Beijing has until dawn to find a missing patient.",
                "一位北京夜班医生必须在天亮前找到一名失踪的病人。",
                "一位北京夜班醫生必須在天亮前找到一名失蹤的病人。",
            ),
        ),
        (
            "harbour-lights",
            "Harbour Lights",
            "港湾灯火",
            "港灣燈火",
            "yue",
            104,
            ["drama"],
            "IIA",
            past,
            (
                "Three generations of a Hong Kong ferry family, one typhoon season.",
                "香港渡轮世家三代人，一个台风季。",
                "香港渡輪世家三代人，一個颱風季。",
            ),
        ),
        (
            "star-tide",
            "Star Tide",
            "星潮",
            "星潮",
            "en",
            132,
            ["scifi"],
            "IIA",
            past,
            (
                "A cargo pilot rides a gravitational wave home.",
                "一名货运飞行员乘着引力波回家。",
                "一名貨運飛行員乘著引力波回家。",
            ),
        ),
        (
            "paper-tigers",
            "Paper Tigers",
            "纸老虎",
            "紙老虎",
            "cmn",
            96,
            ["comedy"],
            "I",
            past,
            (
                "Two rival dumpling shops, one street, no way out.",
                "两家对手饺子馆，一条街，无路可退。",
                "兩家對手餃子館，一條街，無路可退。",
            ),
        ),
        (
            "moon-over-the-bay",
            "Moon Over the Bay",
            "湾上明月",
            "灣上明月",
            "cmn",
            110,
            ["drama"],
            "IIA",
            today + timedelta(days=20),
            (
                "A lighthouse keeper's last autumn.",
                "灯塔守护人的最后一个秋天。",
                "燈塔守護人的最後一個秋天。",
            ),
        ),
        (
            "iron-river",
            "Iron River",
            "铁河",
            "鐵河",
            "cmn",
            125,
            ["thriller"],
            "IIB",
            today + timedelta(days=40),
            (
                "A steel town, a flood, a secret.",
                "钢铁小镇，一场洪水，一个秘密。",
                "鋼鐵小鎮，一場洪水，一個秘密。",
            ),
        ),
    ]
    for slug, en, hans, hant, lang, runtime, genres, hk, release, synopsis in films:
        world.titles[slug] = TitleFactory(
            slug=slug,
            title_en=en,
            title_zh_hans=hans,
            title_zh_hant=hant,
            original_title=hans if lang == "cmn" else (hant if lang == "yue" else en),
            original_language=lang,
            synopsis_en=synopsis[0],
            synopsis_zh_hans=synopsis[1],
            synopsis_zh_hant=synopsis[2],
            runtime_minutes=runtime,
            year=release.year,
            genres=genres,
            languages=[lang],
            hk_classification=hk,
            release_dates=[
                catalog.ReleaseSpec("CN", release),
                catalog.ReleaseSpec("HK", release),
            ],
        )

    # --- showtimes: tomorrow and the day after, plus one whose doors are open now -----
    op = world.users["op-huaxia"]
    bj = "Asia/Shanghai"
    hk_zone = "Asia/Hong_Kong"
    for offset in (1, 2):
        day = today + timedelta(days=offset)
        suffix = "" if offset == 1 else "-d2"
        plan = [
            ("long-night-10", "the-long-night", "10:00", "cmn", "en"),
            ("long-night-13", "the-long-night", "13:00", "cmn", "en"),
            ("paper-tigers-16", "paper-tigers", "16:00", "cmn", ""),
            ("long-night-19", "the-long-night", "19:00", "cmn", "en"),
            ("harbour-lights-21", "harbour-lights", "21:30", "yue", "zh-Hans"),
        ]
        for key, title, at, audio, subs in plan:
            _showtime(
                world,
                key + suffix,
                title=title,
                hall="hall-1",
                starts_at=_local(day, at, bj),
                actor=op,
                audio=audio,
                subtitles=subs,
            )
        for key, at in [
            ("star-tide-11", "11:00"),
            ("star-tide-15", "15:00"),
            ("star-tide-19", "19:00"),
        ]:
            _showtime(
                world,
                key + suffix,
                title="star-tide",
                hall="imax",
                starts_at=_local(day, at, bj),
                actor=op,
                fmt="IMAX",
                audio="en",
                subtitles="zh-Hans",
            )
        _showtime(
            world,
            "guomao-14" + suffix,
            title="the-long-night",
            hall="guomao-1",
            starts_at=_local(day, "14:00", bj),
            actor=world.users["op-golden"],
            audio="cmn",
        )
        for key, title, at, audio in [
            ("tst-harbour-13", "harbour-lights", "13:00", "yue"),
            ("tst-long-night-18", "the-long-night", "18:00", "cmn"),
        ]:
            _showtime(
                world,
                key + suffix,
                title=title,
                hall="tst-1",
                starts_at=_local(day, at, hk_zone),
                actor=world.users["op-harbour"],
                audio=audio,
                subtitles="zh-Hant",
            )
    # A draft in the console.
    _showtime(
        world,
        "draft",
        title="paper-tigers",
        hall="hall-1",
        starts_at=_local(today + timedelta(days=3), "10:00", bj),
        actor=op,
        publish=False,
    )
    # Pre-sale: the coming film sells before general sale to everyone in Beijing.
    presale_day = today + timedelta(days=5)
    _showtime(
        world,
        "presale",
        title="moon-over-the-bay",
        hall="hall-1",
        starts_at=_local(presale_day, "19:00", bj),
        actor=op,
        sales_open_at=_local(presale_day - timedelta(days=2), "10:00", bj),
    )
    rounds.create_presale_round(
        actor=world.users["distribution"],
        title=world.titles["moon-over-the-bay"],
        name="Early birds",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=3),
        city_codes=["beijing"],
    )
    # Doors open now: starts in 30 minutes in Hall 3 (nothing else plays there).
    soon = (now + timedelta(minutes=30)).replace(second=0, microsecond=0)
    _showtime(world, "doors-open", title="paper-tigers", hall="hall-3", starts_at=soon, actor=op)

    # --- interest and sales -------------------------------------------------------------
    for key in ("fan", "fan2", "rival"):
        rounds.register_want_to_see(user=world.users[key], title=world.titles["moon-over-the-bay"])
    rounds.register_want_to_see(user=world.users["fan2"], title=world.titles["the-long-night"])
    world.orders["doors-open"] = buy(
        world.showtimes["doors-open"], ["2-3", "2-4"], world.users["fan"]
    )
    for ticket in Ticket.objects.filter(order=world.orders["doors-open"]).select_related("seat"):
        world.tickets[f"doors-open-{ticket.seat.code}"] = ticket
    buy(world.showtimes["long-night-19"], ["5-5", "5-6"], world.users["fan2"])
    world.orders["fan-long-night-d2"] = buy(
        world.showtimes["long-night-19-d2"], ["4-6", "4-7"], world.users["fan"]
    )
    for ticket in Ticket.objects.filter(order=world.orders["fan-long-night-d2"]).select_related(
        "seat"
    ):
        world.tickets[f"fan-d2-{ticket.seat.code}"] = ticket
    return world
