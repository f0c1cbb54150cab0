"""Input validation shared by the catalog services.

Each helper returns the cleaned value or raises a ``DomainError`` whose detail
names the offending ``field``; nothing here writes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from marquee.accounts.models import User
from marquee.catalog.errors import CatalogErrorCode
from marquee.catalog.models import Company, Credit, Genre, Title
from marquee.catalog.permissions import require_catalog_editor
from marquee.core.errors import DomainError
from marquee.core.text import clean_text
from marquee.places.models import Territory

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
MAX_SYNOPSIS_CHARS = 10_000
MAX_LANGUAGES = 20
MAX_RUNTIME_MINUTES = 1_440
MAX_EPISODES = 10_000
FIRST_FILM_YEAR = 1888
LAST_YEAR = 2100


class _Unset:
    """Marks a keyword that the caller did not pass (PATCH semantics)."""

    _instance: _Unset | None = None

    def __new__(cls) -> _Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Any = _Unset()


@dataclass(frozen=True)
class ReleaseSpec:
    """A title's release date in one territory."""

    territory: str
    date: dt.date


@dataclass(frozen=True)
class CreditSpec:
    """A company's credit on a title; ``company`` is a :class:`Company` or its slug."""

    company: Company | str
    role: str
    territory: str = ""


# --- validation helpers ---------------------------------------------------------------


def _invalid(code: CatalogErrorCode, message: str, field: str, **detail: Any) -> DomainError:
    return DomainError(code, message, field=field, **detail)


def _text(value: Any, *, field: str, max_length: int, required: bool = False) -> str:
    """The platform's one text rule (``core.text.clean_text``), plus "required"."""
    value = clean_text(value, field=field, max_length=max_length)
    if required and not value:
        raise _invalid(CatalogErrorCode.TITLE_REQUIRED, f"{field} is required.", field)
    return value


def _slug(value: Any, *, field: str = "slug", max_length: int = 120) -> str:
    if not isinstance(value, str) or not SLUG_RE.match(value) or len(value) > max_length:
        raise _invalid(
            CatalogErrorCode.INVALID_SLUG,
            f"{field} must be lowercase letters, digits and single hyphens "
            f"(at most {max_length} characters).",
            field,
        )
    return value


def _bounded_int(
    value: Any, *, field: str, low: int, high: int, code: CatalogErrorCode
) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _invalid(code, f"{field} must be a whole number from {low} to {high}.", field)
    return value


def _choice(value: Any, *, field: str, choices: Iterable[str], code: CatalogErrorCode) -> str:
    allowed = list(choices)
    if value not in allowed:
        raise _invalid(
            code, f"{value!r} is not a valid {field}; use one of: {', '.join(allowed)}.", field
        )
    return value


def _territory(value: Any, *, field: str = "territory", blank: bool = False) -> str:
    if blank and value in (None, ""):
        return ""
    return _choice(
        value, field=field, choices=Territory.values, code=CatalogErrorCode.INVALID_TERRITORY
    )


