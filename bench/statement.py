"""The live statement benchmark: ``python -m bench.statement`` (``make bench-statement``).

How long does a partner wait for its statement, settled and provisional
parts together, in the demo world?

1. Builds the demo world (``marquee setup``) in a SQLite file of its own
   under /tmp, or uses ``--database`` (a ``DATABASE_URL`` that already
   holds it, e.g. the one ``make run`` serves).
2. Logs in as ``paramount-partner`` (Django's test client, in process) and
   calls ``GET /api/v1/investment/participants/<Paramount>/statement``
   ``--calls`` times after ``--warm`` warm-up calls, then the web page's
   live part (``/investment/statements/<id>/live/``) as often; latency
   p50 / p95 / max, and the queries of one call; and the provisional
   computation alone (``queries.project_live``, in process, no HTTP).
3. Checks that the provisional part is there (tickets sold since the last
   settlement) and that each call returns the same figures.
4. Prints a table and, last, ONE line of JSON. docs/investment.md has the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Any

from bench.stats import summarise, table

PARTNER = "paramount-partner"


def _database(args: argparse.Namespace) -> str:
    if args.database:
        return args.database
    var = tempfile.mkdtemp(prefix="bench-statement-")
    url = f"sqlite:///{os.path.join(var, 'demo.sqlite3')}"
    env = {**os.environ, "DATABASE_URL": url, "MARQUEE_VAR_DIR": var}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "marquee.cli", "setup", "-v", "0"], env=env, check=True)
    print(f"demo world built in {time.perf_counter() - started:.0f} s ({url})")
    return url


def _timed(client: Any, url: str, calls: int) -> tuple[list[float], list[bytes]]:
    latencies, bodies = [], []
    for _ in range(calls):
        started = time.perf_counter()
        response = client.get(url)
        latencies.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
        bodies.append(response.content)
    return latencies, bodies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="a DATABASE_URL that holds the demo world already")
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--warm", type=int, default=5)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = _database(args)
    os.environ["DJANGO_SETTINGS_MODULE"] = "marquee.settings"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from marquee.accounts.models import User
    from marquee.investment import queries

    user = User.objects.get(username=PARTNER)
    (participant,) = queries.stakes_for_partner(user)
    client = Client()
    client.force_login(user)
    api = f"/api/v1/investment/participants/{participant.pk}/statement"
    page = f"/investment/statements/{participant.pk}/live/"
    _timed(client, api, args.warm)
    _timed(client, page, args.warm)
    executed: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    # Not CaptureQueriesContext: the request's start resets the connection's query log.
    with connection.execute_wrapper(count):
        client.get(api)
    api_ms, bodies = _timed(client, api, args.calls)
    page_ms, _ = _timed(client, page, args.calls)
    live_ms = []
    for _ in range(args.calls):
        started = time.perf_counter()
        queries.project_live(participant.project)
        live_ms.append((time.perf_counter() - started) * 1000)
    if len(set(bodies)) != 1:
        raise SystemExit("the statement changed between calls")
    body = json.loads(bodies[0])
    provisional = body["provisional"]
    result = {
        "calls": args.calls,
        "api_ms": summarise(api_ms),
        "live_page_ms": summarise(page_ms),
        "provisional_alone_ms": summarise(live_ms),
        "queries_per_call": len(executed),
        "settled_minor": body["settled"]["earned"]["amount_minor"],
        "provisional_minor": provisional["amount"]["amount_minor"],
        "unsettled_days": len(provisional["days"]),
        "unsettled_tickets": provisional["tickets"],
        "currency": body["currency"],
        "database": connection.vendor,
    }
    print(
        table(
            ["what", "calls", "p50 ms", "p95 ms", "max ms"],
            [
                [
                    "API statement",
                    args.calls,
                    *(result["api_ms"][k] for k in ("p50", "p95", "max")),
                ],
                [
                    "web live part",
                    args.calls,
                    *(result["live_page_ms"][k] for k in ("p50", "p95", "max")),
                ],
                [
                    "provisional run alone",
                    args.calls,
                    *(result["provisional_alone_ms"][k] for k in ("p50", "p95", "max")),
                ],
            ],
        )
    )
    print(
        f"{result['queries_per_call']} queries a call; provisional over "
        f"{result['unsettled_days']} cinema-days, {result['unsettled_tickets']} tickets"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
