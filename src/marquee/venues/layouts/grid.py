"""The compact authoring form: one string per row, expanded into explicit seat objects."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marquee.venues.errors import LayoutProblem
from marquee.venues.layouts.document import (
    GRID_GAP_CHARS,
    GRID_SEAT_CHARS,
    NUMBERINGS,
    ProblemList,
    label_value,
    seat_code,
)
from marquee.venues.models import SeatType


def expand_grid(
    data: Mapping[str, Any],
    rows: int | None,
    columns: int | None,
    aisles_c: tuple[int, ...],
    out: ProblemList,
) -> list[dict[str, Any]] | None:
    """Turn the compact ``grid`` form into explicit seat objects (validated later)."""
    grid = data.get("grid")
    if not isinstance(grid, list) or not all(isinstance(r, str) for r in grid):
        out.add(
            LayoutProblem.BAD_GRID,
            "'grid' must be a list of strings, one per row.",
            field="grid",
        )
        return None
    if not any(ch not in GRID_GAP_CHARS for line in grid for ch in line):
        out.add(LayoutProblem.EMPTY_HALL, "The grid has no seats.", field="grid")
        return None
    if rows is None or columns is None:
        return None
    numbering = data.get("numbering", "left_to_right")
    if numbering not in NUMBERINGS:
        out.add(
            LayoutProblem.BAD_GRID,
            f"'numbering' must be one of {', '.join(NUMBERINGS)}; got {numbering!r}.",
            field="numbering",
        )
        numbering = "left_to_right"
    labels = data.get("row_labels")
    if labels is not None and (not isinstance(labels, list) or len(labels) != len(grid)):
        out.add(
            LayoutProblem.BAD_GRID,
            f"'row_labels' must be a list with one entry per grid row ({len(grid)}).",
            field="row_labels",
        )
        labels = None

    seats: list[dict[str, Any]] = []
    next_row_number = 1
    aisle_set = set(aisles_c)
    for r, line in enumerate(grid):
        cells: list[tuple[int, str]] = []
        for c, ch in enumerate(line):
            if ch in GRID_GAP_CHARS:
                continue
            kind = GRID_SEAT_CHARS.get(ch.upper())
            if kind is None:
                out.add(
                    LayoutProblem.UNKNOWN_SEAT_TYPE,
                    f"Grid row {r} column {c}: {ch!r} is not a seat character "
                    f"({', '.join(GRID_SEAT_CHARS)}) or a gap ('.', '_', ' ').",
                    field=f"grid[{r}]",
                    row=r,
                    column=c,
                )
                continue
            cells.append((c, kind))
        if not cells:
            continue
        if labels is not None:
            row_label = label_value(labels[r])
            if row_label is None:
                row_label = ""
        else:
            row_label = str(next_row_number)
        next_row_number += 1
        ordered = cells if numbering == "left_to_right" else list(reversed(cells))
        numbers = {c: str(n) for n, (c, _) in enumerate(ordered, start=1)}
        pairs = pair_couples_in_row(cells, aisle_set)
        for c, kind in cells:
            seat: dict[str, Any] = {
                "row": r,
                "column": c,
                "row_label": row_label,
                "number": numbers[c],
                "type": kind,
            }
            partner = pairs.get(c)
            if partner is not None:
                seat["pair"] = seat_code(row_label, numbers[partner])
            seats.append(seat)
    return seats


def pair_couples_in_row(cells: list[tuple[int, str]], aisles: set[int]) -> dict[int, int]:
    """Pair consecutive couple cells left to right; a run breaks at gaps and aisles.

    A couple cell left over (odd run) gets no partner, which validation reports.
    """
    pairs: dict[int, int] = {}
    run: list[int] = []

    def flush() -> None:
        for i in range(0, len(run) - 1, 2):
            pairs[run[i]] = run[i + 1]
            pairs[run[i + 1]] = run[i]
        run.clear()

    for c, kind in cells:
        if kind != SeatType.COUPLE:
            flush()
            continue
        if run and (c != run[-1] + 1 or run[-1] in aisles):
            flush()
        run.append(c)
    flush()
    return pairs
