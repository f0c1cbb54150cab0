"""Writes for titles: create, update, release dates and credits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, transaction

from marquee.accounts.models import User
from marquee.catalog.errors import CatalogErrorCode
from marquee.catalog.models import Company, Credit, Genre, ReleaseDate, Title
from marquee.catalog.services.validation import (
    UNSET,
    CreditSpec,
    ReleaseSpec,
    _authorise,
    _check_episodes,
    _clean_title_fields,
    _credit_specs,
    _genres,
    _release_specs,
    _territory,
)
from marquee.core.errors import Conflict, NotFound


def _replace_release_dates(title: Title, specs: list[ReleaseSpec]) -> None:
    keep = [s.territory for s in specs]
    title.release_dates.exclude(territory__in=keep).delete()
    for spec in specs:
        ReleaseDate.objects.update_or_create(
            title=title, territory=spec.territory, defaults={"date": spec.date}
        )


def _replace_credits(title: Title, credits: list[tuple[Company, str, str]]) -> None:
    wanted = {(c.pk, role, territory) for c, role, territory in credits}
    existing = {(row.company_id, row.role, row.territory): row.pk for row in title.credits.all()}
    stale = [pk for key, pk in existing.items() if key not in wanted]
    if stale:
        Credit.objects.filter(pk__in=stale).delete()
    Credit.objects.bulk_create(
        [
            Credit(title=title, company=c, role=role, territory=territory)
            for c, role, territory in credits
            if (c.pk, role, territory) not in existing
        ]
    )


# --- titles -------------------------------------------------------------------------


#: The plain columns a title is created and changed with (the rest are relations).
TITLE_FIELDS = (
    "slug",
    "kind",
    "original_title",
    "original_language",
    "title_en",
    "title_zh_hans",
    "title_zh_hant",
    "synopsis_en",
    "synopsis_zh_hans",
    "synopsis_zh_hant",
    "runtime_minutes",
    "episodes",
    "year",
    "languages",
    "hk_classification",
)


def create_title(
    *,
    actor: User | None,
    slug: str,
    title_en: str,
    kind: str = Title.Kind.FILM,
    original_title: str = "",
    original_language: str = "",
    title_zh_hans: str = "",
    title_zh_hant: str = "",
    synopsis_en: str = "",
    synopsis_zh_hans: str = "",
    synopsis_zh_hant: str = "",
    runtime_minutes: int | None = None,
    episodes: int | None = None,
    year: int | None = None,
    genres: Sequence[str | Genre] = (),
    languages: Sequence[str] = (),
    hk_classification: str = "",
    release_dates: Sequence[ReleaseSpec] = (),
    credits: Sequence[CreditSpec] = (),
) -> Title:
    """Create a title with its genres, release dates (one per territory) and credits.

    ``original_title`` defaults to ``title_en``. Raises ``PermissionDenied`` when
    ``actor`` may not edit the catalog, ``Conflict`` (``title_slug_taken``) when
    the slug is in use, and ``DomainError`` for any invalid field (the detail's
    ``field`` names it).
    """
    arguments = locals()
    _authorise(actor)
    fields = _clean_title_fields({name: arguments[name] for name in TITLE_FIELDS})
    fields["original_title"] = fields["original_title"] or fields["title_en"]
    _check_episodes(fields["kind"], fields["episodes"])
    genre_rows = _genres(genres)
    releases = _release_specs(release_dates)
    credit_rows = _credit_specs(credits)
    with transaction.atomic():
        if Title.objects.filter(slug=fields["slug"]).exists():
            raise _slug_taken(fields["slug"])
        try:
            with transaction.atomic():
                title = Title.objects.create(**fields)
        except IntegrityError as exc:  # a concurrent create won the slug
            raise _slug_taken(fields["slug"]) from exc
        title.genres.set(genre_rows)
        _replace_release_dates(title, releases)
        _replace_credits(title, credit_rows)
    return title


def _slug_taken(slug: str) -> Conflict:
    return Conflict(
        CatalogErrorCode.SLUG_TAKEN, f"The slug {slug!r} is already in use.", field="slug"
    )


def update_title(
    *,
    actor: User | None,
    title: Title,
    slug: str = UNSET,
    title_en: str = UNSET,
    kind: str = UNSET,
    original_title: str = UNSET,
    original_language: str = UNSET,
    title_zh_hans: str = UNSET,
    title_zh_hant: str = UNSET,
    synopsis_en: str = UNSET,
    synopsis_zh_hans: str = UNSET,
    synopsis_zh_hant: str = UNSET,
    runtime_minutes: int | None = UNSET,
    episodes: int | None = UNSET,
    year: int | None = UNSET,
    genres: Sequence[str | Genre] = UNSET,
    languages: Sequence[str] = UNSET,
    hk_classification: str = UNSET,
    release_dates: Sequence[ReleaseSpec] = UNSET,
    credits: Sequence[CreditSpec] = UNSET,
    trailer_url: str = UNSET,
) -> Title:
    """Change the given fields of ``title``; keywords left out stay as they are.

    ``genres``, ``release_dates`` and ``credits``, when given, replace the whole
    set. Raises like :func:`create_title`; ``NotFound`` if the title was deleted.
    Returns the refreshed title.
    """
    arguments = locals()
    _authorise(actor)
    given = {
        name: arguments[name]
        for name in (*TITLE_FIELDS, "trailer_url")
        if arguments[name] is not UNSET
    }
    fields = _clean_title_fields(given)
    genre_rows = None if genres is UNSET else _genres(genres)
    releases = None if release_dates is UNSET else _release_specs(release_dates)
    credit_rows = None if credits is UNSET else _credit_specs(credits)
    with transaction.atomic():
        locked = Title.objects.select_for_update().filter(pk=title.pk).first()
        if locked is None:
            raise NotFound(CatalogErrorCode.TITLE_NOT_FOUND, f"No title {title.slug!r}.")
        if "original_title" in fields and not fields["original_title"]:
            fields["original_title"] = fields.get("title_en", locked.title_en)
        _check_episodes(fields.get("kind", locked.kind), fields.get("episodes", locked.episodes))
        new_slug = fields.get("slug")
        if (
            new_slug
            and new_slug != locked.slug
            and Title.objects.filter(slug=new_slug).exclude(pk=locked.pk).exists()
        ):
            raise _slug_taken(new_slug)
        changed = [name for name, value in fields.items() if getattr(locked, name) != value]
        for name in changed:
            setattr(locked, name, fields[name])
        if changed:
            try:
                with transaction.atomic():
                    locked.save(update_fields=[*changed, "updated_at"])
            except IntegrityError as exc:
                raise _slug_taken(fields.get("slug", locked.slug)) from exc
        if genre_rows is not None:
            locked.genres.set(genre_rows)
        if releases is not None:
            _replace_release_dates(locked, releases)
        if credit_rows is not None:
            _replace_credits(locked, credit_rows)
    locked.refresh_from_db()
    return locked


def set_release_date(
    *, actor: User | None, title: Title, territory: str, date: dt.date
) -> ReleaseDate:
    """Set (create or move) ``title``'s release date in ``territory``.

    Raises ``DomainError`` (``invalid_territory``) for an unknown territory.
    """
    _authorise(actor)
    (spec,) = _release_specs([ReleaseSpec(territory=territory, date=date)])
    with transaction.atomic():
        release, _ = ReleaseDate.objects.update_or_create(
            title=title, territory=spec.territory, defaults={"date": spec.date}
        )
    return release


def remove_release_date(*, actor: User | None, title: Title, territory: str) -> bool:
    """Remove ``title``'s release date in ``territory``; True if there was one."""
    _authorise(actor)
    territory = _territory(territory)
    with transaction.atomic():
        deleted, _ = ReleaseDate.objects.filter(title=title, territory=territory).delete()
    return bool(deleted)


