"""City moved from ``venues`` to ``places`` without touching its table or rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("venues", "0002_hall_layout_locked"),
    ("ticketing", "0003_waiting_room"),
    ("places", None),
]
AFTER = [
    ("places", "0001_initial"),
    ("venues", "0003_city_moves_to_places"),
    ("ticketing", "0004_city_moves_to_places"),
]


def _migrate(targets: list[tuple[str, str]]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


@pytest.mark.django_db(transaction=True)
def test_migrating_keeps_the_cities_their_venues_and_rounds() -> None:
    old = _migrate(BEFORE)
    assert "city" in old.all_models["venues"] and "places" not in old.all_models
    city = old.get_model("venues", "City").objects.create(
        code="chengdu", name_en="Chengdu", territory="CN", time_zone="Asia/Shanghai", currency="CNY"
    )
    org = old.get_model("accounts", "Organisation").objects.create(
        name="Panda Screens", kind="exhibitor", slug="panda"
    )
    chain = old.get_model("venues", "Chain").objects.create(
        organisation=org, name_en="Panda Screens", slug="panda"
    )
    old.get_model("venues", "Venue").objects.create(
        chain=chain,
        city=city,
        name_en="Panda Chengdu",
        slug="panda-chengdu",
        time_zone="Asia/Shanghai",
        currency="CNY",
    )

    new = _migrate(AFTER)

    assert "city" not in new.all_models["venues"]
    moved = new.get_model("places", "City").objects.get(code="chengdu")
    assert (moved.pk, moved.name_en, moved.territory) == (city.pk, "Chengdu", "CN")
    assert new.get_model("venues", "Venue").objects.get(slug="panda-chengdu").city_id == moved.pk
    assert "venues_city" in connection.introspection.table_names()
    assert new.get_model("places", "TerritoryNode").objects.get(code="HK").parent.code == "WW"

    # and back again: the rows stay where they are
    back = _migrate(BEFORE)
    assert back.get_model("venues", "City").objects.filter(code="chengdu").exists()
    _migrate_to_latest()


def _migrate_to_latest() -> None:
    """Every app to its last migration: later tests find the whole schema again."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
