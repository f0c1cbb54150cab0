"""The territory tree rights are granted over.

``places`` keeps the handful of territories the storefront sells tickets in;
licensing needs a finer tree with regions in between (World → Greater China →
Mainland China, Hong Kong, Macau, Taiwan; …). It is reference data that changes
with the business, not with the users, so it lives here as a constant: reading
it costs no query and a test database that is flushed still has it. Codes of
the leaves that ``places`` also knows (CN, HK, MO, TW, US) are the same.

Rights are stored against any node; what a node covers is the set of leaves
below it (:func:`leaves_of`), and every answer about avails is exact over those
leaves.
"""

from __future__ import annotations

from functools import cache

from django.utils.translation import get_language

#: (code, parent code, English, Simplified Chinese, Traditional Chinese), parents first.
TREE: tuple[tuple[str, str | None, str, str, str], ...] = (
    ("WW", None, "World", "全球", "全球"),
    ("GCN", "WW", "Greater China", "大中华区", "大中華區"),
    ("CN", "GCN", "Mainland China", "中国内地", "中國內地"),
    ("HK", "GCN", "Hong Kong", "香港", "香港"),
    ("MO", "GCN", "Macau", "澳门", "澳門"),
    ("TW", "GCN", "Taiwan", "台湾", "台灣"),
    ("SEA", "WW", "Southeast Asia", "东南亚", "東南亞"),
    ("SG", "SEA", "Singapore", "新加坡", "新加坡"),
    ("MY", "SEA", "Malaysia", "马来西亚", "馬來西亞"),
    ("TH", "SEA", "Thailand", "泰国", "泰國"),
    ("ID", "SEA", "Indonesia", "印度尼西亚", "印尼"),
    ("PH", "SEA", "Philippines", "菲律宾", "菲律賓"),
    ("VN", "SEA", "Vietnam", "越南", "越南"),
    ("NEA", "WW", "Japan and Korea", "日韩", "日韓"),
    ("JP", "NEA", "Japan", "日本", "日本"),
    ("KR", "NEA", "South Korea", "韩国", "韓國"),
    ("NAM", "WW", "North America", "北美", "北美"),
    ("US", "NAM", "United States", "美国", "美國"),
    ("CA", "NAM", "Canada", "加拿大", "加拿大"),
    ("EUR", "WW", "Europe", "欧洲", "歐洲"),
    ("GB", "EUR", "United Kingdom", "英国", "英國"),
    ("FR", "EUR", "France", "法国", "法國"),
    ("DE", "EUR", "Germany", "德国", "德國"),
    ("OCE", "WW", "Oceania", "大洋洲", "大洋洲"),
    ("AU", "OCE", "Australia", "澳大利亚", "澳洲"),
    ("NZ", "OCE", "New Zealand", "新西兰", "紐西蘭"),
    ("ROW", "WW", "Rest of the world", "世界其他地区", "世界其他地區"),
)

PARENT: dict[str, str | None] = {code: parent for code, parent, *_ in TREE}
_NAMES: dict[str, tuple[str, str, str]] = {
    code: (en, hans, hant) for code, _, en, hans, hant in TREE
}
ROOT = "WW"


def is_known(code: str) -> bool:
    return code in PARENT


@cache
def children_of(code: str) -> tuple[str, ...]:
    return tuple(c for c, parent, *_ in TREE if parent == code)


@cache
def leaves_of(code: str) -> frozenset[str]:
    """The leaves a node covers (a leaf covers itself; an unknown code covers nothing)."""
    if code not in PARENT:
        return frozenset()
    kids = children_of(code)
    if not kids:
        return frozenset({code})
    return frozenset().union(*(leaves_of(k) for k in kids))


LEAVES: tuple[str, ...] = tuple(c for c, *_ in TREE if not children_of(c))


@cache
def ancestors_of(code: str) -> tuple[str, ...]:
    """``code`` and every node above it, up to the world."""
    path: list[str] = []
    node: str | None = code if code in PARENT else None
    while node is not None:
        path.append(node)
        node = PARENT[node]
    return tuple(path)


@cache
def touching(code: str) -> frozenset[str]:
    """Every node whose leaves meet ``code``'s: its ancestors and its descendants.

    A right stored against any of these may overlap a question about ``code``;
    no other node's can (the tree's subtrees are disjoint).
    """
    leaves = leaves_of(code)
    return frozenset(c for c in PARENT if leaves_of(c) & leaves)


def covering_nodes(leaves: frozenset[str]) -> list[str]:
    """The fewest nodes whose leaves are exactly ``leaves`` (for naming a set of leaves)."""
    found: list[str] = []

    def walk(code: str) -> None:
        mine = leaves_of(code)
        if mine and mine <= leaves:
            found.append(code)
        elif mine & leaves:
            for kid in children_of(code):
                walk(kid)

    walk(ROOT)
    return found


def name_of(code: str, language: str | None = None) -> str:
    """The territory's name in ``language`` (default: the active one)."""
    en, hans, hant = _NAMES.get(code, (code, code, code))
    lang = (language or get_language() or "en").lower()
    if lang.startswith("zh-hant") or lang in {"zh-tw", "zh-hk", "zh-mo"}:
        return hant
    if lang.startswith("zh"):
        return hans
    return en


def choices() -> list[tuple[str, str]]:
    """(code, indented name) in tree order, for a form's select."""
    out: list[tuple[str, str]] = []

    def walk(code: str, depth: int) -> None:
        out.append((code, "\u2003" * depth + name_of(code)))
        for kid in children_of(code):
            walk(kid, depth + 1)

    walk(ROOT, 0)
    return out
