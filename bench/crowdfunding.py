"""The crowdfunding rush benchmark: ``python -m bench.crowdfunding`` (``make bench-crowdfunding``).

5,000 backers race for the last 10 % of an offering's hard cap.

1. Drops and re-creates a PostgreSQL database of its own
   (``marquee_bench_crowdfunding``) and migrates it.
2. Seeds one offering (cap ``--cap`` units, 90 % already paid: the counters
   are set directly, the history before the rush is not what is measured) and
   ``--backers`` accounts.
3. ``--procs`` processes, released together, each take their share of the
   backers one after another; each backer pledges 1–3 units (so demand is
   about twice what is left) and pays through the simulated gateway — the
   whole path: the cap's conditional UPDATE, the backer's allowance, the
   pledge, the payment, the signed callback, the confirmation into escrow.
   The outbox runs in ``worker`` mode (the ledger is drained after the rush).
4. Verifies: Σ accepted units ≤ the cap; the offering's counters equal its
   pledges; every captured payment is a paid pledge; the escrow account in
   the ledger holds exactly the paid pledges.
5. Prints a table and, last, ONE line of JSON. docs/performance.md has the numbers.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import statistics
import time
from typing import Any

from bench.flash import recreate_database, setup_django

DATABASE = "marquee_bench_crowdfunding"


def seed(args: argparse.Namespace) -> int:
    """The offering (90 % of its cap paid) and the backers; returns the offering's id."""
    import datetime as dt

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from marquee.accounts.models import Membership, Organisation, Role, User
    from marquee.crowdfunding.models import Offering
    from marquee.crowdfunding.services.offerings import create_offering
    from marquee.investment.models import Project

    org = Organisation.objects.create(name="Bench studio", slug="bench-studio", kind="studio")
    staff = User.objects.create(username="bench-investor", password=make_password(None))
    Membership.objects.create(user=staff, organisation=org, role=Role.INVESTMENT)
    project = Project.objects.create(slug="bench-film", name_en="Bench film")
    now = timezone.now()
    offering = create_offering(
        actor=staff,
        project=project,
        slug="bench-rush",
        names=("The rush", "抢购", "搶購"),
        currency="CNY",
        unit_price_minor=10_000,
        target_units=args.cap // 2,
        cap_units=args.cap,
        max_units_per_backer=10,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=1),
    )
    prefill = args.cap - args.cap // 10
    Offering.objects.filter(pk=offering.pk).update(reserved_units=prefill, paid_units=prefill)
    unusable = make_password(None)
    User.objects.bulk_create(
        [User(username=f"backer-{i}", password=unusable) for i in range(args.backers)],
        batch_size=1000,
    )
    return offering.pk


def backer_run(offering_id: int, names: list[str], start_at: float, seed_: int, out) -> None:
    """One process: its backers one after another, from ``start_at`` on."""
    from django.db import connections

    connections.close_all()
    from marquee.accounts.models import User
    from marquee.core.errors import DomainError
    from marquee.crowdfunding.models import Offering
    from marquee.crowdfunding.services.pledges import place_pledge
    from marquee.payments.registry import default_provider_name, get_provider
    from marquee.payments.simulator.gateway import authorize_sim_payment

    rng = random.Random(seed_)
    users = list(User.objects.filter(username__in=names))
    # Warm the process (connection, provider, first queries) before the start signal.
    Offering.objects.get(pk=offering_id)
    get_provider(default_provider_name())
    results = []
    time.sleep(max(0.0, start_at - time.time()))
    for user in users:
        units = rng.randint(1, 3)
        began = time.perf_counter()
        try:
            started = place_pledge(offering=offering_id, user=user, units=units)
            authorize_sim_payment(payment_id=started.payment_id, user=user, outcome="succeed")
            outcome = "accepted"
        except DomainError as exc:
            outcome = str(exc.code)
        results.append((outcome, units, time.perf_counter() - began))
    connections.close_all()
    out.put(results)


