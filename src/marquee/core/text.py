"""The one rule for text that comes in from outside: no NUL, bounded length.

PostgreSQL cannot store a NUL character (psycopg refuses the whole query) and
a ``varchar(n)`` column refuses a longer value: both used to surface as a 500.
Services clean their text fields with :func:`clean_text`; the request-level
guard (``marquee.middleware.RejectNulMiddleware``) refuses NUL anywhere in a
path, query string or JSON/form body before any view runs.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from marquee.core.errors import DomainError

NUL = "\x00"


class TextErrorCode(StrEnum):
    INVALID_TEXT = "invalid_text"
    TEXT_TOO_LONG = "text_too_long"


class InvalidText(DomainError):
    status = 400
    title = "Invalid text"


def contains_nul(value: Any) -> bool:
    """True when ``value`` (a string, or lists/dicts of them, keys included) holds a NUL."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(contains_nul(v) for v in value)
    return False


def clean_text(value: Any, *, field: str, max_length: int, strip: bool = True) -> str:
    """``value`` as text (``None`` → ``""``), stripped, without NUL and at most ``max_length`` long.

    Raises :class:`InvalidText` (``invalid_text``) for a non-string or a NUL and
    (``text_too_long``) for a value longer than the column it goes into.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidText(TextErrorCode.INVALID_TEXT, f"{field} must be text.", field=field)
    if strip:
        value = value.strip()
    if NUL in value:
        raise InvalidText(
            TextErrorCode.INVALID_TEXT, f"{field} contains a NUL character.", field=field
        )
    if len(value) > max_length:
        raise InvalidText(
            TextErrorCode.TEXT_TOO_LONG,
            f"{field} is {len(value)} characters long; at most {max_length} are allowed.",
            field=field,
            max_length=max_length,
        )
    return value
