"""Demo venues: 7 cities, 4 exhibitor chains, 22 cinemas with realistic halls.

:func:`load_demo_venues` is idempotent: cities, organisations, chains and
venues are matched by slug/code and halls by (venue, name), so a second run
adds nothing. Every hall is built by :func:`stadium_layout` in the compact
grid form and created through ``services.create_hall`` — the same validation
an imported layout goes through.

Layouts are deterministic: a cinema's halls are drawn from a random generator
seeded with the cinema's base slug.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from marquee.accounts.models import Organisation
from marquee.places.models import City
from marquee.venues import services
from marquee.venues.layouts import FORMAT, GRID_GAP_CHARS, parse_layout
from marquee.venues.models import Chain, Hall, Venue

# --- layout generators --------------------------------------------------------


def stadium_layout(
    name: str,
    *,
    rows: int,
    columns: int,
    aisles_after_columns: Sequence[int] = (),
    cross_aisle_after: int | None = None,
    trim_front_rows: int = 0,
    vip_rows: int = 0,
    all_vip: bool = False,
    couple_back_row: bool = False,
    wheelchair_pairs: int = 0,
    formats: Sequence[str] = ("2D",),
    screen: str = "top",
) -> dict[str, Any]:
    """A stadium-seating hall in the compact ``grid`` form of ``docs/layouts.md``.

    * ``trim_front_rows``: the first rows are shorter (a staggered wedge near
      the screen), one cell less per side for each row closer to the screen.
    * ``cross_aisle_after``: a walkway across the hall after that row.
    * ``vip_rows``: that many central rows of the central block are VIP
      (the best sight lines, just behind the cross aisle when there is one).
    * ``couple_back_row``: the back row is couple seats, paired within each
      block between aisles (an odd seat out stays standard).
    * ``wheelchair_pairs``: wheelchair spaces, each with a companion seat
      beside it, at the ends of the front full row (alternating left/right).
    """
    cells = [["S"] * columns for _ in range(rows)]
    for r in range(min(trim_front_rows, rows)):
        trim = trim_front_rows - r
        for c in range(min(trim, columns)):
            cells[r][c] = "."
            cells[r][columns - 1 - c] = "."

    if all_vip:
        for row in cells:
            for c, ch in enumerate(row):
                if ch == "S":
                    row[c] = "V"
    elif vip_rows:
        first = (cross_aisle_after + 1) if cross_aisle_after is not None else rows // 2
        first = min(first, rows - vip_rows - (1 if couple_back_row else 0))
        left, right = _central_block(columns, aisles_after_columns)
        for r in range(first, first + vip_rows):
            for c in range(left, right + 1):
                if cells[r][c] == "S":
                    cells[r][c] = "V"

    if couple_back_row:
        back = cells[-1]
        for block_start, block_end in _blocks(columns, aisles_after_columns):
            seats = [c for c in range(block_start, block_end + 1) if back[c] not in GRID_GAP_CHARS]
            usable = len(seats) - len(seats) % 2
            for c in seats[:usable]:
                back[c] = "C"

    if wheelchair_pairs:
        front = cross_aisle_after + 1 if cross_aisle_after is not None else trim_front_rows
        front = min(front, rows - 1)
        row = cells[front]
        for i in range(wheelchair_pairs):
            seats = [c for c, ch in enumerate(row) if ch in "SV"]
            if len(seats) < 2:
                break
            if i % 2 == 0:
                row[seats[0]], row[seats[1]] = "W", "A"
            else:
                row[seats[-1]], row[seats[-2]] = "W", "A"

    aisles_rows = [cross_aisle_after] if cross_aisle_after is not None else []
    return {
        "format": FORMAT,
        "name": name,
        "screen": screen,
        "aisles_after_rows": aisles_rows,
        "aisles_after_columns": sorted(aisles_after_columns),
        "formats": list(formats),
        "grid": ["".join(row) for row in cells],
    }


def _blocks(columns: int, aisles: Sequence[int]) -> list[tuple[int, int]]:
    """Column ranges (inclusive) between aisles."""
    bounds = [-1, *sorted(aisles), columns - 1]
    return [(bounds[i] + 1, bounds[i + 1]) for i in range(len(bounds) - 1)]


def _central_block(columns: int, aisles: Sequence[int]) -> tuple[int, int]:
    blocks = _blocks(columns, aisles)
    if len(blocks) >= 3:
        return blocks[len(blocks) // 2]
    quarter = columns // 4
    return quarter, columns - 1 - quarter


def _three_blocks(columns: int, side: int) -> list[int]:
    """Aisles leaving ``side`` seats on each side block."""
    return [side - 1, columns - side - 1]


def small_hall(name: str, rng: random.Random, formats: Sequence[str] = ("2D",)) -> dict[str, Any]:
    rows, columns = rng.randint(8, 10), rng.choice([12, 13, 14])
    return stadium_layout(
        name,
        rows=rows,
        columns=columns,
        aisles_after_columns=_three_blocks(columns, 3),
        trim_front_rows=1,
        couple_back_row=rng.random() < 0.4,
        wheelchair_pairs=1,
        formats=formats,
    )


def medium_hall(name: str, rng: random.Random, formats: Sequence[str] = ("2D", "3D")) -> dict:
    rows, columns = rng.randint(11, 14), rng.choice([16, 18, 20])
    return stadium_layout(
        name,
        rows=rows,
        columns=columns,
        aisles_after_columns=_three_blocks(columns, 4),
        cross_aisle_after=3,
        trim_front_rows=2,
        vip_rows=rng.choice([0, 2, 3]),
        couple_back_row=rng.random() < 0.5,
        wheelchair_pairs=2,
        formats=formats,
    )


def large_hall(name: str, rng: random.Random, formats: Sequence[str] = ("2D", "3D")) -> dict:
    rows, columns = rng.randint(14, 15), rng.choice([22, 24])
    return stadium_layout(
        name,
        rows=rows,
        columns=columns,
        aisles_after_columns=_three_blocks(columns, 5),
        cross_aisle_after=4,
        trim_front_rows=3,
        vip_rows=3,
        couple_back_row=True,
        wheelchair_pairs=2,
        formats=formats,
    )


def imax_hall(name: str = "IMAX Hall", formats: Sequence[str] = ("IMAX", "IMAX 3D")) -> dict:
    """A 16 × 24 IMAX auditorium: 372 seats, centre VIP block, couple back row."""
    return stadium_layout(
        name,
        rows=16,
        columns=24,
        aisles_after_columns=_three_blocks(24, 5),
        cross_aisle_after=4,
        trim_front_rows=3,
        vip_rows=4,
        couple_back_row=True,
        wheelchair_pairs=2,
        formats=formats,
    )


def vip_hall(name: str = "VIP Hall") -> dict[str, Any]:
    """A small all-VIP lounge of recliners (couple sofas at the back)."""
    return stadium_layout(
        name,
        rows=8,
        columns=12,
        aisles_after_columns=[5],
        all_vip=True,
        couple_back_row=True,
        wheelchair_pairs=1,
        formats=("2D", "DOLBY"),
    )


def demo_layouts() -> dict[str, dict[str, Any]]:
    """A named catalogue of valid layouts (compact form) for tests, benchmarks and docs."""
    rng = random.Random(20260101)
    return {
        "small": small_hall("Hall S", rng),
        "medium": medium_hall("Hall M", rng),
        "large": large_hall("Hall L", rng),
        "imax": imax_hall(),
        "vip": vip_hall(),
        "tiny": stadium_layout("Screening Room", rows=4, columns=6, couple_back_row=True),
    }


# --- the demo world ------------------------------------------------------------


@dataclass(frozen=True)
class _City:
    code: str
    en: str
    hans: str
    hant: str
    territory: str = "CN"
    time_zone: str = "Asia/Shanghai"
    currency: str = "CNY"


CITIES = (
    _City("beijing", "Beijing", "北京", "北京"),
    _City("shanghai", "Shanghai", "上海", "上海"),
    _City("guangzhou", "Guangzhou", "广州", "廣州"),
    _City("shenzhen", "Shenzhen", "深圳", "深圳"),
    _City("hangzhou", "Hangzhou", "杭州", "杭州"),
    _City("chengdu", "Chengdu", "成都", "成都"),
    _City("hong-kong", "Hong Kong", "香港", "香港", "HK", "Asia/Hong_Kong", "HKD"),
)


@dataclass(frozen=True)
class _Chain:
    slug: str
    en: str
    hans: str
    hant: str


CHAINS = (
    _Chain("huaxia-cinema-line", "Huaxia Cinema Line", "华夏院线", "華夏院線"),
    _Chain("pearl-river-cinemas", "Pearl River Cinemas", "珠江影城", "珠江影城"),
    _Chain("harbour-cinemas-hk", "Harbour Cinemas (HK)", "港湾影院", "港灣影院"),
    _Chain("golden-screen", "Golden Screen", "金幕影城", "金幕影城"),
)


@dataclass(frozen=True)
class _Cinema:
    slug: str
    chain: str
    city: str
    en: str
    hans: str
    hant: str
    address_en: str
    address_hans: str
    address_hant: str
    flagship: bool = False


HX, PR, HB, GS = (c.slug for c in CHAINS)

CINEMAS = (
    # Beijing
    _Cinema("huaxia-beijing-sanlitun", HX, "beijing", "Huaxia Cinema Sanlitun IMAX",
            "华夏影城三里屯IMAX店", "華夏影城三里屯IMAX店",
            "19 Sanlitun Road, Chaoyang District, Beijing",
            "北京市朝阳区三里屯路19号", "北京市朝陽區三里屯路19號", flagship=True),
    _Cinema("huaxia-beijing-wudaokou", HX, "beijing", "Huaxia Cinema Wudaokou",
            "华夏影城五道口店", "華夏影城五道口店",
            "1 Chengfu Road, Haidian District, Beijing",
            "北京市海淀区成府路1号", "北京市海澱區成府路1號"),
    _Cinema("golden-beijing-guomao", GS, "beijing", "Golden Screen Guomao IMAX",
            "金幕影城国贸IMAX店", "金幕影城國貿IMAX店",
            "1 Jianguomenwai Avenue, Chaoyang District, Beijing",
            "北京市朝阳区建国门外大街1号", "北京市朝陽區建國門外大街1號", flagship=True),
    _Cinema("golden-beijing-xidan", GS, "beijing", "Golden Screen Xidan",
            "金幕影城西单店", "金幕影城西單店",
            "132 Xidan North Street, Xicheng District, Beijing",
            "北京市西城区西单北大街132号", "北京市西城區西單北大街132號"),
    # Shanghai
    _Cinema("huaxia-shanghai-xujiahui", HX, "shanghai", "Huaxia Cinema Xujiahui IMAX",
            "华夏影城徐家汇IMAX店", "華夏影城徐家匯IMAX店",
            "1111 Zhaojiabang Road, Xuhui District, Shanghai",
            "上海市徐汇区肇嘉浜路1111号", "上海市徐匯區肇嘉浜路1111號", flagship=True),
    _Cinema("huaxia-shanghai-wujiaochang", HX, "shanghai", "Huaxia Cinema Wujiaochang",
            "华夏影城五角场店", "華夏影城五角場店",
            "600 Handan Road, Yangpu District, Shanghai",
            "上海市杨浦区邯郸路600号", "上海市楊浦區邯鄲路600號"),
    _Cinema("golden-shanghai-lujiazui", GS, "shanghai", "Golden Screen Lujiazui IMAX",
            "金幕影城陆家嘴IMAX店", "金幕影城陸家嘴IMAX店",
            "168 Lujiazui West Road, Pudong New Area, Shanghai",
            "上海市浦东新区陆家嘴西路168号", "上海市浦東新區陸家嘴西路168號", flagship=True),
    _Cinema("golden-shanghai-jingan", GS, "shanghai", "Golden Screen Jing'an",
            "金幕影城静安店", "金幕影城靜安店",
            "1601 Nanjing West Road, Jing'an District, Shanghai",
            "上海市静安区南京西路1601号", "上海市靜安區南京西路1601號"),
    # Guangzhou
    _Cinema("pearl-guangzhou-tianhe", PR, "guangzhou", "Pearl River Cinemas Tianhe IMAX",
            "珠江影城天河IMAX店", "珠江影城天河IMAX店",
            "208 Tianhe Road, Tianhe District, Guangzhou",
            "广州市天河区天河路208号", "廣州市天河區天河路208號", flagship=True),
    _Cinema("pearl-guangzhou-zhujiang-new-town", PR, "guangzhou",
            "Pearl River Cinemas Zhujiang New Town", "珠江影城珠江新城店", "珠江影城珠江新城店",
            "85 Huacheng Avenue, Tianhe District, Guangzhou",
            "广州市天河区花城大道85号", "廣州市天河區花城大道85號"),
    _Cinema("huaxia-guangzhou-beijing-road", HX, "guangzhou", "Huaxia Cinema Beijing Road",
            "华夏影城北京路店", "華夏影城北京路店",
            "238 Beijing Road, Yuexiu District, Guangzhou",
            "广州市越秀区北京路238号", "廣州市越秀區北京路238號"),
    # Shenzhen
    _Cinema("pearl-shenzhen-futian", PR, "shenzhen", "Pearl River Cinemas Futian",
            "珠江影城福田店", "珠江影城福田店",
            "3008 Shennan Middle Road, Futian District, Shenzhen",
            "深圳市福田区深南中路3008号", "深圳市福田區深南中路3008號"),
    _Cinema("pearl-shenzhen-nanshan", PR, "shenzhen", "Pearl River Cinemas Nanshan IMAX",
            "珠江影城南山IMAX店", "珠江影城南山IMAX店",
            "2163 Nanhai Avenue, Nanshan District, Shenzhen",
            "深圳市南山区南海大道2163号", "深圳市南山區南海大道2163號", flagship=True),
    _Cinema("golden-shenzhen-luohu", GS, "shenzhen", "Golden Screen Luohu",
            "金幕影城罗湖店", "金幕影城羅湖店",
            "5001 Shennan East Road, Luohu District, Shenzhen",
            "深圳市罗湖区深南东路5001号", "深圳市羅湖區深南東路5001號"),
    # Hangzhou
    _Cinema("huaxia-hangzhou-west-lake", HX, "hangzhou", "Huaxia Cinema West Lake",
            "华夏影城西湖店", "華夏影城西湖店",
            "158 Yan'an Road, Shangcheng District, Hangzhou",
            "杭州市上城区延安路158号", "杭州市上城區延安路158號"),
    _Cinema("golden-hangzhou-binjiang", GS, "hangzhou", "Golden Screen Binjiang",
            "金幕影城滨江店", "金幕影城濱江店",
            "368 Jiangnan Avenue, Binjiang District, Hangzhou",
            "杭州市滨江区江南大道368号", "杭州市濱江區江南大道368號"),
    # Chengdu
    _Cinema("huaxia-chengdu-chunxi", HX, "chengdu", "Huaxia Cinema Chunxi Road",
            "华夏影城春熙路店", "華夏影城春熙路店",
            "8 Chunxi Road, Jinjiang District, Chengdu",
            "成都市锦江区春熙路8号", "成都市錦江區春熙路8號"),
    _Cinema("golden-chengdu-tianfu", GS, "chengdu", "Golden Screen Tianfu IMAX",
            "金幕影城天府IMAX店", "金幕影城天府IMAX店",
            "1700 Tianfu Avenue North, High-tech Zone, Chengdu",
            "成都市高新区天府大道北段1700号", "成都市高新區天府大道北段1700號", flagship=True),
    # Hong Kong
    _Cinema("harbour-hk-tsim-sha-tsui", HB, "hong-kong", "Harbour Cinemas Tsim Sha Tsui IMAX",
            "港湾影院尖沙咀IMAX", "港灣影院尖沙咀IMAX",
            "3 Canton Road, Tsim Sha Tsui, Kowloon, Hong Kong",
            "香港九龙尖沙咀广东道3号", "香港九龍尖沙咀廣東道3號", flagship=True),
    _Cinema("harbour-hk-causeway-bay", HB, "hong-kong", "Harbour Cinemas Causeway Bay",
            "港湾影院铜锣湾", "港灣影院銅鑼灣",
            "500 Hennessy Road, Causeway Bay, Hong Kong",
            "香港铜锣湾轩尼诗道500号", "香港銅鑼灣軒尼詩道500號"),
    _Cinema("harbour-hk-sha-tin", HB, "hong-kong", "Harbour Cinemas Sha Tin",
            "港湾影院沙田", "港灣影院沙田",
            "18 Sha Tin Centre Street, Sha Tin, New Territories, Hong Kong",
            "香港新界沙田沙田正街18号", "香港新界沙田沙田正街18號"),
    _Cinema("golden-hk-kowloon-bay", GS, "hong-kong", "Golden Screen Kowloon Bay",
            "金幕影城九龙湾", "金幕影城九龍灣",
            "9 Sheung Yuet Road, Kowloon Bay, Hong Kong",
            "香港九龙湾常悦道9号", "香港九龍灣常悅道9號"),
)  # fmt: skip


def hall_plan(cinema_slug: str, *, flagship: bool) -> list[dict[str, Any]]:
    """The halls of one cinema: 3–8 layouts, deterministic per ``cinema_slug``.

    Flagships get an IMAX auditorium, a large hall and a VIP lounge.
    """
    rng = random.Random(cinema_slug)
    layouts: list[dict[str, Any]] = []
    if flagship:
        layouts.append(imax_hall())
        count = rng.randint(6, 8)
    else:
        count = rng.randint(3, 6)
    number = 1
    while len(layouts) < count:
        name = f"Hall {number}"
        number += 1
        if number == 2:
            layouts.append(large_hall(name, rng, formats=("2D", "3D", "DOLBY")))
        elif flagship and len(layouts) == count - 1:
            layouts.append(vip_hall())
        elif rng.random() < 0.55:
            layouts.append(medium_hall(name, rng))
        else:
            layouts.append(small_hall(name, rng))
    return layouts


Progress = Callable[[str], Any] | Any


def _report(progress: Progress | None, step: str) -> None:
    if progress is None:
        return
    if hasattr(progress, "update"):  # tqdm-like
        if hasattr(progress, "set_postfix_str"):
            progress.set_postfix_str(step, refresh=False)
        progress.update(1)
    else:
        progress(step)


def demo_cinema_count(scale: int = 1) -> int:
    """How many cinemas :func:`load_demo_venues` creates for ``scale`` (for progress bars)."""
    return len(CINEMAS) * max(1, scale)


def load_demo_venues(*, scale: int = 1, progress: Progress | None = None) -> None:
    """Create (or complete) the demo cities, chains, cinemas and halls.

    ``scale`` N creates N copies of the base cinemas (copy k > 1 gets the slug
    suffix ``-k``) for benchmarks. ``progress`` is called once per cinema with
    its slug, or, if it has ``update``, treated as a tqdm bar. Idempotent.
    """
    scale = max(1, int(scale))
    cities = {spec.code: _ensure_city(spec) for spec in CITIES}
    chains = {spec.slug: _ensure_chain(spec) for spec in CHAINS}
    for copy in range(1, scale + 1):
        for spec in CINEMAS:
            slug = spec.slug if copy == 1 else f"{spec.slug}-{copy}"
            with transaction.atomic():
                venue = _ensure_venue(spec, slug, copy, chains[spec.chain], cities[spec.city])
                existing = set(Hall.objects.filter(venue=venue).values_list("name", flat=True))
                for layout in hall_plan(spec.slug, flagship=spec.flagship):
                    if layout["name"] in existing:
                        continue
                    services.create_hall(
                        venue=venue, layout=parse_layout(layout), actor=services.SYSTEM
                    )
            _report(progress, slug)


def _ensure_city(spec: _City) -> City:
    city, _ = City.objects.get_or_create(
        code=spec.code,
        defaults={
            "name_en": spec.en,
            "name_zh_hans": spec.hans,
            "name_zh_hant": spec.hant,
            "territory": spec.territory,
            "time_zone": spec.time_zone,
            "currency": spec.currency,
        },
    )
    return city


def _ensure_chain(spec: _Chain) -> Chain:
    org, _ = Organisation.objects.get_or_create(
        slug=spec.slug, defaults={"name": spec.en, "kind": Organisation.Kind.EXHIBITOR}
    )
    chain, _ = Chain.objects.get_or_create(
        slug=spec.slug,
        defaults={
            "organisation": org,
            "name_en": spec.en,
            "name_zh_hans": spec.hans,
            "name_zh_hant": spec.hant,
        },
    )
    return chain


def _ensure_venue(spec: _Cinema, slug: str, copy: int, chain: Chain, city: City) -> Venue:
    venue = Venue.objects.filter(slug=slug).first()
    if venue is not None:
        return venue
    suffix = "" if copy == 1 else f" #{copy}"
    return services.create_venue(
        chain=chain,
        city=city,
        slug=slug,
        name_en=spec.en + suffix,
        name_zh_hans=spec.hans + suffix,
        name_zh_hant=spec.hant + suffix,
        address_en=spec.address_en,
        address_zh_hans=spec.address_hans,
        address_zh_hant=spec.address_hant,
        refund_cutoff_minutes=30 if city.territory == "HK" else 60,
        actor=services.SYSTEM,
    )
