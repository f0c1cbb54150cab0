from __future__ import annotations

import importlib

import pytest
from django.apps import apps


@pytest.fixture(autouse=True)
def territory_tree(request) -> None:
    """The tree the migration seeds (again, after a test that flushed the database)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or marker.kwargs.get("transaction"):
        return  # no database, or a test that migrates on its own
    request.getfixturevalue("db")
    importlib.import_module("marquee.places.migrations.0001_initial").seed_tree(apps)
