"""``scale`` multiplies the demo cinemas with distinct slugs and identical layouts."""

from __future__ import annotations

import pytest

from marquee.venues import demo
from marquee.venues.models import Venue

pytestmark = pytest.mark.django_db


def test_scale_multiplies_cinemas_with_distinct_slugs(monkeypatch):
    monkeypatch.setattr(demo, "CINEMAS", demo.CINEMAS[:2])

    class Bar:
        def __init__(self):
            self.n = 0
            self.postfix = ""

        def update(self, n):
            self.n += n

        def set_postfix_str(self, s, refresh=True):
            self.postfix = s

    bar = Bar()
    demo.load_demo_venues(scale=3, progress=bar)
    slugs = set(Venue.objects.values_list("slug", flat=True))
    base = [c.slug for c in demo.CINEMAS]
    assert slugs == {*base, *(f"{s}-2" for s in base), *(f"{s}-3" for s in base)}
    assert bar.n == 6 == demo.demo_cinema_count(3) and bar.postfix == f"{base[1]}-3"
    first, copy = (Venue.objects.get(slug=s) for s in (base[0], f"{base[0]}-2"))
    assert sorted(first.halls.values_list("name", "seat_count")) == sorted(
        copy.halls.values_list("name", "seat_count")
    )
    assert copy.name_en.endswith("#2")
