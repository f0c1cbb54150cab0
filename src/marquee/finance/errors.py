"""Stable error codes of the finance domain (problem+json ``code``)."""

from __future__ import annotations

from enum import StrEnum

from marquee.core.errors import DomainError


class FinanceErrorCode(StrEnum):
    UNBALANCED_ENTRY = "unbalanced_entry"
    EMPTY_ENTRY = "empty_entry"
    INVALID_LINE = "invalid_line"
    UNKNOWN_ACCOUNT = "unknown_account"
    INACTIVE_ACCOUNT = "inactive_account"
    UNKNOWN_SEGMENT = "unknown_segment"
    UNKNOWN_CURRENCY = "unknown_currency"
    MISSING_RATE = "missing_rate"
    PERIOD_CLOSED = "period_closed"
    PERIOD_NOT_FOUND = "period_not_found"
    ENTRY_NOT_FOUND = "entry_not_found"
    ALREADY_REVERSED = "already_reversed"
    INVALID_PERIOD = "invalid_period"
    PROGRAMME_NOT_FOUND = "programme_not_found"
    COMMITMENT_NOT_FOUND = "commitment_not_found"
    OVER_COMMITMENT = "over_commitment"
    OVER_DISBURSEMENT = "over_disbursement"
    UNKNOWN_CATEGORY = "unknown_category"
    UNKNOWN_FUNDED_OBJECT = "unknown_funded_object"


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
