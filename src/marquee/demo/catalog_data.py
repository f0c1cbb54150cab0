"""Catalog content of the demo world: genres, companies and titles.

Built from the public facts in PRODUCT.md ("Demo world"). Release dates,
runtimes and classifications of past releases follow the public record where it
is well known and are otherwise left blank; projects still on the slate have no
release date. The three films of ``upcoming_titles`` are fictional and open in
the coming weeks (relative to ``today``) so that pre-sales have something to sell.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from marquee.accounts.models import Organisation

STUDIO = "marquee-pictures"


@dataclass(frozen=True)
class GenreData:
    code: str
    en: str
    zh_hans: str
    zh_hant: str


@dataclass(frozen=True)
class CompanyData:
    slug: str
    en: str
    zh_hans: str
    zh_hant: str
    country: str
    roles: tuple[str, ...]
    org_kind: str


@dataclass(frozen=True)
class TitleData:
    slug: str
    en: str
    zh_hans: str
    zh_hant: str
    synopsis_en: str
    synopsis_zh_hans: str
    synopsis_zh_hant: str
    genres: tuple[str, ...]
    languages: tuple[str, ...]
    kind: str = "film"
    original_title: str = ""
    original_language: str = ""
    runtime: int | None = None
    episodes: int | None = None
    year: int | None = None
    hk: str = ""
    releases: dict[str, dt.date] = field(default_factory=dict)
    #: (company slug, credit role, territory or "")
    credits: tuple[tuple[str, str, str], ...] = ()


GENRES = [
    GenreData("action", "Action", "动作", "動作"),
    GenreData("adventure", "Adventure", "冒险", "冒險"),
    GenreData("animation", "Animation", "动画", "動畫"),
    GenreData("comedy", "Comedy", "喜剧", "喜劇"),
    GenreData("crime", "Crime", "犯罪", "犯罪"),
    GenreData("drama", "Drama", "剧情", "劇情"),
    GenreData("family", "Family", "家庭", "家庭"),
    GenreData("fantasy", "Fantasy", "奇幻", "奇幻"),
    GenreData("legal", "Legal drama", "律政", "律政"),
    GenreData("martial-arts", "Martial arts", "武侠", "武俠"),
    GenreData("mystery", "Mystery", "悬疑", "懸疑"),
    GenreData("romance", "Romance", "爱情", "愛情"),
    GenreData("sci-fi", "Science fiction", "科幻", "科幻"),
    GenreData("thriller", "Thriller", "惊悚", "驚慄"),
]

_STUDIO_ROLES = ("studio", "distributor", "co_financier", "platform")
_PARTNER = Organisation.Kind.PARTNER

COMPANIES = [
    CompanyData(STUDIO, "Marquee Pictures", "大幕影业", "大幕影業", "HK", _STUDIO_ROLES, "studio"),
    CompanyData(
        "paramount-pictures",
        "Paramount Pictures",
        "派拉蒙影业",
        "派拉蒙影業",
        "US",
        ("studio", "distributor"),
        _PARTNER,
    ),
    CompanyData(
        "amblin-partners",
        "Amblin Partners",
        "安培林合伙公司",
        "安培林合夥公司",
        "US",
        ("studio", "co_financier"),
        _PARTNER,
    ),
    CompanyData(
        "dreamworks-pictures",
        "DreamWorks Pictures",
        "梦工厂影业",
        "夢工廠影業",
        "US",
        ("studio",),
        _PARTNER,
    ),
    CompanyData(
        "participant",
        "Participant",
        "参与者传媒",
        "參與者傳媒",
        "US",
        ("studio", "co_financier"),
        _PARTNER,
    ),
    CompanyData(
        "enlight-media",
        "Enlight Media",
        "光线传媒",
        "光線傳媒",
        "CN",
        ("studio", "distributor"),
        _PARTNER,
    ),
    CompanyData(
        "edko-films",
        "Edko Films",
        "安乐影片",
        "安樂影片",
        "HK",
        ("studio", "distributor"),
        _PARTNER,
    ),
    CompanyData(
        "benxiaohai-media",
        "BenXiaoHai Media",
        "笨小孩文化",
        "笨小孩文化",
        "HK",
        ("studio",),
        _PARTNER,
    ),
    CompanyData(
        "mandarin-motion-pictures",
        "Mandarin Motion Pictures",
        "文华影业",
        "文華影業",
        "HK",
        ("studio", "distributor"),
        _PARTNER,
    ),
    CompanyData(
        "huanxi-media-group",
        "Huanxi Media Group",
        "欢喜传媒",
        "歡喜傳媒",
        "HK",
        ("studio", "platform"),
        _PARTNER,
    ),
    CompanyData(
        "media-asia-group",
        "Media Asia Group",
        "寰亚传媒集团",
        "寰亞傳媒集團",
        "HK",
        ("studio", "distributor"),
        _PARTNER,
    ),
    CompanyData(
        "universe-entertainment",
        "Universe Entertainment",
        "寰宇娱乐",
        "寰宇娛樂",
        "HK",
        ("studio", "distributor"),
        _PARTNER,
    ),
    CompanyData(
        "meiya-entertainment",
        "Meiya Entertainment",
        "美亚娱乐",
        "美亞娛樂",
        "HK",
        ("studio",),
        _PARTNER,
    ),
    CompanyData(
        "one-cool-group",
        "One Cool Group",
        "天下一集团",
        "天下一集團",
        "HK",
        ("studio", "distributor"),
        _PARTNER,
    ),
    CompanyData(
        "tvb",
        "TVB",
        "电视广播有限公司",
        "電視廣播有限公司",
        "HK",
        ("studio", "platform"),
        _PARTNER,
    ),
    CompanyData(
        "shaw-brothers-pictures",
        "Shaw Brothers Pictures",
        "邵氏影业",
        "邵氏影業",
        "HK",
        ("studio",),
        _PARTNER,
    ),
    CompanyData(
        "emperor-motion-pictures",
        "Emperor Motion Pictures",
        "英皇电影",
        "英皇電影",
        "HK",
        ("studio", "distributor"),
        _PARTNER,
    ),
    CompanyData(
        "iqiyi",
        "iQiyi",
        "爱奇艺",
        "愛奇藝",
        "CN",
        ("platform",),
        Organisation.Kind.PLATFORM,
    ),
    CompanyData("youku", "Youku", "优酷", "優酷", "CN", ("platform",), Organisation.Kind.PLATFORM),
    CompanyData(
        "harbour-collectibles",
        "Harbour Collectibles",
        "港湾潮玩",
        "港灣潮玩",
        "HK",
        ("merchant",),
        Organisation.Kind.MERCHANT,
    ),
]

_D = dt.date
_P = "paramount-pictures"


def _studio_cn(*more: tuple[str, str, str]) -> tuple[tuple[str, str, str], ...]:
    """The studio's usual credits: co-financier and mainland distributor."""
    return ((STUDIO, "co_financier", ""), (STUDIO, "distributor", "CN"), *more)


