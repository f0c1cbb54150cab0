"""What a new account's username, email and display name may be.

Usernames are NFKC-normalised (full-width ``ａｄｍｉｎ`` is ``admin``), then
must pass Django's username validator (letters, digits and ``@.+-_``), hold
no control, format or bidi-override character, keep to one of the scripts
that look alike (Latin, Cyrillic, Greek: ``pаypal`` with a Cyrillic ``а`` is
refused), and be 3–150 characters long.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from marquee.accounts.errors import AccountsErrorCode
from marquee.core.errors import DomainError
from marquee.core.text import clean_text

USERNAME_MIN_LENGTH = 3
USERNAME_MAX_LENGTH = 150  # the column
EMAIL_MAX_LENGTH = 254  # the column (and RFC 5321's path limit)
DISPLAY_NAME_MAX_LENGTH = 100  # the column
#: Scripts whose letters are confused with each other's; a name may use one of them.
CONFUSABLE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")
_username_validator = UnicodeUsernameValidator()


def _invalid(
    code: AccountsErrorCode, message: str, field: str, reason: str, **detail: Any
) -> DomainError:
    return DomainError(code, message, field=field, reason=reason, **detail)


def _is_hidden(char: str) -> bool:
    """Control, format (bidi overrides, zero-width joiners), surrogate, private or unassigned."""
    return unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn"}


def _scripts(text: str) -> set[str]:
    scripts = set()
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        scripts.update(s for s in CONFUSABLE_SCRIPTS if name.startswith(s + " "))
    return scripts


def clean_username(value: Any) -> str:
    """The normalised username, or :class:`DomainError` ``invalid_username``."""
    code = AccountsErrorCode.INVALID_USERNAME
    if not isinstance(value, str):
        raise _invalid(code, "A username is required.", "username", "required")
    if any(_is_hidden(c) for c in value):
        raise _invalid(code, "Control or invisible characters.", "username", "hidden")
    username = unicodedata.normalize("NFKC", value).strip()
    if not username:
        raise _invalid(code, "A username is required.", "username", "required")
    if not USERNAME_MIN_LENGTH <= len(username) <= USERNAME_MAX_LENGTH:
        raise _invalid(
            code,
            f"A username of {len(username)} characters.",
            "username",
            "length",
            min_length=USERNAME_MIN_LENGTH,
            max_length=USERNAME_MAX_LENGTH,
        )
    try:
        _username_validator(username)
    except ValidationError as exc:
        raise _invalid(code, "Characters outside @.+-_.", "username", "characters") from exc
    if len(_scripts(username)) > 1:
        raise _invalid(code, f"Mixed scripts {sorted(_scripts(username))}.", "username", "scripts")
    return username


def clean_email(value: Any) -> str | None:
    """The lower-cased address, ``None`` when blank, or :class:`DomainError` ``invalid_email``."""
    if value is None:
        return None
    code = AccountsErrorCode.INVALID_EMAIL
    if not isinstance(value, str) or any(_is_hidden(c) for c in value):
        raise _invalid(code, "Not text, or hidden characters.", "email", "invalid")
    email = unicodedata.normalize("NFKC", value).strip().lower()
    if not email:
        return None
    if len(email) > EMAIL_MAX_LENGTH:
        raise _invalid(
            code,
            f"An email address of {len(email)} characters.",
            "email",
            "length",
            max_length=EMAIL_MAX_LENGTH,
        )
    try:
        validate_email(email)
    except ValidationError as exc:
        raise _invalid(code, "Not an email address.", "email", "invalid") from exc
    return email


def clean_display_name(value: Any) -> str:
    """Plain text of at most 100 characters without control or invisible characters."""
    name = clean_text(value, field="display_name", max_length=DISPLAY_NAME_MAX_LENGTH)
    if any(_is_hidden(c) for c in name):
        raise _invalid(
            AccountsErrorCode.INVALID_DISPLAY_NAME,
            "Control or invisible characters.",
            "display_name",
            "hidden",
        )
    return unicodedata.normalize("NFC", name)
