"""The catalogue-wide search agrees with the per-title avails on a random catalogue."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from marquee.rights import queries
from marquee.rights.models import Deal, RightLine
from tests.catalog.factories import TitleFactory

pytestmark = pytest.mark.django_db

MEDIA = ["svod", "avod", "tvod"]
NODES = ["WW", "GCN", "CN", "HK", "TW", "SEA", "SG"]
BASE = dt.date(2027, 1, 1)


def _random_catalogue(rng: random.Random, n_titles: int = 12, lingual: bool = False) -> list[int]:
    titles = [TitleFactory() for _ in range(n_titles)]
    for title in titles:
        for _ in range(rng.randint(1, 5)):
            direction = rng.choice(["in", "out", "out"])
            deal = Deal.objects.create(
                title=title, direction=direction, counterparty="x", exclusive=rng.random() < 0.5,
                currency="CNY", fee_minor=0, signed_on=BASE, created_at=timezone.now(),
            )  # fmt: skip
            languages = rng.choice([[], [], ["zh"], ["yue"], ["zh", "en"]]) if lingual else []
            for _ in range(rng.randint(1, 3)):
                start = BASE + dt.timedelta(days=rng.randrange(0, 60))
                RightLine.objects.create(
                    deal=deal,
                    title=title,
                    direction=direction,
                    kind="holdback" if direction == "out" and rng.random() < 0.2 else "grant",
                    exclusive=deal.exclusive,
                    media=rng.choice(MEDIA),
                    territory=rng.choice(NODES),
                    start_on=start,
                    end_on=start + dt.timedelta(days=rng.randrange(0, 40)),
                    languages=languages,
                )
    return [t.pk for t in titles]


@pytest.mark.parametrize(
    ("seed", "lingual"), [(1, False), (2, False), (3, False), (4, True), (5, True)]
)
def test_search_matches_title_avails(seed, lingual):
    rng = random.Random(seed)
    ids = _random_catalogue(rng, lingual=lingual)
    for _ in range(8):
        start = BASE + dt.timedelta(days=rng.randrange(0, 60))
        q = queries.question(
            media=rng.sample(MEDIA, k=rng.randint(1, 3)),
            territory=rng.choice(NODES),
            start_on=start,
            end_on=start + dt.timedelta(days=rng.randrange(0, 40)),
            exclusive=rng.random() < 0.5,
            languages=rng.choice([[], ["zh"], ["en", "yue"]]) if lingual else [],
        )
        expected = []
        for title_id in ids:
            cells = queries.title_avails(title_id, q).cells
            days = sum(b - a for c in cells for a, b in c.free)
            if days:
                expected.append((title_id, days, sum(1 for c in cells if c.free)))
        expected.sort(key=lambda t: (-t[1], t[0]))
        assert queries.titles_with_avails(q, limit=1000) == expected
