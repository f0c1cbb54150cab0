"""Reports over a million journal lines: ``python -m bench.ledger_report`` (``make bench-ledger-report``).

1. Drops and re-creates a PostgreSQL database of its own
   (``marquee_bench_report``) and migrates it.
2. Seeds ``--lines`` journal lines (default 1,000,000: half as many two-line
   entries over two fiscal years, four segments, revenue, costs, finance
   items and tax) in bulk SQL, and the monthly rollup from them, exactly as
   ``post_entry`` keeps it. The ledger's row triggers are skipped while
   seeding (``session_replication_role = replica``): this measures reading.
3. Checks the rollup against a scan of the lines (every account × segment ×
   month), then times each report ``--repeat`` times (median and worst):
   the income statement by segment with its comparative and a US$
   convenience column, the same over a range that starts and ends inside a
   month (edge days read from the lines), the trial balance, the balance
   sheet and the interim summary — and, for contrast, the same income
   statement computed by scanning every line.
4. Prints a table and, last, ONE line of JSON. The goal (issue 9): the
   income statement by segment over 1,000,000 lines in under 1 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from bench.flash import recreate_database, setup_django

DATABASE = "marquee_bench_report"
FIRST_DAY = dt.date(2025, 4, 1)  # FY2025 and FY2026 with an April start
DAYS = 730

#: (debit account, credit account, segment) cycled over the entries.
PAIRS = (
    ("1010", "4010", "promotion_distribution"),
    ("1110", "4020", "content"),
    ("1100", "4030", "content"),
    ("1010", "4040", "merchandising"),
    ("5010", "2100", "content"),
    ("5020", "1020", "promotion_distribution"),
    ("5030", "1300", "merchandising"),
    ("6010", "2300", "promotion_distribution"),
    ("6110", "2300", "corporate"),
    ("6120", "2100", "corporate"),
    ("1010", "7010", "corporate"),
    ("7020", "1010", "corporate"),
    ("8010", "2400", "corporate"),
    ("1010", "4010", "promotion_distribution"),
    ("1010", "4040", "merchandising"),
)


def seed(lines: int) -> dict[str, Any]:
    from django.db import connection, transaction

    from marquee.core.models import ExchangeRate
    from marquee.finance.chart import ensure_chart
    from marquee.finance.models import Account, Segment

    ensure_chart()
    ExchangeRate.objects.get_or_create(
        base="USD", quote="CNY", valid_from=dt.date(2020, 1, 1), defaults={"rate": Decimal("7.12")}
    )
    accounts = dict(Account.objects.values_list("code", "pk"))
    segments = dict(Segment.objects.values_list("code", "pk"))
    pairs = ", ".join(
        f"({n}, {accounts[d]}, {accounts[c]}, {segments[s]})" for n, (d, c, s) in enumerate(PAIRS)
    )
    entries = lines // 2
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL session_replication_role = replica")
        cur.execute(
            "INSERT INTO finance_period (start, status) SELECT d::date, 'open' FROM "
            "generate_series(%s::date, %s::date, interval '1 month') d ON CONFLICT DO NOTHING",
            [FIRST_DAY, FIRST_DAY + dt.timedelta(days=DAYS)],
        )
        cur.execute(
            "INSERT INTO finance_journalentry (date, memo, source, period_id, created_at) "
            "SELECT %s::date + (i %% %s), 'bench', 'bench', p.id, now() "
            "FROM generate_series(1, %s) i "
            "JOIN finance_period p ON p.start = date_trunc('month', %s::date + (i %% %s))::date",
            [FIRST_DAY, DAYS, entries, FIRST_DAY, DAYS],
        )
        for side, account in (("debit", "d"), ("credit", "c")):
            cur.execute(
                "WITH pairs (n, d, c, s) AS (VALUES " + pairs + ") "  # noqa: S608 - ints only
                "INSERT INTO finance_journalline (entry_id, account_id, segment_id, currency, "
                "debit_minor, credit_minor, functional_debit_minor, functional_credit_minor, "
                "rate, project, reference) "
                f"SELECT e.id, pairs.{account}, pairs.s, 'CNY', "
                f"{'a' if side == 'debit' else '0'}, {'0' if side == 'debit' else 'a'}, "
                f"{'a' if side == 'debit' else '0'}, {'0' if side == 'debit' else 'a'}, 1, '', '' "
                "FROM (SELECT id, 100000 + (id * 7919) %% 10000000 AS a, id %% %s AS n "
                "FROM finance_journalentry WHERE source = 'bench') e "
                "JOIN pairs ON pairs.n = e.n",
                [len(PAIRS)],
            )
        cur.execute(
            "INSERT INTO finance_balance (account_id, segment_id, month, currency, debit_minor, "
            "credit_minor, functional_debit_minor, functional_credit_minor, line_count) "
            "SELECT l.account_id, l.segment_id, date_trunc('month', e.date)::date, l.currency, "
            "sum(l.debit_minor), sum(l.credit_minor), sum(l.functional_debit_minor), "
            "sum(l.functional_credit_minor), count(*) FROM finance_journalline l "
            "JOIN finance_journalentry e ON e.id = l.entry_id "
            "GROUP BY 1, 2, 3, 4"
        )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
        cur.execute("SELECT count(*) FROM finance_journalline")
        line_count = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM finance_balance")
        rollup_rows = cur.fetchone()[0]
    return {
        "lines": line_count,
        "entries": entries,
        "rollup_rows": rollup_rows,
        "seed_seconds": round(time.perf_counter() - started, 1),
    }


def rollup_matches_lines() -> bool:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM (SELECT l.account_id, l.segment_id, "
            "date_trunc('month', e.date)::date AS month, sum(l.functional_debit_minor) AS d, "
            "sum(l.functional_credit_minor) AS c FROM finance_journalline l "
            "JOIN finance_journalentry e ON e.id = l.entry_id GROUP BY 1, 2, 3) s "
            "FULL JOIN finance_balance b ON b.account_id = s.account_id "
            "AND b.segment_id = s.segment_id AND b.month = s.month "
            "WHERE b.id IS NULL OR s.month IS NULL OR b.functional_debit_minor <> s.d "
            "OR b.functional_credit_minor <> s.c"
        )
        return cur.fetchone()[0] == 0


def scan_income_statement(start: dt.date, end: dt.date) -> dict[str, int]:
    """The naive way, for contrast: every line of the period, grouped by statement line."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT a.statement_line, l.segment_id, "
            "sum(l.functional_credit_minor - l.functional_debit_minor) "
            "FROM finance_journalline l JOIN finance_journalentry e ON e.id = l.entry_id "
            "JOIN finance_account a ON a.id = l.account_id "
            "WHERE e.date BETWEEN %s AND %s AND a.statement_line <> '' GROUP BY 1, 2",
            [start, end],
        )
        totals: dict[str, int] = {}
        for line, _segment, amount in cur.fetchall():
            totals[line] = totals.get(line, 0) + int(amount)
        return totals


