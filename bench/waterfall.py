"""The waterfall benchmark: ``python -m bench.waterfall`` (``make bench-waterfall``).

How fast do receipts run through a co-financing waterfall?

1. **Engine** (pure functions, no database): ``--engine-receipts`` receipts of
   random sizes through the six-tier waterfall of docs/investment.md (fee,
   expenses, negative cost with a premium, deferment, corridor, residual by
   five stakes); receipts/s, and Σ payouts = Σ receipts checked.
2. **Receipts with the books** (the database): re-creates a PostgreSQL
   database of its own (``marquee_bench_waterfall``; ``--sqlite`` for a
   file under /tmp instead), migrates it, and runs ``--receipts`` receipts
   one transaction each through ``investment.services.receive`` — lock the
   waterfall, convert, run the engine, post the participations to the
   ledger, write the receipt and its payouts; receipts/s and the latency of
   one receipt at p50/p95/max. Then checks: Σ payouts = Σ receipts; the
   ledger's participations (5110) = what the waterfall paid everyone but
   the studio; the state's gross = Σ receipts.
3. Prints a table and, last, ONE line of JSON. docs/performance.md has the numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import tempfile
import time
from typing import Any

STAKES = {1: 5000, 2: 3000, 3: 1500, 4: 500, 5: 0}


def tiers(ids: dict[str, int]) -> list[dict[str, Any]]:
    studio, talent = ids["studio"], ids["talent"]
    return [
        {"key": "fee", "type": "fee", "participant": studio, "percent": "15"},
        {"key": "expenses", "type": "expenses", "participant": studio, "cap_minor": 10**9},
        {"key": "negative-cost", "type": "negative_cost", "amount_minor": 4 * 10**9,
         "premium_percent": "10"},
        {"key": "deferment", "type": "deferment", "participant": talent, "amount_minor": 5 * 10**8},
        {"key": "corridor", "type": "corridor", "participant": talent, "percent": "5",
         "cap_minor": 3 * 10**8},
        {"key": "residual", "type": "residual"},
    ]  # fmt: skip


def bench_engine(count: int, seed: int) -> dict[str, Any]:
    from marquee.investment import waterfall as engine

    rng = random.Random(seed)
    amounts = [rng.randint(1, 5 * 10**7) for _ in range(count)]
    parsed = engine.parse_tiers(tiers({"studio": 1, "talent": 5}), STAKES)
    started = time.perf_counter()
    periods, state = engine.run(parsed, amounts, "CNY")
    seconds = time.perf_counter() - started
    paid = sum(s.amount_minor for shares in periods for s in shares)
    if paid != sum(amounts) or state["gross"] != sum(amounts):
        raise SystemExit("engine: Σ payouts ≠ Σ receipts")
    return {"receipts": count, "seconds": round(seconds, 3), "per_second": round(count / seconds)}


def _database(args: argparse.Namespace) -> str:
    if args.sqlite:
        path = os.path.join(tempfile.mkdtemp(prefix="bench-waterfall-"), "bench.sqlite3")
        return f"sqlite:///{path}"
    from bench.flash import recreate_database

    return recreate_database("marquee_bench_waterfall")


def bench_receipts(args: argparse.Namespace) -> dict[str, Any]:
    from bench.flash import setup_django

    setup_django(_database(args))
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Sum

    from marquee.core.money import Money
    from marquee.finance.models import JournalLine
    from marquee.investment import services
    from marquee.investment.models import Participant, Payout, Receipt, Waterfall

    call_command("migrate", verbosity=0)
    project = services.create_project(slug="bench-film", name_en="Bench film")
    ids = {}
    for key, kind, stake in (
        ("studio", "studio", 5000),
        ("partner-a", "partner", 3000),
        ("partner-b", "partner", 1500),
        ("pool", "crowdfunding", 500),
        ("talent", "talent", 0),
    ):
        ids[key] = services.add_participant(
            project=project.slug, name=key, kind=kind, stake_bp=stake
        ).pk
    services.set_waterfall(project=project.slug, tiers=tiers(ids))
    rng = random.Random(args.seed)
    day = dt.date(2026, 5, 14)
    latencies = []
    started = time.perf_counter()
    for n in range(args.receipts):
        began = time.perf_counter()
        services.receive(
            project=project,
            source=Receipt.Source.BOX_OFFICE,
            source_key=f"bench:{n}",
            received_on=day,
            money=Money(rng.randint(1, 5 * 10**7), "CNY"),
        )
        latencies.append(time.perf_counter() - began)
    seconds = time.perf_counter() - started
    received = Receipt.objects.aggregate(t=Sum("amount_minor"))["t"]
    paid = Payout.objects.aggregate(t=Sum("amount_minor"))["t"]
    outside = Payout.objects.exclude(participant__kind=Participant.Kind.STUDIO).aggregate(
        t=Sum("amount_minor")
    )["t"]
    booked = JournalLine.objects.filter(account__code="5110").aggregate(t=Sum("debit_minor"))["t"]
    gross = Waterfall.objects.get(project=project).state["gross"]
    if not (received == paid == gross and outside == booked):
        raise SystemExit(f"books: received {received} paid {paid} gross {gross} {outside} {booked}")
    latencies.sort()
    return {
        "database": connection.vendor,
        "receipts": args.receipts,
        "seconds": round(seconds, 2),
        "per_second": round(args.receipts / seconds),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000, 2),
        "max_ms": round(latencies[-1] * 1000, 2),
        "checks": "Σ payouts = Σ receipts = gross; 5110 = outside payouts",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine-receipts", type=int, default=20_000)
    parser.add_argument("--receipts", type=int, default=2_000)
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file, not PostgreSQL")
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args()
    engine = bench_engine(args.engine_receipts, args.seed)
    print(f"engine:   {engine['receipts']:>8} receipts in {engine['seconds']} s "
          f"= {engine['per_second']:,}/s")  # fmt: skip
    books = bench_receipts(args)
    print(f"receipts: {books['receipts']:>8} on {books['database']} in {books['seconds']} s "
          f"= {books['per_second']:,}/s; p50 {books['p50_ms']} ms, p95 {books['p95_ms']} ms, "
          f"max {books['max_ms']} ms")  # fmt: skip
    print(json.dumps({"engine": engine, "receipts": books}))


if __name__ == "__main__":
    main()
