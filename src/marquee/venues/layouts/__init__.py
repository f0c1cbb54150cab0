"""The seat-layout JSON format: parse and validate it, export a hall to it.

The format (``marquee.layout/1``) is documented with examples in
``docs/layouts.md``. Two spellings are accepted on import:

* the explicit form, one object per seat (``"seats": [...]``) — this is what
  export always produces, so an export imports unchanged;
* a compact authoring form, one string per row (``"grid": ["..SSSS..", ...]``),
  which is expanded into the explicit form and then validated the same way.

:func:`parse_layout` never stops at the first problem: it collects every
problem, each naming the seat and the reason, and raises one
:class:`InvalidLayout` (code ``invalid_layout``) listing them all. Parsing is
pure — no database access — so forms and services can both call it.
"""

from marquee.venues.layouts.document import (
    FORMAT,
    GRID_GAP_CHARS,
    GRID_SEAT_CHARS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_SEATS,
    SCREEN_SIDES,
    SEAT_TYPES,
    InvalidLayout,
    Layout,
    SeatSpec,
    seat_code,
    seat_label,
)
from marquee.venues.layouts.export import export_hall, layout_of_hall
from marquee.venues.layouts.parse import parse_layout

__all__ = [
    "FORMAT",
    "GRID_GAP_CHARS",
    "GRID_SEAT_CHARS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_SEATS",
    "SCREEN_SIDES",
    "SEAT_TYPES",
    "InvalidLayout",
    "Layout",
    "SeatSpec",
    "export_hall",
    "layout_of_hall",
    "parse_layout",
    "seat_code",
    "seat_label",
]
