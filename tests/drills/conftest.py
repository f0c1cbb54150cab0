"""Failure drills: the app served by gunicorn (as in production) against this run's test database.

Each drill starts its own ``marquee serve`` on a free port, pointed at the
PostgreSQL test database pytest-django created for this run (the data the
test commits is what the server sees; ``transaction=True``), breaks
something on purpose, and then checks the sale's invariants in the
database with ``bench.verify``. PostgreSQL only; bounded well under 60 s each.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from bench import server as srv
from bench.loadgen import command as loadgen_command
from bench.verify import verify, violations
from bench.world import FlashWorld, seed_flash_world
from django.conf import settings
from django.db import connection

_seq = iter(range(1, 1_000_000))


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "failure drills run the app under gunicorn against PostgreSQL; "
            "run with DATABASE_URL=postgres://… (.ci/run does)"
        )


def database_url() -> str:
    """The URL of the database this test run uses (pytest-django's test database)."""
    s = connection.settings_dict
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{s['NAME']}"


@pytest.fixture
def drill_world(transactional_db) -> FlashWorld:
    """A small flash world: a 1,000-seat hot hall, a 400-seat hall, one spread hall, 24 buyers."""
    world = seed_flash_world(
        spread_showtimes=4,
        hot_showtimes=2,
        baseline_showtimes=0,
        warmup_showtimes=2,
        buyers=24,
        n=next(_seq),
    )
    connection.close()  # the server, not this process, talks to the database from here on
    return world


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., srv.Server]]:
    """``serve(workers=2, threads=4, env={…})`` starts gunicorn on this run's database.

    Every server started is stopped (by PID, its process group reaped) at the end.
    """
    started: list[srv.Server] = []

    def _serve(workers: int = 2, threads: int = 4, env: dict[str, str] | None = None) -> srv.Server:
        server = srv.start_server(
            database_url=database_url(),
            workers=workers,
            threads=threads,
            log_path=tmp_path / "gunicorn.log",
            # The same signing secret as this process, so the drills can sign callbacks.
            env={"SECRET_KEY": settings.SECRET_KEY, **(env or {})},
        )
        started.append(server)
        return server

    yield _serve
    for server in started:
        server.stop()


@dataclass
class SpreadLoad:
    """The load generator running the spread scenario against ``server``; its result lands in ``out``."""

    server: srv.Server
    process: subprocess.Popen
    out: Path

    def result(self) -> dict[str, Any]:
        return json.loads(self.out.read_text())


@pytest.fixture
def spread_load(drill_world, serve, tmp_path: Path) -> Callable[..., SpreadLoad]:
    """``spread_load(concurrency=8, duration=12)``: serve the drill world (2 workers × 4 threads)
    and start buyers on its spread showtimes, each request timing out after 20 s."""

    def _start(*, concurrency: int, duration: float) -> SpreadLoad:
        server = serve(workers=2, threads=4)
        world_path = tmp_path / "world.json"
        world_path.write_text(json.dumps(drill_world.as_json()))
        out = tmp_path / "load.json"
        process = subprocess.Popen(  # noqa: S603 - our own load generator
            loadgen_command(
                world=world_path,
                port=server.port,
                scenario="spread",
                concurrency=concurrency,
                duration=duration,
                timeout=20,
                out=out,
            ),
            cwd=srv.ROOT,
        )
        return SpreadLoad(server=server, process=process, out=out)

    return _start


@dataclass
class Reply:
    status: int
    content_type: str
    data: Any

    @property
    def code(self) -> str:
        return self.data.get("code", "") if isinstance(self.data, dict) else ""


class Api:
    """A blocking HTTP client for the drills: one fresh connection per call (thread-safe)."""

    def __init__(self, server: srv.Server, token: str | None = None) -> None:
        self.host, self.port = server.host, server.port
        self.token = token

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
        timeout: float = 30,
    ) -> Reply:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        sent = dict(headers or {})
        if self.token:
            sent.setdefault("Authorization", f"Bearer {self.token}")
        payload = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        if payload is not None:
            sent.setdefault("Content-Type", "application/json")
        try:
            conn.request(method, "/api/v1" + path, body=payload, headers=sent)
            response = conn.getresponse()
            text = response.read()
            ctype = (response.getheader("Content-Type") or "").split(";")[0]
        finally:
            conn.close()
        try:
            data = json.loads(text) if text else None
        except ValueError:
            data = text.decode(errors="replace")
        return Reply(status=response.status, content_type=ctype, data=data)

    # --- the purchase path, step by step ------------------------------------------------

    def hold(self, showtime: int, seats: list[str]) -> Reply:
        return self.call("POST", "/ticketing/holds", {"showtime_id": showtime, "seats": seats})

    def order(self, hold_id: int, key: str | None = None) -> Reply:
        headers = {"Idempotency-Key": key} if key else None
        return self.call("POST", "/ticketing/orders", {"hold_id": hold_id}, headers)

    def pay(self, order_id: int, key: str | None = None) -> Reply:
        headers = {"Idempotency-Key": key} if key else None
        return self.call("POST", f"/ticketing/orders/{order_id}/pay", {}, headers)

    def authorize(self, payment_id: str, outcome: str = "succeed") -> Reply:
        return self.call("POST", f"/payments/sim/{payment_id}/authorize", {"outcome": outcome})

    def tickets(self, order_id: int) -> Reply:
        return self.call("GET", f"/ticketing/orders/{order_id}/tickets")

    def order_until_payment(self, showtime: int, seats: list[str]) -> tuple[dict, dict]:
        """hold → order → pay; returns (order, pay) bodies, asserting each step."""
        hold = self.hold(showtime, seats)
        assert hold.status == 201, hold
        order = self.order(hold.data["id"], key=uuid.uuid4().hex)
        assert order.status == 201, order
        pay = self.pay(order.data["id"], key=uuid.uuid4().hex)
        assert pay.status == 200, pay
        return order.data, pay.data


def together(fns: list[Callable[[], Any]], timeout: float = 30) -> list[Any]:
    """Run the callables in threads released at the same instant; their results (or exceptions)."""
    gate = threading.Barrier(len(fns))
    results: list[Any] = [None] * len(fns)

    def target(i: int) -> None:
        try:
            gate.wait(timeout)
            results[i] = fns[i]()
        except BaseException as exc:  # returned to the test, which asserts on it
            results[i] = exc

    threads = [threading.Thread(target=target, args=(i,)) for i in range(len(fns))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a caller hung"
    return results


def check_invariants(showtimes: list[int] | None = None) -> dict[str, int]:
    """Run every ``bench.verify`` check; fail listing the violated ones."""
    with connection.cursor() as cursor:
        result = verify(cursor, showtimes)
    assert violations(result) == {}, result
    return result
