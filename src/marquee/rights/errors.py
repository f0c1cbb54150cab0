"""Stable error codes of the rights domain (problem+json ``code``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from marquee.core.errors import DomainError, ErrorCode


class RightsErrorCode(ErrorCode):
    DEAL_NOT_FOUND = "deal_not_found", _("No such deal.")
    TITLE_NOT_FOUND = "rights_title_not_found", _("No such title.")
    INSTALMENT_NOT_FOUND = "instalment_not_found", _("No such instalment in this deal.")
    UNKNOWN_MEDIA = "unknown_media", _("Unknown medium: %(media)s.")
    UNKNOWN_TERRITORY = "unknown_territory", _("Unknown territory: %(territory)s.")
    UNKNOWN_LANGUAGE = "unknown_language", _("Unknown language: %(language)s.")
    INVALID_DIRECTION = (
        "invalid_direction",
        _("A deal either acquires rights in or licenses them out."),
    )
    INVALID_WINDOW = (
        "invalid_window",
        _("A window cannot end before it starts (%(start)s to %(end)s)."),
    )
    NO_RIGHTS = "no_rights", _("A deal grants at least one right.")
    NO_COUNTERPARTY = "no_counterparty", _("Name the licensee or the licensor.")
    INVALID_FEE = (
        "invalid_fee",
        _("The fee is a whole amount of zero or more; a revenue share is 1 to 10000 basis points."),
    )
    FEE_SCHEDULE_MISMATCH = (
        "fee_schedule_mismatch",
        _("The instalments add up to %(instalments)s but the fee is %(fee)s."),
    )
    RIGHTS_CONFLICT = (
        "rights_conflict",
        _("These rights are already licensed or held back under: %(deals)s."),
    )
    RIGHTS_NOT_HELD = (
        "rights_not_held",
        _("The studio does not hold these rights: %(missing)s."),
    )
    LANGUAGE_NOT_HELD = (
        "language_not_held",
        _("The studio does not hold these languages: %(languages)s."),
    )
    ALREADY_RECEIVED = "instalment_already_settled", _("This instalment is already settled.")
    WRONG_DIRECTION = (
        "wrong_direction",
        _("Fees are received on deals licensed out and paid on deals acquired in."),
    )
    NOT_SHARE_DEAL = (
        "not_share_deal",
        _("Revenue reports belong to deals with a minimum guarantee and a revenue share."),
    )
    INVALID_REVENUE = (
        "invalid_revenue",
        _("Reported revenue is a whole number of minor units, zero or more."),
    )
    DUPLICATE_PERIOD = (
        "duplicate_report_period",
        _("A report of this deal already covers %(start)s to %(end)s."),
    )
    PERIOD_OUTSIDE_WINDOW = (
        "period_outside_window",
        _("The period %(start)s to %(end)s is outside the deal's window (%(first)s to %(last)s)."),
    )
    DEAL_CANCELLED = "deal_cancelled", _("This deal was cancelled on %(on)s.")
    INVALID_CANCELLATION = (
        "invalid_cancellation",
        _("A deal is cancelled on or after the day it was signed (%(signed_on)s)."),
    )
    DEPENDENT_DEALS = (
        "dependent_deals",
        _("Deals licensed out rely on these acquired rights: %(deals)s."),
    )
    INSTALMENT_CANCELLED = "instalment_cancelled", _("This instalment was cancelled.")
    NOTHING_TO_AMEND = (
        "nothing_to_amend",
        _("Say what changes: a new window, rights to add, or a new fee schedule."),
    )
    INSTALMENT_OUTSIDE_WINDOW = (
        "instalment_outside_window",
        _(
            "An instalment falls due from the signing to the deal's last day (%(first)s to %(last)s)."
        ),
    )
    FEE_LOCKED_BY_REPORTS = (
        "fee_locked_by_reports",
        _("The minimum guarantee cannot change once revenue has been reported against it."),
    )


class RightsError(DomainError):
    """A rule of rights and licensing refused the request; nothing was written."""

    status = 422
    title = "Request refused"


class RightsNotFound(RightsError):
    status = 404
    title = "Not found"


class RightsConflict(RightsError):
    status = 409
    title = "Rights conflict"
