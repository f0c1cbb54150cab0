"""Stable error codes of the finance domain (problem+json ``code``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from marquee.core.errors import DomainError, ErrorCode


class FinanceErrorCode(ErrorCode):
    UNBALANCED_ENTRY = (
        "unbalanced_entry",
        _("This entry does not balance: debits and credits must be equal."),
    )
    EMPTY_ENTRY = "empty_entry", _("An entry needs at least two lines.")
    INVALID_LINE = (
        "invalid_line",
        _("Each line is either a debit or a credit, a whole amount above zero."),
    )
    UNKNOWN_ACCOUNT = "unknown_account", _("There is no such account in the chart of accounts.")
    INACTIVE_ACCOUNT = "inactive_account", _("This account is closed to new postings.")
    UNKNOWN_SEGMENT = "unknown_segment", _("There is no such reporting segment.")
    UNKNOWN_CURRENCY = "unknown_currency", _("The ledger does not keep this currency.")
    MISSING_RATE = "missing_rate", _("There is no %(currency)s exchange rate for %(on)s.")
    PERIOD_CLOSED = (
        "period_closed",
        _("This period is closed: post the entry in an open period or reopen it."),
    )
    PERIOD_NOT_FOUND = "period_not_found", _("No such accounting period.")
    ENTRY_NOT_FOUND = "entry_not_found", _("No such journal entry.")
    ALREADY_REVERSED = "already_reversed", _("This entry has already been reversed.")
    INVALID_PERIOD = "invalid_period", _("That is not a valid period.")
    PROGRAMME_NOT_FOUND = "programme_not_found", _("No such investment programme.")
    COMMITMENT_NOT_FOUND = "commitment_not_found", _("No such commitment in this programme.")
    OVER_COMMITMENT = (
        "over_commitment",
        _("This would commit more than the programme has left in this category."),
    )
    OVER_DISBURSEMENT = "over_disbursement", _("This would pay out more than was committed.")
    UNKNOWN_CATEGORY = "unknown_category", _("The programme has no budget in this category.")
    UNKNOWN_FUNDED_OBJECT = (
        "unknown_funded_object",
        _("What the commitment funds could not be found."),
    )


class FinanceError(DomainError):
    """A rule of the ledger refused the posting; nothing was written."""

    status = 422
    title = "Posting refused"


class PeriodClosed(FinanceError):
    status = 409
    title = "Period closed"


class EntryNotFound(FinanceError):
    status = 404
    title = "Not found"


class AlreadyReversed(FinanceError):
    status = 409
    title = "Already reversed"


class ProgrammeNotFound(FinanceError):
    status = 404
    title = "Not found"


class OverCommitment(FinanceError):
    """A commitment or disbursement would pass what the programme has left."""

    status = 409
    title = "Over the programme's headroom"
