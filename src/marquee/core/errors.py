"""Domain errors with stable codes.

Every domain raises a subclass of :class:`DomainError` whose ``code`` is a
member of that domain's ``StrEnum``. The API maps them to RFC 9457
problem+json in one place (``marquee.api``); forms show ``message``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class DomainError(Exception):
    """A rule of the domain refused the request; nothing was changed.

    ``status`` is the HTTP status the API answers with; ``detail`` carries
    structured context (for example the seats that were taken).
    """

    status: int = 400
    title: str = "Request refused"

    def __init__(
        self,
        code: StrEnum | str,
        message: str,
        *,
        status: int | None = None,
        **detail: Any,
    ) -> None:
        super().__init__(message)
        self.code = str(code)
        self.message = message
        if status is not None:
            self.status = status
        self.detail = detail

    def __str__(self) -> str:
        return self.message


class NotFound(DomainError):
    status = 404
    title = "Not found"


class PermissionDenied(DomainError):
    status = 403
    title = "Forbidden"


class Conflict(DomainError):
    status = 409
    title = "Conflict"


class CoreErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    NOT_AUTHENTICATED = "not_authenticated"
    VALIDATION = "validation_error"
    CURRENCY_MISMATCH = "currency_mismatch"
    UNKNOWN_CURRENCY = "unknown_currency"
    NO_RATE = "no_exchange_rate"
    RATE_LIMITED = "rate_limited"
    IDEMPOTENCY_MISMATCH = "idempotency_key_reused"
    IDEMPOTENCY_IN_PROGRESS = "idempotency_request_in_progress"
    INVALID_IDEMPOTENCY_KEY = "invalid_idempotency_key"
    SERVICE_UNAVAILABLE = "service_unavailable"
    INVALID_AMOUNT = "invalid_amount"
    AMOUNT_TOO_PRECISE = "amount_too_precise"
    INVALID_RATIOS = "invalid_ratios"
    INVALID_EXCHANGE_RATE = "invalid_exchange_rate"
