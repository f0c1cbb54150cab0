"""Thread races against PostgreSQL: a helper that starts N callables at the same instant,
and the ticketing test world (``tests/ticketing/conftest.py``) the ticketing races run in."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection

from marquee.ticketing.models import Showtime
from tests.ticketing.conftest import World, build_world, make_showtime


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "thread races need PostgreSQL's row locks (SQLite serialises every writer); "
            "run with DATABASE_URL=postgres://…"
        )


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def race(fns: list[Callable[[], Any]], *, timeout: float = 60) -> list[Outcome]:
    """Run every callable in its own thread (own database connection), released together."""
    gate = threading.Barrier(len(fns))
    outcomes = [Outcome() for _ in fns]

    def target(i: int) -> None:
        try:
            gate.wait(timeout=timeout)
            outcomes[i].value = fns[i]()
        except BaseException as exc:  # recorded and asserted on by the test
            outcomes[i].error = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(len(fns))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a racer hung"
    return outcomes


@pytest.fixture
def world(make_user) -> World:
    return build_world(make_user)


@pytest.fixture
def showtime(world: World) -> Showtime:
    return make_showtime(world)
