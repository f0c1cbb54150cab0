"""Parse and validate a layout document, collecting every problem before refusing it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from marquee.venues.errors import LayoutProblem
from marquee.venues.layouts.document import (
    FORMAT,
    LABEL_RE,
    MAX_COLUMNS,
    MAX_FORMATS,
    MAX_NAME_LENGTH,
    MAX_ROWS,
    MAX_SEATS,
    PROJECTION_FORMAT_RE,
    SCREEN_SIDES,
    SEAT_TYPES,
    InvalidLayout,
    Layout,
    ProblemList,
    SeatSpec,
    is_int,
    label_value,
    seat_code,
)
from marquee.venues.layouts.grid import expand_grid
from marquee.venues.models import SeatType

_TOP_FIELDS = frozenset(
    {
        "format",
        "name",
        "screen",
        "rows",
        "columns",
        "aisles_after_rows",
        "aisles_after_columns",
        "formats",
        "seats",
        "grid",
        "row_labels",
        "numbering",
    }
)
#: Fields an export carries for readers; ignored on import so an export round-trips.
_READ_ONLY_TOP_FIELDS = frozenset(
    {"hall_id", "venue", "layout_version", "seat_count", "layout_locked"}
)
_SEAT_FIELDS = frozenset({"row", "column", "row_label", "number", "type", "pair"})
_READ_ONLY_SEAT_FIELDS = frozenset({"code", "label"})


def parse_layout(data: Any) -> Layout:
    """Validate ``data`` (a decoded JSON object) and return the :class:`Layout`.

    Raises :class:`InvalidLayout` listing every problem when the layout breaks
    any rule of ``docs/layouts.md``. Touches no database.
    """
    if isinstance(data, Layout):
        return data
    out = ProblemList()
    if not isinstance(data, Mapping):
        out.add(
            LayoutProblem.NOT_AN_OBJECT,
            f"A layout is a JSON object, not {type(data).__name__}.",
            field="",
        )
        raise InvalidLayout(out.problems)

    for key in sorted(set(data) - _TOP_FIELDS - _READ_ONLY_TOP_FIELDS, key=str):
        out.add(LayoutProblem.UNKNOWN_FIELD, f"Unknown field {key!r}.", field=str(key))

    fmt = data.get("format")
    if fmt != FORMAT:
        out.add(
            LayoutProblem.BAD_FORMAT,
            f"'format' must be {FORMAT!r}, got {fmt!r}.",
            field="format",
        )

    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > MAX_NAME_LENGTH:
        out.add(
            LayoutProblem.BAD_NAME,
            f"'name' must be a text of 1–{MAX_NAME_LENGTH} characters.",
            field="name",
        )
        name = ""
    name = name.strip()

    screen = data.get("screen", "top")
    if screen not in SCREEN_SIDES:
        out.add(
            LayoutProblem.BAD_SCREEN_SIDE,
            f"'screen' must be one of {', '.join(SCREEN_SIDES)}; got {screen!r}.",
            field="screen",
        )

    formats = _parse_formats(data.get("formats", []), out)

    has_seats = "seats" in data
    has_grid = "grid" in data
    if has_seats and has_grid:
        out.add(
            LayoutProblem.BAD_SEATS,
            "Give either 'seats' (explicit form) or 'grid' (compact form), not both.",
            field="seats",
        )
        raise InvalidLayout(out.problems)

    rows, columns = _parse_dimensions(data, out, grid=data.get("grid") if has_grid else None)
    aisles_r = _parse_aisles(data.get("aisles_after_rows", []), rows, "aisles_after_rows", out)
    aisles_c = _parse_aisles(
        data.get("aisles_after_columns", []), columns, "aisles_after_columns", out
    )

    if has_grid:
        raw_seats: Any = expand_grid(data, rows, columns, aisles_c, out)
        seats_field = "grid"
    else:
        for key in ("row_labels", "numbering"):
            if key in data:
                out.add(
                    LayoutProblem.BAD_GRID,
                    f"{key!r} belongs to the compact 'grid' form only.",
                    field=key,
                )
        raw_seats = data.get("seats")
        seats_field = "seats"

    seats = _parse_seats(raw_seats, rows, columns, aisles_c, out, field=seats_field)

    if out.problems:
        raise InvalidLayout(out.problems)
    return Layout(
        name=name,
        screen=screen,
        rows=rows or 0,
        columns=columns or 0,
        aisles_after_rows=aisles_r,
        aisles_after_columns=aisles_c,
        formats=formats,
        seats=tuple(sorted(seats, key=lambda s: (s.row, s.column))),
    )


def _parse_formats(value: Any, out: ProblemList) -> tuple[str, ...]:
    if not isinstance(value, list):
        out.add(
            LayoutProblem.BAD_FORMATS,
            '\'formats\' must be a list of projection formats such as "2D" or "IMAX".',
            field="formats",
        )
        return ()
    if len(value) > MAX_FORMATS:
        out.add(
            LayoutProblem.BAD_FORMATS,
            f"At most {MAX_FORMATS} formats.",
            field="formats",
        )
    result: list[str] = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not PROJECTION_FORMAT_RE.match(item.strip()):
            out.add(
                LayoutProblem.BAD_FORMATS,
                f'Format {item!r} is not a short name such as "2D", "3D", "IMAX".',
                field=f"formats[{i}]",
            )
            continue
        item = item.strip()
        if item not in result:
            result.append(item)
    return tuple(result)


def _parse_dimensions(
    data: Mapping[str, Any], out: ProblemList, *, grid: Any
) -> tuple[int | None, int | None]:
    """Rows and columns; ``None`` for a dimension that is unusable."""
    derived: dict[str, int] = {}
    if grid is not None and isinstance(grid, list) and grid:
        derived["rows"] = len(grid)
        derived["columns"] = max((len(r) for r in grid if isinstance(r, str)), default=0)
    result: dict[str, int | None] = {}
    for key, limit in (("rows", MAX_ROWS), ("columns", MAX_COLUMNS)):
        value = data.get(key, derived.get(key))
        if key in derived and key in data and data[key] != derived[key]:
            out.add(
                LayoutProblem.BAD_DIMENSIONS,
                f"{key!r} is {data[key]!r} but the grid has {derived[key]}.",
                field=key,
            )
            result[key] = None
            continue
        if not is_int(value) or not 1 <= value <= limit:
            if grid is None or value is not None:
                out.add(
                    LayoutProblem.BAD_DIMENSIONS,
                    f"{key!r} must be a whole number from 1 to {limit}; got {value!r}.",
                    field=key,
                )
            result[key] = None
            continue
        result[key] = value
    return result["rows"], result["columns"]


def _parse_aisles(value: Any, size: int | None, field: str, out: ProblemList) -> tuple[int, ...]:
    """Aisle indexes: an aisle after row/column ``i`` lies between ``i`` and ``i + 1``."""
    if not isinstance(value, list):
        out.add(
            LayoutProblem.BAD_AISLE_INDEX,
            f"{field!r} must be a list of 0-based indexes.",
            field=field,
        )
        return ()
    seen: set[int] = set()
    for i, item in enumerate(value):
        where = f"{field}[{i}]"
        if not is_int(item):
            out.add(
                LayoutProblem.BAD_AISLE_INDEX,
                f"Aisle index {item!r} is not a whole number.",
                field=where,
            )
            continue
        if item in seen:
            out.add(
                LayoutProblem.BAD_AISLE_INDEX,
                f"Aisle index {item} is listed twice.",
                field=where,
            )
            continue
        if size is not None and not 0 <= item < size - 1:
            noun = field.rsplit("_", 1)[-1]
            allowed = f"0–{size - 2}" if size > 1 else "none: a single line has no aisle"
            out.add(
                LayoutProblem.BAD_AISLE_INDEX,
                f"Aisle index {item} is out of range ({allowed}): an aisle lies between "
                f"two of the {size} {noun}.",
                field=where,
            )
            continue
        seen.add(item)
    return tuple(sorted(seen))


def _parse_seats(
    raw: Any,
    rows: int | None,
    columns: int | None,
    aisles_c: tuple[int, ...],
    out: ProblemList,
    *,
    field: str,
) -> list[SeatSpec]:
    if raw is None and field == "grid":
        return []  # the grid itself was unusable; already reported
    if raw is None:
        out.add(LayoutProblem.EMPTY_HALL, "The hall has no 'seats'.", field="seats")
        return []
    if not isinstance(raw, list):
        out.add(LayoutProblem.BAD_SEATS, "'seats' must be a list of seat objects.", field="seats")
        return []
    if not raw:
        out.add(LayoutProblem.EMPTY_HALL, "The hall has no seats.", field=field)
        return []
    if len(raw) > MAX_SEATS:
        out.add(
            LayoutProblem.TOO_MANY_SEATS,
            f"The hall has {len(raw)} seats; at most {MAX_SEATS} are allowed.",
            field=field,
        )

    specs: list[tuple[int, SeatSpec]] = []
    for index, item in enumerate(raw):
        spec = _parse_one_seat(item, index, rows, columns, out)
        if spec is not None:
            specs.append((index, spec))

    _check_uniqueness(specs, out)
    _check_couples(specs, aisles_c, out)
    return [spec for _, spec in specs]


def _parse_one_seat(
    item: Any,
    index: int,
    rows: int | None,
    columns: int | None,
    out: ProblemList,
) -> SeatSpec | None:
    where = f"seats[{index}]"
    if not isinstance(item, Mapping):
        out.add(
            LayoutProblem.BAD_SEAT,
            f"Seat #{index} is not an object.",
            field=where,
            index=index,
        )
        return None
    row_label = label_value(item.get("row_label"))
    number = label_value(item.get("number"))
    code = (
        seat_code(row_label, number)
        if row_label and number and LABEL_RE.match(row_label) and LABEL_RE.match(number)
        else None
    )
    name = f"Seat {code}" if code else f"Seat #{index}"
    ok = True

    for key in sorted(set(item) - _SEAT_FIELDS - _READ_ONLY_SEAT_FIELDS, key=str):
        out.add(
            LayoutProblem.UNKNOWN_FIELD,
            f"{name}: unknown field {key!r}.",
            field=f"{where}.{key}",
            seat=code,
            index=index,
        )

    for key, value in (("row_label", row_label), ("number", number)):
        if value is None or not LABEL_RE.match(value):
            out.add(
                LayoutProblem.BAD_LABEL,
                f"{name}: {key!r} must be 1–10 characters without spaces or "
                f"hyphens; got {item.get(key)!r}.",
                field=f"{where}.{key}",
                seat=code,
                index=index,
            )
            ok = False

    row, column = item.get("row"), item.get("column")
    if not is_int(row) or not is_int(column):
        out.add(
            LayoutProblem.BAD_SEAT,
            f"{name}: 'row' and 'column' must be whole numbers (0-based); "
            f"got row={row!r}, column={column!r}.",
            field=where,
            seat=code,
            index=index,
        )
        ok = False
    elif (rows is not None and not 0 <= row < rows) or (
        columns is not None and not 0 <= column < columns
    ):
        out.add(
            LayoutProblem.OUTSIDE_GRID,
            f"{name} at row {row}, column {column} lies outside the "
            f"{rows if rows is not None else '?'}×{columns if columns is not None else '?'} grid.",
            field=where,
            seat=code,
            index=index,
            row=row,
            column=column,
        )
        ok = False
    elif row < 0 or column < 0:
        ok = False

    kind = item.get("type", SeatType.STANDARD.value)
    if kind not in SEAT_TYPES:
        out.add(
            LayoutProblem.UNKNOWN_SEAT_TYPE,
            f"{name}: unknown seat type {kind!r} (known: {', '.join(SEAT_TYPES)}).",
            field=f"{where}.type",
            seat=code,
            index=index,
        )
        ok = False

    pair = item.get("pair")
    if pair is not None and not isinstance(pair, str):
        out.add(
            LayoutProblem.BAD_SEAT,
            f"{name}: 'pair' must be the partner's seat code such as \"10-4\".",
            field=f"{where}.pair",
            seat=code,
            index=index,
        )
        ok = False
    if not ok or row_label is None or number is None:
        return None
    return SeatSpec(
        row=row,
        column=column,
        row_label=row_label,
        number=number,
        type=kind,
        pair=pair.strip() if isinstance(pair, str) else None,
    )


def _check_uniqueness(specs: list[tuple[int, SeatSpec]], out: ProblemList) -> None:
    by_cell: dict[tuple[int, int], SeatSpec] = {}
    by_code: dict[str, SeatSpec] = {}
    for index, spec in specs:
        where = {
            "field": f"seats[{index}]",
            "seat": spec.code,
            "index": index,
            "row": spec.row,
            "column": spec.column,
        }
        taken = by_cell.setdefault((spec.row, spec.column), spec)
        if taken is not spec:
            out.add(
                LayoutProblem.CELL_TAKEN,
                f"Seat {spec.code} is in row {spec.row}, column {spec.column}, "
                f"where seat {taken.code} already is.",
                **where,
            )
        twin = by_code.setdefault(spec.code, spec)
        if twin is not spec:
            out.add(
                LayoutProblem.DUPLICATE_LABEL,
                f"Seat label {spec.label} ({spec.code}) is used twice: at row {twin.row}, "
                f"column {twin.column} and at row {spec.row}, column {spec.column}.",
                **where,
            )


def _check_couples(
    specs: list[tuple[int, SeatSpec]], aisles_c: Iterable[int], out: ProblemList
) -> None:
    """Every couple seat pairs with exactly one adjacent couple seat that pairs back."""
    aisles = set(aisles_c)
    by_code: dict[str, SeatSpec] = {}
    for _, spec in specs:
        by_code.setdefault(spec.code, spec)
    for index, spec in specs:
        for problem, message in _couple_problems(spec, by_code, aisles):
            out.add(
                problem,
                message,
                field=f"seats[{index}].pair",
                seat=spec.code,
                index=index,
                row=spec.row,
                column=spec.column,
            )


def _couple_problems(
    spec: SeatSpec, by_code: Mapping[str, SeatSpec], aisles: set[int]
) -> list[tuple[LayoutProblem, str]]:
    if spec.type != SeatType.COUPLE:
        if spec.pair:
            return [
                (
                    LayoutProblem.PAIR_ON_SINGLE_SEAT,
                    f"Seat {spec.code} is a {spec.type} seat but names a pair "
                    f"({spec.pair}); only couple seats are paired.",
                )
            ]
        return []
    if not spec.pair:
        return [
            (
                LayoutProblem.COUPLE_WITHOUT_PARTNER,
                f"Couple seat {spec.code} has no partner: set 'pair' to the code of the "
                "adjacent couple seat.",
            )
        ]
    if spec.pair == spec.code:
        return [
            (
                LayoutProblem.PARTNER_NOT_ADJACENT,
                f"Couple seat {spec.code} names itself as its partner.",
            )
        ]
    partner = by_code.get(spec.pair)
    if partner is None:
        return [
            (
                LayoutProblem.PARTNER_MISSING,
                f"Couple seat {spec.code} pairs with {spec.pair}, which is not in the layout.",
            )
        ]
    problems: list[tuple[LayoutProblem, str]] = []
    if partner.type != SeatType.COUPLE:
        problems.append(
            (
                LayoutProblem.PARTNER_NOT_COUPLE,
                f"Couple seat {spec.code} pairs with {partner.code}, a {partner.type} seat; "
                "both halves of a pair must be couple seats.",
            )
        )
    elif partner.pair != spec.code:
        problems.append(
            (
                LayoutProblem.PARTNER_NOT_MUTUAL,
                f"Couple seat {spec.code} pairs with {partner.code}, but {partner.code} "
                f"pairs with {partner.pair or 'nobody'}.",
            )
        )
    if partner.row != spec.row or abs(partner.column - spec.column) != 1:
        problems.append(
            (
                LayoutProblem.PARTNER_NOT_ADJACENT,
                f"Couple seat {spec.code} (row {spec.row}, column {spec.column}) and its "
                f"partner {partner.code} (row {partner.row}, column {partner.column}) must "
                "sit side by side in the same row.",
            )
        )
    elif min(partner.column, spec.column) in aisles:
        problems.append(
            (
                LayoutProblem.PARTNER_NOT_ADJACENT,
                f"Couple seat {spec.code} and its partner {partner.code} are separated by "
                "an aisle.",
            )
        )
    return problems
