"""Stable error codes of the venues domain and the sentences they stand for."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from marquee.core.errors import ErrorCode


class VenuesErrorCode(ErrorCode):
    INVALID_LAYOUT = "invalid_layout", _("The seat layout is not valid; see the list of problems.")
    LAYOUT_LOCKED = (
        "layout_locked",
        _(
            "This hall's layout is locked because tickets exist or can be sold for its seats; "
            "create a new hall instead."
        ),
    )
    HALL_NAME_TAKEN = "hall_name_taken", _("This cinema already has a hall with that name.")
    HALL_NOT_FOUND = "hall_not_found", _("No such hall.")
    VENUE_NOT_FOUND = "venue_not_found", _("No such cinema.")
    VENUE_SLUG_TAKEN = "venue_slug_taken", _("Another cinema already uses this web address.")
    INVALID_VENUE = "invalid_venue", _("Some details of this cinema are not valid.")
    CITY_NOT_FOUND = "city_not_found", _("No such city.")
    NOT_VENUE_MANAGER = (
        "not_venue_manager",
        _("Only the chain's operators or administrators may change its cinemas."),
    )


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
