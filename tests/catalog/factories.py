"""Factories of the catalog domain: genres and titles, through the catalog services."""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from marquee.catalog import services as catalog
from marquee.catalog.models import Genre, Title


class GenreFactory(DjangoModelFactory):
    class Meta:
        model = Genre

    code = factory.Sequence(lambda n: f"genre-{n}")
    name_en = factory.LazyAttribute(lambda o: o.code.title())

    @classmethod
    def _create(cls, model_class: type[Genre], *args: Any, **kwargs: Any) -> Genre:
        return catalog.upsert_genre(actor=None, **kwargs)


class TitleFactory(DjangoModelFactory):
    """A film of two hours; every field ``catalog.create_title`` takes may be given."""

    class Meta:
        model = Title

    slug = factory.Sequence(lambda n: f"film-{n}")
    title_en = factory.Sequence(lambda n: f"Film {n}")
    original_title = factory.SelfAttribute("title_en")
    runtime_minutes = 120

    @classmethod
    def _create(cls, model_class: type[Title], *args: Any, **kwargs: Any) -> Title:
        return catalog.create_title(actor=None, **kwargs)
