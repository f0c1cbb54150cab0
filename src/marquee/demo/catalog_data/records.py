"""The shapes of the demo catalog: one record per genre, company and title."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

STUDIO = "marquee-pictures"


@dataclass(frozen=True)
class GenreData:
    code: str
    en: str
    zh_hans: str
    zh_hant: str


@dataclass(frozen=True)
class CompanyData:
    slug: str
    en: str
    zh_hans: str
    zh_hant: str
    country: str
    roles: tuple[str, ...]
    org_kind: str


@dataclass(frozen=True)
class TitleData:
    slug: str
    en: str
    zh_hans: str
    zh_hant: str
    synopsis_en: str
    synopsis_zh_hans: str
    synopsis_zh_hant: str
    genres: tuple[str, ...]
    languages: tuple[str, ...]
    kind: str = "film"
    original_title: str = ""
    original_language: str = ""
    runtime: int | None = None
    episodes: int | None = None
    year: int | None = None
    hk: str = ""
    releases: dict[str, dt.date] = field(default_factory=dict)
    #: (company slug, credit role, territory or "")
    credits: tuple[tuple[str, str, str], ...] = ()
