"""Stable error codes of the waiting list and of reviews, with their sentences.

Kept apart from :mod:`marquee.ticketing.errors` (the buying path's codes): the
waiting list and reviews are what a moviegoer adds around a purchase.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from marquee.core.errors import ErrorCode


class AudienceErrorCode(ErrorCode):
    # the waiting list
    WAITLIST_NOT_SOLD_OUT = (
        "waitlist_not_sold_out",
        _("This showtime still has free seats: choose them on the seat map instead."),
    )
    WAITLIST_CLOSED = (
        "waitlist_closed",
        _("This showtime no longer sells tickets, so its waiting list is closed."),
    )
    WAITLIST_ALREADY_JOINED = (
        "waitlist_already_joined",
        _("You are on this showtime's waiting list already."),
    )
    WAITLIST_PARTY_SIZE = (
        "waitlist_party_size",
        _("Ask for 1 to %(max)s seats."),
    )
    WAITLIST_ENTRY_NOT_FOUND = (
        "waitlist_entry_not_found",
        _("No such place on a waiting list of yours."),
    )
    WAITLIST_NO_OFFER = (
        "waitlist_no_offer",
        _("There is no offer to accept: it lapsed, or it was accepted or declined already."),
    )
    WAITLIST_NOT_WAITING = (
        "waitlist_not_waiting",
        _("You are no longer waiting on this list."),
    )
    # reviews
    REVIEW_NEEDS_USED_TICKET = (
        "review_needs_used_ticket",
        _("Only moviegoers who saw this film with a Marquee ticket may rate it."),
    )
    REVIEW_STARS = "review_stars", _("Give 1 to 5 stars.")
    REVIEW_TOO_LONG = "review_too_long", _("A review is at most %(max)s characters.")
    REVIEW_NOT_FOUND = "review_not_found", _("No such review.")
    NOT_MODERATOR = "not_moderator", _("Only administrators moderate reviews.")