CATALOG_TITLES = [
    TitleData(
        "mission-impossible-rogue-nation",
        "Mission: Impossible – Rogue Nation",
        "碟中谍5：神秘国度",
        "職業特工隊：叛逆帝國",
        "Ethan Hunt and his IMF team take on the Syndicate, a rogue network of former "
        "agents as skilled as they are.",
        "伊森·亨特与IMF小队对抗“辛迪加”——一个与他们同样训练有素的国际秘密组织。",
        "伊森·韓特與IMF小隊對抗「辛迪加」——一個與他們同樣訓練有素的國際秘密組織。",
        ("action", "adventure", "thriller"),
        ("en",),
        original_language="en",
        runtime=131,
        year=2015,
        hk="IIA",
        releases={"HK": _D(2015, 7, 30), "US": _D(2015, 7, 31), "CN": _D(2015, 9, 8)},
        credits=_studio_cn((_P, "producer", ""), (_P, "distributor", "US")),
    ),
    TitleData(
        "star-trek-beyond",
        "Star Trek Beyond",
        "星际迷航3：超越星辰",
        "星空奇遇記：超域時空",
        "Ambushed deep in uncharted space, the crew of the Enterprise is stranded on a "
        "hostile planet with no way home.",
        "企业号在未知星域遭到伏击，船员们被困在一颗充满敌意的星球上。",
        "企業號在未知星域遭到伏擊，船員們被困在一顆充滿敵意的星球上。",
        ("sci-fi", "action", "adventure"),
        ("en",),
        original_language="en",
        runtime=122,
        year=2016,
        hk="IIA",
        releases={"HK": _D(2016, 7, 21), "US": _D(2016, 7, 22), "CN": _D(2016, 9, 2)},
        credits=_studio_cn((_P, "producer", ""), (_P, "distributor", "US")),
    ),
    TitleData(
        "tmnt-out-of-the-shadows",
        "Teenage Mutant Ninja Turtles: Out of the Shadows",
        "忍者神龟2：破影而出",
        "忍者龜：魅影突擊",
        "The four brothers leave the sewers to stop Shredder and an alien warlord from "
        "opening a portal over New York.",
        "四兄弟离开下水道，阻止施莱德与外星军阀在纽约上空打开传送门。",
        "四兄弟離開下水道，阻止許瑞德與外星軍閥在紐約上空打開傳送門。",
        ("action", "adventure", "family"),
        ("en",),
        original_language="en",
        runtime=112,
        year=2016,
        hk="I",
        releases={"HK": _D(2016, 6, 2), "US": _D(2016, 6, 3), "CN": _D(2016, 7, 2)},
        credits=_studio_cn((_P, "producer", ""), (_P, "distributor", "US")),
    ),
    TitleData(
        "dying-to-survive",
        "Dying to Survive",
        "我不是药神",
        "我不是藥神",
        "A struggling shop owner becomes the smuggler of cheap generic leukaemia drugs — and "
        "a lifeline for patients who cannot afford the originals.",
        "一个落魄的保健品店老板成为印度仿制药的“独家代理”，也成了买不起正版药的病人的希望。",
        "一個落魄的保健品店老闆成為印度仿製藥的「獨家代理」，也成了買不起正版藥的病人的希望。",
        ("drama", "comedy"),
        ("cmn",),
        original_language="cmn",
        runtime=117,
        year=2018,
        releases={"CN": _D(2018, 7, 5)},
        credits=_studio_cn(("huanxi-media-group", "producer", "")),
    ),
    TitleData(
        "hello-mr-billionaire",
        "Hello Mr. Billionaire",
        "西虹市首富",
        "西虹市首富",
        "A down-and-out goalkeeper must spend a billion yuan in a month to inherit a far "
        "larger fortune.",
        "落魄守门员必须在一个月内花光十亿元，才能继承更大的一笔遗产。",
        "落魄守門員必須在一個月內花光十億元，才能繼承更大的一筆遺產。",
        ("comedy",),
        ("cmn",),
        original_language="cmn",
        runtime=118,
        year=2018,
        releases={"CN": _D(2018, 7, 27)},
        credits=((STUDIO, "co_producer", ""), (STUDIO, "distributor", "CN")),
    ),
    TitleData(
        "mission-impossible-fallout",
        "Mission: Impossible – Fallout",
        "碟中谍6：全面瓦解",
        "職業特工隊：叛逆之謎",
        "When a mission goes wrong, Ethan Hunt races to recover stolen plutonium while the "
        "CIA watches his every move.",
        "一次任务失败后，伊森·亨特必须追回失窃的钚，而中情局正紧盯着他的一举一动。",
        "一次任務失敗後，伊森·韓特必須追回失竊的鈽，而中情局正緊盯著他的一舉一動。",
        ("action", "adventure", "thriller"),
        ("en",),
        original_language="en",
        runtime=147,
        year=2018,
        hk="IIA",
        releases={"HK": _D(2018, 7, 26), "US": _D(2018, 7, 27), "CN": _D(2018, 8, 31)},
        credits=_studio_cn((_P, "producer", ""), (_P, "distributor", "US")),
    ),
    TitleData(
        "peppa-celebrates-chinese-new-year",
        "Peppa Celebrates Chinese New Year",
        "小猪佩奇过大年",
        "小豬佩奇過大年",
        "A grandfather in a mountain village sets out to discover what 'Peppa' is, so he can "
        "give his grandson the New Year present he wished for.",
        "山村里的爷爷为了给孙子准备新年礼物，踏上了寻找“佩奇”的旅程。",
        "山村裡的爺爺為了給孫子準備新年禮物，踏上了尋找「佩奇」的旅程。",
        ("animation", "family", "comedy"),
        ("cmn",),
        original_language="cmn",
        runtime=80,
        year=2019,
        releases={"CN": _D(2019, 2, 5)},
        credits=((STUDIO, "producer", ""), (STUDIO, "distributor", "CN")),
    ),
    TitleData(
        "a-guilty-conscience",
        "A Guilty Conscience",
        "毒舌大状",
        "毒舌大狀",
        "A sharp-tongued barrister seeks redemption by taking on the appeal of a mother "
        "wrongly convicted over her daughter's death.",
        "毒舌律师为一位被冤枉害死女儿的母亲上诉，也为自己当年的过失寻求救赎。",
        "毒舌大狀為一位被冤枉害死女兒的母親上訴，也為自己當年的過失尋求救贖。",
        ("legal", "drama", "comedy"),
        ("yue",),
        original_language="yue",
        runtime=133,
        year=2023,
        hk="IIA",
        releases={"HK": _D(2023, 1, 21), "MO": _D(2023, 1, 21), "CN": _D(2023, 2, 24)},
        credits=_studio_cn(("mandarin-motion-pictures", "producer", "")),
    ),
    TitleData(
        "the-last-dance",
        "The Last Dance",
        "破·地狱",
        "破·地獄",
        "A wedding planner turned funeral director clashes with a veteran Taoist priest as "
        "both learn what the living owe the dead.",
        "婚礼策划转行做殡仪，与老派喃呒师傅在一场场丧礼中学会生者与逝者的功课。",
        "婚禮統籌轉行做殯儀，與老派喃嘸師傅在一場場喪禮中學會生者與逝者的功課。",
        ("drama",),
        ("yue",),
        original_language="yue",
        runtime=126,
        year=2024,
        releases={"HK": _D(2024, 11, 9), "MO": _D(2024, 11, 9)},
        credits=_studio_cn(("emperor-motion-pictures", "producer", "")),
    ),
    TitleData(
        "customs-frontline",
        "Customs Frontline",
        "海关战线",
        "海關戰線",
        "Customs officers take on an arms-smuggling ring whose reach stretches far beyond "
        "Hong Kong's harbour.",
        "海关关员对抗一个势力远超香港港口的军火走私集团。",
        "海關關員對抗一個勢力遠超香港港口的軍火走私集團。",
        ("action", "crime"),
        ("yue", "cmn"),
        original_language="yue",
        year=2024,
        credits=_studio_cn(("emperor-motion-pictures", "co_producer", "")),
    ),
    TitleData(
        "time-still-turns-the-pages",
        "Time Still Turns the Pages",
        "年少日记",
        "年少日記",
        "A teacher who finds a student's note about wanting to die is drawn back into the "
        "diary of his own unhappy childhood.",
        "一位老师发现学生写下的轻生字条，由此重新翻开自己不快乐童年的日记。",
        "一位老師發現學生寫下的輕生字條，由此重新翻開自己不快樂童年的日記。",
        ("drama",),
        ("yue",),
        original_language="yue",
        runtime=95,
        year=2023,
        releases={"HK": _D(2023, 11, 9)},
        credits=((STUDIO, "co_financier", ""),),
    ),
    TitleData(
        "the-trier-of-fact",
        "The Trier of Fact",
        "事实裁断者",
        "事實裁斷者",
        "A by-the-book inspector sent to investigate a narcotics officer suspected of "
        "working with the triads comes to share his target's idea of justice.",
        "奉命调查涉嫌勾结黑帮的缉毒督察，循规蹈矩的警官却渐渐认同了对方的正义。",
        "奉命調查涉嫌勾結黑幫的緝毒督察，循規蹈矩的警官卻漸漸認同了對方的正義。",
        ("action", "crime"),
        ("yue",),
        original_language="yue",
        credits=((STUDIO, "co_producer", ""), ("one-cool-group", "producer", "")),
    ),
    TitleData(
        "in-the-light-of-dark",
        "In the Light of Dark",
        "暗处之光",
        "暗處之光",
        "A co-production thriller in development with Media Asia Group.",
        "与寰亚传媒合拍、正在开发中的惊悚片。",
        "與寰亞傳媒合拍、正在開發中的驚慄片。",
        ("thriller", "crime"),
        ("cmn",),
        original_language="cmn",
        credits=((STUDIO, "producer", ""), ("media-asia-group", "co_producer", "")),
    ),
    TitleData(
        "behind-the-scene",
        "Behind the Scene",
        "幕后",
        "幕後",
        "A mystery thriller set in Hong Kong's film industry, in development with Media Asia "
        "Group.",
        "以香港电影圈为背景的悬疑惊悚片，与寰亚传媒共同开发。",
        "以香港電影圈為背景的懸疑驚慄片，與寰亞傳媒共同開發。",
        ("mystery", "thriller"),
        ("yue",),
        original_language="yue",
        credits=(("media-asia-group", "producer", ""), (STUDIO, "co_producer", "")),
    ),
    TitleData(
        "invincible-swordsman",
        "Invincible Swordsman",
        "无敌剑侠",
        "無敵劍俠",
        "A martial-arts epic reviving the Shaw Brothers tradition of swordplay cinema.",
        "重振邵氏武侠电影传统的武侠史诗。",
        "重振邵氏武俠電影傳統的武俠史詩。",
        ("martial-arts", "action"),
        ("cmn",),
        original_language="cmn",
        credits=((STUDIO, "producer", ""), ("shaw-brothers-pictures", "co_producer", "")),
    ),
    TitleData(
        "without-remorse",
        "Without Remorse",
        "无悔",
        "無悔",
        "A crime drama about a retired detective and the one case he never closed.",
        "一名退休警探与他始终未能了结的一宗案件。",
        "一名退休警探與他始終未能了結的一宗案件。",
        ("crime", "drama"),
        ("yue",),
        original_language="yue",
        credits=((STUDIO, "co_financier", ""), ("universe-entertainment", "producer", "")),
    ),
    TitleData(
        "endless-battle-2",
        "Endless Battle 2",
        "无尽之战2",
        "無盡之戰2",
        "The sequel to the action hit, in production in Hong Kong.",
        "动作片续集，正在香港拍摄。",
        "動作片續集，正在香港拍攝。",
        ("action",),
        ("yue",),
        original_language="yue",
        credits=((STUDIO, "co_financier", ""), ("emperor-motion-pictures", "producer", "")),
    ),
    TitleData(
        "the-grey-men-2",
        "The Grey Men 2",
        "灰色地带2",
        "灰色地帶2",
        "Undercover officers caught between two gangs return in the sequel.",
        "周旋于两大帮派之间的卧底警察在续集中回归。",
        "周旋於兩大幫派之間的臥底警察在續集中回歸。",
        ("crime", "thriller"),
        ("yue",),
        original_language="yue",
        credits=((STUDIO, "co_financier", ""), ("benxiaohai-media", "producer", "")),
    ),
    TitleData(
        "my-date-with-a-vampire",
        "My Date With a Vampire",
        "我和僵尸有个约会",
        "我和殭屍有個約會",
        "The cult television saga of a vampire hunter and an immortal comes to the big screen.",
        "经典电视剧中的驱魔师与不死僵尸，登上大银幕。",
        "經典電視劇中的驅魔師與不死殭屍，登上大銀幕。",
        ("fantasy", "romance", "action"),
        ("yue",),
        original_language="yue",
        credits=((STUDIO, "producer", ""), ("meiya-entertainment", "co_producer", "")),
    ),
    TitleData(
        "sci",
        "SCI",
        "SCI谜案集",
        "SCI謎案集",
        "A special crimes investigation unit solves the cases no one else can.",
        "特殊犯罪调查科破解无人能解的奇案。",
        "特殊犯罪調查科破解無人能解的奇案。",
        ("crime", "mystery"),
        ("cmn",),
        kind="series",
        original_language="cmn",
        episodes=32,
        credits=((STUDIO, "producer", ""), ("youku", "distributor", "CN")),
    ),
    TitleData(
        "gossip-high",
        "Gossip High",
        "八卦高校",
        "八卦高校",
        "Secrets, rumours and first loves at an elite Hong Kong secondary school.",
        "香港名校里的秘密、流言与初恋。",
        "香港名校裡的秘密、流言與初戀。",
        ("drama", "romance"),
        ("yue",),
        kind="series",
        original_language="yue",
        episodes=20,
        credits=((STUDIO, "producer", ""), ("iqiyi", "distributor", "CN")),
    ),
    TitleData(
        "forensic-heroes-vi",
        "Forensic Heroes VI",
        "法证先锋6",
        "法證先鋒VI",
        "The forensic team returns to solve a new run of cases with science and nerve.",
        "法证团队回归，以科学与勇气破解一连串新案件。",
        "法證團隊回歸，以科學與勇氣破解一連串新案件。",
        ("crime", "mystery", "drama"),
        ("yue",),
        kind="series",
        original_language="yue",
        episodes=30,
        credits=(("tvb", "producer", ""), ("youku", "distributor", "CN")),
    ),
    TitleData(
        "news-queen-2",
        "News Queen 2",
        "新闻女王2",
        "新聞女王2",
        "Rivalries and scoops in a Hong Kong newsroom, in the sequel to the hit drama.",
        "香港新闻编辑室里的明争暗斗，热门剧集续篇。",
        "香港新聞編輯室裡的明爭暗鬥，熱門劇集續篇。",
        ("drama",),
        ("yue",),
        kind="series",
        original_language="yue",
        episodes=25,
        credits=(("tvb", "producer", ""), ("youku", "distributor", "CN")),
    ),
]


