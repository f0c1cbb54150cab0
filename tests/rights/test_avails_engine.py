"""The avails engine against a brute force over every (medium, leaf, day) cell.

The brute force knows nothing of intervals: it walks each day of a small
universe (a few media, the real territory tree, three weeks) and asks every
line whether it covers that day. Coverage of a leaf by a node is computed here
from the tree's parent links, not with the engine's helpers. Languages are a
fourth dimension over a small universe of three: the brute force asks each
language one by one (a line naming none covers all three).
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from marquee.rights import avails
from marquee.rights.avails import GRANT, HOLDBACK, IN, OUT, Line
from marquee.rights.territories import LEAVES, PARENT

MEDIA = ["svod", "avod", "free_tv"]
NODES = ["WW", "GCN", "CN", "HK", "MO", "TW", "SEA", "SG", "NAM", "US"]
BASE = 738000  # an ordinal day; the universe is BASE … BASE + 20
SPAN = 21
UNIVERSE = ("zh", "yue", "en")
language_sets = st.frozensets(st.sampled_from(UNIVERSE), max_size=3)


def covers(node: str, leaf: str) -> bool:
    current: str | None = leaf
    while current is not None:
        if current == node:
            return True
        current = PARENT[current]
    return False


def leaves(node: str) -> list[str]:
    return [leaf for leaf in LEAVES if covers(node, leaf)]


@st.composite
def lines(draw, deal_id: int) -> Line:
    direction = draw(st.sampled_from([IN, OUT]))
    kind = draw(st.sampled_from([GRANT, HOLDBACK])) if direction == OUT else GRANT
    start = draw(st.integers(0, SPAN - 1))
    length = draw(st.integers(1, SPAN - start))
    return Line(
        deal_id=deal_id,
        direction=direction,
        kind=kind,
        exclusive=draw(st.booleans()),
        media=draw(st.sampled_from(MEDIA)),
        territory=draw(st.sampled_from(NODES)),
        start=BASE + start,
        end=BASE + start + length,
        languages=draw(language_sets),
    )


@st.composite
def worlds(draw) -> list[Line]:
    n = draw(st.integers(0, 12))
    # A deal may have several lines: ids repeat.
    return [draw(lines(draw(st.integers(1, 6)))) for _ in range(n)]


def on(line: Line, media: str, leaf: str, day: int) -> bool:
    return line.media == media and covers(line.territory, leaf) and line.start <= day < line.end


def speaks(line: Line, language: str) -> bool:
    return not line.languages or language in line.languages


def asked(languages) -> tuple[str, ...]:
    return tuple(languages) or UNIVERSE


def brute_held(world, media, leaf, day, exclusive, languages=frozenset()):
    """Every language asked is held by some grant in covering the cell."""
    return all(
        any(
            ln.direction == IN
            and on(ln, media, leaf, day)
            and (ln.exclusive or not exclusive)
            and speaks(ln, lang)
            for ln in world
        )
        for lang in asked(languages)
    )


def brute_blockers(world, media, leaf, day, exclusive, languages=frozenset()):
    return {
        ln.deal_id
        for ln in world
        if ln.direction == OUT
        and on(ln, media, leaf, day)
        and (ln.kind == HOLDBACK or exclusive or ln.exclusive)
        and any(speaks(ln, lang) for lang in asked(languages))
    }


def expand(intervals) -> set[int]:
    return {d for a, b in intervals for d in range(a, b)}


question = st.tuples(
    st.lists(st.sampled_from(MEDIA), min_size=1, max_size=3, unique=True),
    st.sampled_from(NODES),
    st.integers(0, SPAN - 1),
    st.integers(1, SPAN),
    st.booleans(),
    language_sets,
)


@settings(max_examples=150, deadline=None)
@given(world=worlds(), q=question)
def test_avails_match_brute_force(world, q):
    media, territory, start, length, exclusive, languages = q
    window = (BASE + start, BASE + min(SPAN, start + length))
    cells = avails.avails(
        avails.Index(world, universe=UNIVERSE),
        media=media,
        territory=territory,
        window=window,
        exclusive=exclusive,
        languages=languages,
    )
    assert {(c.media, c.leaf) for c in cells} == {
        (m, leaf) for m in media for leaf in leaves(territory)
    }
    free_days: set[tuple[str, str, int]] = set()
    for c in cells:
        for day in range(*window):
            held = brute_held(world, c.media, c.leaf, day, exclusive, languages)
            blockers = brute_blockers(world, c.media, c.leaf, day, exclusive, languages)
            assert (day in expand(c.free)) == (held and not blockers), (c, day)
            assert (day in expand(c.not_held)) == (not held), (c, day)
            taken_here = {deal for iv, deal in c.taken if iv[0] <= day < iv[1]}
            assert taken_here == blockers, (c, day)
            if held and not blockers:
                free_days.add((c.media, c.leaf, day))
        assert expand(c.free) <= set(range(*window))
    # The grouped parts name exactly the free (medium, leaf, day) cells, no more.
    from_parts = {
        (p.media, leaf, day)
        for p in avails.group(cells, "free")
        for node in p.territories
        for leaf in leaves(node)
        for day in expand(p.intervals)
    }
    assert from_parts == free_days


@settings(max_examples=150, deadline=None)
@given(world=worlds(), claim=lines(99))
def test_claim_check_matches_brute_force(world, claim):
    claim = Line(
        99, OUT, claim.kind, claim.exclusive, claim.media, claim.territory, claim.start, claim.end,
        claim.languages,
    )  # fmt: skip
    check = avails.check_claims(avails.Index(world, universe=UNIVERSE), [claim])
    exclusive = claim.exclusive or claim.kind == HOLDBACK
    expected_conflicts: set[int] = set()
    expected_missing: set[tuple[str, str, int]] = set()
    for leaf in leaves(claim.territory):
        for day in range(claim.start, claim.end):
            expected_conflicts |= brute_blockers(
                world, claim.media, leaf, day, exclusive, claim.languages
            )
            if claim.kind == GRANT and not brute_held(
                world, claim.media, leaf, day, claim.exclusive, claim.languages
            ):
                expected_missing.add((claim.media, leaf, day))
    assert set(check.conflicts) == expected_conflicts
    missing = {
        (p.media, leaf, day)
        for p in check.not_held
        for node in p.territories
        for leaf in leaves(node)
        for day in expand(p.intervals)
    }
    assert missing == expected_missing


def test_grants_for_different_languages_do_not_conflict():
    day = (BASE, BASE + 10)
    held = Line(1, IN, GRANT, True, "svod", "WW", *day)
    zh = Line(2, OUT, GRANT, True, "svod", "CN", *day, frozenset({"zh"}))
    index = avails.Index([held, zh], universe=UNIVERSE)
    en = Line(3, OUT, GRANT, True, "svod", "CN", *day, frozenset({"en"}))
    assert avails.check_claims(index, [en]).conflicts == {}
    every = Line(4, OUT, GRANT, True, "svod", "CN", *day)
    assert set(avails.check_claims(index, [every]).conflicts) == {2}
    # Held in Cantonese and Mandarin separately: "every language" is held only with English too.
    split = [
        Line(5, IN, GRANT, True, "svod", "HK", *day, frozenset({lang})) for lang in ("zh", "yue")
    ]
    claim = Line(6, OUT, GRANT, True, "svod", "HK", *day)
    assert avails.check_claims(avails.Index(split, universe=UNIVERSE), [claim]).not_held
    split.append(Line(7, IN, GRANT, True, "svod", "HK", *day, frozenset({"en"})))
    assert not avails.check_claims(avails.Index(split, universe=UNIVERSE), [claim]).not_held


@given(
    a=st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=6),
    b=st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=6),
)
def test_interval_algebra_matches_sets(a, b):
    ua, ub = avails.union(a), avails.union(b)
    sa = {d for x, y in a for d in range(x, y)}
    sb = {d for x, y in b for d in range(x, y)}
    assert expand(ua) == sa
    assert expand(avails.intersect(ua, ub)) == sa & sb
    assert expand(avails.subtract(ua, ub)) == sa - sb
    # Merged: sorted, disjoint, not touching.
    for (_, end), (start, _) in itertools.pairwise(ua):
        assert end < start
