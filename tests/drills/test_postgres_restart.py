"""Drill (b): PostgreSQL restarted under load → clear 503 problems, never a 500, and recovery.

Eight buyers run the purchase path while the PostgreSQL server is stopped
(fast shutdown: open transactions are rolled back, clients disconnected),
left down for two seconds, and started again. Every request that needed the
database meanwhile must get ``503`` ``application/problem+json`` with code
``service_unavailable`` and ``Retry-After``; none may get a 500; and the
service must recover by itself (persistent connections are health-checked
and replaced) — no restart of the app.

THIS DRILL RESTARTS THE SHARED POSTGRESQL SERVER of the machine: every other
client loses its connections. It runs only when ``CI`` is set (``.ci/run``)
or ``MARQUEE_DRILL_PG_RESTART=1``, as root with ``pg_ctlcluster`` at hand, and
it starts PostgreSQL again in a ``finally`` whatever happens.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from bench.server import port_open
from django.db import connection

from .conftest import Api, check_invariants

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PG_PORT = 5432
OUTAGE_SECONDS = 2.0


def _cluster() -> list[str] | None:
    versions = sorted(p.name for p in Path("/etc/postgresql").glob("*") if p.is_dir())
    tool = shutil.which("pg_ctlcluster")
    if not versions or not tool:
        return None
    return [tool, "--skip-systemctl-redirect", versions[-1], "main"]


def _truthy(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


@pytest.fixture
def cluster():
    command = _cluster()
    host = connection.settings_dict.get("HOST") or "127.0.0.1"
    if not (_truthy("CI") or _truthy("MARQUEE_DRILL_PG_RESTART")):
        pytest.skip(
            "restarts the machine's shared PostgreSQL server; runs in CI (CI=true) or with "
            "MARQUEE_DRILL_PG_RESTART=1"
        )
    if command is None or os.geteuid() != 0 or host not in {"127.0.0.1", "localhost"}:
        pytest.skip("needs a local Debian PostgreSQL cluster (pg_ctlcluster) and root")
    try:
        yield command
    finally:
        # Whatever happened, leave PostgreSQL running.
        if not port_open("127.0.0.1", PG_PORT):
            subprocess.run([*command, "start"], check=False, timeout=60)  # noqa: S603
        _wait_for_postgres(60)
        connection.close()


def _wait_for_postgres(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready = subprocess.run(  # noqa: S603
            [shutil.which("pg_isready") or "pg_isready", "-h", "127.0.0.1", "-p", str(PG_PORT)],
            capture_output=True,
            check=False,
        )
        if ready.returncode == 0:
            return
        time.sleep(0.2)
    raise AssertionError("PostgreSQL did not come back")


def test_postgres_restart_gives_503_problems_then_recovers(drill_world, spread_load, cluster):
    started = spread_load(concurrency=8, duration=12)
    server, load = started.server, started.process
    try:
        time.sleep(3)
        subprocess.run([*cluster, "stop"], check=True, timeout=60)  # noqa: S603
        time.sleep(OUTAGE_SECONDS)
        subprocess.run([*cluster, "start"], check=True, timeout=60)  # noqa: S603
        _wait_for_postgres(30)
        assert load.wait(60) == 0
    finally:
        if load.poll() is None:
            load.kill()
    result = started.result()
    connection.close()  # this process's connection died with the server

    server_errors = {k: n for k, n in result["errors"].items() if k.split(": ")[1][:1] == "5"}
    assert server_errors, f"no request met the outage: {result['errors']}"
    # Every 5xx is a 503 problem+json with the stable code (its content type is what
    # lets the load generator read the code); none is a 500.
    assert all(k.endswith(" 503 service_unavailable") for k in server_errors), server_errors
    assert result["transport_errors"] == 0, result["errors"]

    # The service recovered by itself: a complete purchase goes through.
    buyer = Api(server, drill_world.tokens[-1])
    deadline = time.monotonic() + 20
    probe = buyer.call("GET", f"/ticketing/showtimes/{drill_world.hot[0]}/seats")
    while probe.status != 200 and time.monotonic() < deadline:
        assert (probe.status, probe.code) == (503, "service_unavailable"), probe
        time.sleep(0.5)
        probe = buyer.call("GET", f"/ticketing/showtimes/{drill_world.hot[0]}/seats")
    assert probe.status == 200, probe
    order, pay = buyer.order_until_payment(drill_world.hot[0], ["13-21"])
    assert buyer.authorize(pay["payment_id"]).status == 200
    assert [t["seat"]["code"] for t in buyer.tickets(order["id"]).data] == ["13-21"]
    check_invariants([s for s, _ in drill_world.spread] + drill_world.hot)
    print(f"\npostgres restart drill: {result['orders']} orders; errors {result['errors']}")
