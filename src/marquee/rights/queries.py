"""Reads of the rights domain: a title's lines, avails, the catalogue-wide search, deals.

The acting user is checked by the callers (``permissions.py``): only rights
staff and administrators read any of this.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Max, Min, Prefetch, Q, QuerySet, TextField
from django.db.models.functions import Cast

from marquee.rights import avails
from marquee.rights.models import (
    Deal,
    DealChange,
    Direction,
    Instalment,
    RevenueReport,
    RightLine,
)
from marquee.rights.territories import leaves_of, touching
from marquee.rights.validation import (
    check_languages,
    check_media,
    check_territory,
    check_window,
)

_FIELDS = (
    "deal_id", "direction", "kind", "exclusive", "media", "territory", "start_on", "end_on",
    "languages",
)  # fmt: skip


def _line(row: tuple) -> avails.Line:
    deal_id, direction, kind, exclusive, media, territory, start_on, end_on, languages = row
    return avails.Line(
        deal_id, direction, kind, exclusive, media, territory,
        start_on.toordinal(), end_on.toordinal() + 1, frozenset(languages or ()),
    )  # fmt: skip


def lines_of_title(
    title_id: int, *, media: Sequence[str] | None = None, exclude_deal: int | None = None
) -> list[avails.Line]:
    """Every line of every deal of the title (optionally of some media only), as engine values."""
    rows = RightLine.objects.filter(title_id=title_id)
    if media is not None:
        rows = rows.filter(media__in=list(media))
    if exclude_deal is not None:
        rows = rows.exclude(deal_id=exclude_deal)
    return [_line(r) for r in rows.order_by().values_list(*_FIELDS)]


@dataclass(frozen=True)
class Question:
    """A checked avails question: media × territory × window, exclusive or not."""

    media: list[str]
    territory: str
    start_on: dt.date
    end_on: dt.date
    exclusive: bool
    languages: frozenset[str] = frozenset()  # empty: every language

    @property
    def window(self) -> avails.Interval:
        return avails.days(self.start_on, self.end_on)


def question(
    *,
    media: Sequence[str],
    territory: str,
    start_on: dt.date,
    end_on: dt.date,
    exclusive: bool,
    languages: Sequence[str] = (),
) -> Question:
    """Check an avails question (``unknown_media``, ``unknown_territory``, ``invalid_window``,
    ``unknown_language``)."""
    checked = check_media(media)
    check_territory(territory)
    check_window(start_on, end_on)
    langs = frozenset(check_languages(languages))
    return Question(checked, territory, start_on, end_on, exclusive, langs)


@dataclass(frozen=True)
class Answer:
    question: Question
    cells: list[avails.Cell]
    free: list[avails.Part]
    not_held: list[avails.Part]
    deals: dict[int, Deal]  # the deals in the way, by id


def title_avails(title_id: int, q: Question) -> Answer:
    """What of the title is free for ``q``: held, in the window, and not blocked. Two queries."""
    cells = avails.avails(
        lines_of_title(title_id, media=q.media),
        media=q.media,
        territory=q.territory,
        window=q.window,
        exclusive=q.exclusive,
        languages=q.languages,
    )
    deal_ids = {deal_id for c in cells for _, deal_id in c.taken}
    deals = {d.pk: d for d in Deal.objects.filter(pk__in=deal_ids)} if deal_ids else {}
    return Answer(
        question=q,
        cells=cells,
        free=avails.group(cells, "free"),
        not_held=avails.group(cells, "not_held"),
        deals=deals,
    )


def titles_with_avails(q: Question, *, limit: int = 100) -> list[tuple[int, int, int]]:
    """Across the catalogue: titles with any free part for ``q``, as (title id, free days, cells).

    One query reads only the lines that can matter: the media asked, territory
    nodes meeting the one asked, windows meeting the one asked, for an
    exclusive question only exclusive holdings, for a non-exclusive one only
    the lines out that block it. Lines are grouped by (title, medium); within
    a group the leaves asked fall into classes covered by the same lines
    (often one class: lines stored against regions), and each class is
    answered once with the engine's interval arithmetic — the same rules as
    :func:`title_avails`, which a test holds this to. Lines out that name other
    languages than the question's are left out; a group whose holdings name
    languages is answered leaf by leaf by the engine. Sorted by most free days,
    then title id.
    """
    window = q.window
    asked = sorted(leaves_of(q.territory))
    held_rows = Q(direction=Direction.IN, kind="grant")
    if q.exclusive:
        held_rows &= Q(exclusive=True)
    blocking_rows = Q(direction=Direction.OUT)
    if not q.exclusive:
        blocking_rows &= Q(kind=avails.HOLDBACK) | Q(exclusive=True)
    rows = (
        RightLine.objects.filter(
            media__in=q.media,
            territory__in=sorted(touching(q.territory)),
            start_on__lte=q.end_on,
            end_on__gte=q.start_on,
        )
        .filter(held_rows | blocking_rows)
        .order_by()  # any order will do: no sort in the database
        # Languages as text: most lines name none ("[]"), and decoding JSON per row costs.
        .annotate(languages_text=Cast("languages", TextField()))
        .values_list(
            "title_id", "media", "direction", "territory", "start_on", "end_on", "languages_text"
        )
    )
    groups: dict[tuple[int, str], list[tuple[str, bool, avails.Interval]]] = defaultdict(list)
    lingual: set[tuple[int, str]] = set()  # groups where a holding names its languages
    for title_id, media, direction, territory, start_on, end_on, text in list(rows):
        is_held = direction == Direction.IN
        if text != "[]" and text:
            if is_held:
                lingual.add((title_id, media))
            elif not avails.languages_meet(frozenset(json.loads(text)), q.languages):
                continue  # a line out for other languages does not block this question
        interval = (start_on.toordinal(), end_on.toordinal() + 1)
        groups[(title_id, media)].append((territory, is_held, interval))
    mask: dict[str, int] = {}  # node → bit mask of the asked leaves it covers
    for node in touching(q.territory):
        covered = leaves_of(node)
        mask[node] = sum(1 << i for i, leaf in enumerate(asked) if leaf in covered)
    full = (1 << len(asked)) - 1
    free_days: dict[int, int] = defaultdict(int)
    free_cells: dict[int, int] = defaultdict(int)
    for (title_id, media), lines in groups.items():
        if (title_id, media) in lingual:
            continue  # answered below, by the engine
        for leaves, count in _leaf_classes(lines, mask, full, len(asked)):
            held = [iv for node, is_held, iv in lines if is_held and mask[node] & leaves]
            if not held:
                continue
            free = avails.intersect(avails.union(held), [window])
            blocked = [iv for node, is_held, iv in lines if not is_held and mask[node] & leaves]
            if free and blocked:
                free = avails.subtract(free, avails.union(blocked))
            if free:
                free_cells[title_id] += count
                free_days[title_id] += count * sum(b - a for a, b in free)
    if lingual:
        # Held in some languages only: the engine answers each leaf of these groups.
        engine_lines: dict[tuple[int, str], list[avails.Line]] = defaultdict(list)
        for row in (
            RightLine.objects.filter(
                title_id__in={t for t, _ in lingual}, media__in=q.media, start_on__lte=q.end_on,
                end_on__gte=q.start_on,
            )
            .order_by()
            .values_list("title_id", *_FIELDS)
        ):  # fmt: skip
            line = _line(row[1:])
            engine_lines[(row[0], line.media)].append(line)
        for title_id, media in lingual:
            index = avails.Index(engine_lines[(title_id, media)])
            for leaf in asked:
                c = avails.cell(
                    index, media, leaf, window, exclusive=q.exclusive, languages=q.languages
                )
                if c.free:
                    free_cells[title_id] += 1
                    free_days[title_id] += sum(b - a for a, b in c.free)
    found = [(title_id, days, free_cells[title_id]) for title_id, days in free_days.items()]
    found.sort(key=lambda t: (-t[1], t[0]))
    return found[:limit]


def _leaf_classes(lines, mask: dict[str, int], full: int, n: int) -> list[tuple[int, int]]:
    """The asked leaves split by which lines cover them: (one leaf's bit, how many leaves)."""
    masks = {mask[node] for node, _, _ in lines}
    if masks <= {full}:
        return [(1, n)]  # every line covers every leaf asked: one class
    classes: dict[tuple[bool, ...], list[int]] = {}
    ordered = sorted(masks)
    for i in range(n):
        bit = 1 << i
        signature = tuple(bool(m & bit) for m in ordered)
        classes.setdefault(signature, []).append(bit)
    return [(bits[0], len(bits)) for bits in classes.values()]


def deals(
    *, direction: str | None = None, title_id: int | None = None, limit: int = 200
) -> QuerySet[Deal]:
    rows = Deal.objects.select_related("title")
    if direction:
        rows = rows.filter(direction=direction)
    if title_id is not None:
        rows = rows.filter(title_id=title_id)
    return rows.order_by("-signed_on", "-pk")[:limit]


def deal_window(deal_id: int) -> tuple[dt.date, dt.date] | None:
    """The first and last day of the deal's grants as they stand (``None``: none left)."""
    window = RightLine.objects.filter(deal_id=deal_id, kind="grant").aggregate(
        first=Min("start_on"), last=Max("end_on")
    )
    return None if window["first"] is None else (window["first"], window["last"])


def deal(deal_id: int) -> Deal | None:
    """One deal with its title, lines, instalments, reports and changes loaded (five queries)."""
    return (
        Deal.objects.select_related("title")
        .prefetch_related(
            Prefetch("lines", queryset=RightLine.objects.order_by("kind", "media", "territory")),
            Prefetch("instalments", queryset=Instalment.objects.order_by("seq")),
            Prefetch("reports", queryset=RevenueReport.objects.order_by("period_start")),
            Prefetch(
                "changes",
                queryset=DealChange.objects.select_related("changed_by").order_by("changed_at"),
            ),
        )
        .filter(pk=deal_id)
        .first()
    )


@dataclass(frozen=True)
class GridCell:
    """One (territory node, medium) square of the avails grid."""

    state: str  # "free", "partial", "taken" or "not_held"
    free: list[avails.Part]
    deal_ids: list[int]


@dataclass(frozen=True)
class Grid:
    answer: Answer
    territories: list[str]  # the rows: the node asked's children (or the node itself)
    media: list[str]  # the columns
    cells: dict[tuple[str, str], GridCell]  # (territory, medium) → cell


def grid(title_id: int, q: Question) -> Grid:
    """The avails answer folded into a territory × medium grid for people to scan.

    A square is *free* when every leaf under it is free for the whole window,
    *not held* when none of it is held at all, *taken* when nothing in it is
    free (the deals in the way are named), and *partial* otherwise.
    """
    from marquee.rights.territories import children_of

    answer = title_avails(title_id, q)
    rows = list(children_of(q.territory)) or [q.territory]
    by_key = {(c.media, c.leaf): c for c in answer.cells}
    whole = (q.window,)
    cells: dict[tuple[str, str], GridCell] = {}
    for node in rows:
        for m in q.media:
            mine = [by_key[(m, leaf)] for leaf in sorted(leaves_of(node))]
            deal_ids = sorted({d for c in mine for _, d in c.taken})
            if all(c.free == whole for c in mine):
                state = "free"
            elif all(c.not_held == whole for c in mine):
                state = "not_held"
            elif not any(c.free for c in mine):
                state = "taken"
            else:
                state = "partial"
            cells[(node, m)] = GridCell(state, avails.group(mine, "free"), deal_ids)
    return Grid(answer=answer, territories=rows, media=q.media, cells=cells)
