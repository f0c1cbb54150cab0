"""The ledger benchmark: ``python -m bench.ledger`` (``make bench-ledger``).

How fast does the ledger post a flash sale's money movements from the outbox?

1. Drops and re-creates a PostgreSQL database of its own
   (``marquee_bench_ledger``) and migrates it (the chart is seeded).
2. **Backlog**: writes the events of a flash-sale-sized run into the outbox
   at once — per order one ``ticketing.order_paid`` and one
   ``payments.payment_succeeded`` (the gateway's fee) — and starts
   ``--workers`` ``marquee worker`` processes; entries/s is the number of
   entries posted over the time from the workers' start to the last commit.
3. **Paced**: publishes orders at ``--rate`` per second for ``--seconds``
   with the workers running, and reports the outbox lag (entry committed −
   event published) at p50/p95/p99/max.
4. Checks the books: one entry per event, every delivery done, Σ debits =
   Σ credits, rollups = lines.
5. Prints a table and, last, ONE line of JSON. docs/performance.md has the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from typing import Any

from bench import server as srv
from bench.flash import recreate_database, setup_django

CONSUMERS = ("finance.ledger.ticketing", "finance.ledger.gateway_fees")


def _orders(start: int, count: int) -> tuple[list, list]:
    """``count`` paid orders' events: (order_paid items, payment_succeeded items)."""
    paid, payments = [], []
    for i in range(start, start + count):
        seats = 1 + i % 4
        price, fee = 4500 * seats, 300 * seats
        paid.append(
            (
                i,
                {
                    "order_id": i,
                    "user_id": 1 + i % 500,
                    "showtime_id": 1 + i % 40,
                    "title_id": 1 + i % 6,
                    "venue_id": 1 + i % 12,
                    "currency": "CNY",
                    "subtotal_minor": price,
                    "fees_minor": fee,
                    "total_minor": price + fee,
                    "tickets": seats,
                },
            )
        )
        payments.append(
            (
                f"p{i}",
                {
                    "payment_id": f"p{i}",
                    "purpose": "ticket_order",
                    "reference": str(i),
                    "amount_minor": price + fee,
                    "currency": "CNY",
                },
            )
        )
    return paid, payments


def publish_orders(start: int, count: int) -> None:
    from django.db import transaction

    from marquee.core import outbox

    paid, payments = _orders(start, count)
    with transaction.atomic():
        outbox.publish_many("ticketing.order_paid", aggregate="order", items=paid)
        outbox.publish_many(
            "payments.payment_succeeded", aggregate="payments.payment", items=payments
        )


def pending() -> int:
    from marquee.core.models import EventDelivery

    return EventDelivery.objects.filter(consumer__in=CONSUMERS, status="pending").count()