def timed(fn: Callable[[], Any], repeat: int) -> tuple[dict[str, float], Any]:
    samples = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - started)
    return {
        "median_ms": round(statistics.median(samples) * 1000, 1),
        "max_ms": round(max(samples) * 1000, 1),
    }, result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    setup_django(recreate_database(DATABASE))
    from django.conf import settings
    from django.core.management import call_command

    settings.MARQUEE_FISCAL_YEAR_START_MONTH = 4
    call_command("migrate", verbosity=0)
    world = seed(args.lines)
    consistent = rollup_matches_lines()

    from marquee.finance import reports

    h1 = (dt.date(2026, 4, 1), dt.date(2026, 9, 30))
    runs: dict[str, dict[str, float]] = {}
    runs["income_statement_by_segment"], statement = timed(
        lambda: reports.income_statement(
            date_from=h1[0], date_to=h1[1], convenience_currency="USD", by_segment=True
        ),
        args.repeat,
    )
    runs["income_statement_partial_months"], _ = timed(
        lambda: reports.income_statement(
            date_from=dt.date(2026, 4, 16), date_to=dt.date(2026, 9, 14), by_segment=True
        ),
        args.repeat,
    )
    runs["trial_balance"], _ = timed(
        lambda: reports.trial_balance(date_to=h1[1], convenience_currency="USD"), args.repeat
    )
    runs["balance_sheet"], sheet = timed(
        lambda: reports.balance_sheet(date_to=h1[1], compare_to=dt.date(2025, 9, 30)),
        args.repeat,
    )
    runs["interim_summary"], _ = timed(
        lambda: reports.interim_summary(date_from=h1[0], date_to=h1[1], language="en"),
        args.repeat,
    )
    runs["scan_every_line_for_contrast"], scanned = timed(
        lambda: scan_income_statement(*h1), max(1, args.repeat // 2)
    )
    agrees = all(
        statement.line(key).current == scanned.get(key, 0)
        for key in ("revenue", "cost_of_sales", "administrative", "finance_income", "income_tax")
    )
    print(
        f"{world['lines']:,} lines in {world['entries']:,} entries, "
        f"{world['rollup_rows']:,} rollup rows (seeded in {world['seed_seconds']} s); "
        f"rollup = lines: {consistent}; report = scan: {agrees}; balance sheet balances: "
        f"{sheet.balanced}"
    )
    width = max(len(name) for name in runs)
    print(f"{'report':<{width}}  {'median ms':>10}  {'max ms':>8}")
    for name, run in runs.items():
        print(f"{name:<{width}}  {run['median_ms']:>10}  {run['max_ms']:>8}")
    goal = runs["income_statement_by_segment"]["max_ms"] < 1000
    print(
        json.dumps(
            {
                "bench": "ledger_report",
                **world,
                "rollup_matches_lines": consistent,
                "report_matches_scan": agrees,
                "runs": runs,
                "goal_under_1s": goal,
            }
        )
    )
    if not (consistent and agrees and sheet.balanced):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
