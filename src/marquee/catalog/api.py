"""HTTP API of the catalog domain (mounted by ``marquee.api`` at ``/api/v1/catalog``).

Reads are public. Localized text is chosen by ``?lang=en|zh-hans|zh-hant``
(default: the request's language) and every name is also returned in all three
languages. Writes need a token or a session and the distribution role (or admin).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from ninja import File, Query, Router, Schema, Status, UploadedFile
from pydantic import ConfigDict, Field

from marquee.accounts.auth import AUTH
from marquee.catalog import queries, services
from marquee.catalog.models import Company, Credit, Genre, Title
from marquee.catalog.permissions import require_catalog_editor
from marquee.core.localized import pick_localized
from marquee.places.models import Territory

router = Router(tags=["catalog"])

Lang = Literal["en", "zh-hans", "zh-hant"]
KindCode = Literal[tuple(Title.Kind.values)]  # type: ignore[valid-type]
TerritoryCode = Literal[tuple(Territory.values)]  # type: ignore[valid-type]
CreditRole = Literal[tuple(Credit.Role.values)]  # type: ignore[valid-type]
CompanyRoleCode = Literal[tuple(Company.Role.values)]  # type: ignore[valid-type]
Classification = Literal[tuple(Title.HKClassification.values)]  # type: ignore[valid-type]


# --- output schemas -------------------------------------------------------------------


class Names(Schema):
    en: str
    zh_hans: str
    zh_hant: str


class GenreOut(Schema):
    code: str
    name: str
    names: Names


class ReleaseOut(Schema):
    territory: str
    date: dt.date


class CompanyRef(Schema):
    slug: str
    name: str
    names: Names


class CreditOut(Schema):
    company: CompanyRef
    role: str
    territory: str | None


class TitleSummaryOut(Schema):
    slug: str
    kind: str
    title: str
    titles: Names
    original_title: str
    original_language: str
    runtime_minutes: int | None
    episodes: int | None
    year: int | None
    genres: list[GenreOut]
    languages: list[str]
    hk_classification: str | None
    release_dates: list[ReleaseOut]
    poster_url: str | None
    trailer_url: str = Field("", description="An https link to the trailer, or empty")


class TitleOut(TitleSummaryOut):
    synopsis: str
    synopses: Names
    credits: list[CreditOut]


class TitlePage(Schema):
    count: int
    limit: int
    offset: int
    lang: str
    items: list[TitleSummaryOut]


class CompanyOut(Schema):
    slug: str
    name: str
    names: Names
    country: str
    roles: list[str]
    organisation: str | None = Field(description="Slug of the organisation acting for it")


class CompanyCreditOut(Schema):
    title_slug: str
    title: str
    role: str
    territory: str | None


class CompanyDetailOut(CompanyOut):
    credits: list[CompanyCreditOut]


# --- input schemas --------------------------------------------------------------------


class ReleaseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    territory: TerritoryCode
    date: dt.date


class ReleaseDateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    date: dt.date


class CreditIn(Schema):
    model_config = ConfigDict(extra="forbid")

    company: str = Field(description="The company's slug")
    role: CreditRole
    territory: TerritoryCode | None = None


class TitleIn(Schema):
    model_config = ConfigDict(extra="forbid")

    slug: str
    title_en: str
    kind: KindCode = "film"
    original_title: str = ""
    original_language: str = ""
    title_zh_hans: str = ""
    title_zh_hant: str = ""
    synopsis_en: str = ""
    synopsis_zh_hans: str = ""
    synopsis_zh_hant: str = ""
    runtime_minutes: int | None = None
    episodes: int | None = None
    year: int | None = None
    genres: list[str] = []
    languages: list[str] = []
    hk_classification: Classification | None = None
    release_dates: list[ReleaseIn] = []
    credits: list[CreditIn] = []


class TitlePatch(Schema):
    """Only the fields sent are changed; lists replace the whole set."""

    model_config = ConfigDict(extra="forbid")

    slug: str | None = None
    title_en: str | None = None
    kind: KindCode | None = None
    original_title: str | None = None
    original_language: str | None = None
    title_zh_hans: str | None = None
    title_zh_hant: str | None = None
    synopsis_en: str | None = None
    synopsis_zh_hans: str | None = None
    synopsis_zh_hant: str | None = None
    runtime_minutes: int | None = None
    episodes: int | None = None
    year: int | None = None
    genres: list[str] | None = None
    languages: list[str] | None = None
    hk_classification: Classification | None = None
    trailer_url: str | None = Field(None, max_length=300, description='https link; "" removes it')
    release_dates: list[ReleaseIn] | None = None
    credits: list[CreditIn] | None = None


class TitleFilters(Schema):
    kind: KindCode | None = None
    genre: str | None = Field(None, description="A genre code, e.g. `crime`")
    territory: TerritoryCode | None = Field(None, description="Has a release date there")
    q: str | None = Field(None, description="Search in the slug and every title language")
    city: str | None = Field(None, description="A city code; keeps titles released there")
    on: dt.date | None = Field(None, description="Released on or before this date")
    spoken_language: str | None = Field(None, description="A spoken language code, e.g. `yue`")
    lang: Lang | None = Field(None, description="Language of `title` (default: the request's)")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


# --- serialisation --------------------------------------------------------------------


def _lang(requested: str | None) -> str:
    return requested or queries.normalize_language(translation.get_language())


def _names(obj: Any, field: str) -> Names:
    return Names(
        en=getattr(obj, f"{field}_en") or "",
        zh_hans=getattr(obj, f"{field}_zh_hans") or "",
        zh_hant=getattr(obj, f"{field}_zh_hant") or "",
    )


def _genre(genre: Genre, lang: str) -> GenreOut:
    return GenreOut(
        code=genre.code, name=pick_localized(genre, "name", lang), names=_names(genre, "name")
    )


def _company_ref(company: Company, lang: str) -> CompanyRef:
    return CompanyRef(
        slug=company.slug,
        name=pick_localized(company, "name", lang),
        names=_names(company, "name"),
    )


def _summary_fields(request: HttpRequest, title: Title, lang: str) -> dict[str, Any]:
    return {
        "slug": title.slug,
        "kind": title.kind,
        "title": pick_localized(title, "title", lang),
        "titles": _names(title, "title"),
        "original_title": title.original_title,
        "original_language": title.original_language,
        "runtime_minutes": title.runtime_minutes,
        "episodes": title.episodes,
        "year": title.year,
        "genres": [_genre(g, lang) for g in title.genres.all()],
        "languages": list(title.languages or []),
        "hk_classification": title.hk_classification or None,
        "release_dates": [
            ReleaseOut(territory=r.territory, date=r.date) for r in title.release_dates.all()
        ],
        "poster_url": request.build_absolute_uri(title.poster.url) if title.poster else None,
        "trailer_url": title.trailer_url,
    }


def _title_out(request: HttpRequest, title: Title, lang: str) -> TitleOut:
    return TitleOut(
        **_summary_fields(request, title, lang),
        synopsis=pick_localized(title, "synopsis", lang),
        synopses=_names(title, "synopsis"),
        credits=[
            CreditOut(
                company=_company_ref(c.company, lang), role=c.role, territory=c.territory or None
            )
            for c in title.credits.all()
        ],
    )


def _company_out(company: Company, lang: str) -> dict[str, Any]:
    return {
        "slug": company.slug,
        "name": pick_localized(company, "name", lang),
        "names": _names(company, "name"),
        "country": company.country,
        "roles": sorted(r.role for r in company.roles.all()),
        "organisation": company.organisation.slug if company.organisation else None,
    }


def _specs(data: dict[str, Any]) -> dict[str, Any]:
    """Turn the payload's nested release dates and credits into service specs."""
    if data.get("release_dates") is not None:
        data["release_dates"] = [services.ReleaseSpec(**r) for r in data["release_dates"]]
    if data.get("credits") is not None:
        data["credits"] = [
            services.CreditSpec(
                company=c["company"], role=c["role"], territory=c.get("territory") or ""
            )
            for c in data["credits"]
        ]
    return data


