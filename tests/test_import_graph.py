"""No import circles in ``src/marquee``: dependencies run one way.

Between packages there is none at all. Between modules, the circles listed in
``BEING_BROKEN`` are known and are being taken apart; any other circle fails.
"""

from __future__ import annotations

from tests.import_graph import circles, module_graph, package_graph

#: Known module circles, each removed with the change that breaks it (then delete its line).
BEING_BROKEN = [
    ["marquee.ticketing.services.fulfilment", "marquee.ticketing.services.orders"],
]


def test_no_circle_between_packages() -> None:
    assert circles(package_graph()) == []


def test_no_new_circle_between_modules() -> None:
    assert [c for c in circles(module_graph()) if c not in BEING_BROKEN] == []


def test_the_lowest_apps_import_nothing_above_them() -> None:
    packages = package_graph()
    assert packages["marquee.places"] <= {"marquee.core"}
    assert "marquee.venues" not in packages["marquee.catalog"]
    assert "marquee.catalog" not in packages["marquee.venues"]


def test_a_circle_is_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []
