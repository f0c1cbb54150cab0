"""Fictional films opening soon (for pre-sales) and generated films for scaled worlds."""

from __future__ import annotations

import datetime as dt

from marquee.demo.catalog_data.records import STUDIO, TitleData


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