# --- reads ----------------------------------------------------------------------------


@router.get("/titles", response=TitlePage, auth=None, summary="Browse and search titles")
def list_titles(request: HttpRequest, filters: Query[TitleFilters]):
    lang = _lang(filters.lang)
    qs = queries.search_titles(
        kind=filters.kind,
        genre=filters.genre,
        territory=filters.territory,
        q=filters.q,
        city=filters.city,
        on=filters.on,
        language=filters.spoken_language,
    )
    page = list(qs[filters.offset : filters.offset + filters.limit])
    return TitlePage(
        count=qs.count(),
        limit=filters.limit,
        offset=filters.offset,
        lang=lang,
        items=[TitleSummaryOut(**_summary_fields(request, t, lang)) for t in page],
    )


@router.get("/titles/{slug}", response=TitleOut, auth=None, summary="One title in full")
def get_title(request: HttpRequest, slug: str, lang: Lang | None = None):
    return _title_out(request, queries.title_by_slug(slug), _lang(lang))


@router.get("/companies", response=list[CompanyOut], auth=None, summary="Companies")
def list_companies(
    request: HttpRequest, role: CompanyRoleCode | None = None, lang: Lang | None = None
):
    language = _lang(lang)
    return [CompanyOut(**_company_out(c, language)) for c in queries.companies(role=role)]


