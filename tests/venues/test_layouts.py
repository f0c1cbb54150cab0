"""The layout format: every kind of bad layout is refused with the seat and the reason."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marquee.venues.layouts import (
    FORMAT,
    MAX_SEATS,
    InvalidLayout,
    Layout,
    parse_layout,
)
from tests.venues.conftest import small_layout


def problems_of(data: Any) -> list[dict[str, Any]]:
    with pytest.raises(InvalidLayout) as info:
        parse_layout(data)
    assert info.value.code == "invalid_layout"
    assert info.value.detail["errors"] == info.value.problems
    return info.value.problems


def only(problems: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [p for p in problems if p["problem"] == kind]


def seat(row: int, column: int, label: str, number: str, type_: str = "standard", **kw: Any):
    return {"row": row, "column": column, "row_label": label, "number": number, "type": type_, **kw}


def test_valid_layout_parses_into_dataclass():
    layout = parse_layout(small_layout())
    assert isinstance(layout, Layout)
    assert layout.seat_count == 8
    assert layout.aisles_after_columns == (2,)
    couple = next(s for s in layout.seats if s.code == "3-1")
    assert couple.pair == "3-2"
    assert couple.label == "3排1座"
    assert [s.type for s in layout.seats][:2] == ["wheelchair", "companion"]


def test_not_an_object_is_refused():
    assert only(problems_of([1, 2]), "not_an_object")
    assert only(problems_of("hall"), "not_an_object")


def test_duplicate_label_names_both_positions():
    data = small_layout()
    data["seats"][3]["number"] = "1"  # 2-2 becomes a second 2-1
    [p] = only(problems_of(data), "duplicate_label")
    assert p["seat"] == "2-1"
    assert p["index"] == 3
    assert "2排1座" in p["message"] and "row 1, column 0" in p["message"]


def test_two_seats_in_one_cell():
    data = small_layout()
    data["seats"].append(seat(1, 0, "2", "9"))
    [p] = only(problems_of(data), "cell_taken")
    assert p["seat"] == "2-9"
    assert (p["row"], p["column"]) == (1, 0)
    assert "2-1" in p["message"]


def test_couple_seat_without_partner():
    data = small_layout()
    del data["seats"][6]["pair"]
    problems = problems_of(data)
    [p] = only(problems, "couple_without_partner")
    assert p["seat"] == "3-1"
    # its former partner still points at it but is not pointed back at
    [q] = only(problems, "partner_not_mutual")
    assert q["seat"] == "3-2"


def test_couple_partner_missing():
    data = small_layout()
    data["seats"].pop(7)  # remove 3-2, leaving 3-1 half a pair
    [p] = only(problems_of(data), "partner_missing")
    assert p["seat"] == "3-1" and "3-2" in p["message"]


def test_couple_partner_not_a_couple_seat():
    data = small_layout()
    data["seats"][7]["type"] = "standard"
    problems = problems_of(data)
    [p] = only(problems, "partner_not_couple")
    assert p["seat"] == "3-1"
    [q] = only(problems, "pair_on_single_seat")
    assert q["seat"] == "3-2"


def test_couple_partner_not_adjacent_or_in_another_row():
    data = small_layout(columns=8)
    data["seats"][7]["column"] = 6  # a gap between the halves
    problems = only(problems_of(data), "partner_not_adjacent")
    assert {p["seat"] for p in problems} == {"3-1", "3-2"}
    data = small_layout()
    data["seats"][7]["row"] = 1  # other row
    data["seats"][7]["column"] = 5
    problems = only(problems_of(data), "partner_not_adjacent")
    assert {p["seat"] for p in problems} == {"3-1", "3-2"}


def test_couple_pair_across_an_aisle():
    data = small_layout(aisles_after_columns=[3])
    problems = only(problems_of(data), "partner_not_adjacent")
    assert {p["seat"] for p in problems} == {"3-1", "3-2"}
    assert "aisle" in problems[0]["message"]


def test_couple_pairs_not_mutual():
    data = small_layout()
    data["seats"].append(seat(2, 5, "3", "3", "couple", pair="3-2"))
    problems = only(problems_of(data), "partner_not_mutual")
    assert [p["seat"] for p in problems] == ["3-3"]


def test_couple_pairs_with_itself():
    data = small_layout()
    data["seats"][6]["pair"] = "3-1"
    problems = problems_of(data)
    assert any(p["seat"] == "3-1" and "itself" in p["message"] for p in problems)


def test_seat_outside_grid():
    data = small_layout()
    data["seats"].append(seat(3, 0, "4", "1"))
    data["seats"].append(seat(0, 6, "1", "9"))
    data["seats"].append(seat(-1, 0, "0", "1"))
    problems = only(problems_of(data), "outside_grid")
    assert {p["seat"] for p in problems} == {"4-1", "1-9", "0-1"}
    assert "3×6" in problems[0]["message"]


def test_empty_hall():
    assert only(problems_of(small_layout(seats=[])), "empty_hall")
    no_seats = small_layout()
    del no_seats["seats"]
    assert only(problems_of(no_seats), "empty_hall")
    assert only(problems_of(grid_layout(["....", "  "])), "empty_hall")
    assert only(problems_of(grid_layout([])), "empty_hall")


def test_unknown_seat_type():
    data = small_layout()
    data["seats"][2]["type"] = "sofa"
    [p] = only(problems_of(data), "unknown_seat_type")
    assert p["seat"] == "2-1" and "'sofa'" in p["message"]


@pytest.mark.parametrize("screen", ["north", "", None, 3])
def test_bad_screen_side(screen):
    [p] = only(problems_of(small_layout(screen=screen)), "bad_screen_side")
    assert p["field"] == "screen"


def test_too_many_seats():
    rows, columns = 50, 41
    seats = [seat(r, c, str(r + 1), str(c + 1)) for r in range(rows) for c in range(columns)]
    assert len(seats) > MAX_SEATS
    problems = problems_of(small_layout(rows=rows, columns=columns, seats=seats))
    assert [p["problem"] for p in problems] == ["too_many_seats"]
    assert str(MAX_SEATS) in problems[0]["message"]


def test_exactly_the_maximum_is_accepted():
    seats = [seat(r, c, str(r + 1), str(c + 1)) for r in range(40) for c in range(50)]
    assert len(seats) == MAX_SEATS
    assert parse_layout(small_layout(rows=40, columns=50, seats=seats)).seat_count == MAX_SEATS


@pytest.mark.parametrize(
    ("field", "value", "bad_index"),
    [
        ("aisles_after_rows", [2], 2),  # after the last row
        ("aisles_after_rows", [-1], -1),
        ("aisles_after_columns", [5], 5),
        ("aisles_after_columns", [1, 1], 1),  # listed twice
        ("aisles_after_columns", ["2"], "2"),
        ("aisles_after_columns", [True], True),
    ],
)
def test_bad_aisle_indexes(field, value, bad_index):
    problems = only(problems_of(small_layout(**{field: value})), "bad_aisle_index")
    assert problems and problems[0]["field"].startswith(field)
    assert repr(bad_index) in problems[0]["message"] or str(bad_index) in problems[0]["message"]


def test_aisles_must_be_a_list():
    assert only(problems_of(small_layout(aisles_after_rows=3)), "bad_aisle_index")


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"format": "marquee.layout/9"}, "bad_format"),
        ({"name": ""}, "bad_name"),
        ({"name": "x" * 101}, "bad_name"),
        ({"rows": 0}, "bad_dimensions"),
        ({"columns": "6"}, "bad_dimensions"),
        ({"rows": 201}, "bad_dimensions"),
        ({"formats": "IMAX"}, "bad_formats"),
        ({"formats": ["IMAX", ""]}, "bad_formats"),
        ({"seats": "all of them"}, "bad_seats"),
        ({"colour": "red"}, "unknown_field"),
    ],
)
def test_bad_top_level_fields(overrides, problem):
    assert only(problems_of(small_layout(**overrides)), problem)


def test_bad_seat_objects():
    data = small_layout()
    data["seats"].extend(
        [
            "1-3",
            {"row": 0, "column": 3, "row_label": "1", "number": "3", "colour": "red"},
            {"row": 0, "column": 4, "row_label": "1 ", "number": "a-b"},
            {"row": 0.5, "column": 5, "row_label": "1", "number": "5"},
            {"row": 0, "column": 5, "row_label": "1", "number": "6", "pair": 7},
        ]
    )
    problems = problems_of(data)
    kinds = [(p["problem"], p.get("index")) for p in problems]
    assert ("bad_seat", 8) in kinds
    assert ("unknown_field", 9) in kinds
    assert ("bad_label", 10) in kinds
    assert ("bad_seat", 11) in kinds
    assert ("bad_seat", 12) in kinds


def test_every_problem_is_listed_at_once():
    data = small_layout(screen="diagonal", aisles_after_rows=[7])
    data["seats"][0]["type"] = "throne"
    data["seats"][2]["row"] = 9
    data["seats"][3]["number"] = "1"
    del data["seats"][6]["pair"]
    problems = problems_of(data)
    kinds = {p["problem"] for p in problems}
    assert {
        "bad_screen_side",
        "bad_aisle_index",
        "unknown_seat_type",
        "outside_grid",
        "couple_without_partner",
        "partner_not_mutual",
    } <= kinds
    # every seat-level problem names its seat and why
    for p in problems:
        assert p["message"]
        if p["problem"] not in {"bad_screen_side", "bad_aisle_index"}:
            assert p["seat"]


def test_labels_given_as_numbers_are_text():
    data = small_layout()
    data["seats"][2]["row_label"] = 2
    data["seats"][2]["number"] = 1
    assert parse_layout(data).seats[2].code == "2-1"


def test_read_only_export_fields_are_ignored():
    data = parse_layout(small_layout()).to_dict()
    data.update(hall_id=5, venue="x", layout_version=3, seat_count=8, layout_locked=False)
    assert parse_layout(data) == parse_layout(small_layout())


# --- the compact grid form -----------------------------------------------------


def grid_layout(grid: list[str], **kw: Any) -> dict[str, Any]:
    return {"format": FORMAT, "name": "Grid Hall", "grid": grid, **kw}


def test_grid_form_expands_to_explicit_seats():
    layout = parse_layout(
        grid_layout(
            ["..SSSS..", "WASSSSAW", "SSVVVVSS", "", "CCCC.CC."],
            aisles_after_columns=[1, 4],
            aisles_after_rows=[2],
            formats=["2D", "IMAX"],
        )
    )
    assert (layout.rows, layout.columns) == (5, 8)
    assert layout.seat_count == 4 + 8 + 8 + 6
    codes = {s.code: s for s in layout.seats}
    # rows are numbered from the screen, skipping the empty row; seats left to right
    assert codes["1-1"].column == 2
    assert codes["2-1"].type == "wheelchair" and codes["2-2"].type == "companion"
    assert codes["3-3"].type == "vip"
    assert codes["4-1"].type == "couple" and codes["4-1"].pair == "4-2"
    assert codes["4-3"].pair == "4-4" and codes["4-5"].pair == "4-6"
    assert layout.formats == ("2D", "IMAX")
    exported = layout.to_dict()
    assert "grid" not in exported and len(exported["seats"]) == layout.seat_count
    assert parse_layout(exported) == layout


def test_grid_couples_do_not_pair_across_aisles_or_when_odd():
    problems = problems_of(grid_layout(["CCC", "SSS"]))
    [p] = only(problems, "couple_without_partner")
    assert p["seat"] == "1-3"
    problems = problems_of(grid_layout(["CC", "SS"], aisles_after_columns=[0]))
    assert len(only(problems, "couple_without_partner")) == 2


def test_grid_row_labels_and_numbering():
    layout = parse_layout(
        grid_layout(["SSS", "SSS"], row_labels=["A", "B"], numbering="right_to_left")
    )
    codes = {s.code: (s.row, s.column) for s in layout.seats}
    assert codes["A-1"] == (0, 2) and codes["B-3"] == (1, 0)


def test_grid_problems():
    assert only(problems_of(grid_layout(["SXS"])), "unknown_seat_type")[0]["column"] == 1
    assert only(problems_of(grid_layout("SSS")), "bad_grid")
    assert only(problems_of(grid_layout(["SS"], row_labels=["A", "B"])), "bad_grid")
    assert only(problems_of(grid_layout(["SS"], numbering="spiral")), "bad_grid")
    assert only(problems_of(grid_layout(["SS"], rows=2)), "bad_dimensions")
    both = grid_layout(["SS"])
    both["seats"] = []
    assert only(problems_of(both), "bad_seats")
    assert only(problems_of(small_layout(numbering="left_to_right")), "bad_grid")
    # duplicate explicit row labels are caught by the common checks
    assert only(problems_of(grid_layout(["S", "S"], row_labels=["A", "A"])), "duplicate_label")


def test_render_draws_the_grid():
    text = parse_layout(
        grid_layout(["WS.CC", "SSVCC"], aisles_after_columns=[1], aisles_after_rows=[0])
    ).render()
    assert text.splitlines() == ["WS .CC", "", "SS VCC"]


# --- round trip on generated valid grids ------------------------------------------

CELL = st.sampled_from(".SSSSVWAC")


@st.composite
def valid_grids(draw) -> dict[str, Any]:
    rows = draw(st.integers(1, 8))
    columns = draw(st.integers(1, 12))
    aisles_c = draw(st.sets(st.integers(0, columns - 2), max_size=3)) if columns > 1 else set()
    aisles_r = draw(st.sets(st.integers(0, rows - 2), max_size=2)) if rows > 1 else set()
    grid = []
    for _ in range(rows):
        cells = draw(st.lists(CELL, min_size=columns, max_size=columns))
        # keep only whole couple pairs: a run of C breaks at gaps, other seats and aisles
        run: list[int] = []
        for c in [*range(columns), None]:
            breaks = (
                c is None or cells[c] != "C" or (run and (c != run[-1] + 1 or run[-1] in aisles_c))
            )
            if breaks:
                if len(run) % 2:
                    cells[run[-1]] = "S"
                run = []
            if c is not None and cells[c] == "C":
                run.append(c)
        grid.append("".join(cells))
    if all(set(line) <= {"."} for line in grid):
        grid[0] = "S" + grid[0][1:]
    data: dict[str, Any] = {
        "format": FORMAT,
        "name": draw(st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=20)),
        "screen": draw(st.sampled_from(["top", "bottom", "left", "right"])),
        "aisles_after_rows": sorted(aisles_r),
        "aisles_after_columns": sorted(aisles_c),
        "formats": draw(st.lists(st.sampled_from(["2D", "3D", "IMAX", "DOLBY"]), unique=True)),
        "grid": grid,
        "numbering": draw(st.sampled_from(["left_to_right", "right_to_left"])),
    }
    if draw(st.booleans()):
        labels = draw(
            st.lists(
                st.text("ABCDEFGHJK排区", min_size=1, max_size=3),
                min_size=rows,
                max_size=rows,
                unique=True,
            )
        )
        data["row_labels"] = labels
    return data


@settings(max_examples=150, deadline=None)
@given(valid_grids())
def test_import_export_round_trip(data):
    layout = parse_layout(data)
    exported = layout.to_dict()
    again = parse_layout(copy.deepcopy(exported))
    assert again == layout
    assert again.to_dict() == exported
    assert sum(line.count("C") for line in data["grid"]) == sum(
        1 for s in layout.seats if s.type == "couple"
    )


@pytest.mark.django_db
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=valid_grids())
def test_database_round_trip(make_chain, make_venue, data):
    from marquee.venues import services
    from marquee.venues.layouts import export_hall

    venue = make_venue(make_chain())
    layout = parse_layout(data)
    hall = services.create_hall(venue=venue, layout=data, actor=services.SYSTEM)
    assert hall.seat_count == layout.seat_count == hall.seats.count()
    assert export_hall(hall) == layout.to_dict()
    assert parse_layout(export_hall(hall)) == layout


def test_examples_in_the_docs_are_valid():
    import json
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "layouts.md").read_text()
    blocks = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", text, re.S)]
    layouts = [b for b in blocks if "format" in b]
    assert len(layouts) == 2
    explicit, compact = (parse_layout(b) for b in layouts)
    assert explicit.seat_count == 6 and compact.seat_count == 2 + 4 + 8 + 8
    [error_doc] = [b for b in blocks if b.get("code") == "invalid_layout"]
    bad = copy.deepcopy(layouts[0])
    bad["seats"][0]["type"] = "throne"
    del bad["seats"][4]["pair"]
    bad["seats"].pop(5)
    assert problems_of(bad) == error_doc["errors"]
