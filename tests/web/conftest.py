"""Fixtures of the page tests: compiled catalogs, the small web world, clients per account."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from marquee.demo.management.commands.setup import compile_translations
from tests.web.world import WebWorld, build_world


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations():
    """The .mo files are build products (gitignored): compile them as `marquee setup` does."""
    written = compile_translations([Path(p) for p in settings.LOCALE_PATHS])
    # Django caches loaded catalogs per process; start from the fresh files.
    translation.trans_real._translations = {}
    translation.trans_real._active = translation.trans_real.Local()
    return written


@pytest.fixture
def web(db) -> WebWorld:
    return build_world()


@pytest.fixture
def client_as(web):
    """``client_as("fan")``: a client logged in as one of the world's accounts (None: anonymous)."""

    def _client(key: str | None) -> Client:
        client = Client()
        if key is not None:
            client.force_login(web.users[key])
        return client

    return _client