@router.get("/companies/{slug}", response=CompanyDetailOut, auth=None, summary="One company")
def get_company(request: HttpRequest, slug: str, lang: Lang | None = None):
    language = _lang(lang)
    company = queries.company_by_slug(slug)
    return CompanyDetailOut(
        **_company_out(company, language),
        credits=[
            CompanyCreditOut(
                title_slug=c.title.slug,
                title=pick_localized(c.title, "title", language),
                role=c.role,
                territory=c.territory or None,
            )
            for c in company.credits.all()
        ],
    )


@router.get("/genres", response=list[GenreOut], auth=None, summary="Genres")
def list_genres(request: HttpRequest, lang: Lang | None = None):
    language = _lang(lang)
    return [_genre(g, language) for g in queries.genres()]


# --- writes (distribution staff and admins) -------------------------------------------


@router.post("/titles", response={201: TitleOut}, auth=AUTH, summary="Create a title")
def create_title(request: HttpRequest, payload: TitleIn, lang: Lang | None = None):
    require_catalog_editor(request.user)
    title = services.create_title(actor=request.user, **_specs(payload.model_dump()))
    return Status(201, _title_out(request, queries.title_by_slug(title.slug), _lang(lang)))


@router.patch("/titles/{slug}", response=TitleOut, auth=AUTH, summary="Change a title")
def update_title(request: HttpRequest, slug: str, payload: TitlePatch, lang: Lang | None = None):
    require_catalog_editor(request.user)
    title = queries.title_by_slug(slug)
    title = services.update_title(
        actor=request.user, title=title, **_specs(payload.model_dump(exclude_unset=True))
    )
    return _title_out(request, queries.title_by_slug(title.slug), _lang(lang))


@router.post(
    "/titles/{slug}/poster",
    response=TitleOut,
    auth=AUTH,
    summary="Upload a poster (multipart field `poster`: JPEG, PNG, WebP or GIF)",
)
def upload_poster(
    request: HttpRequest, slug: str, poster: File[UploadedFile], lang: Lang | None = None
):
    require_catalog_editor(request.user)
    title = queries.title_by_slug(slug)
    services.set_poster(actor=request.user, title=title, upload=poster)
    return _title_out(request, queries.title_by_slug(slug), _lang(lang))


@router.post(
    "/titles/{slug}/credits",
    response={201: CreditOut},
    auth=AUTH,
    summary="Credit a company on a title",
)
def add_credit(request: HttpRequest, slug: str, payload: CreditIn, lang: Lang | None = None):
    require_catalog_editor(request.user)
    title = queries.title_by_slug(slug)
    credit = services.add_credit(
        actor=request.user,
        title=title,
        company=payload.company,
        role=payload.role,
        territory=payload.territory or "",
    )
    return Status(
        201,
        CreditOut(
            company=_company_ref(credit.company, _lang(lang)),
            role=credit.role,
            territory=credit.territory or None,
        ),
    )


@router.put(
    "/titles/{slug}/release-dates/{territory}",
    response=ReleaseOut,
    auth=AUTH,
    summary="Set a title's release date in a territory",
)
def set_release_date(
    request: HttpRequest, slug: str, territory: TerritoryCode, payload: ReleaseDateIn
):
    require_catalog_editor(request.user)
    title = queries.title_by_slug(slug)
    release = services.set_release_date(
        actor=request.user, title=title, territory=territory, date=payload.date
    )
    return ReleaseOut(territory=release.territory, date=release.date)


@router.delete(
    "/titles/{slug}/release-dates/{territory}",
    response={204: None},
    auth=AUTH,
    summary="Remove a title's release date in a territory",
)
def remove_release_date(request: HttpRequest, slug: str, territory: TerritoryCode):
    require_catalog_editor(request.user)
    title = queries.title_by_slug(slug)
    services.remove_release_date(actor=request.user, title=title, territory=territory)
    return HttpResponse(status=204)
