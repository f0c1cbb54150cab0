"""The merchandise flash-sale benchmark: ``python -m bench.merch`` (``make bench-merch``).

A limited edition of 500 under 2,000 buyers, on PostgreSQL:

1. Drops and re-creates a database of its own (``marquee_bench_merch``),
   migrates it and seeds a merchant, a licence, the edition (one variant,
   stock 500) and 2,000 buyer accounts.
2. ``--threads`` threads (each with its own connection) take the buyers from
   one queue, all released together; each buyer checks out one unit (the
   stock claim: one conditional UPDATE) and, if it got one, pays through the
   simulated gateway (payment, signed callback, fulfilment: the order paid,
   the unit numbered and signed). A refused buyer gets ``sold_out`` and pays
   nothing.
3. Drains the outbox (ledger and royalty sub-ledger) and verifies: exactly
   500 sold, stock 0, 500 paid orders, 500 succeeded payments each bought a
   paid order, serials 1..500 once each, no other payment, the ledger's
   gateway receivable = Σ order totals.
4. Prints a table and, last, ONE line of JSON. docs/performance.md has the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import threading
import time
from typing import Any

from bench.flash import recreate_database, setup_django

RUN = 500
BUYERS = 2_000


def seed(buyers: int, run: int) -> tuple[int, list[int]]:
    """The edition's variant id and the buyers' ids."""
    import datetime as dt

    from django.utils import timezone

    from marquee.accounts.models import Organisation, User
    from marquee.catalog.services import create_title
    from marquee.merch.models import Product, Variant
    from marquee.merch.services import licences

    org = Organisation.objects.create(name="Bench goods", slug="bench-goods", kind="merchant")
    merchant = licences.create_merchant(
        organisation=org, names=("Bench goods",), currencies=("CNY",)
    )
    title = create_title(actor=None, slug="bench-film", title_en="Bench film", original_title="B")
    today = timezone.localdate()
    licence = licences.grant_licence(
        actor=None,
        title=title,
        merchant=merchant,
        territory="WW",
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=365),
        currency="CNY",
        categories={"toys": 1200},
        advance_minor=1_000_000,
        minimum_guarantee_minor=5_000_000,
    )
    product = Product.objects.create(
        merchant=merchant,
        licence=licence,
        category="toys",
        name_en="Ethan Hunt 1:6 figure – bench edition",
        currency="CNY",
        status=Product.Status.APPROVED,
        edition_size=run,
    )
    variant = Variant.objects.create(
        product=product, sku="BENCH-1", label_en="Standard", price_minor=129_900, stock=run
    )
    unusable = "!"  # an unusable password: nobody logs in as a bench buyer
    users = User.objects.bulk_create(
        [User(username=f"buyer{i}", password=unusable, email=None) for i in range(buyers)]
    )
    return variant.pk, [u.pk for u in users]


def buy(user_id: int, variant_id: int) -> tuple[str, float, float]:
    """One buyer: (outcome, checkout seconds, total seconds)."""
    from django.db import connection

    from marquee.accounts.models import User
    from marquee.merch.errors import MerchConflict
    from marquee.merch.services import orders
    from marquee.merch.services.orders import Address
    from marquee.payments.simulator.gateway import authorize_sim_payment

    user = User.objects.get(pk=user_id)
    address = Address("Bench buyer", "138", "1 Century Avenue", "Shanghai", "CN")
    start = time.perf_counter()
    try:
        order = orders.buy_now(user=user, variant_id=variant_id, quantity=1, address=address)
    except MerchConflict as exc:
        return str(exc.code), time.perf_counter() - start, time.perf_counter() - start
    finally:
        connection.close_if_unusable_or_obsolete()
    claimed = time.perf_counter() - start
    payment = orders.pay_order(user=user, order_id=order.pk)
    authorize_sim_payment(payment_id=payment.pk, user=user, outcome="succeed")
    return "bought", claimed, time.perf_counter() - start


def race(variant_id: int, user_ids: list[int], threads: int) -> dict[str, Any]:
    from django.db import connection

    work: queue.Queue[int] = queue.Queue()
    for uid in user_ids:
        work.put(uid)
    results: list[tuple[str, float, float]] = []
    errors: list[str] = []
    lock = threading.Lock()
    gate = threading.Barrier(threads + 1)

    def worker() -> None:
        gate.wait()
        try:
            while True:
                try:
                    uid = work.get_nowait()
                except queue.Empty:
                    return
                try:
                    outcome = buy(uid, variant_id)
                except Exception as exc:  # recorded: the verification fails on any
                    with lock:
                        errors.append(f"{type(exc).__name__}: {exc}"[:200])
                    continue
                with lock:
                    results.append(outcome)
        finally:
            connection.close()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    gate.wait()
    started = time.perf_counter()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    return {"results": results, "errors": errors, "seconds": elapsed}


def _pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def verify(variant_id: int, run: int) -> dict[str, Any]:
    from django.db.models import Sum

    from marquee.core import outbox
    from marquee.finance.models import JournalLine
    from marquee.merch.models import Order, SaleRecord, Unit, Variant
    from marquee.payments.models import Payment

    drained = 0
    while True:
        n = outbox.drain()
        drained += n
        if not n:
            break
    variant = Variant.objects.get(pk=variant_id)
    paid = set(Order.objects.filter(status="paid").values_list("pk", flat=True))
    succeeded = list(
        Payment.objects.filter(purpose="merch_order", status="succeeded").values_list(
            "reference", flat=True
        )
    )
    serials = list(Unit.objects.values_list("serial", flat=True))
    gateway = JournalLine.objects.filter(
        account__code="1020", entry__source="merch.order_paid"
    ).aggregate(d=Sum("debit_minor"))["d"]
    totals = Order.objects.filter(status="paid").aggregate(t=Sum("total_minor"))["t"]
    checks = {
        "sold_exactly_the_run": variant.sold == run and variant.stock == 0,
        "paid_orders": len(paid) == run,
        "every_payment_bought_a_paid_order": sorted(map(int, succeeded)) == sorted(paid),
        "no_other_payment": Payment.objects.exclude(status="succeeded").count() == 0,
        "serials_once_each": sorted(serials) == list(range(1, run + 1)),
        "ledger_agrees": gateway == totals,
        "royalty_sales_recorded": SaleRecord.objects.aggregate(u=Sum("units"))["u"] == run,
    }
    return {"checks": checks, "deliveries_drained": drained}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=BUYERS)
    parser.add_argument("--run", type=int, default=RUN)
    parser.add_argument("--threads", type=int, default=32)
    args = parser.parse_args()
    os.environ.setdefault("MARQUEE_OUTBOX_MODE", "worker")  # the ledger posts after the race
    url = recreate_database("marquee_bench_merch")
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    variant_id, users = seed(args.buyers, args.run)
    outcome = race(variant_id, users, args.threads)
    results = outcome["results"]
    bought = [r for r in results if r[0] == "bought"]
    refused = [r for r in results if r[0] == "sold_out"]
    claims = [r[1] * 1000 for r in results]
    purchases = [r[2] * 1000 for r in bought]
    checked = verify(variant_id, args.run)
    summary = {
        "buyers": args.buyers,
        "run": args.run,
        "threads": args.threads,
        "seconds": round(outcome["seconds"], 2),
        "buyers_per_second": round(len(results) / outcome["seconds"], 1),
        "bought": len(bought),
        "sold_out": len(refused),
        "errors": len(outcome["errors"]),
        "claim_ms_p50": round(_pct(claims, 50), 1),
        "claim_ms_p95": round(_pct(claims, 95), 1),
        "claim_ms_p99": round(_pct(claims, 99), 1),
        "purchase_ms_p50": round(_pct(purchases, 50), 1),
        "purchase_ms_p95": round(_pct(purchases, 95), 1),
        "refusal_ms_p50": round(_pct([r[1] * 1000 for r in refused], 50), 1),
        **checked["checks"],
    }
    width = max(map(len, summary))
    for key, value in summary.items():
        print(f"{key:<{width}}  {value}")
    for error in outcome["errors"][:5]:
        print("error:", error)
    print(json.dumps(summary))
    if not all(checked["checks"].values()) or outcome["errors"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
