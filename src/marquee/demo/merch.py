"""The demo merchandise: about thirty licensed merchants for *Mission: Impossible – Rogue
Nation*, a few licences for other titles, an approval queue, and a fan's orders.

Idempotent: merchants, licences and products are keyed by slug and reference;
the fan's orders are placed once (when the demo fan has none yet).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from marquee.accounts.models import Organisation, User
from marquee.catalog.models import Title
from marquee.merch.models import (
    Licence,
    Merchant,
    Order,
    Product,
    ProductReview,
    Variant,
)
from marquee.merch.services import licences

MI5 = "mission-impossible-rogue-nation"

#: (slug, English, 简体, 繁體, home territory) — thirty shops, the demo merchant's first.
MERCHANTS: tuple[tuple[str, str, str, str, str], ...] = (
    ("harbour-collectibles", "Harbour Collectibles", "港湾潮玩", "港灣潮玩", "HK"),
    ("imf-outfitters", "IMF Outfitters", "IMF 装备社", "IMF 裝備社", "CN"),
    ("syndicate-studio", "Syndicate Studio", "辛迪加工作室", "辛迪加工作室", "CN"),
    ("vienna-opera-prints", "Vienna Opera Prints", "维也纳歌剧院印社", "維也納歌劇院印社", "CN"),
    ("casablanca-gear", "Casablanca Gear", "卡萨布兰卡装备", "卡薩布蘭卡裝備", "CN"),
    ("a400m-models", "A400M Models", "A400M 模型社", "A400M 模型社", "CN"),
    ("hunt-and-co", "Hunt & Co.", "亨特商行", "韓特商行", "CN"),
    ("ilsa-atelier", "Ilsa Atelier", "伊尔莎工坊", "伊爾莎工坊", "CN"),
    ("lane-figures", "Lane Figures", "莱恩手办", "萊恩手辦", "CN"),
    ("morocco-moto", "Morocco Moto", "摩洛哥机车", "摩洛哥機車", "CN"),
    ("shanghai-spy-shop", "Shanghai Spy Shop", "上海特工店", "上海特工店", "CN"),
    ("beijing-blockbuster", "Beijing Blockbuster Goods", "北京大片周边", "北京大片周邊", "CN"),
    ("chengdu-cinema-club", "Chengdu Cinema Club", "成都影迷社", "成都影迷社", "CN"),
    ("shenzhen-gadgets", "Shenzhen Gadgets", "深圳科技周边", "深圳科技周邊", "CN"),
    ("hangzhou-paperworks", "Hangzhou Paperworks", "杭州纸品", "杭州紙品", "CN"),
    ("wuhan-wearables", "Wuhan Wearables", "武汉潮服", "武漢潮服", "CN"),
    ("nanjing-notebooks", "Nanjing Notebooks", "南京手帐", "南京手帳", "CN"),
    ("xian-collect", "Xi'an Collect", "西安收藏", "西安收藏", "CN"),
    ("guangzhou-toys", "Guangzhou Toys", "广州玩具", "廣州玩具", "CN"),
    ("tianjin-threads", "Tianjin Threads", "天津衣坊", "天津衣坊", "CN"),
    ("kowloon-caps", "Kowloon Caps", "九龙帽子", "九龍帽子", "HK"),
    ("central-prints", "Central Prints", "中环印画", "中環印畫", "HK"),
    ("tsim-sha-tsui-toys", "Tsim Sha Tsui Toys", "尖沙咀玩具", "尖沙咀玩具", "HK"),
    ("mongkok-merch", "Mong Kok Merch", "旺角周边", "旺角周邊", "HK"),
    ("causeway-collect", "Causeway Collect", "铜锣湾收藏", "銅鑼灣收藏", "HK"),
    ("ifc-gifts", "IFC Gifts", "国金礼品", "國金禮品", "HK"),
    ("agent-pins", "Agent Pins", "特工徽章", "特工徽章", "CN"),
    ("mask-makers", "Mask Makers", "面具工坊", "面具工坊", "CN"),
    ("opera-house-audio", "Opera House Audio", "歌剧院音响", "歌劇院音響", "CN"),
    ("rogue-nation-home", "Rogue Nation Home", "神秘国度家居", "神秘國度家居", "CN"),
)

#: (category, English, 简体, 繁體, price in major units, bundle price or 0)
GOODS: tuple[tuple[str, str, str, str, int, int], ...] = (
    ("apparel", "IMF field jacket", "IMF 特工夹克", "IMF 特工夾克", 599, 0),
    ("apparel", "Syndicate logo T-shirt", "辛迪加标志T恤", "辛迪加標誌T恤", 129, 99),
    ("toys", "Ethan Hunt 1:6 figure", "伊森·亨特 1:6 手办", "伊森·韓特 1:6 手辦", 1299, 0),
    ("collectibles", "Syndicate challenge coin", "辛迪加纪念币", "辛迪加紀念幣", 199, 149),
    ("posters", "Vienna Opera poster", "维也纳歌剧院海报", "維也納歌劇院海報", 89, 59),
    ("stationery", "Self-destructing-message notebook", "自毁任务笔记本", "自毀任務筆記本", 49, 35),
    ("accessories", "IMF agent lanyard", "IMF 特工挂绳", "IMF 特工掛繩", 39, 29),
    ("toys", "A400M take-off diecast model", "A400M 起飞合金模型", "A400M 起飛合金模型", 459, 0),
    ("homeware", "Casablanca chase mug", "卡萨布兰卡追击马克杯", "卡薩布蘭卡追擊馬克杯", 69, 49),
    (
        "accessories",
        "Morocco motorbike enamel pin",
        "摩洛哥机车珐琅徽章",
        "摩洛哥機車琺瑯徽章",
        59,
        0,
    ),
    (
        "collectibles",
        "Ilsa Faust art print, signed run",
        "伊尔莎·浮士德签名版画",
        "伊爾莎·浮士德簽名版畫",
        399,
        0,
    ),
    ("apparel", "Rogue Nation cap", "神秘国度棒球帽", "神秘國度棒球帽", 119, 89),
)

SIZES = (("S", "S", "S"), ("M", "M", "M"), ("L", "L", "L"))
CATEGORIES_BY_SHOP = (
    {"apparel": 1000, "accessories": 1000},
    {"toys": 1200, "collectibles": 1500},
    {"posters": 1500, "stationery": 800},
    {"homeware": 900, "apparel": 1000},
)


@dataclass
class DemoMerch:
    merchants: int = 0
    licences: int = 0
    products: int = 0
    orders: int = 0
    accounts: list = field(default_factory=list)


def _merchant(slug: str, en: str, hans: str, hant: str, home: str) -> Merchant:
    org, _ = Organisation.objects.get_or_create(
        slug=slug, defaults={"name": en, "kind": Organisation.Kind.MERCHANT}
    )
    existing = Merchant.objects.filter(organisation=org).first()
    if existing is not None:
        return existing
    currencies = ("HKD", "CNY") if home == "HK" else ("CNY",)
    return licences.create_merchant(
        organisation=org, names=(en, hans, hant), currencies=currencies, slug=slug
    )


def _licence(*, title: Title, merchant: Merchant, index: int, today: dt.date, home: str) -> Licence:
    reference = f"LIC-{title.slug[:12].upper()}-{index:03d}"
    existing = Licence.objects.filter(reference=reference).first()
    if existing is not None:
        return existing
    currency = "HKD" if home == "HK" else "CNY"
    return licences.grant_licence(
        actor=None,
        title=title,
        merchant=merchant,
        territory="HK" if home == "HK" else "CN",
        starts_on=today - dt.timedelta(days=120),
        ends_on=today + dt.timedelta(days=610),
        currency=currency,
        categories=CATEGORIES_BY_SHOP[index % len(CATEGORIES_BY_SHOP)],
        minimum_guarantee_minor=(200_000 + 25_000 * (index % 5)) * 100,
        advance_minor=(50_000 + 10_000 * (index % 4)) * 100,
        reference=reference,
    )


def _products(licence: Licence, *, index: int, reviewer: User, today: dt.date) -> int:
    if Product.objects.filter(licence=licence).exists():
        return 0
    allowed = set(licence.categories.values_list("category", flat=True))
    goods = [g for g in GOODS if g[0] in allowed][:3]
    made = 0
    for n, (category, en, hans, hant, price, bundle) in enumerate(goods):
        # A few wait in the licensor's queue; one was sent back with a comment.
        status = Product.Status.APPROVED
        if index in {3, 7} and n == 0:
            status = Product.Status.SUBMITTED
        elif index == 5 and n == 0:
            status = Product.Status.CHANGES_REQUESTED
        limited = category == "toys" and index == 1
        product = Product.objects.create(
            merchant=licence.merchant,
            licence=licence,
            category=category,
            name_en=en + (" – Vienna Opera edition" if limited else ""),
            name_zh_hans=hans + ("（维也纳歌剧院限量版）" if limited else ""),
            name_zh_hant=hant + ("（維也納歌劇院限量版）" if limited else ""),
            description="",
            currency=licence.currency,
            status=status,
            edition_size=500 if limited else None,
            ships_on=today + dt.timedelta(days=45)
            if category == "posters" and index == 2
            else None,
            bundle_price_minor=bundle * 100 if bundle else None,
        )
        sized = category == "apparel"
        Variant.objects.bulk_create(
            [
                Variant(
                    product=product,
                    sku=f"{licence.merchant.slug[:20]}-{product.pk}-{label[0]}",
                    label_en=label[0],
                    label_zh_hans=label[1],
                    label_zh_hant=label[2],
                    price_minor=price * 100,
                    stock=500 if limited else 40 + 7 * (index % 9),
                )
                for label in (SIZES if sized else (("Standard", "标准版", "標準版"),))
            ]
        )
        reviews = [ProductReview(product=product, action="submitted", actor=reviewer)]
        if status == Product.Status.APPROVED:
            reviews.append(ProductReview(product=product, action="approved", actor=reviewer))
        elif status == Product.Status.CHANGES_REQUESTED:
            reviews.append(
                ProductReview(
                    product=product,
                    action="changes_requested",
                    comment="Use the approved Rogue Nation logo lock-up on the front.",
                    actor=reviewer,
                )
            )
        ProductReview.objects.bulk_create(reviews)
        made += 1
    return made


def _fan_orders(fan: User) -> int:
    """Two of the demo fan's orders, paid through the simulated gateway (once)."""
    from marquee.merch.services import orders, tracking
    from marquee.merch.services.cart import set_cart_item
    from marquee.payments.registry import get_provider
    from marquee.payments.simulator.gateway import authorize_sim_payment

    if Order.objects.filter(user=fan).exists():
        return 0
    try:
        get_provider("sim")
    except Exception:
        return 0  # no simulated gateway here: no demo orders
    address = orders.Address("林小雨", "+86 138 0013 8000", "世纪大道 1 号", "上海", "CN", "200120")
    made = 0
    picks = (
        Variant.objects.filter(
            product__status=Product.Status.APPROVED,
            product__licence__title__slug=MI5,
            product__currency="CNY",
        )
        .select_related("product")
        .order_by("pk")[:2]
    )
    for variant in picks:
        set_cart_item(user=fan, variant_id=variant.pk, quantity=1)
        order = orders.place_order(
            user=fan, merchant_id=variant.product.merchant_id, currency="CNY", address=address
        )
        payment = orders.pay_order(user=fan, order_id=order.pk)
        authorize_sim_payment(payment_id=payment.pk, user=fan, outcome="succeed")
        made += 1
        if made == 1:
            seller = User.objects.filter(is_superuser=True).first()
            if seller is not None:
                tracking.ship_order(actor=seller, order_id=order.pk, tracking_number="SF1402837465")
    return made


