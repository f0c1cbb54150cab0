"""Stable error codes of the crowdfunding domain (problem+json ``code``) and their sentences.

The HTTP status travels with the exception class: :class:`NotFound` 404,
:class:`PermissionDenied` 403, :class:`Conflict` 409 (the state of the
offering refuses the request now), :class:`CrowdfundingError` 422 (the
request itself is wrong).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from marquee.core.errors import DomainError, ErrorCode


class CrowdfundingErrorCode(ErrorCode):
    OFFERING_NOT_FOUND = "offering_not_found", _("No such crowdfunding offering.")
    PLEDGE_NOT_FOUND = "pledge_not_found", _("No such pledge of yours.")
    PROJECT_NOT_FOUND = "project_not_found", _("No such project on the slate.")
    NOT_INVESTMENT_STAFF = (
        "not_investment_staff",
        _("Crowdfunding offerings are managed by investment staff."),
    )
    NOT_DISTRIBUTION_STAFF = (
        "presale_perk_forbidden",
        _("Only distribution staff may offer a place in a pre-sale round."),
    )
    INVALID_OFFERING = "invalid_offering", _("This offering is not valid: check %(field)s.")
    SLUG_TAKEN = "offering_slug_taken", _("Another offering already uses this address.")
    INVALID_UNITS = "invalid_units", _("Pledge a whole number of units, at least one.")
    NOT_OPEN_YET = "offering_not_open_yet", _("This offering opens at %(opens_at)s.")
    OFFERING_CLOSED = (
        "offering_closed",
        _("This offering has closed; pledges are no longer accepted."),
    )
    CAP_REACHED = (
        "offering_cap_reached",
        _("Only %(available)s units are left in this offering."),
    )
    BACKER_LIMIT = (
        "backer_limit",
        _(
            "Each backer holds between %(min_units)s and %(max_units)s units; "
            "you hold %(held)s and asked for %(requested)s more."
        ),
    )
    STILL_OPEN = "offering_still_open", _("This offering has not reached its closing time yet.")
    NOT_SUCCEEDED = (
        "offering_not_succeeded",
        _("Returns are paid only once a successful offering has released its funds."),
    )
    RETURNS_ALREADY_PAID = (
        "returns_already_paid",
        _("The returns of this offering have already been paid."),
    )
    NO_TITLE = (
        "project_has_no_title",
        _("The project has no catalog title yet, so it has no box office."),
    )
    INVALID_PRESALE_ROUND = (
        "invalid_presale_round",
        _("The pre-sale round must be an invitation round of this project's film."),
    )
    PERK_NOT_FOUND = "perk_not_found", _("No such perk of yours.")
    NO_PREMIERE_SHOWTIME = (
        "premiere_showtime_missing",
        _("The premiere showtime has not been chosen yet; come back when it has."),
    )
    INVALID_PREMIERE_SHOWTIME = (
        "invalid_premiere_showtime",
        _("The premiere must be an upcoming published showtime of this project's film."),
    )
    PREMIERE_NOT_AVAILABLE = (
        "premiere_not_available",
        _("The premiere showtime no longer takes seats."),
    )
    PREMIERE_TICKETS_LEFT = (
        "premiere_tickets_exhausted",
        _("You have %(left)s premiere tickets left to claim."),
    )
    INVALID_TICKET_COUNT = (
        "invalid_premiere_count",
        _("Claim a whole number of premiere tickets, at least one."),
    )
    NO_FREE_SEATS = (
        "premiere_sold_out",
        _("Not enough seats are free at the premiere; choose fewer or pick them on the map."),
    )
    INVALID_POOL = (
        "invalid_pool_participant",
        _(
            "The pool must be a crowdfunding-pool participant of this project, not linked elsewhere."
        ),
    )
    RETURN_PAYOUT_NOT_FOUND = "return_payout_not_found", _("No such payout of returns.")


class CrowdfundingError(DomainError):
    """The request is not valid for crowdfunding; nothing was written."""

    status = 422
    title = "Crowdfunding request refused"
