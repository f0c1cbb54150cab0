"""Reads of the territory tree and cities (public reference data: no acting user)."""

from __future__ import annotations

from django.db.models import QuerySet

from marquee.places.models import City, TerritoryNode


def territory_codes_within(code: str) -> set[str]:
    """``code`` and every territory below it in the tree (the world holds them all).

    An unknown code covers nothing. The tree is a handful of rows, read in one query.
    """
    children: dict[str | None, list[str]] = {}
    known: set[str] = set()
    for node_code, parent_code in TerritoryNode.objects.values_list("code", "parent__code"):
        children.setdefault(parent_code, []).append(node_code)
        known.add(node_code)
    if code not in known:
        return set()
    found, stack = set(), [code]
    while stack:
        current = stack.pop()
        found.add(current)
        stack.extend(children.get(current, []))
    return found


def territory_path(code: str) -> list[TerritoryNode]:
    """The nodes from the world down to ``code`` (empty for an unknown code)."""
    nodes = list(TerritoryNode.objects.all())
    by_id = {n.pk: n for n in nodes}
    path: list[TerritoryNode] = []
    node = next((n for n in nodes if n.code == code), None)
    while node is not None:
        path.append(node)
        node = by_id.get(node.parent_id) if node.parent_id else None
    return path[::-1]


def cities_in(code: str) -> QuerySet[City]:
    """Cities of territory ``code`` and of the territories below it, by English name."""
    return City.objects.filter(territory__in=territory_codes_within(code)).order_by("name_en")
