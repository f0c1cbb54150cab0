"""The demo's posters, trailers, cinema locations and first reviews.

Runs after the ticketing demo (it reviews with the accounts whose tickets were
scanned at the door). Idempotent: posters are drawn only for titles without
one, locations and trailers are set to the same values, and each account
reviews a title once.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote_plus

from django.db import transaction

from marquee.catalog.models import Title
from marquee.demo.posters import give_posters
from marquee.ticketing.models import Ticket
from marquee.ticketing.services import reviews
from marquee.venues import services as venue_services
from marquee.venues.models import Venue

#: slug → (district in English, 简体, 繁體; latitude; longitude) of the base demo cinemas.
LOCATIONS: dict[str, tuple[str, str, str, str, str]] = {
    "huaxia-beijing-sanlitun": ("Chaoyang", "朝阳区", "朝陽區", "39.936500", "116.455100"),
    "huaxia-beijing-wudaokou": ("Haidian", "海淀区", "海澱區", "39.992600", "116.337600"),
    "golden-beijing-guomao": ("Chaoyang", "朝阳区", "朝陽區", "39.908700", "116.460500"),
    "golden-beijing-xidan": ("Xicheng", "西城区", "西城區", "39.911000", "116.374000"),
    "huaxia-shanghai-xujiahui": ("Xuhui", "徐汇区", "徐匯區", "31.195000", "121.437000"),
    "huaxia-shanghai-wujiaochang": ("Yangpu", "杨浦区", "楊浦區", "31.299000", "121.514000"),
    "golden-shanghai-lujiazui": ("Pudong", "浦东新区", "浦東新區", "31.239700", "121.499800"),
    "golden-shanghai-jingan": ("Jing'an", "静安区", "靜安區", "31.224300", "121.447000"),
    "pearl-guangzhou-tianhe": ("Tianhe", "天河区", "天河區", "23.133000", "113.327000"),
    "pearl-guangzhou-zhujiang-new-town": ("Tianhe", "天河区", "天河區", "23.120000", "113.324000"),
    "huaxia-guangzhou-beijing-road": ("Yuexiu", "越秀区", "越秀區", "23.125000", "113.269000"),
    "pearl-shenzhen-futian": ("Futian", "福田区", "福田區", "22.541000", "114.055000"),
    "pearl-shenzhen-nanshan": ("Nanshan", "南山区", "南山區", "22.517000", "113.930000"),
    "golden-shenzhen-luohu": ("Luohu", "罗湖区", "羅湖區", "22.544000", "114.116000"),
    "huaxia-hangzhou-west-lake": ("Shangcheng", "上城区", "上城區", "30.254000", "120.165000"),
    "golden-hangzhou-binjiang": ("Binjiang", "滨江区", "濱江區", "30.208000", "120.211000"),
    "huaxia-chengdu-chunxi": ("Jinjiang", "锦江区", "錦江區", "30.656000", "104.080000"),
    "golden-chengdu-tianfu": ("High-tech Zone", "高新区", "高新區", "30.572000", "104.066000"),
    "harbour-hk-tsim-sha-tsui": (
        "Yau Tsim Mong",
        "油尖旺区",
        "油尖旺區",
        "22.296000",
        "114.169000",
    ),
    "harbour-hk-causeway-bay": ("Wan Chai", "湾仔区", "灣仔區", "22.280000", "114.184000"),
    "harbour-hk-sha-tin": ("Sha Tin", "沙田区", "沙田區", "22.382000", "114.188000"),
    "golden-hk-kowloon-bay": ("Kwun Tong", "观塘区", "觀塘區", "22.323000", "114.211000"),
}

#: What door-scanned moviegoers said: (stars, text), picked in turn.
REVIEW_LINES = [
    (5, "The last twenty minutes had the whole hall holding its breath."),
    (4, "画面很美，节奏稍慢，但值得在大银幕上看。"),
    (5, "配樂一響就起雞皮疙瘩，推薦 IMAX。"),
    (3, "Good cast, thin story. Fine for a Friday night."),
    (4, "看完还想再刷一遍。"),
]


def _locate_cinemas() -> int:
    done = 0
    for venue in Venue.objects.filter(slug__in=list(LOCATIONS)).select_related("chain"):
        en, hans, hant, lat, lng = LOCATIONS[venue.slug]
        venue_services.update_venue(
            venue=venue,
            actor=venue_services.SYSTEM,
            district_en=en,
            district_zh_hans=hans,
            district_zh_hant=hant,
            latitude=Decimal(lat),
            longitude=Decimal(lng),
        )
        done += 1
    return done


def _trailers() -> int:
    """A trailer link for every film: a search for its trailer (an https link, shown plainly)."""
    done = 0
    for title in Title.objects.filter(trailer_url="", kind=Title.Kind.FILM).only("pk", "title_en"):
        url = "https://www.youtube.com/results?search_query=" + quote_plus(
            f"{title.title_en} trailer"
        )
        Title.objects.filter(pk=title.pk).update(trailer_url=url[:300])
        done += 1
    return done


def _first_reviews(limit: int = 40) -> int:
    """Reviews by accounts holding a used ticket, one per account and title."""
    seen = (
        Ticket.objects.filter(status=Ticket.Status.USED)
        .values_list("order__user_id", "showtime__title_id")
        .distinct()
        .order_by("order__user_id", "showtime__title_id")[:limit]
    )
    from marquee.accounts.models import User

    users = {u.pk: u for u in User.objects.filter(pk__in={u for u, _ in seen})}
    titles = {t.pk: t for t in Title.objects.filter(pk__in={t for _, t in seen})}
    for n, (user_id, title_id) in enumerate(seen):
        stars, text = REVIEW_LINES[n % len(REVIEW_LINES)]
        reviews.write_review(user=users[user_id], title=titles[title_id], stars=stars, text=text)
    return len(seen)


def load_demo_audience() -> dict[str, int]:
    """Posters, trailers, cinema locations and reviews for the demo world."""
    with transaction.atomic():
        located = _locate_cinemas()
        trailers = _trailers()
    posters = give_posters()
    with transaction.atomic():
        reviewed = _first_reviews()
    return {"posters": posters, "trailers": trailers, "located": located, "reviews": reviewed}
