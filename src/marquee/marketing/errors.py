"""Stable error codes of the marketing domain (problem+json ``code``) and their sentences."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from marquee.core.errors import Conflict, DomainError, ErrorCode, NotFound, PermissionDenied

#: What the rule parser expected, as ``detail["expected"]``: translated when shown.
RULE_EXPECTED = (
    gettext_noop("a name, a value, “(”, “)”, “,” or “=”"),
    gettext_noop("“and”, “or” or the end of the rule"),
    gettext_noop("a condition such as bought(…) or “(”"),
    gettext_noop("a condition such as bought(…)"),
    gettext_noop("an argument name"),
    gettext_noop("a value"),
    gettext_noop("an argument not given twice"),
)
RULE_SYNTAX_SENTENCE = gettext_noop(
    "The rule does not parse at character %(position)s: %(expected)s expected."
)
#: Why a voucher does not cover an exchange's new showtime (``detail["reasons"]``).
EXCHANGE_REASONS = {
    "currency": gettext_noop("the currency"),
    "title": gettext_noop("the film"),
    "cinema": gettext_noop("the cinema"),
    "showtime": gettext_noop("the showtime"),
    "day": gettext_noop("the day of the week"),
}
EXCHANGE_SENTENCE = gettext_noop(
    "Your voucher does not cover the showtime you chose (%(reasons)s): choose another "
    "showtime, or refund these tickets."
)
#: The sentences and pieces the rule error is built from (tests/web/test_error_messages.py).
PIECES = (RULE_SYNTAX_SENTENCE, *RULE_EXPECTED, EXCHANGE_SENTENCE, *EXCHANGE_REASONS.values())


def _rule_syntax(detail: Mapping[str, Any]) -> str:
    """The syntax error in the visitor's language, the expected piece translated too."""
    return _now(RULE_SYNTAX_SENTENCE) % {
        "position": detail["position"],
        "expected": _now(str(detail["expected"])),
    }


def _exchange_not_covered(detail: Mapping[str, Any]) -> str:
    """Which of the voucher's rules the new showtime breaks, each named in the visitor's language."""
    reasons = ", ".join(_now(EXCHANGE_REASONS[r]) for r in detail["reasons"])
    return _now(EXCHANGE_SENTENCE) % {"reasons": reasons}


class MarketingErrorCode(ErrorCode):
    NOT_MARKETING_STAFF = (
        "not_marketing_staff",
        _("Segments and campaigns are for distribution and marketing staff."),
    )
    RULE_SYNTAX = "rule_syntax", _rule_syntax
    RULE_UNKNOWN_NAME = "rule_unknown_name", _("The rule names something unknown: %(name)s.")
    RULE_INVALID_VALUE = (
        "rule_invalid_value",
        _("The rule has a value that is not allowed: %(name)s = %(value)s."),
    )
    RULE_TOO_LONG = "rule_too_long", _("A rule has at most 2000 characters and 50 conditions.")
    SEGMENT_NOT_FOUND = "segment_not_found", _("There is no such segment.")
    SEGMENT_EXISTS = "segment_exists", _("A segment with this short name exists already.")
    CAMPAIGN_NOT_FOUND = "campaign_not_found", _("There is no such campaign.")
    CAMPAIGN_EXISTS = "campaign_exists", _("A campaign with this short name exists already.")
    INVALID_CAMPAIGN = "invalid_campaign", _("This campaign setting is not valid: %(field)s.")
    CAMPAIGN_DATES = (
        "campaign_dates",
        _("A campaign ends after it starts, ends in the future and lasts at most two years."),
    )
    CAMPAIGN_KIND = "campaign_kind", _("This campaign does not send that kind of offer.")
    CAMPAIGN_ENDED = "campaign_ended", _("This campaign has ended.")
    VOUCHER_NOT_FOUND = "voucher_not_found", _("There is no such voucher for your account.")
    VOUCHER_NOT_STARTED = "voucher_not_started", _("This voucher is not valid yet.")
    VOUCHER_EXPIRED = "voucher_expired", _("This voucher has expired.")
    VOUCHER_NOT_VALID_HERE = (
        "voucher_not_valid_here",
        _("This voucher is not valid for this showtime."),
    )
    VOUCHER_USED_UP = "voucher_used_up", _("This voucher has been used as often as it may be.")
    CAMPAIGN_LIMIT_REACHED = (
        "campaign_limit_reached",
        _("This campaign's vouchers have all been redeemed."),
    )
    CAMPAIGN_OVER_BUDGET = (
        "campaign_over_budget",
        _("This campaign's budget is spent; the voucher cannot be used now."),
    )
    EXCHANGE_VOUCHER_NOT_VALID = "exchange_voucher_not_valid", _exchange_not_covered
    VOUCHER_NOTHING_OFF = "voucher_nothing_off", _("This voucher takes nothing off these seats.")
    INVALID_PROFILE = (
        "invalid_profile",
        _("Choose an age band and a gender from the lists, or leave them empty."),
    )


class MarketingError(DomainError):
    """Bad input to a marketing service (400); nothing was written."""


class RuleError(MarketingError):
    """A segment rule that does not parse or names what does not exist (400)."""

    title = "Invalid segment rule"


class VoucherRefused(Conflict):
    """A voucher that cannot be used on this order now (409); the order is not placed."""


__all__ = [
    "PIECES",
    "Conflict",
    "MarketingError",
    "MarketingErrorCode",
    "NotFound",
    "PermissionDenied",
    "RuleError",
    "VoucherRefused",
]
