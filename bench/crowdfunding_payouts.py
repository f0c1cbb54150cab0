"""The returns payout benchmark: ``python -m bench.crowdfunding_payouts`` (``make bench-crowdfunding-payouts``).

One successful offering with ``--backers`` backers has its returns paid:

1. Drops and re-creates a PostgreSQL database of its own
   (``marquee_bench_crowdfunding_payouts``) and migrates it.
2. Seeds the offering already succeeded (its paid pledges, their captured
   payments and the counters written directly: the pledging is what
   ``bench.crowdfunding`` measures). Every ``--bank-every``-th backer has a
   bank payout account; the rest are paid back to the method they paid with.
3. Times ``pay_returns``: the run, one share and one requested payout per
   backer in one transaction, then each payout sent through the simulated
   gateway in a transaction of its own.
4. Times the outbox drain (``worker`` mode): ``crowdfunding.returns_paid``
   and one ``payments.payout_paid`` per backer into the ledger.
5. Verifies: every payout paid, Σ payouts = the run's total, the payable
   (2650) back to zero, one ledger entry per payout. Prints a table and, last,
   ONE line of JSON. docs/performance.md has the numbers.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from bench.crowdfunding import fresh_database

DATABASE = "marquee_bench_crowdfunding_payouts"


def seed(args: argparse.Namespace) -> tuple[int, int]:
    """The succeeded offering and its backers; returns (offering id, staff id)."""
    import datetime as dt
    import uuid

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from marquee.accounts.models import Membership, Organisation, Role, User
    from marquee.catalog.models import Title
    from marquee.crowdfunding.models import Offering, PayoutAccount, Pledge
    from marquee.crowdfunding.services.offerings import create_offering
    from marquee.investment.models import Project
    from marquee.payments.models import Payment

    org = Organisation.objects.create(name="Bench studio", slug="bench-studio", kind="studio")
    staff = User.objects.create(username="bench-investor", password=make_password(None))
    Membership.objects.create(user=staff, organisation=org, role=Role.INVESTMENT)
    title = Title.objects.create(
        slug="bench-film", original_title="Bench film", title_en="Bench film", runtime_minutes=100
    )
    project = Project.objects.create(slug="bench-film", name_en="Bench film", title=title)
    now = timezone.now()
    units = 2
    offering = create_offering(
        actor=staff,
        project=project,
        slug="bench-payouts",
        names=("Payouts", "回报", "回報"),
        currency="CNY",
        unit_price_minor=10_000,
        target_units=units * args.backers,
        cap_units=units * args.backers,
        max_units_per_backer=10,
        opens_at=now - dt.timedelta(days=30),
        closes_at=now - dt.timedelta(days=1),
        min_return_bp=750,
    )
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [User(username=f"payee-{i}", password=unusable) for i in range(args.backers)],
        batch_size=1000,
    )
    payments = Payment.objects.bulk_create(
        [
            Payment(
                id=uuid.uuid4(),
                purpose="crowdfunding_pledge",
                reference=f"seed-{u.pk}",
                amount_minor=units * 10_000,
                currency="CNY",
                payer=u,
                status=Payment.Status.SUCCEEDED,
                provider="sim",
                succeeded_at=now,
            )
            for u in users
        ],
        batch_size=1000,
    )
    Pledge.objects.bulk_create(
        [
            Pledge(
                offering=offering,
                backer=u,
                units=units,
                currency="CNY",
                amount_minor=units * 10_000,
                status=Pledge.Status.PAID,
                expires_at=now,
                payment_id=p.pk,
                paid_at=now,
            )
            for u, p in zip(users, payments, strict=True)
        ],
        batch_size=1000,
    )
    PayoutAccount.objects.bulk_create(
        [
            PayoutAccount(
                backer=u,
                kind="bank",
                account_name=f"Payee {i}",
                bank_name="Bench Bank",
                account_number=f"6222{i:012d}",
            )
            for i, u in enumerate(users)
            if i % args.bank_every == 0
        ],
        batch_size=1000,
    )
    Offering.objects.filter(pk=offering.pk).update(
        status=Offering.Status.SUCCEEDED,
        reserved_units=units * args.backers,
        paid_units=units * args.backers,
        closed_at=now,
    )
    return offering.pk, staff.pk


def run(args: argparse.Namespace, offering_id: int, staff_id: int) -> dict[str, Any]:
    from django.db.models import Sum
    from django.utils import timezone

    from marquee.accounts.models import User
    from marquee.core import outbox
    from marquee.crowdfunding.models import ReturnPayout
    from marquee.crowdfunding.services.returns import pay_returns
    from marquee.finance.models import JournalEntry, JournalLine
    from marquee.payments.models import Payout

    staff = User.objects.get(pk=staff_id)
    began = time.perf_counter()
    result = pay_returns(actor=staff, offering=offering_id, as_of=timezone.now().date())
    paid_s = time.perf_counter() - began
    began = time.perf_counter()
    drained = 0
    while True:
        step = outbox.drain(limit=500)
        drained += step
        if not step:
            break
    drain_s = time.perf_counter() - began
    payouts = Payout.objects.filter(purpose="crowdfunding_return")
    statuses = dict(payouts.values_list("status").annotate(n=Sum(1)).values_list("status", "n"))
    shares = ReturnPayout.objects.filter(run=result)
    payable = JournalLine.objects.filter(account__code="2650").aggregate(
        d=Sum("debit_minor"), c=Sum("credit_minor")
    )
    checks = {
        "every_payout_paid": statuses == {"paid": args.backers},
        "shares_sum_to_total": shares.aggregate(s=Sum("amount_minor"))["s"] == result.total_minor,
        "payable_back_to_zero": (payable["c"] or 0) - (payable["d"] or 0) == 0,
        "one_entry_per_payout": JournalEntry.objects.filter(
            source="crowdfunding.return_payout_paid"
        ).count()
        == args.backers,
    }
    return {
        "backers": args.backers,
        "total_minor": result.total_minor,
        "pay_returns_s": round(paid_s, 2),
        "payouts_per_s": round(args.backers / paid_s, 1),
        "ledger_drain_s": round(drain_s, 2),
        "deliveries_drained": drained,
        "checks": checks,
        "ok": all(checks.values()),
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backers", type=int, default=2000)
    parser.add_argument(
        "--bank-every", type=int, default=3, help="every n-th backer is paid by bank"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    fresh_database(DATABASE)
    offering_id, staff_id = seed(args)
    result = run(args, offering_id, staff_id)
    print(f"backers {result['backers']}: pay_returns {result['pay_returns_s']} s")
    print(f"  payouts/s {result['payouts_per_s']}, ledger drain {result['ledger_drain_s']} s")
    print(f"  checks {result['checks']}")
    print(json.dumps(result))
    if not result["ok"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
