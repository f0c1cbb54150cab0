"""The demo venues: idempotent, and the promised cities, chains, cinemas and halls."""

from __future__ import annotations

from collections import Counter

import pytest

from marquee.accounts.models import Organisation
from marquee.places.models import City
from marquee.venues import demo
from marquee.venues.layouts import parse_layout
from marquee.venues.models import Chain, Hall, Seat, SeatType, Venue

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "cities": City.objects.count(),
        "chains": Chain.objects.count(),
        "orgs": Organisation.objects.count(),
        "venues": Venue.objects.count(),
        "halls": Hall.objects.count(),
        "seats": Seat.objects.count(),
    }


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """Load once for the module (it creates ~25,000 seats), then clean up."""
    with django_db_blocker.unblock():
        steps: list[str] = []
        demo.load_demo_venues(progress=steps.append)
        first = counts()
        demo.load_demo_venues()
        second = counts()
        yield {"steps": steps, "first": first, "second": second}
        venues = Venue.objects.filter(slug__in=[c.slug for c in demo.CINEMAS])
        Seat.objects.filter(hall__venue__in=venues).update(partner=None)
        Seat.objects.filter(hall__venue__in=venues).delete()
        Hall.objects.filter(venue__in=venues).delete()
        venues.delete()
        chain_slugs = [c.slug for c in demo.CHAINS]
        Chain.objects.filter(slug__in=chain_slugs).delete()
        Organisation.objects.filter(slug__in=chain_slugs).delete()
        City.objects.filter(code__in=[c.code for c in demo.CITIES]).delete()


def test_running_twice_leaves_one_copy(demo_world):
    assert demo_world["first"] == demo_world["second"]
    assert demo_world["first"]["venues"] == len(demo.CINEMAS) == demo.demo_cinema_count()
    assert demo_world["first"]["chains"] == len(demo.CHAINS) >= 3


def test_progress_is_called_once_per_cinema(demo_world):
    assert demo_world["steps"] == [c.slug for c in demo.CINEMAS]


def test_cities(demo_world):
    cities = {c.code: c for c in City.objects.filter(code__in=[c.code for c in demo.CITIES])}
    assert set(cities) == {
        "beijing",
        "shanghai",
        "guangzhou",
        "shenzhen",
        "hangzhou",
        "chengdu",
        "hong-kong",
    }
    hk = cities.pop("hong-kong")
    assert (hk.time_zone, hk.currency, hk.territory) == ("Asia/Hong_Kong", "HKD", "HK")
    assert hk.name_zh_hant == "香港"
    for city in cities.values():
        assert (city.time_zone, city.currency, city.territory) == ("Asia/Shanghai", "CNY", "CN")
        assert city.name_zh_hans and city.name_zh_hant


def test_chains_are_exhibitor_organisations(demo_world):
    chains = list(Chain.objects.select_related("organisation"))
    assert len(chains) >= 3
    for chain in chains:
        assert chain.organisation.kind == Organisation.Kind.EXHIBITOR
        assert chain.name_zh_hans and chain.name_zh_hant


def test_cinemas_cover_every_city_bilingually(demo_world):
    venues = list(Venue.objects.select_related("city"))
    assert len(venues) >= 20
    assert {v.city.code for v in venues} == {c.code for c in demo.CITIES}
    for venue in venues:
        assert venue.name_zh_hans and venue.name_zh_hant and venue.address_en
        assert venue.address_zh_hans and venue.address_zh_hant
        assert venue.currency == venue.city.currency and venue.time_zone == venue.city.time_zone


def test_halls_are_realistic(demo_world):
    per_venue = Counter(Hall.objects.values_list("venue_id", flat=True))
    assert set(per_venue) == set(Venue.objects.values_list("pk", flat=True))
    assert all(3 <= n <= 8 for n in per_venue.values())
    for hall in Hall.objects.all():
        assert 80 <= hall.seat_count <= 400, hall
        assert hall.seats.count() == hall.seat_count
    kinds = Counter(Seat.objects.values_list("kind", flat=True))
    for kind in SeatType.values:
        assert kinds[kind] > 0, kind
    # every couple seat is paired (the layouts went through validation)
    assert not Seat.objects.filter(kind=SeatType.COUPLE, partner__isnull=True).exists()
    assert kinds[SeatType.WHEELCHAIR] <= kinds[SeatType.COMPANION]


def test_flagships_have_an_imax_hall(demo_world):
    flagships = [c.slug for c in demo.CINEMAS if c.flagship]
    assert flagships
    for slug in flagships:
        imax = Hall.objects.get(venue__slug=slug, name="IMAX Hall")
        assert 350 <= imax.seat_count <= 400
        assert "IMAX" in imax.formats
    assert Venue.objects.filter(city__code="hong-kong", halls__name="IMAX Hall").exists()


def test_demo_layouts_are_valid_and_reusable():
    layouts = demo.demo_layouts()
    assert {"small", "medium", "large", "imax", "vip"} <= set(layouts)
    for data in layouts.values():
        assert parse_layout(data).seat_count > 0
    imax = parse_layout(layouts["imax"])
    assert {s.type for s in imax.seats} == set(SeatType.values)
