"""The voucher flash-sale benchmark: ``python -m bench.marketing`` (``make bench-marketing``).

2,000 buyers race to redeem a campaign's vouchers, of which only 500 may be
redeemed, on PostgreSQL (127.0.0.1 only):

1. Drops and re-creates a database of its own (``marquee_bench_marketing``),
   migrates it and seeds the flash benchmark's 1,000-seat hall with three
   showtimes (``bench.world``), 2,000 buyer accounts, a segment of them and a
   voucher campaign (¥10 off, ``total_limit`` 500 and a budget of exactly
   500 vouchers), and sends every buyer a voucher.
2. A pool of ``--threads`` threads (each with its own connection) takes the
   buyers in turn; each buyer checks out one seat of its
   own with its voucher (the seat page's one step: hold, order, the voucher's
   three claims — the voucher's use, the campaign's budget and limit in one
   conditional UPDATE, the redemption row). That checkout is the measured
   *redemption*. A buyer who got the discount pays through the simulated
   gateway; a refused one gets ``campaign_limit_reached`` (or
   ``campaign_over_budget``), its hold released, and pays nothing.
3. Drains the outbox (the ledger and the marketing consumer) and verifies:
   exactly 500 redemptions, all paid; the campaign's counters at the limit
   and the budget, never past them; every voucher used at most once; the
   captured payments = the paid orders' totals; 6050 voucher subsidies =
   500 × ¥10 and the voucher clearing account at zero; no error.
4. Prints a table and, last, ONE line of JSON. docs/performance.md has the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta
from typing import Any

from bench.flash import recreate_database, setup_django
from bench.stats import summarise, table

BUYERS = 2_000
LIMIT = 500
OFF = 1000  # ¥10 off an order
THREADS = 32
REFUSALS = ("campaign_limit_reached", "campaign_over_budget")


def seed(buyers: int, limit: int) -> tuple[list[tuple[int, int, str, str]], int]:
    """``(user id, showtime id, seat code, voucher code)`` per buyer, and the campaign's id."""
    from django.utils import timezone

    from bench.world import seed_flash_world
    from marquee.accounts.models import Organisation, Role, User
    from marquee.accounts.services import grant_role
    from marquee.finance.chart import ensure_chart
    from marquee.marketing.models import Voucher
    from marquee.marketing.services.campaigns import CampaignSpec, create_campaign, issue_vouchers
    from marquee.marketing.services.segments import create_segment

    ensure_chart()
    world = seed_flash_world(
        spread_showtimes=0,
        hot_showtimes=-(-buyers // 900),
        baseline_showtimes=0,
        warmup_showtimes=0,
        buyers=0,
    )
    seats = [
        (showtime, seat)
        for showtime in world.hot
        for seat in world.halls[str(_hall_of(showtime))][:900]
    ]
    users = User.objects.bulk_create(
        [User(username=f"voucher-buyer-{i}", password="!", email=None) for i in range(buyers)]  # noqa: S106 - unusable
    )
    org = Organisation.objects.create(name="Bench studio", slug="bench-studio", kind="studio")
    staff = User.objects.create_user(
        username="bench-marketing", email="marketing@bench.example", password=None
    )
    grant_role(user=staff, organisation=org, role=Role.DISTRIBUTION)
    segment = create_segment(
        actor=staff, slug="flash-fans", name="Flash fans", rule_text="not profile(gender=other)"
    )
    now = timezone.now()
    spec = CampaignSpec("flash-tenner", "Flash tenner", segment.slug, now, now + timedelta(days=1))
    offer = {"amount_minor": OFF, "total_limit": limit, "budget_minor": limit * OFF}
    campaign = create_campaign(actor=staff, spec=replace(spec, **offer))
    issue_vouchers(actor=staff, campaign=campaign)
    codes = dict(Voucher.objects.filter(campaign=campaign).values_list("user_id", "code"))
    plan = [
        (user.pk, showtime, seat, codes[user.pk])
        for user, (showtime, seat) in zip(users, seats, strict=False)
    ]
    return plan, campaign.pk


def _hall_of(showtime_id: int) -> int:
    from marquee.ticketing.models import Showtime

    return Showtime.objects.values_list("hall_id", flat=True).get(pk=showtime_id)


def redeem(user_id: int, showtime_id: int, seat: str, code: str) -> tuple[str, float]:
    """One buyer: (outcome, redemption seconds); a winner then pays."""
    from django.db import connection

    from marquee.accounts.models import User
    from marquee.core.errors import DomainError
    from marquee.payments.simulator.gateway import authorize_sim_payment
    from marquee.ticketing.models import Showtime
    from marquee.ticketing.services import orders
    from marquee.ticketing.services.checkout import start_checkout

    user = User.objects.get(pk=user_id)
    showtime = Showtime.objects.select_related("venue", "hall").get(pk=showtime_id)
    start = time.perf_counter()
    try:
        order = start_checkout(showtime=showtime, seat_codes=[seat], user=user, voucher_code=code)
    except DomainError as exc:
        if exc.code not in REFUSALS:
            raise
        return str(exc.code), time.perf_counter() - start
    finally:
        connection.close_if_unusable_or_obsolete()
    took = time.perf_counter() - start
    started = orders.pay_order(order=order, user=user)
    authorize_sim_payment(payment_id=started.payment_id, user=user, outcome="succeed")
    return "redeemed", took


def race(plan: list[tuple[int, int, str, str]], threads: int) -> dict[str, Any]:
    """Every buyer's redemption on a pool of ``threads`` (one connection each)."""
    from django.db import connection

    def one(item: tuple[int, int, str, str]) -> tuple[str, float] | str:
        try:
            return redeem(*item)
        except Exception as exc:  # recorded: the verification fails on any
            return f"{type(exc).__name__}: {exc}"[:200]
        finally:
            connection.close_if_unusable_or_obsolete()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        outcomes = list(pool.map(one, plan))
    return {
        "results": [o for o in outcomes if isinstance(o, tuple)],
        "errors": [o for o in outcomes if isinstance(o, str)],
        "seconds": time.perf_counter() - started,
    }


def verify(campaign_id: int, limit: int) -> dict[str, bool]:
    from django.db.models import Max, Sum

    from marquee.core import outbox
    from marquee.finance.models import JournalLine
    from marquee.marketing.models import Campaign, Redemption, Voucher
    from marquee.payments.models import Payment
    from marquee.ticketing.models import Order

    while outbox.drain():
        pass
    campaign = Campaign.objects.get(pk=campaign_id)
    paid = Order.objects.filter(status=Order.Status.PAID)

    def net(code: str) -> int:
        row = JournalLine.objects.filter(account__code=code).aggregate(
            d=Sum("debit_minor"), c=Sum("credit_minor")
        )
        return (row["d"] or 0) - (row["c"] or 0)

    captured = Payment.objects.filter(status="succeeded").aggregate(t=Sum("amount_minor"))["t"]
    return {
        "redeemed_exactly_the_limit": Redemption.objects.filter(status="redeemed").count() == limit,
        "counters_at_the_limit": (campaign.redeemed_count, campaign.committed_minor)
        == (limit, limit * OFF),
        "within_budget": campaign.committed_minor <= campaign.budget_minor,
        "paid_orders_all_discounted": paid.count() == limit
        and not paid.exclude(discount_minor=OFF).exists(),
        "voucher_used_at_most_once": (Voucher.objects.aggregate(m=Max("uses"))["m"] or 0) <= 1,
        "payments_equal_totals": captured == paid.aggregate(t=Sum("total_minor"))["t"],
        "ledger_subsidy_is_the_cost": net("6050") == limit * OFF and net("2690") == 0,
        "no_reservation_left": not Redemption.objects.filter(status="reserved").exists(),
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """``--buyers`` (2,000), ``--limit`` (500 redemptions) and ``--threads`` (32)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name, default in (("--buyers", BUYERS), ("--limit", LIMIT), ("--threads", THREADS)):
        parser.add_argument(name, type=int, default=default)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    os.environ.setdefault("MARQUEE_OUTBOX_MODE", "worker")  # the ledger posts after the race
    url = recreate_database("marquee_bench_marketing")
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seeded = time.perf_counter()
    plan, campaign_id = seed(args.buyers, args.limit)
    seed_seconds = time.perf_counter() - seeded
    outcome = race(plan, args.threads)
    results = outcome["results"]
    latency = {
        "all": summarise(ms * 1000 for _, ms in results),
        "won": summarise(ms * 1000 for kind, ms in results if kind == "redeemed"),
        "refused": summarise(ms * 1000 for kind, ms in results if kind in REFUSALS),
    }
    checks = verify(campaign_id, args.limit)
    print(
        table(
            ["redemption", "n", "p50 ms", "p95 ms", "p99 ms", "max ms"],
            [[k, v["n"], v["p50"], v["p95"], v["p99"], v["max"]] for k, v in latency.items()],
        )
    )
    print(*(f"{name}: {'ok' if ok else 'FAILED'}" for name, ok in checks.items()), sep="\n")
    print(*outcome["errors"][:5], sep="\n")
    summary = {
        "buyers": len(plan),
        "limit": args.limit,
        "threads": args.threads,
        "seed_seconds": round(seed_seconds, 1),
        "seconds": round(outcome["seconds"], 2),
        "redeemed": latency["won"]["n"],
        "refused": latency["refused"]["n"],
        "errors": len(outcome["errors"]),
        "redeem_ms": latency["all"],
        "winner_ms": latency["won"],
        "refusal_ms": latency["refused"],
        "checks_passed": all(checks.values()),
    }
    print(json.dumps(summary))
    if not summary["checks_passed"] or outcome["errors"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
