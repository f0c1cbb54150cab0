"""Stable error codes of the ticketing domain and the sentences they stand for.

The code is the ``code`` of the problem+json error; the sentence is its
``detail`` and what the pages show, in the visitor's language (see
:mod:`marquee.core.errors`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.formats import date_format
from django.utils.translation import gettext as _now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from marquee.core.errors import ErrorCode


def seat_label(code: str) -> str:
    """``"5-8"`` as a person reads it: row 5 seat 8."""
    row, sep, number = code.rpartition("-")
    if not sep:
        return code
    return _now("row %(row)s seat %(number)s") % {"row": row, "number": number}


def _seats(detail: Mapping[str, Any], key: str = "seats") -> str:
    value = detail.get(key) or []
    if isinstance(value, str):
        return value
    if isinstance(value, Iterable):
        return ", ".join(seat_label(str(v)) for v in value)
    return ""


def _too_many_seats(d: Mapping[str, Any]) -> str:
    limit = int(d.get("max_seats") or 0)
    return ngettext(
        "One order holds at most %(max)d seat.", "One order holds at most %(max)d seats.", limit
    ) % {"max": limit}


def _local(moment: str, zone: str) -> datetime:
    return datetime.fromisoformat(moment).astimezone(ZoneInfo(zone))


def _overlap(d: Mapping[str, Any]) -> str:
    minutes = d.get("cleaning_buffer_minutes", 0)
    if not d.get("conflicting_title") or not d.get("time_zone"):
        return _now(
            "This hall already has a showtime then; showtimes in one hall need "
            "%(minutes)s minutes between them for cleaning."
        ) % {"minutes": minutes}
    start = _local(d["conflicting_starts_at"], d["time_zone"])
    end = _local(d["conflicting_ends_at"], d["time_zone"])
    return _now(
        "%(hall)s already shows %(title)s on %(day)s from %(start)s to %(end)s; showtimes in "
        "one hall need %(minutes)s minutes between them for cleaning. Choose another time or hall."
    ) % {
        "hall": d.get("hall_name", ""),
        "title": d["conflicting_title"],
        "day": date_format(start, "MONTH_DAY_FORMAT"),
        "start": date_format(start, "H:i"),
        "end": date_format(end, "H:i"),
        "minutes": minutes,
    }


def _in_past(d: Mapping[str, Any]) -> str:
    if d.get("field") == "sales_open_at":
        return _now("General sale must open before the showtime starts.")
    return _now("A showtime must start in the future.")


def _format_not_supported(d: Mapping[str, Any]) -> str:
    if d.get("hall_formats"):
        return _now("This hall shows %(formats)s only.") % {"formats": ", ".join(d["hall_formats"])}
    return _now("Choose one of the listed formats.")


_HOLD_EXPIRED = _(
    "Your seats were held for a limited time and the hold has expired; they are on sale "
    "again. Please choose your seats anew."
)


class TicketingErrorCode(ErrorCode):
    # showtimes
    SHOWTIME_NOT_FOUND = "showtime_not_found", _("No such showtime.")
    NOT_VENUE_SCHEDULER = (
        "not_venue_scheduler",
        _("You may not schedule showtimes at this cinema."),
    )
    NOT_DISTRIBUTION_STAFF = (
        "not_distribution_staff",
        _("Only distribution staff and administrators may do this."),
    )
    TITLE_NOT_FOUND = "title_not_found", _("No such film.")
    HALL_NOT_FOUND = "hall_not_found", _("No such hall.")
    RUNTIME_UNKNOWN = "runtime_unknown", _("Give the runtime in minutes (1 to 1440).")
    SHOWTIME_OVERLAP = "showtime_overlap", _overlap
    SHOWTIME_IN_PAST = "showtime_in_past", _in_past
    SHOWTIME_NOT_EDITABLE = (
        "showtime_not_editable",
        _(
            "Once published, only the languages and the general-sale opening can change; a "
            "cancelled showtime cannot change."
        ),
    )
    SHOWTIME_NOT_DRAFT = "showtime_not_draft", _("Only a draft can be published.")
    SHOWTIME_ALREADY_CANCELLED = (
        "showtime_already_cancelled",
        _("This showtime is already cancelled."),
    )
    FORMAT_NOT_SUPPORTED = "format_not_supported", _format_not_supported
    INVALID_PRICE = (
        "invalid_price",
        _("Prices are amounts of 0 or more, in the venue's currency."),
    )
    PRICE_MISSING = "price_missing", _("Give a price for every seat type in the hall.")
    HALL_EMPTY = "hall_empty", _("This hall has no seats.")
    NAIVE_DATETIME = "naive_datetime", _("Give a full date and time.")
    INVALID_SHOWTIME = "invalid_showtime", _("Some required fields are empty.")
    # rounds and interest
    ROUND_NOT_FOUND = "round_not_found", _("No such pre-sale round.")
    INVALID_ROUND = (
        "invalid_round",
        _("This pre-sale round is not valid; check its dates and limits."),
    )
    VENUE_NOT_FOUND = "venue_not_found", _("No such cinema.")
    VENUE_REQUIRED = (
        "venue_required",
        _("Name the cinema by its slug (venue) or its id (venue_id), one of the two."),
    )
    USER_NOT_FOUND = "user_not_found", _("No such account.")
    CITY_NOT_FOUND = "city_not_found", _("No such city.")
    SALES_NOT_OPEN = (
        "sales_not_open",
        _("Sales for this showtime have not opened yet and no pre-sale round is open for it."),
    )
    NOT_ELIGIBLE = (
        "not_eligible",
        _(
            "Only pre-sale buyers may buy now: register “want to see” for this film, or enter "
            "an invitation code."
        ),
    )
    INVITATION_INVALID = (
        "invitation_invalid",
        _("This invitation code is not valid for an open pre-sale round of this showtime."),
    )
    INVITATION_USED_UP = "invitation_used_up", _("This invitation code has been used up.")
    ROUND_LIMIT_EXCEEDED = (
        "round_limit_exceeded",
        _("You have reached the number of seats one account may buy in this pre-sale round."),
    )
    # holds
    SHOWTIME_NOT_ON_SALE = "showtime_not_on_sale", _("This showtime is not on sale.")
    SHOWTIME_STARTED = "showtime_started", _("This showtime has already started.")
    NO_SEATS = "no_seats", _("Choose at least one seat.")
    TOO_MANY_SEATS = "too_many_seats", _too_many_seats
    UNKNOWN_SEATS = (
        "unknown_seats",
        lambda d: _now("These seats are not in this hall: %(seats)s.") % {"seats": _seats(d)},
    )
    DUPLICATE_SEATS = (
        "duplicate_seats",
        lambda d: _now("Each seat once, please: %(seats)s.") % {"seats": _seats(d)},
    )
    COUPLE_SEAT_ALONE = (
        "couple_seat_alone",
        lambda d: (
            _now("Couple seats are sold as a pair: choose %(seats)s together with %(partners)s.")
            % {"seats": _seats(d), "partners": _seats(d, "partners")}
        ),
    )
    SEATS_UNAVAILABLE = (
        "seats_unavailable",
        lambda d: (
            _now(
                "Sorry, someone else has just taken %(seats)s. Nothing was held; the map now shows "
                "the seats as they are — please choose again."
            )
            % {"seats": _seats(d)}
        ),
    )
    HELD_SEATS_LIMIT = (
        "held_seats_limit",
        lambda d: (
            _now(
                "One account may hold at most %(limit)s seats of a showtime at once. Pay for or "
                "release the seats you hold first."
            )
            % {"limit": d.get("limit", "?")}
        ),
    )
    PENDING_ORDER_EXISTS = (
        "pending_order_exists",
        _(
            "You already have order %(order_id)s waiting for payment for this showtime. Continue "
            "to pay for it, or cancel it, before choosing other seats."
        ),
    )
    IN_WAITING_ROOM = (
        "in_waiting_room",
        lambda d: (
            _now(
                "Many people are buying for this showtime right now. You are number %(position)s "
                "in line and your place is kept: choose your seats again in a few seconds."
            )
            % {"position": d.get("position", "?")}
        ),
    )
    INVALID_WAITING_ROOM = (
        "invalid_waiting_room",
        _("A waiting room lets between 1 and 10,000 buyers in at once (empty: no room)."),
    )
    HOLD_NOT_FOUND = "hold_not_found", _("That seat hold is not yours or no longer exists.")
    HOLD_NOT_ACTIVE = "hold_not_active", _("Those seats are no longer held for you.")
    HOLD_EXPIRED = "hold_expired", _HOLD_EXPIRED
    # orders
    ORDER_NOT_FOUND = "order_not_found", _("That order is not yours or does not exist.")
    HOLD_ALREADY_ORDERED = "hold_already_ordered", _("These seats are already in an order.")
    ORDER_NOT_PENDING = "order_not_pending", _("This order is no longer waiting for payment.")
    ORDER_EXPIRED = "order_expired", _HOLD_EXPIRED
    INVALID_ORDER_TRANSITION = (
        "invalid_order_transition",
        _("This order has changed meanwhile; please reload."),
    )
    # check-in and downloads
    NOT_VENUE_OPERATOR = (
        "not_venue_operator",
        _("Only this cinema's operators check tickets in at its doors."),
    )
    SHOWTIME_NOT_AT_VENUE = "showtime_not_at_venue", _("That showtime is not at this cinema.")
    TICKET_NOT_FOUND = "ticket_not_found", _("That ticket is not yours or does not exist.")
    PICKUP_CODE_NOT_FOUND = (
        "pickup_code_not_found",
        _("No ticket with this pickup code at this cinema."),
    )
    TICKET_NOT_ACTIVE = (
        "ticket_not_active",
        _("This ticket no longer admits (it was used, refunded or exchanged)."),
    )
    NO_ACTIVE_TICKETS = "no_active_tickets", _("This order has no tickets that admit.")
    FORGED = "forged", _("This ticket code is not valid.")
    # refunds
    ORDER_NOT_REFUNDABLE = (
        "order_not_refundable",
        _("Only paid orders of showtimes still on sale can be refunded."),
    )
    NOTHING_TO_REFUND = "nothing_to_refund", _("There is no ticket to refund.")
    UNKNOWN_TICKETS = "unknown_tickets", _("Those tickets are not in this order.")
    TICKET_NOT_REFUNDABLE = (
        "ticket_not_refundable",
        _("Only valid tickets can be refunded; used, refunded or exchanged ones cannot."),
    )
    REFUND_WINDOW_CLOSED = (
        "refund_window_closed",
        _(
            "Refunds for this showtime have closed (the cinema's cut-off before the start has "
            "passed)."
        ),
    )
    TICKETS_CHANGED = (
        "tickets_changed",
        _("These tickets changed meanwhile (refunded, exchanged or used); please reload."),
    )
    IDEMPOTENCY_KEY_REUSED = (
        "idempotency_key_reused",
        _("This form was already used; please reload the page."),
    )
    INVALID_IDEMPOTENCY_KEY = (
        "invalid_idempotency_key",
        _("An idempotency key is 1 to 255 printable characters."),
    )
    # exchanges
    ORDER_NOT_EXCHANGEABLE = "order_not_exchangeable", _("Only paid orders can be exchanged.")
    TICKET_NOT_EXCHANGEABLE = "ticket_not_exchangeable", _("Only valid tickets can be exchanged.")
    EXCHANGE_NOT_ALLOWED = "exchange_not_allowed", _("This cinema does not exchange tickets.")
    EXCHANGE_WINDOW_CLOSED = (
        "exchange_window_closed",
        _("Exchanges for this showtime have closed."),
    )
    EXCHANGE_OTHER_TITLE = (
        "exchange_other_title",
        _("Tickets can only be exchanged for the same film."),
    )
    EXCHANGE_OTHER_VENUE = (
        "exchange_other_venue",
        _("Tickets can only be exchanged at the same cinema."),
    )
    EXCHANGE_SAME_SHOWTIME = (
        "exchange_same_showtime",
        _("Choose another showtime than the one you have."),
    )
    EXCHANGE_SEAT_COUNT = (
        "exchange_seat_count",
        _("Choose as many new seats as the tickets you give up."),
    )
    EXCHANGE_COSTS_MORE = (
        "exchange_costs_more",
        _(
            "The new seats cost more than the tickets you give up; choose seats of the same "
            "price or cheaper."
        ),
    )
    # settlement
    NOT_SETTLEMENT_VIEWER = (
        "not_settlement_viewer",
        _("A cinema's settlement is for its operators and distribution staff."),
    )
    INVALID_DATE = "invalid_date", _("Choose a day within the years the platform covers.")
    INVALID_SETTLEMENT_RULE = (
        "invalid_settlement_rule",
        _("A settlement rule needs a known territory and rates from 0 to 1."),
    )
    NOT_SETTLEMENT_PAYER = "not_settlement_payer", _("Only finance staff pay settlements.")
    SETTLEMENT_ALREADY_PAID = (
        "settlement_already_paid",
        _("The settlement of %(day)s was paid already."),
    )
    # discounts (the hook of ticketing/discounts.py)
    VOUCHER_NOT_ACCEPTED = "voucher_not_accepted", _("Vouchers cannot be used at the moment.")
