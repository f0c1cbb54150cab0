"""Shared fixtures: compiled catalogs, users per role, organisations, API clients."""

from __future__ import annotations

import itertools
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from marquee.accounts import services as account_services
from marquee.accounts.models import Organisation, Role, User
from marquee.demo.management.commands.setup import compile_translations

_seq = itertools.count(1)

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations():
    """The .mo files are build products (gitignored): compile them as `marquee setup` does."""
    written = compile_translations([Path(p) for p in settings.LOCALE_PATHS])
    # Django caches loaded catalogs per process; start from the fresh files.
    translation.trans_real._translations = {}
    translation.trans_real._active = translation.trans_real.Local()
    return written


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests run without collectstatic: serve static names unhashed."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached layouts must not leak between tests (ids are reused)."""
    from django.core.cache import cache

    from marquee.ticketing.seatmap import forget_local_caches

    cache.clear()
    forget_local_caches()
    yield
    cache.clear()
    forget_local_caches()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """PBKDF2 costs ~0.3 s a user; tests need correctness, not key stretching."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_org(db):
    def _make(kind: str = Organisation.Kind.EXHIBITOR, name: str | None = None) -> Organisation:
        n = next(_seq)
        name = name or f"{kind.title()} Org {n}"
        return Organisation.objects.create(name=name, kind=kind, slug=f"{kind}-org-{n}")

    return _make


@pytest.fixture
def make_user(db):
    """``make_user(role=Role.CINEMA_OPERATOR, org=org)``; no role → a moviegoer."""

    def _make(
        role: str | None = None,
        org: Organisation | None = None,
        username: str | None = None,
    ) -> User:
        n = next(_seq)
        user = User.objects.create_user(
            username=username or f"user{n}", email=f"user{n}@example.com", password=PASSWORD
        )
        if role and role != Role.MOVIEGOER:
            if org is None:
                org = Organisation.objects.create(
                    name=f"Studio {n}", kind=Organisation.Kind.STUDIO, slug=f"studio-{n}"
                )
            account_services.grant_role(user=user, organisation=org, role=role)
        return user

    return _make


@pytest.fixture
def client_for():
    """A Django test client logged in as ``user`` (or anonymous for ``None``)."""

    def _client(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return _client


#: Statements that change no row (transaction control around a request's reads).
_NOT_WRITES = ("SELECT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@pytest.fixture
def reads_only():
    """``with reads_only(): client.get(…)`` fails if anything but a read ran inside."""

    @contextmanager
    def _check():
        with CaptureQueriesContext(connection) as ctx:
            yield
        sql = [q["sql"].lstrip() for q in ctx.captured_queries]
        assert [q for q in sql if not q.upper().startswith(_NOT_WRITES)] == []

    return _check
