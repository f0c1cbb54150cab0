"""Seed data of the browser journeys of search, filters, reviews, posters and the waiting list.

Called by ``tests.browser.world_ctl seed`` after the web world is built (one
process, the browser server's database). Returns the ids the journeys need.

* posters for every film of the world (the demo's generator), a trailer link;
* districts and coordinates of the Beijing cinemas and the Hong Kong one;
* ``fan`` holds a used ticket of *Harbour Lights* (so may rate it); ``rival``
  rated *Star Tide* five stars;
* a sold-out showtime of *Paper Tigers* at Guomao three days ahead, whose one
  refundable ticket is ``rival``'s (the waiting-list journey refunds it).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from marquee.demo.posters import give_posters
from marquee.ticketing.models import SeatInventory, Ticket
from marquee.ticketing.services import reviews
from marquee.venues import services as venue_services
from tests.web.world import WebWorld, _local, _showtime, buy

LOCATIONS = {
    "sanlitun": ("Chaoyang", "朝阳区", "朝陽區", "39.936500", "116.455100"),
    "guomao": ("Chaoyang", "朝阳区", "朝陽區", "39.908700", "116.460500"),
    "tsim-sha-tsui": ("Yau Tsim Mong", "油尖旺区", "油尖旺區", "22.296000", "114.169000"),
}


def seed_ux_features(world: WebWorld) -> dict[str, Any]:
    give_posters(list(world.titles.values()))
    title = world.titles["the-long-night"]
    title.trailer_url = "https://www.youtube.com/results?search_query=The+Long+Night+trailer"
    title.save(update_fields=["trailer_url"])
    for slug, (en, hans, hant, lat, lng) in LOCATIONS.items():
        venue_services.update_venue(
            venue=world.venues[slug],
            actor=venue_services.SYSTEM,
            district_en=en,
            district_zh_hans=hans,
            district_zh_hant=hant,
            latitude=Decimal(lat),
            longitude=Decimal(lng),
        )
    day = world.showtimes["guomao-14"].local_starts_at.date() + timedelta(days=2)
    op = world.users["op-golden"]
    seen = _showtime(
        world,
        "ux-seen",
        title="harbour-lights",
        hall="guomao-1",
        starts_at=_local(day, "11:00", "Asia/Shanghai"),
        actor=op,
    )
    Ticket.objects.filter(order=buy(seen, ["2-2"], world.users["fan"])).update(status="used")
    star = world.showtimes["star-tide-15"]
    Ticket.objects.filter(order=buy(star, ["10-10"], world.users["rival"])).update(status="used")
    reviews.write_review(
        user=world.users["rival"],
        title=world.titles["star-tide"],
        stars=5,
        text="IMAX 效果震撼，值得一看。",
    )
    sold_out = _showtime(
        world,
        "ux-sold-out",
        title="paper-tigers",
        hall="guomao-1",
        starts_at=_local(day, "19:00", "Asia/Shanghai"),
        actor=op,
    )
    refundable = buy(sold_out, ["3-5"], world.users["rival"])
    SeatInventory.objects.filter(showtime=sold_out, state="free").update(state="sold")
    return {
        "ux": {
            "sold_out": sold_out.pk,
            "refundable_order": refundable.pk,
            "seen_day": day.isoformat(),
        }
    }