def load_demo_merch(*, today: dt.date) -> DemoMerch:
    """Merchants, licences, products and a fan's orders (idempotent)."""
    result = DemoMerch()
    title = Title.objects.filter(slug=MI5).first()
    reviewer = (
        User.objects.filter(username="rights").first()
        or User.objects.filter(is_superuser=True).first()
    )
    if title is None or reviewer is None:
        return result
    others = list(
        Title.objects.filter(slug__in=["star-trek-beyond", "tmnt-out-of-the-shadows"]).order_by(
            "slug"
        )
    )
    with transaction.atomic():
        for index, (slug, en, hans, hant, home) in enumerate(MERCHANTS):
            merchant = _merchant(slug, en, hans, hant, home)
            licence = _licence(title=title, merchant=merchant, index=index, today=today, home=home)
            result.products += _products(licence, index=index, reviewer=reviewer, today=today)
            if index < len(others) * 2:
                other = others[index % len(others)]
                extra = _licence(
                    title=other, merchant=merchant, index=100 + index, today=today, home=home
                )
                result.products += _products(extra, index=index, reviewer=reviewer, today=today)
        result.merchants = Merchant.objects.count()
        result.licences = Licence.objects.count()
    fan = User.objects.filter(username="fan").first()
    if fan is not None:
        result.orders = _fan_orders(fan)
    return result
