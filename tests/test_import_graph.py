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


PILLARS = {
    "marquee.investment",
    "marquee.rights",
    "marquee.crowdfunding",
    "marquee.merch",
    "marquee.analytics",
    "marquee.marketing",
}


def test_the_pillars_sit_above_the_ledger_and_beside_one_another() -> None:
    packages = package_graph()
    below = {
        "marquee.core",
        "marquee.accounts",
        "marquee.places",
        "marquee.catalog",
        "marquee.venues",
        "marquee.payments",
        "marquee.ticketing",
        "marquee.finance",
    }
    for pillar in PILLARS:
        allowed = below | ({"marquee.investment"} if pillar == "marquee.crowdfunding" else set())
        assert packages[pillar] - {pillar} <= allowed, pillar
    for lower in below:
        assert not packages[lower] & PILLARS, lower


def test_a_circle_is_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []
