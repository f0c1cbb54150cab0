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
