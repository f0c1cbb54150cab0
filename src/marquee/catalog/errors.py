"""Stable error codes of the catalog domain and the sentences they stand for."""

from django.utils.translation import gettext_lazy as _

from marquee.core.errors import ErrorCode


class CatalogErrorCode(ErrorCode):
    TITLE_NOT_FOUND = "title_not_found", _("No such film.")
    COMPANY_NOT_FOUND = "company_not_found", _("No such company.")
    CITY_NOT_FOUND = "city_not_found", _("No such city.")
    UNKNOWN_GENRE = "unknown_genre", _("Choose genres from the list.")
    UNKNOWN_COMPANY = "unknown_company", _("No such company.")
    SLUG_TAKEN = "title_slug_taken", _("Another title already uses this web address.")
    INVALID_SLUG = (
        "invalid_slug",
        _("A web address is lowercase letters, digits and single hyphens."),
    )
    TITLE_REQUIRED = "title_required", _("This field cannot be empty.")
    TEXT_TOO_LONG = "text_too_long", _("This text is too long.")
    INVALID_TEXT = "invalid_text", _("This text contains characters that are not allowed.")
    INVALID_KIND = "invalid_kind", _("A title is a film or a series.")
    INVALID_RUNTIME = "invalid_runtime", _("Give the runtime in minutes (1 to 1440).")
    INVALID_EPISODES = (
        "invalid_episodes",
        _("Only a series has episodes; give a number of 1 or more."),
    )
    INVALID_YEAR = "invalid_year", _("That is not a plausible year.")
    INVALID_LANGUAGE = "invalid_language", _("Use language codes such as yue, cmn or en.")
    INVALID_CLASSIFICATION = (
        "invalid_classification",
        _("That is not a classification of this territory."),
    )
    INVALID_TERRITORY = "invalid_territory", _("That is not a territory this platform knows.")
    DUPLICATE_RELEASE = "duplicate_release_territory", _("Give one release date per territory.")
    INVALID_RELEASE_DATE = "invalid_release_date", _("A release date must be a calendar date.")
    INVALID_CREDIT_ROLE = "invalid_credit_role", _("That is not a credit role.")
    DUPLICATE_CREDIT = "duplicate_credit", _("A company is credited once per role.")
    CREDIT_EXISTS = "credit_exists", _("This company already has this credit on this title.")
    CREDIT_NOT_FOUND = "credit_not_found", _("This company has no such credit on this title.")
    INVALID_POSTER = (
        "invalid_poster",
        _("The poster must be a JPEG, PNG, WebP or GIF image of a sensible size."),
    )
    POSTER_TOO_LARGE = "poster_too_large", _("The poster file is too large.")
    INVALID_COMPANY = "invalid_company", _("Some details of this company are not valid.")
    INVALID_COMPANY_ROLE = "invalid_company_role", _("That is not a company role.")
    COMPANY_NAME_TAKEN = "company_name_taken", _("Another company already has this name.")
    INVALID_GENRE = "invalid_genre", _("Some details of this genre are not valid.")
    INVALID_TRAILER = (
        "invalid_trailer",
        _("A trailer is an https:// link of at most 300 characters."),
    )
