"""Stable error codes of the venues domain."""

from __future__ import annotations

from enum import StrEnum


class VenuesErrorCode(StrEnum):
    INVALID_LAYOUT = "invalid_layout"
    LAYOUT_LOCKED = "layout_locked"
    HALL_NAME_TAKEN = "hall_name_taken"
    HALL_NOT_FOUND = "hall_not_found"
    VENUE_NOT_FOUND = "venue_not_found"
    VENUE_SLUG_TAKEN = "venue_slug_taken"
    INVALID_VENUE = "invalid_venue"
    CITY_NOT_FOUND = "city_not_found"
    NOT_VENUE_MANAGER = "not_venue_manager"


class LayoutProblem(StrEnum):
    """Why one part of a layout was refused (``errors[].problem`` of ``invalid_layout``)."""

    NOT_AN_OBJECT = "not_an_object"
    UNKNOWN_FIELD = "unknown_field"
    BAD_FORMAT = "bad_format"
    BAD_NAME = "bad_name"
    BAD_SCREEN_SIDE = "bad_screen_side"
    BAD_DIMENSIONS = "bad_dimensions"
    BAD_AISLE_INDEX = "bad_aisle_index"
    BAD_FORMATS = "bad_formats"
    EMPTY_HALL = "empty_hall"
    TOO_MANY_SEATS = "too_many_seats"
    BAD_SEATS = "bad_seats"
    BAD_SEAT = "bad_seat"
    BAD_LABEL = "bad_label"
    OUTSIDE_GRID = "outside_grid"
    UNKNOWN_SEAT_TYPE = "unknown_seat_type"
    CELL_TAKEN = "cell_taken"
    DUPLICATE_LABEL = "duplicate_label"
    COUPLE_WITHOUT_PARTNER = "couple_without_partner"
    PARTNER_MISSING = "partner_missing"
    PARTNER_NOT_COUPLE = "partner_not_couple"
    PARTNER_NOT_ADJACENT = "partner_not_adjacent"
    PARTNER_NOT_MUTUAL = "partner_not_mutual"
    PAIR_ON_SINGLE_SEAT = "pair_on_single_seat"
    BAD_GRID = "bad_grid"
