"""Fixtures of the page tests: the small web world, clients per account."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.web.world import WebWorld, build_world


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
