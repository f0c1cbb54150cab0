"""Domain errors as sentences in the visitor's language.

Services raise :class:`~marquee.core.errors.DomainError` with a stable code, an
English message and structured detail. The API sends all three; the pages show
:func:`error_message`, which translates the codes people meet while buying,
scanning and scheduling, and falls back to the service's own English message
for the rest (never to a stack trace).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marquee.core.errors import DomainError


def _seats(detail: dict[str, Any], key: str = "seats") -> str:
    value = detail.get(key) or []
    if isinstance(value, str):
        return value
    if isinstance(value, Iterable):
        return ", ".join(_seat_label(str(v)) for v in value)
    return ""


def _seat_label(code: str) -> str:
    row, sep, number = code.rpartition("-")
    if not sep:
        return code
    return _("row %(row)s seat %(number)s") % {"row": row, "number": number}


def _overlap(detail: dict[str, Any]) -> str:
    from marquee.ticketing.models import Showtime
    from marquee.web.templatetags.marquee_web import in_zone

    clash = (
        Showtime.objects.select_related("title", "hall", "venue")
        .filter(pk=detail.get("conflicting_showtime_id") or 0)
        .first()
    )
    minutes = detail.get("cleaning_buffer_minutes", 0)
    if clash is None:
        return _(
            "This hall already has a showtime then; showtimes in one hall need "
            "%(minutes)s minutes between them for cleaning."
        ) % {"minutes": minutes}
    zone = clash.venue.time_zone
    return _(
        "%(hall)s already shows %(title)s on %(day)s from %(start)s to %(end)s; showtimes in "
        "one hall need %(minutes)s minutes between them for cleaning. Choose another time or hall."
    ) % {
        "hall": clash.hall.name,
        "title": clash.title.title,
        "day": date_format(in_zone(clash.starts_at, zone), "MONTH_DAY_FORMAT"),
        "start": date_format(in_zone(clash.starts_at, zone), "H:i"),
        "end": date_format(in_zone(clash.ends_at, zone), "H:i"),
        "minutes": minutes,
    }


_MESSAGES: dict[str, Callable[[dict[str, Any]], str]] = {
    # seats and holds
    "no_seats": lambda d: _("Choose at least one seat."),
    "too_many_seats": lambda d: (
        ngettext(
            "One order holds at most %(max)d seat.",
            "One order holds at most %(max)d seats.",
            int(d.get("max_seats") or 0),
        )
        % {"max": int(d.get("max_seats") or 0)}
    ),
    "duplicate_seats": lambda d: _("Each seat once, please: %(seats)s.") % {"seats": _seats(d)},
    "unknown_seats": lambda d: (
        _("These seats are not in this hall: %(seats)s.") % {"seats": _seats(d)}
    ),
    "couple_seat_alone": lambda d: (
        _("Couple seats are sold as a pair: choose %(seats)s together with %(partners)s.")
        % {"seats": _seats(d), "partners": _seats(d, "partners")}
    ),
    "seats_unavailable": lambda d: (
        _(
            "Sorry, someone else has just taken %(seats)s. Nothing was held; the map now shows "
            "the seats as they are — please choose again."
        )
        % {"seats": _seats(d)}
    ),
    "in_waiting_room": lambda d: (
        _(
            "Many people are buying for this showtime right now. You are number %(position)s "
            "in line and your place is kept: choose your seats again in a few seconds."
        )
        % {"position": d.get("position", "?")}
    ),
    "showtime_not_on_sale": lambda d: _("This showtime is not on sale."),
    "showtime_started": lambda d: _("This showtime has already started."),
    "sales_not_open": lambda d: _(
        "Sales for this showtime have not opened yet and no pre-sale round is open for it."
    ),
    "not_eligible": lambda d: _(
        "Only pre-sale buyers may buy now: register “want to see” for this film, or enter "
        "an invitation code."
    ),
    "invitation_invalid": lambda d: _(
        "This invitation code is not valid for an open pre-sale round of this showtime."
    ),
    "invitation_used_up": lambda d: _("This invitation code has been used up."),
    "round_limit_exceeded": lambda d: _(
        "You have reached the number of seats one account may buy in this pre-sale round."
    ),
    "held_seats_limit": lambda d: (
        _(
            "One account may hold at most %(limit)s seats of a showtime at once. Pay for or "
            "release the seats you hold first."
        )
        % {"limit": d["limit"]}
    ),
    "hold_not_found": lambda d: _("That seat hold is not yours or no longer exists."),
    "hold_not_active": lambda d: _("Those seats are no longer held for you."),
    "hold_expired": lambda d: _(
        "Your seats were held for a limited time and the hold has expired; they are on sale "
        "again. Please choose your seats anew."
    ),
    # orders and payment
    "order_not_found": lambda d: _("That order is not yours or does not exist."),
    "order_expired": lambda d: _(
        "Your seats were held for a limited time and the hold has expired; they are on sale "
        "again. Please choose your seats anew."
    ),
    "order_not_pending": lambda d: _("This order is no longer waiting for payment."),
    "hold_already_ordered": lambda d: _("These seats are already in an order."),
    "invalid_order_transition": lambda d: _("This order has changed meanwhile; please reload."),
    "idempotency_request_in_progress": lambda d: _(
        "Your previous request is still being processed; please wait a moment."
    ),
    # scheduling
    "showtime_overlap": _overlap,
    "showtime_in_past": lambda d: (
        _("General sale must open before the showtime starts.")
        if d.get("field") == "sales_open_at"
        else _("A showtime must start in the future.")
    ),
    "runtime_unknown": lambda d: _("Give the runtime in minutes (1 to 1440)."),
    "format_not_supported": lambda d: (
        _("This hall shows %(formats)s only.") % {"formats": ", ".join(d["hall_formats"])}
        if d.get("hall_formats")
        else _("Choose one of the listed formats.")
    ),
    "invalid_price": lambda d: _("Prices are amounts of 0 or more, in the venue's currency."),
    "price_missing": lambda d: _("Give a price for every seat type in the hall."),
    "hall_empty": lambda d: _("This hall has no seats."),
    "showtime_not_editable": lambda d: _(
        "Once published, only the languages and the general-sale opening can change; a "
        "cancelled showtime cannot change."
    ),
    "showtime_not_draft": lambda d: _("Only a draft can be published."),
    "showtime_already_cancelled": lambda d: _("This showtime is already cancelled."),
    "not_venue_scheduler": lambda d: _("You may not schedule showtimes at this cinema."),
    "showtime_not_found": lambda d: _("No such showtime."),
    "title_not_found": lambda d: _("No such film."),
    "hall_not_found": lambda d: _("No such hall."),
    "naive_datetime": lambda d: _("Give a full date and time."),
    "invalid_showtime": lambda d: _("Some required fields are empty."),
    "amount_too_precise": lambda d: _("Too many decimal places for this currency."),
    # refunds
    "order_not_refundable": lambda d: _(
        "Only paid orders of showtimes still on sale can be refunded."
    ),
    "nothing_to_refund": lambda d: _("There is no ticket to refund."),
    "unknown_tickets": lambda d: _("Those tickets are not in this order."),
    "ticket_not_refundable": lambda d: _(
        "Only valid tickets can be refunded; used, refunded or exchanged ones cannot."
    ),
    "refund_window_closed": lambda d: _(
        "Refunds for this showtime have closed (the cinema's cut-off before the start has passed)."
    ),
    "tickets_changed": lambda d: _(
        "These tickets changed meanwhile (refunded, exchanged or used); please reload."
    ),
    "idempotency_key_reused": lambda d: _("This form was already used; please reload the page."),
    # exchanges
    "exchange_not_allowed": lambda d: _("This cinema does not exchange tickets."),
    "exchange_window_closed": lambda d: _("Exchanges for this showtime have closed."),
    "exchange_other_title": lambda d: _("Tickets can only be exchanged for the same film."),
    "exchange_other_venue": lambda d: _("Tickets can only be exchanged at the same cinema."),
    "exchange_same_showtime": lambda d: _("Choose another showtime than the one you have."),
    "exchange_seat_count": lambda d: _("Choose as many new seats as the tickets you give up."),
    "exchange_costs_more": lambda d: _(
        "The new seats cost more than the tickets you give up; choose seats of the same price "
        "or cheaper."
    ),
    "order_not_exchangeable": lambda d: _("Only paid orders can be exchanged."),
    "ticket_not_exchangeable": lambda d: _("Only valid tickets can be exchanged."),
    # door and settlement
    "not_venue_operator": lambda d: _(
        "Only this cinema's operators check tickets in at its doors."
    ),
    "showtime_not_at_venue": lambda d: _("That showtime is not at this cinema."),
    "not_settlement_viewer": lambda d: _(
        "A cinema's settlement is for its operators and distribution staff."
    ),
    "invalid_amount": lambda d: _("That is not an amount of money."),
}


def error_message(exc: DomainError) -> str:
    """``exc`` as one sentence for a person, in the active language."""
    build = _MESSAGES.get(exc.code)
    if build is None:
        return exc.message
    try:
        return build(exc.detail)
    except (KeyError, TypeError, ValueError):
        return exc.message


def register(code: str, build: Callable[[dict[str, Any]], str]) -> None:
    """Add the sentence for a code (used by the pages of newer services)."""
    _MESSAGES[code] = build