def rush(args: argparse.Namespace, offering_id: int) -> dict[str, Any]:
    from django.db import connections

    names = [f"backer-{i}" for i in range(args.backers)]
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    start_at = time.time() + 3.0
    procs = [
        ctx.Process(
            target=backer_run, args=(offering_id, names[i :: args.procs], start_at, i, queue)
        )
        for i in range(args.procs)
    ]
    for proc in procs:
        proc.start()
    results = [row for _ in procs for row in queue.get(timeout=args.timeout)]
    ended = time.time()
    for proc in procs:
        proc.join(30)
    seconds = ended - start_at
    latencies = sorted(r[2] for r in results)
    accepted = [r for r in results if r[0] == "accepted"]
    refused: dict[str, int] = {}
    for outcome, _, _ in results:
        if outcome != "accepted":
            refused[outcome] = refused.get(outcome, 0) + 1

    def pct(p: float) -> float:
        return round(1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1)

    return {
        "backers": len(results),
        "procs": args.procs,
        "seconds": round(seconds, 2),
        "attempts_per_s": round(len(results) / seconds, 1),
        "accepted": len(accepted),
        "accepted_units": sum(r[1] for r in accepted),
        "refused": refused,
        "latency_ms": {
            "p50": pct(0.50),
            "p95": pct(0.95),
            "p99": pct(0.99),
            "mean": round(1000 * statistics.fmean(latencies), 1),
        },
    }


def verify(offering_id: int, prefill: int, accepted_units: int) -> dict[str, Any]:
    """The invariants after the rush; every check must hold."""
    from django.db.models import Sum

    from marquee.core import outbox
    from marquee.crowdfunding.models import Offering, Pledge
    from marquee.finance.models import JournalLine
    from marquee.payments.models import Payment

    offering = Offering.objects.get(pk=offering_id)
    paid = Pledge.objects.filter(offering=offering, status=Pledge.Status.PAID)
    paid_units = paid.aggregate(u=Sum("units"))["u"] or 0
    paid_amount = paid.aggregate(a=Sum("amount_minor"))["a"] or 0
    captured = Payment.objects.filter(purpose="crowdfunding_pledge", status="succeeded")
    while outbox.drain(limit=2000):
        pass
    escrow = JournalLine.objects.filter(account__code="2630").aggregate(
        c=Sum("credit_minor"), d=Sum("debit_minor")
    )
    checks = {
        "sum_accepted_le_cap": prefill + paid_units <= offering.cap_units,
        "accepted_equals_paid_pledges": accepted_units == paid_units,
        "counter_equals_pledges": offering.paid_units == prefill + paid_units,
        "reserved_equals_paid": offering.reserved_units == offering.paid_units,
        "every_capture_is_a_paid_pledge": set(captured.values_list("pk", flat=True))
        == set(paid.values_list("payment_id", flat=True)),
        "no_refund_needed": not Payment.objects.filter(
            purpose="crowdfunding_pledge", status="refunded"
        ).exists(),
        "escrow_equals_paid_pledges": (escrow["c"] or 0) - (escrow["d"] or 0) == paid_amount,
    }
    return {
        "cap_units": offering.cap_units,
        "paid_units": offering.paid_units,
        "left_units": offering.cap_units - offering.paid_units,
        "checks": checks,
        "ok": all(checks.values()),
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backers", type=int, default=5000)
    parser.add_argument("--cap", type=int, default=50_000, help="the hard cap, in units")
    parser.add_argument("--procs", type=int, default=16, help="concurrent backer processes")
    parser.add_argument("--timeout", type=float, default=1800)
    return parser.parse_args(argv)


def fresh_database(name: str) -> None:
    """Drop, create and migrate database ``name``; Django set up on it, the outbox in worker mode."""
    url = recreate_database(name)
    os.environ["MARQUEE_OUTBOX_MODE"] = "worker"
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    fresh_database(DATABASE)
    offering_id = seed(args)
    prefill = args.cap - args.cap // 10
    result = rush(args, offering_id)
    result["verify"] = verify(offering_id, prefill, result["accepted_units"])
    print(f"backers {result['backers']} in {result['seconds']} s over {args.procs} processes")
    print(f"  attempts/s {result['attempts_per_s']}")
    print(
        f"  accepted {result['accepted']} ({result['accepted_units']} units), refused {result['refused']}"
    )
    print(f"  latency ms {result['latency_ms']}")
    print(f"  checks {result['verify']['checks']}")
    print(json.dumps(result))
    if not result["verify"]["ok"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
