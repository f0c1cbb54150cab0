"""Stable error codes of the accounts domain and the sentences they stand for.

A username or email is refused for one of several reasons (``detail.reason``,
see :mod:`marquee.accounts.validation`); each reason has its own sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _now
from django.utils.translation import gettext_lazy as _

from marquee.core.errors import ByReason, ErrorCode

USERNAME_SENTENCES = ByReason(
    {
        "required": _("A username is required."),
        "hidden": _("A username may not contain control or invisible characters."),
        "length": _("A username is %(min_length)s to %(max_length)s characters long."),
        "characters": _(
            "A username may contain only letters, digits and the characters @ . + - _."
        ),
        "scripts": _("A username may not mix look-alike alphabets (such as Latin and Cyrillic)."),
    },
    default="characters",
)
EMAIL_SENTENCES = ByReason(
    {
        "invalid": _("Enter a valid email address."),
        "length": _("An email address is at most %(max_length)s characters long."),
    },
    default="invalid",
)


def _weak_password(detail: Mapping[str, Any]) -> str:
    """The password validators' own sentences (translated by Django), or a general one."""
    reasons = detail.get("reasons") or []
    return " ".join(str(r) for r in reasons) or _now("This password cannot be used.")


class AccountsErrorCode(ErrorCode):
    USERNAME_TAKEN = "username_taken", _("This username is taken; choose another.")
    EMAIL_TAKEN = "email_taken", _("An account with this email address exists already.")
    WEAK_PASSWORD = "weak_password", _weak_password
    TOKEN_NOT_FOUND = "token_not_found", _("No such token.")
    INVALID_ROLE = "invalid_role", _("That role cannot be granted.")
    INVALID_USERNAME = "invalid_username", USERNAME_SENTENCES
    INVALID_EMAIL = "invalid_email", EMAIL_SENTENCES
    INVALID_DISPLAY_NAME = (
        "invalid_display_name",
        _("A display name may not contain control or invisible characters."),
    )