def upcoming_titles(today: dt.date) -> list[TitleData]:
    """Three fictional Hong Kong films opening in the coming weeks (for pre-sales)."""

    def days(n: int) -> dt.date:
        return today + dt.timedelta(days=n)

    return [
        TitleData(
            "harbour-lights",
            "Harbour Lights",
            "港湾灯火",
            "港灣燈火",
            "Three generations of a Sham Shui Po family reunite to save the neon-sign workshop "
            "that lit up their street for fifty years.",
            "深水埗一家三代重聚，为拯救照亮街道五十年的霓虹招牌工场而努力。",
            "深水埗一家三代重聚，為拯救照亮街道五十年的霓虹招牌工場而努力。",
            ("drama", "family"),
            ("yue",),
            original_language="yue",
            runtime=108,
            year=days(10).year,
            hk="IIA",
            releases={"HK": days(10), "MO": days(10), "CN": days(17)},
            credits=(
                (STUDIO, "producer", ""),
                ("one-cool-group", "co_financier", ""),
                (STUDIO, "distributor", "CN"),
                ("edko-films", "distributor", "HK"),
            ),
        ),
        TitleData(
            "kowloon-express",
            "Kowloon Express",
            "九龙快车",
            "九龍快車",
            "An off-duty train driver and a rookie inspector have one night to stop a hijacked "
            "train beneath Victoria Harbour.",
            "休班列车司机与新丁督察要在一夜之间，阻止一列在维港海底被劫持的列车。",
            "休班列車司機與新丁督察要在一夜之間，阻止一列在維港海底被劫持的列車。",
            ("action", "thriller"),
            ("yue", "cmn"),
            original_language="yue",
            runtime=115,
            year=days(17).year,
            hk="IIB",
            releases={"HK": days(17), "CN": days(24)},
            credits=(
                (STUDIO, "producer", ""),
                ("emperor-motion-pictures", "co_producer", ""),
                (STUDIO, "distributor", "CN"),
                ("universe-entertainment", "distributor", "HK"),
            ),
        ),
        TitleData(
            "tea-house-detectives",
            "Tea House Detectives",
            "茶楼侦探",
            "茶樓偵探",
            "Two retired aunties who run a dim sum tea house solve the mysteries their regulars "
            "bring to the table.",
            "两位经营茶楼的退休阿姨，破解熟客们带到饭桌上的各种谜案。",
            "兩位經營茶樓的退休姨姨，破解熟客們帶到飯桌上的各種謎案。",
            ("comedy", "mystery"),
            ("yue",),
            original_language="yue",
            runtime=98,
            year=days(24).year,
            hk="I",
            releases={"HK": days(24), "CN": days(31)},
            credits=(
                (STUDIO, "producer", ""),
                ("media-asia-group", "co_financier", ""),
                (STUDIO, "distributor", "CN"),
                ("mandarin-motion-pictures", "distributor", "HK"),
            ),
        ),
    ]


