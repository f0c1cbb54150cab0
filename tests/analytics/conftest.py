"""Fixtures of the analytics tests: the ticketing test world, sales through the real services."""

from __future__ import annotations

import pytest

from tests.ticketing.conftest import World, build_world


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(make_user) -> World:
    return build_world(make_user)


@pytest.fixture(autouse=True)
def _fresh_model_cache():
    """The recommender caches its model per process: each test starts without one."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _own_snapshot_directory(settings, tmp_path):
    """Snapshots of a test go to its own directory, never to var/analytics."""
    settings.MARQUEE_ANALYTICS_DIR = tmp_path / "analytics"
