"""The avails engine: exact interval arithmetic over media × territory leaves × days.

Pure functions over :class:`Line` values (no database), so the property test
can check them against a brute force over every (medium, leaf, day) cell.

Vocabulary:

- *held*: what the studio holds, the union of the **grants acquired in**
  (an exclusive licence out needs the rights held exclusively);
- *taken*: what the studio has promised away, the **grants licensed out** and
  the **holdbacks** it agreed to;
- a new claim is *blocked* by a taken line when a holdback covers it, when the
  claim is exclusive (or a holdback) and any grant out covers it, or when an
  exclusive grant out covers it — whichever side is exclusive, they cannot share;
- *free*: held (within the window asked) minus what blocks.

Languages are a fourth dimension: a line names a set of languages, empty for
every language of :data:`LANGUAGES`. A claim for some languages is held on a day
when *each* of them is held that day, and a taken line blocks it only when their
languages meet (an "every language" line meets every language).

Days are ``date.toordinal()`` values; intervals are half-open ``[start, end)``
and every list of them is kept sorted and merged.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from marquee.rights.territories import covering_nodes, leaves_of

Interval = tuple[int, int]

#: Languages a deal may name (ISO 639-1, plus yue for Cantonese); empty means every language.
LANGUAGES: tuple[str, ...] = (
    "zh", "yue", "en", "ja", "ko", "th", "vi", "id", "ms", "tl",
    "fr", "de", "es", "it", "pt", "ru", "ar", "hi",
)  # fmt: skip

IN = "in"
OUT = "out"
GRANT = "grant"
HOLDBACK = "holdback"


@dataclass(frozen=True, slots=True)
class Line:
    """One right of a deal: a medium over a territory node for a run of days."""

    deal_id: int
    direction: str  # IN (acquired) or OUT (licensed)
    kind: str  # GRANT or HOLDBACK
    exclusive: bool
    media: str
    territory: str
    start: int  # first day (ordinal)
    end: int  # the day after the last (ordinal)
    languages: frozenset[str] = frozenset()  # empty: every language

    @property
    def interval(self) -> Interval:
        return (self.start, self.end)


def languages_meet(a: frozenset[str], b: frozenset[str]) -> bool:
    """Do two language sets share a language (empty being every language)?"""
    return not a or not b or not a.isdisjoint(b)


def days(first: dt.date, last: dt.date) -> Interval:
    """The half-open interval of the days ``first`` … ``last`` (both included)."""
    return (first.toordinal(), last.toordinal() + 1)


def as_dates(interval: Interval) -> tuple[dt.date, dt.date]:
    """An interval back as (first day, last day), both included."""
    return dt.date.fromordinal(interval[0]), dt.date.fromordinal(interval[1] - 1)


def union(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[0] < i[1]):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def intersect(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """Both merged and sorted; so is the answer."""
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def subtract(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """``a`` minus ``b`` (both merged and sorted)."""
    out: list[Interval] = []
    j = 0
    for start, end in a:
        cursor = start
        while j < len(b) and b[j][1] <= cursor:
            j += 1
        k = j
        while k < len(b) and b[k][0] < end:
            if b[k][0] > cursor:
                out.append((cursor, b[k][0]))
            cursor = max(cursor, b[k][1])
            k += 1
        if cursor < end:
            out.append((cursor, end))
    return out


def blocks(taken: Line, *, exclusive: bool) -> bool:
    """Does ``taken`` (a line out) stand in the way of a new claim of this exclusivity?"""
    if taken.direction != OUT:
        return False
    if taken.kind == HOLDBACK:
        return True
    return exclusive or taken.exclusive


class Index:
    """A title's lines filed by (medium, leaf) so each cell reads only its own.

    ``universe`` is every language ("every language" means each of these).
    """

    def __init__(self, lines: Iterable[Line], *, universe: Sequence[str] = LANGUAGES) -> None:
        self.universe = tuple(universe)
        self.held: dict[tuple[str, str], list[Line]] = defaultdict(list)
        self.taken: dict[tuple[str, str], list[Line]] = defaultdict(list)
        for line in lines:
            if line.start >= line.end:
                continue
            if line.direction == IN and line.kind == GRANT:
                target = self.held
            elif line.direction == OUT:
                target = self.taken
            else:
                continue
            for leaf in leaves_of(line.territory):
                target[(line.media, leaf)].append(line)

    def held_days(
        self, media: str, leaf: str, *, exclusive: bool, languages: frozenset[str] = frozenset()
    ) -> list[Interval]:
        """The days on which every language asked (empty: all of them) is held."""
        lines = [
            line for line in self.held.get((media, leaf), ()) if line.exclusive or not exclusive
        ]
        every = [line.interval for line in lines if not line.languages]
        named = [line for line in lines if line.languages]
        if not named:
            return union(every)
        held: list[Interval] | None = None
        # A language no named line mentions is held by the "every language" lines alone.
        for lang in sorted(languages or self.universe):
            days = union([*every, *(ln.interval for ln in named if lang in ln.languages)])
            held = days if held is None else intersect(held, days)
            if not held:
                break
        return held or []

    def blocking(
        self,
        media: str,
        leaf: str,
        window: Interval,
        *,
        exclusive: bool,
        languages: frozenset[str] = frozenset(),
    ) -> list[Line]:
        return [
            line
            for line in self.taken.get((media, leaf), ())
            if line.start < window[1]
            and window[0] < line.end
            and blocks(line, exclusive=exclusive)
            and languages_meet(line.languages, languages)
        ]


@dataclass(frozen=True, slots=True)
class Cell:
    """The answer for one medium in one leaf over the window asked."""

    media: str
    leaf: str
    free: tuple[Interval, ...]
    taken: tuple[tuple[Interval, int], ...]  # (days, deal id) of what blocks, clipped
    not_held: tuple[Interval, ...]


def cell(
    index: Index,
    media: str,
    leaf: str,
    window: Interval,
    *,
    exclusive: bool,
    languages: frozenset[str] = frozenset(),
) -> Cell:
    held = intersect(
        index.held_days(media, leaf, exclusive=exclusive, languages=languages), [window]
    )
    blockers = index.blocking(media, leaf, window, exclusive=exclusive, languages=languages)
    taken_days = union(b.interval for b in blockers)
    return Cell(
        media=media,
        leaf=leaf,
        free=tuple(subtract(held, taken_days)),
        taken=tuple(
            sorted(((max(b.start, window[0]), min(b.end, window[1])), b.deal_id) for b in blockers)
        ),
        not_held=tuple(subtract([window], held)),
    )


def avails(
    lines: Iterable[Line],
    *,
    media: Sequence[str],
    territory: str,
    window: Interval,
    exclusive: bool,
    languages: frozenset[str] = frozenset(),
) -> list[Cell]:
    """Every (medium, leaf under ``territory``) cell of the question, in a stable order."""
    index = lines if isinstance(lines, Index) else Index(lines)
    return [
        cell(index, m, leaf, window, exclusive=exclusive, languages=languages)
        for m in media
        for leaf in sorted(leaves_of(territory))
    ]


@dataclass(frozen=True, slots=True)
class Part:
    """Cells that share an answer, named by the fewest territory nodes."""

    media: str
    territories: tuple[str, ...]
    intervals: tuple[Interval, ...]


def group(cells: Iterable[Cell], attr: str) -> list[Part]:
    """Fold cells with the same intervals (``free`` or ``not_held``) per medium into parts."""
    by_key: dict[tuple[str, tuple[Interval, ...]], set[str]] = defaultdict(set)
    order: list[tuple[str, tuple[Interval, ...]]] = []
    for c in cells:
        intervals = getattr(c, attr)
        if not intervals:
            continue
        key = (c.media, intervals)
        if key not in by_key:
            order.append(key)
        by_key[key].add(c.leaf)
    return [
        Part(media=m, territories=tuple(covering_nodes(frozenset(by_key[(m, iv)]))), intervals=iv)
        for m, iv in order
    ]


@dataclass(frozen=True, slots=True)
class ClaimCheck:
    """Why a new line out cannot be granted: rights not held, and the deals in the way."""

    not_held: list[Part]
    conflicts: dict[int, list[tuple[str, str, Interval]]]  # deal id → (media, leaf, days)


def check_claims(existing: Iterable[Line], claims: Sequence[Line]) -> ClaimCheck:
    """Check new lines out against what is held and what is taken.

    A grant must be held (exclusively, if it is exclusive) on every day of
    every leaf; a grant or holdback must not meet a line that blocks it
    (a holdback claims like an exclusive grant: it shuts out everyone else).
    """
    index = existing if isinstance(existing, Index) else Index(existing)
    missing: list[Cell] = []
    conflicts: dict[int, list[tuple[str, str, Interval]]] = defaultdict(list)
    for claim in claims:
        exclusive = claim.exclusive or claim.kind == HOLDBACK
        for leaf in sorted(leaves_of(claim.territory)):
            window = claim.interval
            if claim.kind == GRANT:
                held = index.held_days(
                    claim.media, leaf, exclusive=claim.exclusive, languages=claim.languages
                )
                gap = subtract([window], held)
                if gap:
                    missing.append(Cell(claim.media, leaf, (), (), tuple(gap)))
            found = index.blocking(
                claim.media, leaf, window, exclusive=exclusive, languages=claim.languages
            )
            for line in found:
                overlap = (max(line.start, window[0]), min(line.end, window[1]))
                conflicts[line.deal_id].append((claim.media, leaf, overlap))
    return ClaimCheck(not_held=group(_merge_cells(missing), "not_held"), conflicts=dict(conflicts))


def _merge_cells(cells: list[Cell]) -> list[Cell]:
    """One cell per (medium, leaf): several claims may leave gaps in the same cell."""
    gaps: dict[tuple[str, str], list[Interval]] = defaultdict(list)
    for c in cells:
        gaps[(c.media, c.leaf)].extend(c.not_held)
    return [Cell(m, leaf, (), (), tuple(union(iv))) for (m, leaf), iv in gaps.items()]
