"""Catalog fixtures: genres, companies, a title factory, editors and images."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from marquee.accounts.models import Role
from marquee.catalog import services
from marquee.catalog.models import Title

_seq = itertools.count(1)


@pytest.fixture
def genres(db) -> dict[str, Any]:
    return {
        code: services.upsert_genre(
            actor=None, code=code, name_en=en, name_zh_hans=hans, name_zh_hant=hant
        )
        for code, en, hans, hant in [
            ("action", "Action", "动作", "動作"),
            ("drama", "Drama", "剧情", "劇情"),
            ("crime", "Crime", "犯罪", "犯罪"),
        ]
    }


@pytest.fixture
def companies(db) -> dict[str, Any]:
    return {
        "studio": services.upsert_company(
            actor=None,
            slug="marquee-pictures",
            name_en="Marquee Pictures",
            name_zh_hans="大幕影业",
            name_zh_hant="大幕影業",
            country="HK",
            roles=["studio", "distributor"],
        ),
        "paramount": services.upsert_company(
            actor=None,
            slug="paramount-pictures",
            name_en="Paramount Pictures",
            name_zh_hans="派拉蒙影业",
            name_zh_hant="派拉蒙影業",
            country="US",
            roles=["studio"],
        ),
    }


@pytest.fixture
def make_title(genres, companies):
    """``make_title(**overrides)`` creates a film through the service."""

    def _make(**overrides: Any) -> Title:
        n = next(_seq)
        fields: dict[str, Any] = {
            "slug": f"film-{n}",
            "title_en": f"Film {n}",
            "title_zh_hans": f"电影{n}",
            "title_zh_hant": f"電影{n}",
            "synopsis_en": "A story.",
            "runtime_minutes": 100,
            "year": 2024,
            "genres": ["drama"],
            "languages": ["yue"],
            "hk_classification": "IIA",
            "release_dates": [services.ReleaseSpec("HK", dt.date(2024, 5, 1))],
            "credits": [services.CreditSpec("marquee-pictures", "producer")],
        }
        fields.update(overrides)
        return services.create_title(actor=None, **fields)

    return _make


@pytest.fixture
def distributor(make_user):
    return make_user(role=Role.DISTRIBUTION)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Accounts are made in most tests; the production hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
