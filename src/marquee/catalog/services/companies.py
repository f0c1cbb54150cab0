"""Writes for companies (with their roles) and genres."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.db import transaction

from marquee.accounts.models import Organisation, User
from marquee.catalog.errors import CatalogErrorCode
from marquee.catalog.models import Company, CompanyRole, Genre
from marquee.catalog.services.validation import _authorise, _choice, _invalid, _slug, _text
from marquee.core.errors import Conflict


def upsert_company(
    *,
    actor: User | None,
    slug: str,
    name_en: str,
    name_zh_hans: str = "",
    name_zh_hant: str = "",
    country: str = "",
    roles: Sequence[str] = (),
    organisation: Organisation | None = None,
) -> Company:
    """Create or update the company ``slug``; ``roles`` replaces its set of roles.

    Raises ``DomainError`` (``invalid_slug``, ``title_required`` for an empty
    name, ``invalid_company_role``, ``invalid_company``) and ``Conflict``
    (``company_name_taken``) when another company has ``name_en``.
    """
    _authorise(actor)
    slug = _slug(slug, max_length=80)
    name_en = _text(name_en, field="name_en", max_length=200, required=True)
    name_zh_hans = _text(name_zh_hans, field="name_zh_hans", max_length=200)
    name_zh_hant = _text(name_zh_hant, field="name_zh_hant", max_length=200)
    country = _text(country, field="country", max_length=2).upper()
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        raise _invalid(CatalogErrorCode.INVALID_COMPANY, "country is an ISO 3166 code.", "country")
    role_values = []
    for role in roles:
        _choice(
            role,
            field="roles",
            choices=Company.Role.values,
            code=CatalogErrorCode.INVALID_COMPANY_ROLE,
        )
        if role not in role_values:
            role_values.append(role)
    with transaction.atomic():
        if Company.objects.filter(name_en=name_en).exclude(slug=slug).exists():
            raise Conflict(
                CatalogErrorCode.COMPANY_NAME_TAKEN,
                f"Another company is called {name_en!r}.",
                field="name_en",
            )
        if (
            organisation is not None
            and Company.objects.filter(organisation=organisation).exclude(slug=slug).exists()
        ):
            raise _invalid(
                CatalogErrorCode.INVALID_COMPANY,
                f"{organisation} already acts for another company.",
                "organisation",
            )
        company, _ = Company.objects.update_or_create(
            slug=slug,
            defaults={
                "name_en": name_en,
                "name_zh_hans": name_zh_hans,
                "name_zh_hant": name_zh_hant,
                "country": country,
                "organisation": organisation,
            },
        )
        company.roles.exclude(role__in=role_values).delete()
        existing = set(company.roles.values_list("role", flat=True))
        CompanyRole.objects.bulk_create(
            [CompanyRole(company=company, role=r) for r in role_values if r not in existing]
        )
    return company


def upsert_genre(
    *,
    actor: User | None,
    code: str,
    name_en: str,
    name_zh_hans: str = "",
    name_zh_hant: str = "",
) -> Genre:
    """Create or rename the genre ``code``. Raises ``DomainError`` for bad input."""
    _authorise(actor)
    code = _slug(code, field="code", max_length=40)
    name_en = _text(name_en, field="name_en", max_length=60, required=True)
    name_zh_hans = _text(name_zh_hans, field="name_zh_hans", max_length=60)
    name_zh_hant = _text(name_zh_hant, field="name_zh_hant", max_length=60)
    with transaction.atomic():
        genre, _ = Genre.objects.update_or_create(
            code=code,
            defaults={
                "name_en": name_en,
                "name_zh_hans": name_zh_hans,
                "name_zh_hant": name_zh_hant,
            },
        )
    return genre
