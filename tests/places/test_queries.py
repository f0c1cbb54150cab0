from __future__ import annotations

import pytest

from marquee.places.models import City, Territory, TerritoryNode
from marquee.places.queries import cities_in, territory_codes_within, territory_path

pytestmark = pytest.mark.django_db


def test_the_tree_has_the_world_at_its_root_and_every_territory_below() -> None:
    world = TerritoryNode.objects.get(parent=None)
    assert world.code == Territory.WW
    assert set(world.children.values_list("code", flat=True)) == set(Territory.values) - {"WW"}
    assert TerritoryNode.objects.get(code="HK").iso_code == "HK"


def test_codes_within_a_territory() -> None:
    assert territory_codes_within("WW") == set(Territory.values)
    assert territory_codes_within("HK") == {"HK"}
    assert territory_codes_within("XX") == set()


def test_path_from_the_world_down(django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        path = territory_path("MO")
    assert [n.code for n in path] == ["WW", "MO"]
    assert territory_path("XX") == []


def test_cities_in_a_territory_and_below() -> None:
    for code, territory in (("hk", "HK"), ("sh", "CN"), ("bj", "CN")):
        City.objects.create(
            code=code, name_en=code.upper(), territory=territory, time_zone="UTC", currency="CNY"
        )
    assert [c.code for c in cities_in("CN")] == ["bj", "sh"]
    assert [c.code for c in cities_in("WW")] == ["bj", "hk", "sh"]
