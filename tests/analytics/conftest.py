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
