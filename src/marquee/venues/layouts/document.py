"""The validated layout value types, the error, and the format's constants.

See ``docs/layouts.md`` for the format itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from marquee.core.errors import DomainError
from marquee.venues.errors import LayoutProblem, VenuesErrorCode
from marquee.venues.models import SeatType, seat_code, seat_label

FORMAT = "marquee.layout/1"
MAX_SEATS = 2000
MAX_ROWS = 200
MAX_COLUMNS = 200
MAX_NAME_LENGTH = 100
MAX_FORMATS = 10
SCREEN_SIDES = ("top", "bottom", "left", "right")
SEAT_TYPES = tuple(SeatType.values)

#: Row labels and seat numbers: 1–10 characters, no whitespace and no hyphen,
#: so the seat code ``<row_label>-<number>`` is unambiguous.
LABEL_RE = re.compile(r"^[^\s\-]{1,10}$")
PROJECTION_FORMAT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 +._]{0,19}$")

#: Cell characters of the compact ``grid`` form.
GRID_SEAT_CHARS = {
    "S": SeatType.STANDARD.value,
    "V": SeatType.VIP.value,
    "C": SeatType.COUPLE.value,
    "W": SeatType.WHEELCHAIR.value,
    "A": SeatType.COMPANION.value,
}
GRID_GAP_CHARS = frozenset(". _")
NUMBERINGS = ("left_to_right", "right_to_left")


@dataclass(frozen=True, slots=True)
class SeatSpec:
    """One seat of a validated layout; ``row`` and ``column`` are 0-based grid cells."""

    row: int
    column: int
    row_label: str
    number: str
    type: str = SeatType.STANDARD.value
    pair: str | None = None

    @property
    def code(self) -> str:
        return seat_code(self.row_label, self.number)

    @property
    def label(self) -> str:
        return seat_label(self.row_label, self.number)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "row": self.row,
            "column": self.column,
            "row_label": self.row_label,
            "number": self.number,
            "type": self.type,
        }
        if self.pair is not None:
            out["pair"] = self.pair
        out["code"] = self.code
        out["label"] = self.label
        return out


@dataclass(frozen=True, slots=True)
class Layout:
    """A validated layout: every invariant of ``docs/layouts.md`` holds.

    Only :func:`parse_layout` (and :func:`layout_of_hall` for rows already in
    the database) should build one.
    """

    name: str
    screen: str
    rows: int
    columns: int
    aisles_after_rows: tuple[int, ...]
    aisles_after_columns: tuple[int, ...]
    formats: tuple[str, ...]
    seats: tuple[SeatSpec, ...]

    @property
    def seat_count(self) -> int:
        return len(self.seats)

    def to_dict(self) -> dict[str, Any]:
        """The explicit JSON form (what export produces)."""
        return {
            "format": FORMAT,
            "name": self.name,
            "screen": self.screen,
            "rows": self.rows,
            "columns": self.columns,
            "aisles_after_rows": list(self.aisles_after_rows),
            "aisles_after_columns": list(self.aisles_after_columns),
            "formats": list(self.formats),
            "seats": [seat.to_dict() for seat in self.seats],
        }

    def render(self) -> str:
        """A text picture of the grid in the compact notation (for the admin and docs)."""
        chars = {v: k for k, v in GRID_SEAT_CHARS.items()}
        cells = [["."] * self.columns for _ in range(self.rows)]
        for seat in self.seats:
            cells[seat.row][seat.column] = chars.get(seat.type, "?")
        lines = []
        for r, row in enumerate(cells):
            line = ""
            for c, ch in enumerate(row):
                line += ch
                if c in self.aisles_after_columns:
                    line += " "
            lines.append(line.rstrip())
            if r in self.aisles_after_rows:
                lines.append("")
        return "\n".join(lines)


class InvalidLayout(DomainError):
    """The layout was refused; ``detail["errors"]`` lists every problem found.

    Each problem is ``{"problem": <LayoutProblem>, "message": str, "field": str}``
    plus ``"seat"`` (the seat code), ``"index"`` (position in ``seats``),
    ``"row"`` and ``"column"`` when they are known.
    """

    status = 400
    title = "Invalid seat layout"

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        count = len(problems)
        first = problems[0]["message"] if problems else "unknown problem"
        noun = "problem" if count == 1 else "problems"
        super().__init__(
            VenuesErrorCode.INVALID_LAYOUT,
            f"The layout has {count} {noun}; the first: {first}",
            errors=problems,
        )
        self.problems = problems


class ProblemList:
    """Problems found while parsing; validation keeps going to report them all."""

    def __init__(self) -> None:
        self.problems: list[dict[str, Any]] = []

    def add(self, problem: LayoutProblem, message: str, *, field: str, **where: Any) -> None:
        entry: dict[str, Any] = {"problem": str(problem), "message": message, "field": field}
        entry.update({k: v for k, v in where.items() if v is not None})
        self.problems.append(entry)


def is_int(value: Any) -> bool:
    """A JSON integer (``true`` is not 1 here)."""
    return isinstance(value, int) and not isinstance(value, bool)


def label_value(value: Any) -> str | None:
    """Row labels and numbers may be written as JSON numbers; they are kept as text."""
    if is_int(value) and value >= 0:
        return str(value)
    if isinstance(value, str):
        return value.strip()
    return None
