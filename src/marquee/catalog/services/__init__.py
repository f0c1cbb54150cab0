"""Writes for the catalog: titles with their release dates and credits, posters,
companies and genres.

Every service takes ``actor``: the user on whose behalf it runs, who must hold
the distribution role or be an administrator (else
:class:`~marquee.core.errors.PermissionDenied`). ``actor=None`` marks a trusted
system caller — the demo loader, a management command — and skips the check.

Input is validated before anything is written; a refusal raises a
:class:`~marquee.core.errors.DomainError` whose ``code`` is a
:class:`~marquee.catalog.errors.CatalogErrorCode` and whose detail names the
offending ``field``. Nothing is changed when a service raises.
"""

from marquee.catalog.services.companies import upsert_company, upsert_genre
from marquee.catalog.services.posters import (
    MAX_POSTER_BYTES,
    MAX_POSTER_SIDE,
    POSTER_FORMATS,
    set_poster,
    validate_poster,
)
from marquee.catalog.services.titles import (
    add_credit,
    create_title,
    remove_credit,
    remove_release_date,
    set_release_date,
    update_title,
)
from marquee.catalog.services.validation import LANGUAGE_RE, SLUG_RE, UNSET, CreditSpec, ReleaseSpec

__all__ = [
    "LANGUAGE_RE",
    "MAX_POSTER_BYTES",
    "MAX_POSTER_SIDE",
    "POSTER_FORMATS",
    "SLUG_RE",
    "UNSET",
    "CreditSpec",
    "ReleaseSpec",
    "add_credit",
    "create_title",
    "remove_credit",
    "remove_release_date",
    "set_poster",
    "set_release_date",
    "update_title",
    "upsert_company",
    "upsert_genre",
    "validate_poster",
]