def add_credit(
    *,
    actor: User | None,
    title: Title,
    company: Company | str,
    role: str,
    territory: str = "",
) -> Credit:
    """Credit ``company`` on ``title`` in ``role`` (optionally for one territory).

    Raises ``DomainError`` (``unknown_company``, ``invalid_credit_role``,
    ``invalid_territory``) and ``Conflict`` (``credit_exists``) for a duplicate.
    """
    _authorise(actor)
    ((company_row, role, territory),) = _credit_specs(
        [CreditSpec(company=company, role=role, territory=territory)]
    )
    with transaction.atomic():
        exists = Credit.objects.filter(
            title=title, company=company_row, role=role, territory=territory
        ).exists()
        if exists:
            raise _credit_exists(company_row, role)
        try:
            with transaction.atomic():
                return Credit.objects.create(
                    title=title, company=company_row, role=role, territory=territory
                )
        except IntegrityError as exc:
            raise _credit_exists(company_row, role) from exc


def _credit_exists(company: Company, role: str) -> Conflict:
    return Conflict(
        CatalogErrorCode.CREDIT_EXISTS,
        f"{company.name_en} is already credited as {role} on this title.",
        field="credits",
    )


def remove_credit(
    *,
    actor: User | None,
    title: Title,
    company: Company | str,
    role: str,
    territory: str = "",
) -> None:
    """Remove a credit. Raises ``NotFound`` (``credit_not_found``) if there is none."""
    _authorise(actor)
    ((company_row, role, territory),) = _credit_specs(
        [CreditSpec(company=company, role=role, territory=territory)]
    )
    with transaction.atomic():
        deleted, _ = Credit.objects.filter(
            title=title, company=company_row, role=role, territory=territory
        ).delete()
    if not deleted:
        raise NotFound(
            CatalogErrorCode.CREDIT_NOT_FOUND,
            f"{company_row.name_en} has no {role} credit on this title.",
        )
