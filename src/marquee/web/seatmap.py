"""Drawing a seat map: the hall grid of a showtime as positioned cells for the template.

The hall's layout is a grid of rows × columns (row 0 nearest the screen when
the screen is at the top); walkways sit *between* cells. The page draws it as
a CSS grid in which every aisle is an extra, narrow track and the row labels
take the first and last tracks. The screen may be on any side: for ``bottom``
the rows run upwards, for ``left``/``right`` the grid is transposed so the
rows become columns.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from marquee.ticketing.seatmap import SeatMap, SeatState
from marquee.venues.models import SeatType, display_seat_label
from marquee.web.templatetags.marquee_web import money


@dataclass(frozen=True)
class DrawnSeat:
    seat: SeatState
    x: int  # CSS grid column (1-based)
    y: int  # CSS grid row (1-based)
    number: str
    label: str  # "Row 5 Seat 8" / "5排8座": in the page's language
    aria: str  # what a screen reader says: row, seat, type, price, state
    mine: bool = False  # held by the viewer, in a pending order of theirs

    @property
    def available(self) -> bool:
        return self.seat.state == "free"


@dataclass(frozen=True)
class DrawnLabel:
    text: str
    x: int
    y: int


@dataclass(frozen=True)
class DrawnMap:
    seats: list[DrawnSeat]
    labels: list[DrawnLabel]
    tracks_x: str  # grid-template-columns
    tracks_y: str  # grid-template-rows
    width: int  # number of grid columns
    height: int
    screen_side: str
    seat_types: list[SeatTypeInfo]


@dataclass(frozen=True)
class SeatTypeInfo:
    value: str
    label: str
    price: int | None


def _tracks(size: int, aisles: set[int]) -> tuple[dict[int, int], list[str]]:
    """Grid line of each cell index (after a label track), and the track sizes."""
    position: dict[int, int] = {}
    tracks = ["var(--label)"]
    for index in range(size):
        tracks.append("var(--seat)")
        position[index] = len(tracks)
        if index in aisles and index < size - 1:
            tracks.append("var(--aisle)")
    tracks.append("var(--label)")
    return position, tracks


def draw(seat_map: SeatMap, *, mine: frozenset[str] = frozenset()) -> DrawnMap:
    """Position every seat and row label of ``seat_map`` on the page's grid.

    ``mine``: codes of seats the viewer holds themself (said so, not "another buyer").
    """
    side = (
        seat_map.screen_side
        if seat_map.screen_side in {"top", "bottom", "left", "right"}
        else "top"
    )
    transposed = side in {"left", "right"}
    row_lines, row_tracks = _tracks(seat_map.rows, set(seat_map.aisles_after_rows))
    col_lines, col_tracks = _tracks(seat_map.columns, set(seat_map.aisles_after_columns))
    if side in {"bottom", "right"}:
        # Row 0 is nearest the screen, which is below (or right): draw rows the other way.
        total = len(row_tracks)
        row_lines = {r: total + 1 - line for r, line in row_lines.items()}
        row_tracks = list(reversed(row_tracks))

    def place(row: int, column: int) -> tuple[int, int]:
        if transposed:
            return row_lines[row], col_lines[column]
        return col_lines[column], row_lines[row]

    seats: list[DrawnSeat] = []
    row_labels: dict[int, str] = {}
    for seat in seat_map.seats:
        x, y = place(seat.row, seat.column)
        row_label, _sep, number = seat.code.rpartition("-")
        seats.append(
            DrawnSeat(
                seat=seat,
                x=x,
                y=y,
                number=number,
                label=display_seat_label(row_label, number),
                aria=_describe(seat, seat_map.currency, mine=seat.code in mine),
                mine=seat.code in mine and seat.state == "held",
            )
        )
        row_labels.setdefault(seat.row, row_label)
    labels: list[DrawnLabel] = []
    width = len(row_tracks) if transposed else len(col_tracks)
    height = len(col_tracks) if transposed else len(row_tracks)
    for row, text in sorted(row_labels.items()):
        line = row_lines[row]
        if transposed:
            labels += [DrawnLabel(text, line, 1), DrawnLabel(text, line, height)]
        else:
            labels += [DrawnLabel(text, 1, line), DrawnLabel(text, width, line)]
    return DrawnMap(
        seats=seats,
        labels=labels,
        tracks_x=" ".join(row_tracks if transposed else col_tracks),
        tracks_y=" ".join(col_tracks if transposed else row_tracks),
        width=width,
        height=height,
        screen_side=side,
        seat_types=[
            SeatTypeInfo(value=t, label=_type_label(t), price=seat_map.prices.get(t))
            for t in sorted({s.seat_type for s in seat_map.seats})
        ],
    )


def _type_label(seat_type: str) -> str:
    try:
        return str(SeatType(seat_type).label)
    except ValueError:
        return seat_type


def _describe(seat: SeatState, currency: str, *, mine: bool = False) -> str:
    row, _sep, number = seat.code.rpartition("-")
    parts = [_("Row %(row)s, seat %(number)s") % {"row": row, "number": number}]
    parts.append(_type_label(seat.seat_type))
    if seat.price_minor is not None:
        parts.append(money(seat.price_minor, currency))
    if seat.partner:
        partner_number = seat.partner.rpartition("-")[2]
        parts.append(_("sold together with seat %(number)s") % {"number": partner_number})
    state = {
        "held": _("held by you") if mine else _("held by another buyer"),
        "sold": _("taken"),
        "closed": _("not on sale"),
    }.get(seat.state)
    if state:
        parts.append(state)
    return ", ".join(parts)
