"""Stable error codes of the analytics domain (problem+json ``code``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from marquee.core.errors import DomainError, ErrorCode


class AnalyticsErrorCode(ErrorCode):
    DAY_OUT_OF_RANGE = (
        "day_out_of_range",
        _("Choose a day between %(earliest)s and %(latest)s."),
    )
    RANGE_REVERSED = "range_reversed", _("The first day of the range comes after the last.")
    RANGE_TOO_LONG = "range_too_long", _("Choose at most %(days)s days at once.")
    TITLE_NOT_FOUND = "title_not_found", _("No such film.")
    BAD_NATIONAL_CSV = (
        "bad_national_csv",
        _("Line %(line)s of the file is not a day and an amount: %(reason)s"),
    )
    EMPTY_NATIONAL_CSV = "empty_national_csv", _("The file holds no daily totals.")
    NO_EXCHANGE_RATE = (
        "no_cny_rate",
        _("There is no %(currency)s to CNY rate for %(on)s."),
    )
    NO_SNAPSHOT = (
        "no_snapshot",
        _("No analytics snapshot has been written yet: run “marquee analytics_snapshot”."),
    )


class AnalyticsError(DomainError):
    """A request the analytics domain refuses; nothing was changed."""

    status = 422
    title = "Request refused"


class TitleNotFound(AnalyticsError):
    status = 404
    title = "Not found"
