"""Stable error codes of the ticketing domain (the ``code`` of its problem+json errors)."""

from __future__ import annotations

from enum import StrEnum


class TicketingErrorCode(StrEnum):
    # showtimes
    SHOWTIME_NOT_FOUND = "showtime_not_found"
    NOT_VENUE_SCHEDULER = "not_venue_scheduler"
    NOT_DISTRIBUTION_STAFF = "not_distribution_staff"
    TITLE_NOT_FOUND = "title_not_found"
    HALL_NOT_FOUND = "hall_not_found"
    RUNTIME_UNKNOWN = "runtime_unknown"
    SHOWTIME_OVERLAP = "showtime_overlap"
    SHOWTIME_IN_PAST = "showtime_in_past"
    SHOWTIME_NOT_EDITABLE = "showtime_not_editable"
    SHOWTIME_NOT_DRAFT = "showtime_not_draft"
    SHOWTIME_ALREADY_CANCELLED = "showtime_already_cancelled"
    FORMAT_NOT_SUPPORTED = "format_not_supported"
    INVALID_PRICE = "invalid_price"
    PRICE_MISSING = "price_missing"
    HALL_EMPTY = "hall_empty"
    NAIVE_DATETIME = "naive_datetime"
    INVALID_SHOWTIME = "invalid_showtime"
    # rounds and interest
    ROUND_NOT_FOUND = "round_not_found"
    INVALID_ROUND = "invalid_round"
    VENUE_NOT_FOUND = "venue_not_found"
    USER_NOT_FOUND = "user_not_found"
    CITY_NOT_FOUND = "city_not_found"
    SALES_NOT_OPEN = "sales_not_open"
    NOT_ELIGIBLE = "not_eligible"
    INVITATION_INVALID = "invitation_invalid"
    INVITATION_USED_UP = "invitation_used_up"
    ROUND_LIMIT_EXCEEDED = "round_limit_exceeded"
    # holds
    SHOWTIME_NOT_ON_SALE = "showtime_not_on_sale"
    SHOWTIME_STARTED = "showtime_started"
    NO_SEATS = "no_seats"
    TOO_MANY_SEATS = "too_many_seats"
    UNKNOWN_SEATS = "unknown_seats"
    DUPLICATE_SEATS = "duplicate_seats"
    COUPLE_SEAT_ALONE = "couple_seat_alone"
    SEATS_UNAVAILABLE = "seats_unavailable"
    HOLD_NOT_FOUND = "hold_not_found"
    HOLD_NOT_ACTIVE = "hold_not_active"
    HOLD_EXPIRED = "hold_expired"
    # orders
    ORDER_NOT_FOUND = "order_not_found"
    HOLD_ALREADY_ORDERED = "hold_already_ordered"
    ORDER_NOT_PENDING = "order_not_pending"
    ORDER_EXPIRED = "order_expired"
    INVALID_ORDER_TRANSITION = "invalid_order_transition"
