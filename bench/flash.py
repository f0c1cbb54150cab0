"""The flash-sale benchmark: ``python -m bench.flash`` (``make bench-flash``).

1. Drops and re-creates a PostgreSQL database of its own (``marquee_bench``),
   migrates it and seeds a flash-sale world in bulk (``bench.world``).
2. Starts the app as in production — ``marquee serve`` (gunicorn, gthread
   workers, persistent database connections) — and stops it by PID at the
   end, also on error or Ctrl-C.
3. Drives it from a separate load-generator process (``bench.loadgen``):
   the seat map of a 400-seat hall alone; scenario A (spread) and B (hot) at
   each concurrency with the full purchase path; the hold step alone at 64.
4. Verifies the invariants in the database after every run (``bench.verify``).
5. Runs the psycopg baseline (``bench.baseline``) with the server stopped.
6. Prints a table and, last, ONE line of JSON.

``--profile`` instead profiles the hot path: query counts per step
in-process, then cProfile inside a gunicorn worker (``bench/gunicorn_profile.py``).
See docs/performance.md for the method and the numbers.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import pstats
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import psycopg

from bench import cpu
from bench import server as srv
from bench.loadgen import command as loadgen_command
from bench.stats import table
from bench.verify import CHECKS, violations

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "var" / "bench"
PG = os.environ.get("MARQUEE_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REFERENCE = 64  # the concurrency the targets are stated at
DATABASE = ["marquee_bench"]  # the run's database name (for the CPU accounting)
#: Each load-generator run gets its own random seed: buyers of a later run must not
#: replay an earlier run's choices (same showtime, same seats → false conflicts).
_SEEDS = itertools.count(1)


# --- the database ------------------------------------------------------------------


def recreate_database(name: str) -> str:
    """Drop and create database ``name``; returns its URL."""
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"not a database name: {name!r}")
    DATABASE[0] = name
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG}/{name}"


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "marquee.settings"
    os.environ.setdefault("CONN_MAX_AGE", "600")
    # The in-process step timer buys as one account, faster than a person: the
    # production hold limits would measure the limiter (as for the server: bench.server).
    for name, rate in srv.UNLIMITED_HOLDS.items():
        os.environ.setdefault(name, rate)
    import django

    django.setup()


def migrate_and_seed(args: argparse.Namespace, levels: list[int]) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connections

    from bench.world import seed_flash_world

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - started
    world = seed_flash_world(
        spread_showtimes=20 if args.quick else 100,
        hot_showtimes=len(levels) + 1,
        room_showtimes=len(levels) if "room" in args.scenarios else 0,
        room_size=args.room_size,
        baseline_showtimes=6 if args.quick else 40,
        warmup_showtimes=2,
        buyers=max([*levels, args.seatmap_concurrency, 8]) + 8,
    ).as_json()
    world["migrate_seconds"] = round(migrated, 2)
    connections.close_all()
    return world


# --- runs ------------------------------------------------------------------------------


def loadgen(
    server: srv.Server,
    world_path: Path,
    *,
    scenario: str,
    concurrency: int,
    duration: float,
    showtime: int = 0,
    max_purchases: int = 200_000,
) -> dict[str, Any]:
    """One load-generator process; its JSON result."""
    out = OUT_DIR / f"run-{scenario}-{concurrency}.json"
    out.unlink(missing_ok=True)
    command = loadgen_command(
        world=world_path,
        port=server.port,
        scenario=scenario,
        concurrency=concurrency,
        duration=duration,
        showtime=showtime,
        max_purchases=max_purchases,
        seed=next(_SEEDS),
        out=out,
    )
    before = cpu.sample(server.pid, DATABASE[0])
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, check=True, timeout=duration + 120)  # noqa: S603
    wall = time.monotonic() - started
    after = cpu.sample(server.pid, DATABASE[0])
    result = json.loads(out.read_text())
    # CPU over the load generator's whole life (start-up included), so the machine's
    # busy share is over that same wall time.
    result["cpu"] = cpu.usage(before, after, requests=result["requests"], elapsed=wall)
    return result


def verify_db(database_url: str, showtimes: list[int] | None) -> dict[str, int]:
    from bench.verify import verify

    with psycopg.connect(database_url, autocommit=True) as conn, conn.cursor() as cur:
        return verify(cur, showtimes)


def _say(text: str) -> None:
    print(text, flush=True)


def run_all(args: argparse.Namespace) -> dict[str, Any]:
    levels = args.concurrency
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    database_url = recreate_database(args.database)
    setup_django(database_url)
    _say(f"· database {args.database} re-created; migrating and seeding …")
    world = migrate_and_seed(args, levels)
    world_path = OUT_DIR / "flash-world.json"
    world_path.write_text(json.dumps(world))
    seats = sum(world["hall_seats"][str(h)] for _, h in world["spread"])
    _say(
        f"· seeded in {world['seed_seconds']} s (migrate {world['migrate_seconds']} s): "
        f"{len(world['spread'])} spread showtimes ({seats:,} seats), {len(world['hot'])} hot "
        f"showtimes of {world['hall_seats'][str(_hot_hall(world))]} seats, "
        f"{len(world['baseline'])} baseline showtimes, {len(world['tokens'])} buyers"
    )
    report: dict[str, Any] = {"runs": [], "world": _world_summary(world)}
    if not args.quick:
        from django.db import connections

        report["in_process"] = measure_steps_in_process(world, purchases=30)
        connections.close_all()
        _say(
            "· per step in-process (Django test client, no HTTP; SQL queries, CPU ms): "
            + ", ".join(
                f"{k} {v['queries']}q {v['cpu_ms']}ms" for k, v in report["in_process"].items()
            )
        )
    with srv.running_server(
        database_url=database_url,
        workers=args.workers,
        threads=args.threads,
        log_path=OUT_DIR / "gunicorn.log",
    ) as server:
        _say(
            f"· gunicorn pid {server.pid} on :{server.port}, {args.workers} workers × "
            f"{args.threads} threads; warming up …"
        )
        loadgen(
            server,
            world_path,
            scenario="warmup",
            concurrency=args.workers * args.threads * 2,
            duration=min(3.0, args.duration),
        )
        if "floor" in args.scenarios:
            floor = loadgen(
                server,
                world_path,
                scenario="floor",
                concurrency=args.seatmap_concurrency,
                duration=max(2.0, args.duration / 2),
            )
            report["floor"] = floor
            _say(
                f"· floor (GET /ticketing/keys): {floor['requests_per_s']:,} req/s, app "
                f"{floor['cpu']['app_cpu_ms_per_request']} ms CPU/request"
            )
        if "seatmap" in args.scenarios:
            seatmap = loadgen(
                server,
                world_path,
                scenario="seatmap",
                concurrency=args.seatmap_concurrency,
                duration=max(2.0, args.duration / 2),
                showtime=world["seatmap_showtime"],
            )
            report["seat_map"] = seatmap
            _say(
                f"· seat map, {world['hall_seats'][str(_map_hall(world))]}-seat hall: "
                f"{seatmap['requests_per_s']:,} req/s, p99 "
                f"{seatmap['latency_ms']['seat_map']['p99']} ms, app "
                f"{seatmap['cpu']['app_cpu_ms_per_request']} ms CPU/request"
            )
        for concurrency in levels if "A" in args.scenarios else []:
            result = loadgen(
                server,
                world_path,
                scenario="spread",
                concurrency=concurrency,
                duration=args.duration,
            )
            result["verify"] = verify_db(database_url, [s for s, _ in world["spread"]])
            report["runs"].append({"name": "A", **result})
            _say(_one_line("A", result))
        # B races for one showtime per run; "room" does the same on showtimes with a
        # waiting room (a sold-out showtime cannot be raced for twice).
        for name, key, wanted in (("B", "hot", "B"), ("B-room", "room", "room")):
            for n, concurrency in enumerate(levels if wanted in args.scenarios else []):
                hot = world[key][n]
                result = loadgen(
                    server,
                    world_path,
                    scenario="hot",
                    concurrency=concurrency,
                    duration=args.duration,
                    showtime=hot,
                )
                result["verify"] = verify_db(database_url, [hot])
                result["showtime"] = hot
                if key == "room":
                    result["room_size"] = world["room_size"]
                report["runs"].append({"name": name, **result})
                _say(_one_line(name, result))
        if "hold" in args.scenarios:
            hold_level = REFERENCE if REFERENCE in levels else max(levels)
            result = loadgen(
                server, world_path, scenario="hold", concurrency=hold_level, duration=args.duration
            )
            report["runs"].append({"name": "A-hold", **result})
            _say(_one_line("A-hold", result))
        report["server_log_tail"] = server.log_tail(15)
    if "baseline" in args.scenarios and not args.skip_baseline:
        from bench.baseline import run_baseline

        _say("· server stopped; psycopg baseline …")
        report["baseline"] = run_baseline(
            database_url,
            showtimes=world["baseline"],
            levels=levels,
            duration=max(2.0, args.duration / 4),
        )
    report["verify_all"] = verify_db(
        database_url,
        [s for s, _ in world["spread"]]
        + world["hot"]
        + world["room"]
        + [w for w, _ in world["warmup"]],
    )
    report["seconds"] = round(time.perf_counter() - t0, 1)
    report["config"] = {
        "workers": args.workers,
        "threads": args.threads,
        "duration": args.duration,
        "concurrency": levels,
        "quick": args.quick,
        "nproc": os.cpu_count(),
    }
    return report


def _hot_hall(world: dict) -> str:
    return max(world["hall_seats"], key=lambda h: world["hall_seats"][h])


def _map_hall(world: dict) -> int:
    return next(h for w, h in world["warmup"])


def _world_summary(world: dict) -> dict[str, Any]:
    return {
        "spread_showtimes": len(world["spread"]),
        "spread_seats": sum(world["hall_seats"][str(h)] for _, h in world["spread"]),
        "hall_sizes": sorted(set(world["hall_seats"].values())),
        "hot_showtimes": len(world["hot"]),
        "baseline_showtimes": len(world["baseline"]),
        "buyers": len(world["tokens"]),
        "seatmap_hall_seats": world["hall_seats"][str(_map_hall(world))],
        "seed_seconds": world["seed_seconds"],
        "migrate_seconds": world["migrate_seconds"],
    }


def _one_line(name: str, r: dict[str, Any]) -> str:
    hold = r["latency_ms"].get("hold", {})
    bad = violations(r.get("verify", {}))
    return (
        f"· {name:<6} c={r['concurrency']:<3} {r['seats_per_s']:>7,.1f} seats sold/s "
        f"{r['orders_per_s']:>6,.1f} orders/s {r['seats_held_per_s']:>7,.1f} seats held/s "
        f"{r['requests_per_s']:>7,.1f} req/s  hold p99 {hold.get('p99', 0):>6} ms  "
        f"conflicts {r['conflicts']}  queued {r.get('queued', 0)}  5xx {r['errors_5xx']}  "
        f"app {r['cpu']['app_cpu_ms_per_request']} ms CPU/req, machine {r['cpu']['machine_busy_pct']}% "
        f"busy ({r['cpu']['other_cpu_s']} s by others)  "
        f"{'invariants OK' if not bad else 'VIOLATIONS ' + json.dumps(bad)}"
    )


# --- the report ------------------------------------------------------------------------


def human_report(report: dict[str, Any]) -> str:
    steps = ("seat_map", "hold", "order", "pay", "authorize", "tickets", "room_wait")
    rows = []
    for r in report["runs"]:
        v = r.get("verify", {})
        rows.append(
            [
                r["name"],
                r["concurrency"],
                r["seats_per_s"],
                r["orders_per_s"],
                r["seats_held_per_s"],
                r["requests_per_s"],
                r["conflicts"],
                r["conflicts_untold"],
                r["errors_5xx"],
                sum(r["errors"].values()) - r["errors_5xx"],
                v.get("double_sold", "-"),
                v.get("lost_payments", "-"),
                r["cpu"]["app_cpu_ms_per_request"],
                r["cpu"]["db_cpu_ms_per_request"],
                r["cpu"]["machine_busy_pct"],
                r["cpu"]["other_cpu_s"],
            ]
        )
    parts = [
        table(
            [
                "run",
                "buyers",
                "sold/s",
                "orders/s",
                "held/s",
                "req/s",
                "conflicts",
                "untold",
                "5xx",
                "other err",
                "double",
                "lost pay",
                "app ms/req",
                "db ms/req",
                "busy %",
                "others s",
            ],
            rows,
        ),
        "",
        "latency per step, ms (p50 / p95 / p99)",
    ]
    lat_rows = []
    for r in report["runs"]:
        lat = r["latency_ms"]
        lat_rows.append(
            [r["name"], r["concurrency"]]
            + [
                f"{lat[s]['p50']:.0f} / {lat[s]['p95']:.0f} / {lat[s]['p99']:.0f}"
                if s in lat
                else "-"
                for s in steps
            ]
        )
    parts.append(table(["run", "buyers", *steps], lat_rows))
    errors = {
        f"{r['name']}@{r['concurrency']} {k}": n
        for r in report["runs"]
        for k, n in r["errors"].items()
    }
    if errors:
        parts += ["", "errors by kind:"] + [f"  {k}: {n}" for k, n in errors.items()]
    sm = report.get("seat_map")
    if sm:
        parts += [
            "",
            f"seat map ({report['world']['seatmap_hall_seats']}-seat hall) alone: "
            f"{sm['requests_per_s']:,} req/s at {sm['concurrency']} clients, p50/p99 "
            f"{sm['latency_ms']['seat_map']['p50']}/{sm['latency_ms']['seat_map']['p99']} ms, "
            f"errors {sum(sm['errors'].values())}; app {sm['cpu']['app_cpu_ms_per_request']} ms "
            f"CPU/request, load generator {sm['cpu']['loadgen_cpu_s']} s, others "
            f"{sm['cpu']['other_cpu_s']} s",
        ]
    if report.get("baseline"):
        parts += ["", "psycopg baseline (no HTTP, no Django):"]
        parts.append(
            table(
                ["variant", "conc", "conns", "claims/s", "seats/s", "p50 ms", "p99 ms", "errors"],
                [
                    [
                        b["variant"],
                        b["concurrency"],
                        b["connections"],
                        b["claims_per_s"],
                        b["seats_per_s"],
                        b["latency_ms"]["p50"],
                        b["latency_ms"]["p99"],
                        b["errors"],
                    ]
                    for b in report["baseline"]
                ],
            )
        )
    bad = violations(report["verify_all"])
    parts += [
        "",
        "database verification (all sale showtimes): "
        + ("every invariant holds" if not bad else "VIOLATED: " + json.dumps(bad)),
        "  " + ", ".join(f"{k}={report['verify_all'][k]}" for k in CHECKS),
    ]
    return "\n".join(parts)


def summary_json(report: dict[str, Any]) -> dict[str, Any]:
    """The one-line JSON: per scenario the reference-concurrency numbers, safety counters summed."""
    out: dict[str, Any] = {"bench": "flash", "config": report["config"], "scenarios": {}}
    for name in ("A", "B", "B-room", "A-hold"):
        runs = [r for r in report["runs"] if r["name"] == name]
        if not runs:
            continue
        ref = next((r for r in runs if r["concurrency"] == REFERENCE), runs[-1])
        by = {}
        for r in runs:
            v = r.get("verify", {})
            by[str(r["concurrency"])] = {
                "seats_per_s": r["seats_per_s"],
                "orders_per_s": r["orders_per_s"],
                "seats_held_per_s": r["seats_held_per_s"],
                "requests_per_s": r["requests_per_s"],
                "p50_ms_hold": r["latency_ms"].get("hold", {}).get("p50", 0),
                "p99_ms_hold": r["latency_ms"].get("hold", {}).get("p99", 0),
                "conflicts": r["conflicts"],
                "conflicts_untold": r["conflicts_untold"],
                "queued": r.get("queued", 0),
                "p99_ms_room_wait": r["latency_ms"].get("room_wait", {}).get("p99", 0),
                "errors_5xx": r["errors_5xx"],
                "errors_other": sum(r["errors"].values()) - r["errors_5xx"],
                "double_sold": v.get("double_sold", 0),
                "lost_payments": v.get("lost_payments", 0),
                "violations": sum(violations(v).values()),
                "app_cpu_ms_per_request": r["cpu"]["app_cpu_ms_per_request"],
                "machine_busy_pct": r["cpu"]["machine_busy_pct"],
                "other_cpu_s": r["cpu"]["other_cpu_s"],
            }
        out["scenarios"][name] = {
            "reference_concurrency": ref["concurrency"],
            **{
                k: by[str(ref["concurrency"])][k]
                for k in (
                    "seats_per_s",
                    "orders_per_s",
                    "seats_held_per_s",
                    "requests_per_s",
                    "p99_ms_hold",
                )
            },
            "double_sold": sum(b["double_sold"] for b in by.values()),
            "lost_payments": sum(b["lost_payments"] for b in by.values()),
            "errors_5xx": sum(b["errors_5xx"] for b in by.values()),
            "conflicts_untold": sum(b["conflicts_untold"] for b in by.values()),
            "by_concurrency": by,
        }
    if report.get("floor"):
        out["floor_rps"] = report["floor"]["requests_per_s"]
        out["floor_app_cpu_ms_per_request"] = report["floor"]["cpu"]["app_cpu_ms_per_request"]
    sm = report.get("seat_map") or {"requests_per_s": 0.0, "cpu": {"app_cpu_ms_per_request": 0.0}}
    out["seat_map_rps"] = sm["requests_per_s"]
    out["seat_map_app_cpu_ms_per_request"] = sm["cpu"]["app_cpu_ms_per_request"]
    baseline = report.get("baseline") or []
    out["baseline"] = {
        f"{b['variant']}@{b['concurrency']}": {
            "claims_per_s": b["claims_per_s"],
            "seats_per_s": b["seats_per_s"],
            "p99_ms": b["latency_ms"]["p99"],
        }
        for b in baseline
    }
    a = out["scenarios"].get("A", {})
    hold = out["scenarios"].get("A-hold", {})
    ref_claim = next(
        (
            b
            for b in baseline
            if b["variant"] == "claim" and b["concurrency"] == hold.get("reference_concurrency")
        ),
        None,
    )
    ref_txn = next(
        (
            b
            for b in baseline
            if b["variant"] == "hold_txn" and b["concurrency"] == hold.get("reference_concurrency")
        ),
        None,
    )
    if ref_claim and hold:
        out["stack_fraction_of_db_claim"] = round(
            hold["seats_held_per_s"] / ref_claim["seats_per_s"], 4
        )
    if ref_txn and hold:
        out["stack_fraction_of_db_hold_txn"] = round(
            hold["seats_held_per_s"] / ref_txn["seats_per_s"], 4
        )
    b_runs = out["scenarios"].get("B", {})
    out["targets"] = {
        "A_hold_step_seats_held_per_s>=1000": [
            hold.get("seats_held_per_s"),
            bool(hold and hold["seats_held_per_s"] >= 1000),
        ],
        "A_full_path_seats_sold_per_s>=400": [
            a.get("seats_per_s"),
            bool(a and a["seats_per_s"] >= 400),
        ],
        "A_hold_p99_ms<150": [a.get("p99_ms_hold"), bool(a and a["p99_ms_hold"] < 150)],
        "B_zero_double_sold_zero_5xx_losers_told": bool(
            b_runs
            and not b_runs["double_sold"]
            and not b_runs["errors_5xx"]
            and not b_runs["conflicts_untold"]
        ),
        "seat_map_rps>=2000": [out["seat_map_rps"], out["seat_map_rps"] >= 2000],
    }
    if report.get("in_process"):
        out["in_process_per_step"] = report["in_process"]
    out["verify_all_violations"] = violations(report["verify_all"])
    out["seconds"] = report["seconds"]
    return out


# --- profiling ------------------------------------------------------------------------


def measure_steps_in_process(world: dict[str, Any], purchases: int = 40) -> dict[str, dict]:
    """Purchases through Django's test client (no HTTP): SQL queries and CPU ms per step.

    The queries are counted on the first purchase; CPU time (this thread's) is the
    mean over ``purchases`` purchases after one warm-up, so it is what the app
    costs per request before gunicorn, the network and the load generator.
    """
    import uuid

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {world['tokens'][-1]}")
    showtime, hall = world["warmup"][-1]
    codes = world["halls"][str(hall)]
    queries: dict[str, int] = {}
    cpu: dict[str, list[float]] = {}

    def step(n: int, name: str, method: str, path: str, body: dict | None = None, **headers: str):
        with CaptureQueriesContext(connection) as ctx:
            started = time.thread_time()
            if method == "GET":
                response = client.get(path, **headers)
            else:
                response = client.post(path, body or {}, content_type="application/json", **headers)
            spent = time.thread_time() - started
        if n == 0:
            queries[name] = len(ctx.captured_queries)
        elif n > 1:
            cpu.setdefault(name, []).append(spent * 1000)
        assert response.status_code in (200, 201), (
            name,
            response.status_code,
            response.content[:300],
        )
        return response.json()

    for n in range(purchases + 2):
        step(n, "seat_map", "GET", f"/api/v1/ticketing/showtimes/{showtime}/seats")
        seats = codes[2 * n + 40 : 2 * n + 42]
        hold = step(
            n, "hold", "POST", "/api/v1/ticketing/holds", {"showtime_id": showtime, "seats": seats}
        )
        order = step(
            n,
            "order",
            "POST",
            "/api/v1/ticketing/orders",
            {"hold_id": hold["id"]},
            HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
        )
        pay = step(
            n,
            "pay",
            "POST",
            f"/api/v1/ticketing/orders/{order['id']}/pay",
            {},
            HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
        )
        step(
            n,
            "authorize",
            "POST",
            f"/api/v1/payments/sim/{pay['payment_id']}/authorize",
            {"outcome": "succeed"},
        )
        step(n, "tickets", "GET", f"/api/v1/ticketing/orders/{order['id']}/tickets")
    return {
        name: {"queries": queries[name], "cpu_ms": round(sum(v) / len(v), 2)}
        for name, v in cpu.items()
    }


def run_profile(args: argparse.Namespace) -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    database_url = recreate_database(args.database)
    setup_django(database_url)
    args.quick = True
    world = migrate_and_seed(args, [8])
    world_path = OUT_DIR / "flash-world.json"
    world_path.write_text(json.dumps(world))
    queries = measure_steps_in_process(world)
    _say("per step, in-process (Django test client, no HTTP): " + json.dumps(queries))
    from django.db import connections

    connections.close_all()
    prof_dir = OUT_DIR / "profile"
    prof_dir.mkdir(exist_ok=True)
    for old in [*prof_dir.glob("*.prof"), prof_dir / "enabled"]:
        old.unlink(missing_ok=True)
    with srv.running_server(
        database_url=database_url,
        workers=1,
        threads=args.threads,
        log_path=OUT_DIR / "gunicorn-profile.log",
        env={
            "GUNICORN_CMD_ARGS": f"-c {ROOT / 'bench' / 'gunicorn_profile.py'}",
            "MARQUEE_BENCH_PROFILE_DIR": str(prof_dir),
            "MARQUEE_BENCH_PROFILE_CLOCK": args.profile_clock,
        },
    ) as server:
        loadgen(server, world_path, scenario="warmup", concurrency=4, duration=3)
        (prof_dir / "enabled").touch()  # profile from here on (bench/gunicorn_profile.py)
        scenario = args.profile_scenario
        result = loadgen(
            server,
            world_path,
            scenario=scenario,
            concurrency=args.threads * 2,
            duration=args.duration,
            showtime=world["seatmap_showtime"] if scenario == "seatmap" else 0,
        )
        _say(_one_line(scenario, result))
    files = sorted(prof_dir.glob("*.prof"))
    if not files:
        raise SystemExit("no profile was written (see var/bench/gunicorn-profile.log)")
    stats = pstats.Stats(*map(str, files))
    report_path = OUT_DIR / f"profile-{scenario}-{args.profile_clock}.txt"
    with open(report_path, "w") as fh:
        stats.stream = fh
        fh.write(f"per step, in-process: {json.dumps(queries)}\n")
        fh.write(
            f"run: {json.dumps({k: result[k] for k in ('requests', 'elapsed_s', 'requests_per_s')})}\n\n"
        )
        stats.sort_stats("cumulative").print_stats(60)
        stats.sort_stats("tottime").print_stats(40)
    _say(f"profile written to {report_path.relative_to(ROOT)} ({result['requests']} requests)")


# --- main ---------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.flash", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--quick", action="store_true", help="small world, short runs (a smoke test)"
    )
    parser.add_argument("--duration", type=float, help="seconds per run (default 15; quick 3)")
    parser.add_argument(
        "--concurrency",
        type=lambda v: [int(x) for x in v.split(",") if x],
        help="buyers per run, comma-separated (default 8,32,64,128; quick 8,32)",
    )
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")))
    parser.add_argument("--seatmap-concurrency", type=int, default=16)
    parser.add_argument("--database", default="marquee_bench")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument(
        "--scenarios",
        type=lambda v: {x.strip() for x in v.split(",") if x.strip()},
        default={"floor", "seatmap", "A", "B", "room", "hold", "baseline"},
        help="which parts to run (default all): floor,seatmap,A,B,room,hold,baseline "
        "(room: scenario B on showtimes with a waiting room)",
    )
    parser.add_argument(
        "--room-size",
        type=int,
        default=16,
        help="buyers a room lets in at once (scenario room; default 16 = 2 × workers × threads)",
    )
    parser.add_argument("--profile", action="store_true", help="profile the hot path instead")
    parser.add_argument(
        "--profile-scenario", default="spread", choices=["spread", "hot", "hold", "seatmap"]
    )
    parser.add_argument("--profile-clock", default="cpu", choices=["cpu", "wall"])
    parser.add_argument("--json-out", help="also write the full report here")
    args = parser.parse_args(argv)
    if args.duration is None:
        args.duration = 3.0 if args.quick else 15.0
    if args.concurrency is None:
        args.concurrency = [8, 32] if args.quick else [8, 32, 64, 128]
    return args


def _terminate(signum, frame):
    # SIGTERM behaves like Ctrl-C: the finally blocks stop the server.
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    if args.profile:
        run_profile(args)
        return
    report = run_all(args)
    (OUT_DIR / "flash-report.json").write_text(json.dumps(report, indent=1))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(report, indent=1))
    print()
    print(human_report(report))
    print()
    print(json.dumps(summary_json(report), separators=(",", ":")), flush=True)


if __name__ == "__main__":
    main()
