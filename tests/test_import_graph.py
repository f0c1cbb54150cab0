"""No import circles in ``src/marquee``: dependencies run one way, between packages and between modules."""

from __future__ import annotations

from tests.import_graph import circles, module_graph, package_graph


def test_no_circle_between_packages() -> None:
    assert circles(package_graph()) == []


def test_no_circle_between_modules() -> None:
    assert circles(module_graph()) == []


def test_the_lowest_apps_import_nothing_above_them() -> None:
    packages = package_graph()
    assert packages["marquee.places"] <= {"marquee.core"}
    assert "marquee.venues" not in packages["marquee.catalog"]
    assert "marquee.catalog" not in packages["marquee.venues"]


def test_a_circle_is_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []
