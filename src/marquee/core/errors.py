"""Domain errors with stable codes and sentences that translate themselves.

Every domain raises a subclass of :class:`DomainError` whose ``code`` is a
member of that domain's :class:`ErrorCode` enum. Each member carries, beside
its stable value, the sentence a person reads (``msg_format``, Zulip's
``JsonableError.msg_format``): a lazily translated format string filled from
the error's ``detail``, or a function of the detail where plurals or dates
need more than ``%``. The API maps errors to RFC 9457 problem+json in one
place (``marquee.api``) with :attr:`DomainError.msg` as ``detail``; the pages
show the same :attr:`DomainError.msg`. ``message`` is the service's English
account of the case, for logs and developers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

#: A sentence for a code: a (lazy) format string over the detail, or a function of it.
MessageFormat = str | Promise | Callable[[Mapping[str, Any]], str]


def plain(value: Any) -> Any:
    """A detail value as it reads in a sentence: lists joined with commas."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        return value
    return ", ".join(str(v) for v in value)


class ErrorCode(StrEnum):
    """A stable error code and the sentence it stands for.

    Members read ``NAME = "code", _("Sentence with %(field)s.")``. A member
    without a sentence falls back to the service's English message.
    """

    msg_format: MessageFormat

    def __new__(cls, value: str, msg_format: MessageFormat = "") -> ErrorCode:
        member = str.__new__(cls, value)
        member._value_ = value
        member.msg_format = msg_format
        return member

    def render(self, detail: Mapping[str, Any]) -> str:
        """The sentence in the active language, filled from ``detail``.

        Raises ``KeyError``/``TypeError``/``ValueError`` when ``detail`` lacks
        what the sentence needs (the caller falls back).
        """
        fmt = self.msg_format
        if callable(fmt) and not isinstance(fmt, Promise):
            return str(fmt(detail))
        text = str(fmt)
        if "%(" not in text:
            return text
        return text % {key: plain(value) for key, value in detail.items()}

    @staticmethod
    def lookup(code: str) -> ErrorCode | None:
        """The member of any domain's enum whose value is ``code`` (for codes read back
        from storage, such as a replayed idempotent response)."""
        pending: list[type[ErrorCode]] = list(ErrorCode.__subclasses__())
        while pending:
            enum = pending.pop(0)
            member = enum._value2member_map_.get(code)
            if isinstance(member, ErrorCode) and member.msg_format:
                return member
            pending.extend(enum.__subclasses__())
        return None


class DomainError(Exception):
    """A rule of the domain refused the request; nothing was changed.

    ``status`` is the HTTP status the API answers with; ``detail`` carries
    structured context (for example the seats that were taken); ``message`` is
    the service's English text; :attr:`msg` is the sentence for people.
    """

    status: int = 400
    title: str = "Request refused"

    def __init__(
        self,
        code: StrEnum | str,
        message: str = "",
        *,
        status: int | None = None,
        **detail: Any,
    ) -> None:
        if not isinstance(code, ErrorCode):
            code = ErrorCode.lookup(str(code)) or str(code)
        super().__init__(message or str(code))
        self.code = code
        self.message = message or str(code)
        if status is not None:
            self.status = status
        self.detail = detail

    @property
    def msg(self) -> str:
        """The sentence for a person, in the active language (the API's ``detail``)."""
        if isinstance(self.code, ErrorCode) and self.code.msg_format:
            try:
                return self.code.render(self.detail)
            except (KeyError, TypeError, ValueError, IndexError):
                pass
        return self.message

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


class CoreErrorCode(ErrorCode):
    NOT_FOUND = "not_found", _("No such thing.")
    FORBIDDEN = "forbidden", _("You may not do this.")
    NOT_AUTHENTICATED = "not_authenticated", _("Log in or send a valid API token.")
    VALIDATION = "validation_error", _("The request did not match the schema; see errors.")
    CURRENCY_MISMATCH = "currency_mismatch", _("These amounts are in different currencies.")
    UNKNOWN_CURRENCY = "unknown_currency", _("That is not a currency this platform knows.")
    NO_RATE = "no_exchange_rate", _("There is no exchange rate for these currencies on that day.")
    RATE_LIMITED = "rate_limited", _("Too many requests; please wait a moment and try again.")
    IDEMPOTENCY_MISMATCH = (
        "idempotency_key_reused",
        _("This form was already used; please reload the page."),
    )
    IDEMPOTENCY_IN_PROGRESS = (
        "idempotency_request_in_progress",
        _("The same request is still being processed; try again in a moment."),
    )
    INVALID_IDEMPOTENCY_KEY = (
        "invalid_idempotency_key",
        _("An idempotency key is 1 to 255 visible characters."),
    )
    SERVICE_UNAVAILABLE = (
        "service_unavailable",
        _("The service is busy right now; please try again in a moment."),
    )
    INVALID_AMOUNT = "invalid_amount", _("That is not an amount of money.")
    AMOUNT_TOO_PRECISE = "amount_too_precise", _("Too many decimal places for this currency.")
    INVALID_RATIOS = "invalid_ratios", _("The shares must be positive and add up to something.")
    INVALID_EXCHANGE_RATE = "invalid_exchange_rate", _("An exchange rate must be above zero.")
