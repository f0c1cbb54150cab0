"""The avails engine against a brute force over every (medium, leaf, day) cell.

The brute force knows nothing of intervals: it walks each day of a small
universe (a few media, the real territory tree, three weeks) and asks every
line whether it covers that day. Coverage of a leaf by a node is computed here
from the tree's parent links, not with the engine's helpers.
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
    )


@st.composite
def worlds(draw) -> list[Line]:
    n = draw(st.integers(0, 12))
    # A deal may have several lines: ids repeat.
    return [draw(lines(draw(st.integers(1, 6)))) for _ in range(n)]


def on(line: Line, media: str, leaf: str, day: int) -> bool:
    return line.media == media and covers(line.territory, leaf) and line.start <= day < line.end


def brute_held(world, media, leaf, day, exclusive):
    return any(
        ln.direction == IN and on(ln, media, leaf, day) and (ln.exclusive or not exclusive)
        for ln in world
    )


def brute_blockers(world, media, leaf, day, exclusive):
    return {
        ln.deal_id
        for ln in world
        if ln.direction == OUT
        and on(ln, media, leaf, day)
        and (ln.kind == HOLDBACK or exclusive or ln.exclusive)
    }


def expand(intervals) -> set[int]:
    return {d for a, b in intervals for d in range(a, b)}


question = st.tuples(
    st.lists(st.sampled_from(MEDIA), min_size=1, max_size=3, unique=True),
    st.sampled_from(NODES),
    st.integers(0, SPAN - 1),
    st.integers(1, SPAN),
    st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(world=worlds(), q=question)
def test_avails_match_brute_force(world, q):
    media, territory, start, length, exclusive = q
    window = (BASE + start, BASE + min(SPAN, start + length))
    cells = avails.avails(
        world, media=media, territory=territory, window=window, exclusive=exclusive
    )
    assert {(c.media, c.leaf) for c in cells} == {
        (m, leaf) for m in media for leaf in leaves(territory)
    }
    free_days: set[tuple[str, str, int]] = set()
    for c in cells:
        for day in range(*window):
            held = brute_held(world, c.media, c.leaf, day, exclusive)
            blockers = brute_blockers(world, c.media, c.leaf, day, exclusive)
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
        99, OUT, claim.kind, claim.exclusive, claim.media, claim.territory, claim.start, claim.end
    )
    check = avails.check_claims(world, [claim])
    exclusive = claim.exclusive or claim.kind == HOLDBACK
    expected_conflicts: set[int] = set()
    expected_missing: set[tuple[str, str, int]] = set()
    for leaf in leaves(claim.territory):
        for day in range(claim.start, claim.end):
            expected_conflicts |= brute_blockers(world, claim.media, leaf, day, exclusive)
            if claim.kind == GRANT and not brute_held(
                world, claim.media, leaf, day, claim.exclusive
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
