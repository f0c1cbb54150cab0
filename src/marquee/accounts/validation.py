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


def _invalid(code: AccountsErrorCode, message: str, field: str) -> DomainError:
    return DomainError(code, message, field=field)


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
    if not isinstance(value, str):
        raise _invalid(AccountsErrorCode.INVALID_USERNAME, "A username is required.", "username")
    if any(_is_hidden(c) for c in value):
        raise _invalid(
            AccountsErrorCode.INVALID_USERNAME,
            "A username may not contain control or invisible characters.",
            "username",
        )
    username = unicodedata.normalize("NFKC", value).strip()
    if not username:
        raise _invalid(AccountsErrorCode.INVALID_USERNAME, "A username is required.", "username")
    if not USERNAME_MIN_LENGTH <= len(username) <= USERNAME_MAX_LENGTH:
        raise _invalid(
            AccountsErrorCode.INVALID_USERNAME,
            f"A username is {USERNAME_MIN_LENGTH} to {USERNAME_MAX_LENGTH} characters long.",
            "username",
        )
    try:
        _username_validator(username)
    except ValidationError as exc:
        raise _invalid(
            AccountsErrorCode.INVALID_USERNAME,
            "A username may contain only letters, digits and the characters @ . + - _.",
            "username",
        ) from exc
    if len(_scripts(username)) > 1:
        raise _invalid(
            AccountsErrorCode.INVALID_USERNAME,
            "A username may not mix look-alike alphabets (such as Latin and Cyrillic).",
            "username",
        )
    return username


def clean_email(value: Any) -> str | None:
    """The lower-cased address, ``None`` when blank, or :class:`DomainError` ``invalid_email``."""
    if value is None:
        return None
    if not isinstance(value, str) or any(_is_hidden(c) for c in value):
        raise _invalid(AccountsErrorCode.INVALID_EMAIL, "Enter a valid email address.", "email")
    email = unicodedata.normalize("NFKC", value).strip().lower()
    if not email:
        return None
    if len(email) > EMAIL_MAX_LENGTH:
        raise _invalid(
            AccountsErrorCode.INVALID_EMAIL,
            f"An email address is at most {EMAIL_MAX_LENGTH} characters long.",
            "email",
        )
    try:
        validate_email(email)
    except ValidationError as exc:
        raise _invalid(
            AccountsErrorCode.INVALID_EMAIL, "Enter a valid email address.", "email"
        ) from exc
    return email


def clean_display_name(value: Any) -> str:
    """Plain text of at most 100 characters without control or invisible characters."""
    name = clean_text(value, field="display_name", max_length=DISPLAY_NAME_MAX_LENGTH)
    if any(_is_hidden(c) for c in name):
        raise _invalid(
            AccountsErrorCode.INVALID_DISPLAY_NAME,
            "A display name may not contain control or invisible characters.",
            "display_name",
        )
    return unicodedata.normalize("NFC", name)