def _languages(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise _invalid(
            CatalogErrorCode.INVALID_LANGUAGE, "languages must be a list of codes.", "languages"
        )
    seen: list[str] = []
    for code in value:
        if not isinstance(code, str) or not LANGUAGE_RE.match(code) or len(code) > 20:
            raise _invalid(
                CatalogErrorCode.INVALID_LANGUAGE,
                f"{code!r} is not a language code such as 'yue', 'cmn', 'en' or 'zh-Hant'.",
                "languages",
            )
        if code not in seen:
            seen.append(code)
    if len(seen) > MAX_LANGUAGES:
        raise _invalid(
            CatalogErrorCode.INVALID_LANGUAGE,
            f"At most {MAX_LANGUAGES} languages are allowed.",
            "languages",
        )
    return seen


def _genres(codes: Any) -> list[Genre]:
    if codes is None:
        return []
    if isinstance(codes, str) or not isinstance(codes, Iterable):
        raise _invalid(CatalogErrorCode.UNKNOWN_GENRE, "genres must be a list of codes.", "genres")
    wanted: list[str] = []
    for code in codes:
        code_str = code.code if isinstance(code, Genre) else code
        if not isinstance(code_str, str) or not SLUG_RE.match(code_str):
            raise _invalid(
                CatalogErrorCode.UNKNOWN_GENRE, f"{code_str!r} is not a genre code.", "genres"
            )
        if code_str not in wanted:
            wanted.append(code_str)
    found = {g.code: g for g in Genre.objects.filter(code__in=wanted)}
    missing = [c for c in wanted if c not in found]
    if missing:
        raise _invalid(
            CatalogErrorCode.UNKNOWN_GENRE,
            "Unknown genre(s): " + ", ".join(missing) + ".",
            "genres",
            unknown=missing,
        )
    return [found[c] for c in wanted]


def _release_specs(specs: Any) -> list[ReleaseSpec]:
    if specs is None:
        return []
    cleaned: list[ReleaseSpec] = []
    seen: set[str] = set()
    for spec in specs:
        if not isinstance(spec, ReleaseSpec):
            raise TypeError("release_dates takes ReleaseSpec items")
        territory = _territory(spec.territory, field="release_dates.territory")
        if not isinstance(spec.date, dt.date) or isinstance(spec.date, dt.datetime):
            raise _invalid(
                CatalogErrorCode.INVALID_RELEASE_DATE,
                "A release date must be a calendar date.",
                "release_dates.date",
            )
        if territory in seen:
            raise _invalid(
                CatalogErrorCode.DUPLICATE_RELEASE,
                f"Two release dates were given for territory {territory}.",
                "release_dates",
                territory=territory,
            )
        seen.add(territory)
        cleaned.append(ReleaseSpec(territory=territory, date=spec.date))
    return cleaned


def _company(value: Company | str, *, field: str = "company") -> Company:
    if isinstance(value, Company):
        return value
    if isinstance(value, str) and SLUG_RE.match(value):
        company = Company.objects.filter(slug=value).first()
        if company is not None:
            return company
    raise _invalid(CatalogErrorCode.UNKNOWN_COMPANY, f"No company {value!r}.", field)


def _credit_specs(specs: Any) -> list[tuple[Company, str, str]]:
    if specs is None:
        return []
    cleaned: list[tuple[Company, str, str]] = []
    seen: set[tuple[int, str, str]] = set()
    for spec in specs:
        if not isinstance(spec, CreditSpec):
            raise TypeError("credits takes CreditSpec items")
        company = _company(spec.company, field="credits.company")
        role = _choice(
            spec.role,
            field="credits.role",
            choices=Credit.Role.values,
            code=CatalogErrorCode.INVALID_CREDIT_ROLE,
        )
        territory = _territory(spec.territory, field="credits.territory", blank=True)
        key = (company.pk, role, territory)
        if key in seen:
            raise _invalid(
                CatalogErrorCode.DUPLICATE_CREDIT,
                f"{company.name_en} is credited twice as {role}.",
                "credits",
            )
        seen.add(key)
        cleaned.append((company, role, territory))
    return cleaned


_TITLE_TEXT_LIMITS = {
    "original_title": 300,
    "title_en": 300,
    "title_zh_hans": 300,
    "title_zh_hant": 300,
    "synopsis_en": MAX_SYNOPSIS_CHARS,
    "synopsis_zh_hans": MAX_SYNOPSIS_CHARS,
    "synopsis_zh_hant": MAX_SYNOPSIS_CHARS,
}


def _clean_title_fields(values: dict[str, Any]) -> dict[str, Any]:
    """Validate the plain (non-relation) fields present in ``values``."""
    cleaned: dict[str, Any] = {}
    for field, value in values.items():
        if field in _TITLE_TEXT_LIMITS:
            cleaned[field] = _text(
                value,
                field=field,
                max_length=_TITLE_TEXT_LIMITS[field],
                required=field == "title_en",
            )
        elif field == "slug":
            cleaned[field] = _slug(value)
        elif field == "kind":
            cleaned[field] = _choice(
                value, field="kind", choices=Title.Kind.values, code=CatalogErrorCode.INVALID_KIND
            )
        elif field == "original_language":
            code = _text(value, field=field, max_length=10)
            if code and not LANGUAGE_RE.match(code):
                raise _invalid(
                    CatalogErrorCode.INVALID_LANGUAGE, f"{code!r} is not a language code.", field
                )
            cleaned[field] = code
        elif field == "runtime_minutes":
            cleaned[field] = _bounded_int(
                value,
                field=field,
                low=1,
                high=MAX_RUNTIME_MINUTES,
                code=CatalogErrorCode.INVALID_RUNTIME,
            )
        elif field == "episodes":
            cleaned[field] = _bounded_int(
                value, field=field, low=1, high=MAX_EPISODES, code=CatalogErrorCode.INVALID_EPISODES
            )
        elif field == "year":
            cleaned[field] = _bounded_int(
                value,
                field=field,
                low=FIRST_FILM_YEAR,
                high=LAST_YEAR,
                code=CatalogErrorCode.INVALID_YEAR,
            )
        elif field == "languages":
            cleaned[field] = _languages(value)
        elif field == "hk_classification":
            cleaned[field] = (
                ""
                if value in (None, "")
                else _choice(
                    value,
                    field=field,
                    choices=Title.HKClassification.values,
                    code=CatalogErrorCode.INVALID_CLASSIFICATION,
                )
            )
        elif field == "trailer_url":
            cleaned[field] = _trailer_url(value)
        else:  # pragma: no cover - guarded by the callers' signatures
            raise TypeError(f"unknown title field {field!r}")
    return cleaned


def _trailer_url(value: Any) -> str:
    """An https URL of at most 300 characters, or ``""`` to remove the trailer."""
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    text = _text(value, field="trailer_url", max_length=300, required=False)
    if not text:
        return ""
    try:
        URLValidator(schemes=["https"])(text)
    except ValidationError as exc:
        raise _invalid(
            CatalogErrorCode.INVALID_TRAILER, "A trailer is an https:// link.", "trailer_url"
        ) from exc
    return text


def _check_episodes(kind: str, episodes: int | None) -> None:
    if kind == Title.Kind.FILM and episodes is not None:
        raise _invalid(CatalogErrorCode.INVALID_EPISODES, "Only a series has episodes.", "episodes")


def _authorise(actor: User | None) -> None:
    if actor is not None:
        require_catalog_editor(actor)