_GENERATED_GENRES = [
    ("drama",),
    ("action", "crime"),
    ("comedy",),
    ("romance", "drama"),
    ("thriller", "mystery"),
    ("animation", "family"),
    ("sci-fi", "adventure"),
]


def generated_titles(count: int, today: dt.date) -> list[TitleData]:
    """``count`` extra demo films for scaled worlds, spread over the last 90 days
    and the next 30 (deterministic: the same ``count`` and day give the same films)."""
    films = []
    for i in range(1, count + 1):
        opens = today + dt.timedelta(days=(i * 7) % 120 - 90)
        films.append(
            TitleData(
                f"demo-feature-{i:04d}",
                f"Demo Feature {i}",
                f"演示影片{i}",
                f"示範影片{i}",
                "A generated film that fills the schedule of a scaled demo world.",
                "为放大的演示世界生成的影片。",
                "為放大的示範世界生成的影片。",
                _GENERATED_GENRES[i % len(_GENERATED_GENRES)],
                ("yue",) if i % 3 == 0 else ("cmn",),
                original_language="yue" if i % 3 == 0 else "cmn",
                runtime=85 + (i * 13) % 70,
                year=opens.year,
                hk=("I", "IIA", "IIB")[i % 3],
                releases={"CN": opens, "HK": opens + dt.timedelta(days=i % 5)},
                credits=((STUDIO, "producer", ""), (STUDIO, "distributor", "CN")),
            )
        )
    return films
