"""Outbox fixtures: register throw-away consumers and clean the registry after."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from marquee.core import outbox


@pytest.fixture
def register_consumer() -> Iterator[Callable[..., Callable]]:
    """``register_consumer(name, events, fn, **kw)`` registers ``fn`` for this test only."""
    names: list[str] = []

    def _register(name: str, events: list[str], fn: Callable, **kwargs) -> Callable:
        outbox.consumer(name, events=events, **kwargs)(fn)
        names.append(name)
        return fn

    yield _register
    for name in names:
        outbox.unregister(name)


@pytest.fixture(autouse=True)
def periodic_jobs(monkeypatch) -> dict:
    """The periodic-job registry of a test: empty (no app's job runs in a core test's worker);
    ``periodic.register`` inside the test fills it for that test only."""
    from marquee.core import periodic

    jobs: dict = {}
    monkeypatch.setattr(periodic, "_jobs", jobs)
    return jobs