def start_workers(database_url: str, n: int, batch: int) -> list[subprocess.Popen]:
    env = srv.server_env(database_url, extra={"MARQUEE_OUTBOX_MODE": "worker"})
    return [
        subprocess.Popen(  # noqa: S603 - our own console script
            [
                str(srv.BIN / "marquee"),
                "worker",
                "--only",
                "finance.",
                "--batch",
                str(batch),
                "--interval",
                "0.05",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(n)
    ]


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        if worker.poll() is None:
            os.kill(worker.pid, signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(10)


def backlog(args: argparse.Namespace, database_url: str) -> dict[str, Any]:
    from django.db import connection

    from marquee.finance.models import JournalEntry

    chunk = 2000
    for start in range(1, args.orders + 1, chunk):
        publish_orders(start, min(chunk, args.orders + 1 - start))
    events = 2 * args.orders
    connection.close()
    started = time.time()
    workers = start_workers(database_url, args.workers, args.batch)
    try:
        deadline = time.monotonic() + args.timeout
        while pending() and time.monotonic() < deadline:
            time.sleep(0.25)
    finally:
        stop_workers(workers)
    from django.db.models import Max

    last = JournalEntry.objects.aggregate(last=Max("created_at"))["last"]
    entries = JournalEntry.objects.count()
    seconds = last.timestamp() - started
    return {
        "events": events,
        "entries": entries,
        "seconds": round(seconds, 2),
        "entries_per_s": round(entries / seconds, 1),
        "left_pending": pending(),
    }


def paced(args: argparse.Namespace, database_url: str) -> dict[str, Any]:
    from django.db import connection

    from marquee.core.models import OutboxEvent
    from marquee.finance.models import JournalEntry

    workers = start_workers(database_url, args.workers, args.batch)
    start = 10_000_000
    try:
        # Warm-up: the clock starts once the workers post (their Django start-up is
        # the backlog run's business, not the lag's).
        publish_orders(start - 1_000, args.workers)
        deadline = time.monotonic() + args.timeout
        while pending() and time.monotonic() < deadline:
            time.sleep(0.05)
        first_event = (
            OutboxEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        ) + 1
        connection.close()
        tick = 0.1
        per_tick = max(1, round(args.rate * tick))
        began = time.monotonic()
        ticks = int(args.seconds / tick)
        for n in range(ticks):
            publish_orders(start + n * per_tick, per_tick)
            sleep = began + (n + 1) * tick - time.monotonic()
            if sleep > 0:
                time.sleep(sleep)
        deadline = time.monotonic() + args.timeout
        while pending() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop_workers(workers)
    published = dict(
        OutboxEvent.objects.filter(id__gte=first_event).values_list("id", "created_at")
    )
    lags = sorted(
        (created - published[int(event)]).total_seconds()
        for event, created in JournalEntry.objects.filter(
            source_event_id__in=[str(k) for k in published]
        ).values_list("source_event_id", "created_at")
    )

    def pct(p: float) -> float:
        return round(lags[min(len(lags) - 1, int(p * len(lags)))] * 1000, 1) if lags else 0.0

    return {
        "orders_per_s": args.rate,
        "seconds": args.seconds,
        "entries": len(lags),
        "lag_ms": {"p50": pct(0.5), "p95": pct(0.95), "p99": pct(0.99), "max": pct(1.0)},
    }


def check_books() -> dict[str, Any]:
    from django.db.models import Count, Sum

    from marquee.core.models import EventDelivery, OutboxEvent
    from marquee.finance.models import Balance, JournalEntry, JournalLine

    lines = JournalLine.objects.aggregate(
        d=Sum("debit_minor"), c=Sum("credit_minor"), n=Count("id")
    )
    rollup = Balance.objects.aggregate(
        d=Sum("debit_minor"), c=Sum("credit_minor"), n=Sum("line_count")
    )
    events = OutboxEvent.objects.filter(
        type__in=["ticketing.order_paid", "payments.payment_succeeded"]
    ).count()
    problems = []
    if JournalEntry.objects.count() != events:
        problems.append(f"{JournalEntry.objects.count()} entries for {events} events")
    if lines["d"] != lines["c"]:
        problems.append("debits differ from credits")
    if (lines["d"], lines["c"], lines["n"]) != (rollup["d"], rollup["c"], rollup["n"]):
        problems.append("rollups differ from lines")
    if EventDelivery.objects.filter(consumer__in=CONSUMERS).exclude(status="done").exists():
        problems.append("deliveries not done")
    return {"lines": lines["n"], "problems": problems}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000, help="orders in the backlog")
    parser.add_argument("--workers", type=int, default=2, help="marquee worker processes")
    parser.add_argument("--batch", type=int, default=200, help="deliveries per drain call")
    parser.add_argument("--rate", type=int, default=500, help="paced orders per second")
    parser.add_argument("--seconds", type=float, default=10, help="paced run length")
    parser.add_argument("--timeout", type=float, default=600, help="give up after (s)")
    parser.add_argument("--database", default="marquee_bench_ledger")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    database_url = recreate_database(args.database)
    setup_django(database_url)
    from django.conf import settings
    from django.core.management import call_command

    settings.MARQUEE_OUTBOX_MODE = "worker"  # publish only; the workers post
    call_command("migrate", verbosity=0)
    report = {"workers": args.workers, "batch": args.batch}
    report["backlog"] = backlog(args, database_url)
    print(
        f"backlog: {report['backlog']['entries']} entries in {report['backlog']['seconds']} s"
        f" = {report['backlog']['entries_per_s']} entries/s ({args.workers} workers)"
    )
    if args.seconds > 0:
        report["paced"] = paced(args, database_url)
        lag = report["paced"]["lag_ms"]
        print(
            f"paced: {args.rate} orders/s ({2 * args.rate} entries/s) for {args.seconds} s:"
            f" lag p50 {lag['p50']} ms, p95 {lag['p95']} ms, p99 {lag['p99']} ms,"
            f" max {lag['max']} ms"
        )
    report["books"] = check_books()
    print(
        "books: "
        + ("ok" if not report["books"]["problems"] else "; ".join(report["books"]["problems"]))
    )
    print(json.dumps(report))
    if report["books"]["problems"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
