"""Fixtures of the venues tests: cities, chains with their organisations, venues, halls."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from marquee.accounts.models import Organisation, Role
from marquee.places.models import City
from marquee.venues import services
from marquee.venues.layouts import FORMAT
from marquee.venues.models import Chain, Hall, Venue

_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # make_user hashes a password per user; the production hasher costs ~0.3 s each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def small_layout(name: str = "Hall 1", **overrides: Any) -> dict[str, Any]:
    """A valid 3×6 layout with every seat type and one couple pair."""
    layout: dict[str, Any] = {
        "format": FORMAT,
        "name": name,
        "screen": "top",
        "rows": 3,
        "columns": 6,
        "aisles_after_rows": [0],
        "aisles_after_columns": [2],
        "formats": ["2D"],
        "seats": [
            {"row": 0, "column": 0, "row_label": "1", "number": "1", "type": "wheelchair"},
            {"row": 0, "column": 1, "row_label": "1", "number": "2", "type": "companion"},
            {"row": 1, "column": 0, "row_label": "2", "number": "1"},
            {"row": 1, "column": 1, "row_label": "2", "number": "2"},
            {"row": 1, "column": 3, "row_label": "2", "number": "3", "type": "vip"},
            {"row": 1, "column": 4, "row_label": "2", "number": "4", "type": "vip"},
            {
                "row": 2,
                "column": 3,
                "row_label": "3",
                "number": "1",
                "type": "couple",
                "pair": "3-2",
            },
            {
                "row": 2,
                "column": 4,
                "row_label": "3",
                "number": "2",
                "type": "couple",
                "pair": "3-1",
            },
        ],
    }
    layout.update(overrides)
    return layout


@pytest.fixture
def city(db) -> City:
    return City.objects.create(
        code="testville",
        name_en="Testville",
        name_zh_hans="测试市",
        name_zh_hant="測試市",
        territory="CN",
        time_zone="Asia/Shanghai",
        currency="CNY",
    )


@pytest.fixture
def make_chain(make_org):
    def _make(name: str | None = None) -> Chain:
        n = next(_seq)
        org = make_org(Organisation.Kind.EXHIBITOR, name=f"{name or 'Chain'} Org {n}")
        return Chain.objects.create(
            organisation=org, name_en=name or f"Chain {n}", slug=f"chain-{n}"
        )

    return _make


@pytest.fixture
def make_venue(city):
    def _make(chain: Chain, slug: str | None = None, **kw: Any) -> Venue:
        n = next(_seq)
        return services.create_venue(
            chain=chain,
            city=kw.pop("city", city),
            slug=slug or f"cinema-{n}",
            name_en=kw.pop("name_en", f"Cinema {n}"),
            actor=services.SYSTEM,
            **kw,
        )

    return _make


@pytest.fixture
def make_hall():
    def _make(venue: Venue, name: str = "Hall 1", **overrides: Any) -> Hall:
        return services.create_hall(
            venue=venue, layout=small_layout(name, **overrides), actor=services.SYSTEM
        )

    return _make


@pytest.fixture
def two_chains(make_chain, make_venue, make_hall, make_user):
    """Chain A and chain B, each with one venue, one hall and one operator."""
    chain_a, chain_b = make_chain("Alpha Cinemas"), make_chain("Beta Cinemas")
    venue_a, venue_b = make_venue(chain_a, slug="alpha-one"), make_venue(chain_b, slug="beta-one")
    return {
        "chain_a": chain_a,
        "chain_b": chain_b,
        "venue_a": venue_a,
        "venue_b": venue_b,
        "hall_a": make_hall(venue_a, "Alpha Hall"),
        "hall_b": make_hall(venue_b, "Beta Hall"),
        "op_a": make_user(role=Role.CINEMA_OPERATOR, org=chain_a.organisation),
        "op_b": make_user(role=Role.CINEMA_OPERATOR, org=chain_b.organisation),
    }
