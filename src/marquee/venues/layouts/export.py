"""Export a stored hall to the explicit JSON form."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from marquee.venues.layouts.document import Layout, SeatSpec, seat_code

if TYPE_CHECKING:
    from marquee.venues.models import Hall


def layout_of_hall(hall: Hall) -> Layout:
    """The stored layout of ``hall`` (two queries: none for the hall, one for seats).

    Rows in the database were validated when written, so this does not re-validate.
    """
    rows = list(
        hall.seats.order_by("row", "column").values_list(
            "id", "row", "column", "row_label", "number", "kind", "partner_id"
        )
    )
    code_of = {pk: seat_code(label, number) for pk, _, _, label, number, _, _ in rows}
    seats = tuple(
        SeatSpec(
            row=row,
            column=column,
            row_label=label,
            number=number,
            type=kind,
            pair=code_of.get(partner_id) if partner_id is not None else None,
        )
        for _, row, column, label, number, kind, partner_id in rows
    )
    return Layout(
        name=hall.name,
        screen=hall.screen_side,
        rows=hall.rows,
        columns=hall.columns,
        aisles_after_rows=tuple(hall.aisles_after_rows or ()),
        aisles_after_columns=tuple(hall.aisles_after_columns or ()),
        formats=tuple(hall.formats or ()),
        seats=seats,
    )


def export_hall(hall: Hall) -> dict[str, Any]:
    """``hall`` in the explicit JSON form; :func:`parse_layout` accepts it unchanged."""
    return layout_of_hall(hall).to_dict()
