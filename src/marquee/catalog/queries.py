"""Reads of the catalog shared by the API and the HTML pages.

The catalog is public: titles, companies and genres are visible to everyone,
so these queries take no acting user. Each names its ``prefetch_related``
explicitly so list pages run a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet

from marquee.catalog.errors import CatalogErrorCode
from marquee.catalog.models import Company, Credit, Genre, ReleaseDate, Title
from marquee.catalog.services import SLUG_RE
from marquee.core.errors import NotFound
from marquee.places.models import City

#: The display languages of localized catalog text.
LANGUAGES = ("en", "zh-hans", "zh-hant")


def normalize_language(code: str | None) -> str:
    """Map any Django/browser language code onto one of :data:`LANGUAGES`."""
    code = (code or "").lower().replace("_", "-")
    if code.startswith(("zh-hant", "zh-hk", "zh-tw", "zh-mo")):
        return "zh-hant"
    if code.startswith("zh"):
        return "zh-hans"
    return "en"


def _clean(value: str | None) -> str:
    # PostgreSQL refuses NUL in text parameters; a filter must never turn into a 500.
    return (value or "").replace("\x00", "").strip()


def _list_related(qs: QuerySet[Title]) -> QuerySet[Title]:
    return qs.prefetch_related(
        Prefetch("genres", queryset=Genre.objects.order_by("code")),
        Prefetch("release_dates", queryset=ReleaseDate.objects.order_by("date", "territory")),
    )


def _detail_related(qs: QuerySet[Title]) -> QuerySet[Title]:
    return _list_related(qs).prefetch_related(
        Prefetch(
            "credits",
            queryset=Credit.objects.select_related("company").order_by(
                "role", "company__name_en", "territory"
            ),
        )
    )


def _city(city: City | str) -> City:
    if isinstance(city, City):
        return city
    code = _clean(city)
    found = City.objects.filter(code=code).first() if SLUG_RE.match(code) else None
    if found is None:
        raise NotFound(CatalogErrorCode.CITY_NOT_FOUND, f"No city {code!r}.")
    return found


def _with_language(qs: QuerySet[Title], language: str) -> QuerySet[Title]:
    # ``languages`` is a JSON list; JSON containment is not portable to SQLite,
    # so the (small) id set is matched in Python and fed back as a filter.
    ids = [pk for pk, langs in qs.values_list("pk", "languages") if language in (langs or [])]
    return qs.filter(pk__in=ids)


def titles(
    city: City | str | None = None,
    on: dt.date | None = None,
    language: str | None = None,
) -> QuerySet[Title]:
    """Titles a moviegoer can browse, with genres and release dates prefetched.

    ``city`` (a :class:`City` or its code) keeps titles with a release date in the
    city's territory; ``on`` keeps titles released on or before that date (in
    that territory when a city is given); ``language`` keeps titles whose spoken
    languages include that code. Ticketing narrows this further to titles with
    showtimes. Raises ``NotFound`` (``city_not_found``) for an unknown city code.
    """
    qs = Title.objects.all()
    releases = ReleaseDate.objects.all()
    if city is not None:
        releases = releases.filter(territory=_city(city).territory)
    if on is not None:
        releases = releases.filter(date__lte=on)
    if city is not None or on is not None:
        qs = qs.filter(pk__in=releases.values("title_id"))
    if language:
        qs = _with_language(qs, _clean(language))
    return _list_related(qs.order_by("title_en", "pk"))


def search_titles(
    *,
    kind: str | None = None,
    genre: str | None = None,
    territory: str | None = None,
    q: str | None = None,
    city: City | str | None = None,
    on: dt.date | None = None,
    language: str | None = None,
) -> QuerySet[Title]:
    """:func:`titles` plus the API's filters.

    ``genre`` is a genre code, ``territory`` keeps titles with a release date
    there, and ``q`` matches the slug or any of the titles (original, English,
    简体, 繁體), case-insensitively.
    """
    qs = titles(city=city, on=on, language=language)
    if kind:
        qs = qs.filter(kind=_clean(kind))
    if genre:
        qs = qs.filter(
            pk__in=Title.genres.through.objects.filter(genre__code=_clean(genre)).values("title_id")
        )
    if territory:
        qs = qs.filter(
            pk__in=ReleaseDate.objects.filter(territory=_clean(territory)).values("title_id")
        )
    text = _clean(q)
    if text:
        qs = qs.filter(
            Q(slug__icontains=text)
            | Q(original_title__icontains=text)
            | Q(title_en__icontains=text)
            | Q(title_zh_hans__icontains=text)
            | Q(title_zh_hant__icontains=text)
        )
    return qs


def title_by_slug(slug: str) -> Title:
    """One title with genres, release dates and credits (with companies) prefetched.

    Raises ``NotFound`` (``title_not_found``).
    """
    slug = _clean(slug)
    title = (
        _detail_related(Title.objects.filter(slug=slug)).first() if SLUG_RE.match(slug) else None
    )
    if title is None:
        raise NotFound(CatalogErrorCode.TITLE_NOT_FOUND, f"No title {slug!r}.")
    return title


def home_titles(*, limit: int = 48) -> list[Title]:
    """The films the home page shows: newest first, with genres prefetched."""
    qs = Title.objects.filter(kind=Title.Kind.FILM).order_by("-year", "title_en", "pk")
    return list(_list_related(qs)[:limit])


def genres() -> QuerySet[Genre]:
    return Genre.objects.order_by("code")


def companies(*, role: str | None = None) -> QuerySet[Company]:
    """Companies with their roles prefetched; ``role`` keeps those holding it."""
    qs = Company.objects.select_related("organisation").prefetch_related("roles")
    if role:
        qs = qs.filter(roles__role=_clean(role)).distinct()
    return qs.order_by("name_en", "pk")


def company_by_slug(slug: str) -> Company:
    """One company with its roles and credits (with titles). Raises ``NotFound``."""
    slug = _clean(slug)
    company = None
    if SLUG_RE.match(slug):
        company = (
            Company.objects.filter(slug=slug)
            .select_related("organisation")
            .prefetch_related(
                "roles",
                Prefetch(
                    "credits",
                    queryset=Credit.objects.select_related("title").order_by(
                        "title__title_en", "role", "territory"
                    ),
                ),
            )
            .first()
        )
    if company is None:
        raise NotFound(CatalogErrorCode.COMPANY_NOT_FOUND, f"No company {slug!r}.")
    return company
