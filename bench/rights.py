"""The avails benchmark: ``python -m bench.rights`` (``make bench-rights``).

How fast are avails answered over a large rights catalogue?

1. Drops and re-creates a PostgreSQL database of its own
   (``marquee_bench_rights``) and migrates it; ``--sqlite PATH`` runs on a
   fresh SQLite file instead.
2. Writes ``--titles`` titles (10,000) and ``--grants`` right lines (100,000)
   in bulk: per title one deal acquired in (worldwide or regional, a few
   media, a multi-year window, every language) and deals licensed out
   (exclusive or not, with holdbacks; one in six names its languages —
   Mandarin, Cantonese, English), spread over media, the territory tree and
   2026–2030.
3. Times, in process (the query and the engine, no HTTP):
   - **title avails**: one title, every medium over the whole world for a
     year (9 media × 22 leaves), as the API's ``/rights/avails`` answers it;
   - **title avails, one cell**: SVOD in mainland China for a year;
   - **catalogue search**: every title with free SVOD in mainland China in
     2027, exclusive, over all titles and grants (``/rights/avails/titles``);
     and SVOD + AVOD over Greater China (8 cells a title), non-exclusive;
     and SVOD in mainland China for Cantonese only, exclusive;
   - **conflict check**: signing an exclusive deal out (lock, read, check,
     write, post the fee) — the write path, refused or signed.
4. Prints a table and, last, ONE line of JSON. docs/performance.md has the numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from typing import Any

from bench.stats import summarise, table

PG = os.environ.get("MARQUEE_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "marquee_bench_rights"
MEDIA = [
    "theatrical",
    "free_tv",
    "pay_tv",
    "svod",
    "avod",
    "tvod",
    "pvod",
    "airline",
    "merchandising",
]
REGIONS = ["WW", "GCN", "SEA", "NEA", "NAM", "EUR", "OCE"]
LANGUAGE_SETS = [["zh"], ["yue"], ["yue", "zh"], ["en"]]
LICENSEES = ["iQiyi", "Youku", "Tencent Video", "TVB", "Netflix", "Viu", "myTV SUPER", "Mango TV"]


def _setup(args: argparse.Namespace) -> str:
    if args.sqlite:
        if os.path.exists(args.sqlite):
            os.remove(args.sqlite)
        url = f"sqlite:///{os.path.abspath(args.sqlite)}"
    else:
        import psycopg

        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DB}"')
        url = f"{PG}/{DB}"
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "marquee.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return "sqlite" if args.sqlite else "postgresql"


def _seed(n_titles: int, n_grants: int, rng: random.Random) -> dict[str, Any]:
    """Titles, deals and right lines in bulk (bench data: no services, no ledger)."""
    from django.db import transaction
    from django.utils import timezone

    from marquee.catalog.models import Title
    from marquee.rights.models import Deal, RightLine
    from marquee.rights.territories import LEAVES, children_of

    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        Title.objects.bulk_create(
            [
                Title(slug=f"bench-{i}", original_title=f"Bench {i}", title_en=f"Bench title {i}")
                for i in range(n_titles)
            ],
            batch_size=2000,
        )
        title_ids = list(
            Title.objects.filter(slug__startswith="bench-").values_list("pk", flat=True)
        )
        deals: list[Deal] = []
        plans: list[tuple[int, list[tuple]]] = []  # (index in deals, lines)
        per_title = max(1, n_grants // n_titles)
        for title_id in title_ids:
            region = rng.choice(["WW", "WW", "GCN", "SEA"])
            held_media = rng.sample(MEDIA[:8], k=rng.randint(3, 6))
            held = [(m, region, dt.date(2026, 1, 1), dt.date(2030, 12, 31)) for m in held_media]
            deals.append(_deal(Deal, title_id, "in", "FilMart seller", True, now))
            plans.append((len(deals) - 1, [("grant", *line) for line in held]))
            left = per_title - len(held)
            while left > 0:
                exclusive = rng.random() < 0.6
                deals.append(_deal(Deal, title_id, "out", rng.choice(LICENSEES), exclusive, now))
                if rng.random() < 1 / 6:
                    deals[-1].languages = rng.choice(LANGUAGE_SETS)
                lines = []
                for _ in range(min(left, rng.randint(1, 3))):
                    m = rng.choice(held_media)
                    node = (
                        region
                        if rng.random() < 0.2
                        else rng.choice(
                            [
                                *children_of(region),
                                *[leaf for leaf in LEAVES if leaf in ("CN", "HK", "TW")],
                            ]
                        )
                    )
                    start = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 4))
                    end = start + dt.timedelta(days=rng.choice([90, 180, 365, 730]))
                    kind = "holdback" if rng.random() < 0.1 else "grant"
                    lines.append((kind, m, node, start, end))
                left -= len(lines)
                plans.append((len(deals) - 1, lines))
        Deal.objects.bulk_create(deals, batch_size=5000)
        rows = [
            RightLine(
                deal_id=deals[i].pk,
                title_id=deals[i].title_id,
                direction=deals[i].direction,
                kind=kind,
                exclusive=deals[i].exclusive,
                media=m,
                territory=node,
                start_on=start,
                end_on=end,
                languages=deals[i].languages,
            )
            for i, lines in plans
            for kind, m, node, start, end in lines
        ]
        RightLine.objects.bulk_create(rows, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would give a live database
    return {
        "titles": len(title_ids),
        "deals": len(deals),
        "grants": len(rows),
        "seed_s": round(time.perf_counter() - started, 1),
        "title_ids": title_ids,
    }


def _deal(model, title_id: int, direction: str, who: str, exclusive: bool, now) -> Any:
    return model(
        title_id=title_id,
        direction=direction,
        counterparty=who,
        exclusive=exclusive,
        currency="CNY",
        fee_minor=0,
        signed_on=dt.date(2025, 12, 1),
        created_at=now,
    )


def _time(fn, n: int) -> dict[str, float]:
    """Wall-clock percentiles of ``n`` calls, and the median CPU time this process spent.

    The CPU figure leaves out the database server and the waiting for a core, so
    it stays comparable on a machine shared with other work (the wall clock does not).
    """
    fn()  # warm: the first call compiles and caches
    laps, cpu = [], []
    for _ in range(n):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        laps.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return {**summarise(laps), "cpu_p50": summarise(cpu)["p50"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=int, default=10_000)
    parser.add_argument("--grants", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300, help="timed calls per title query")
    parser.add_argument("--searches", type=int, default=30, help="timed catalogue searches")
    parser.add_argument("--deals", type=int, default=100, help="timed deal signings")
    parser.add_argument("--sqlite", metavar="PATH", help="run on SQLite at PATH, not PostgreSQL")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    database = _setup(args)

    from marquee.finance.chart import ensure_chart
    from marquee.rights import queries
    from marquee.rights.errors import RightsError
    from marquee.rights.services import create_deal
    from marquee.rights.validation import FeeSpec, InstalmentSpec, RightSpec

    ensure_chart()
    world = _seed(args.titles, args.grants, rng)
    ids = world.pop("title_ids")
    year = (dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    everything = queries.question(
        media=MEDIA, territory="WW", start_on=year[0], end_on=year[1], exclusive=True
    )
    svod_cn = queries.question(
        media=["svod"], territory="CN", start_on=year[0], end_on=year[1], exclusive=True
    )
    results: dict[str, dict[str, float]] = {}
    results["title avails (9 media x world)"] = _time(
        lambda: queries.title_avails(rng.choice(ids), everything), args.queries
    )
    results["title avails (SVOD x CN)"] = _time(
        lambda: queries.title_avails(rng.choice(ids), svod_cn), args.queries
    )
    found: list[int] = []
    results["catalogue search (SVOD x CN, all titles)"] = _time(
        lambda: found.append(len(queries.titles_with_avails(svod_cn, limit=10_000))), args.searches
    )
    wide = queries.question(
        media=["svod", "avod"], territory="GCN", start_on=year[0], end_on=year[1], exclusive=False
    )
    results["catalogue search (SVOD+AVOD x Greater China)"] = _time(
        lambda: queries.titles_with_avails(wide, limit=10_000), args.searches
    )
    cantonese = queries.question(
        media=["svod"], territory="CN", start_on=year[0], end_on=year[1], exclusive=True,
        languages=["yue"],
    )  # fmt: skip
    results["catalogue search (SVOD x CN, Cantonese)"] = _time(
        lambda: queries.titles_with_avails(cantonese, limit=10_000), args.searches
    )
    outcomes = {"signed": 0, "refused": 0}

    def sign() -> None:
        start = dt.date(2027, 1, 1) + dt.timedelta(days=rng.randrange(0, 300))
        try:
            create_deal(
                title_id=rng.choice(ids),
                direction="out",
                counterparty=rng.choice(LICENSEES),
                exclusive=True,
                rights=[
                    RightSpec(
                        ["svod"],
                        [rng.choice(["CN", "HK", "GCN"])],
                        start,
                        start + dt.timedelta(days=90),
                    )
                ],
                fee=FeeSpec("CNY", 100_00, instalments=[InstalmentSpec(start, 100_00)]),
                signed_on=dt.date(2026, 12, 1),
            )
            outcomes["signed"] += 1
        except RightsError:
            outcomes["refused"] += 1

    results["sign an exclusive deal (check + write + ledger)"] = _time(sign, args.deals)

    load = [round(x, 1) for x in os.getloadavg()]
    print(f"\nAvails on {database}: {world['titles']:,} titles, {world['deals']:,} deals, "
          f"{world['grants']:,} right lines (seeded in {world['seed_s']} s); load average {load}\n")  # fmt: skip
    print(table(["operation", "n", "p50 ms", "p95 ms", "p99 ms", "max ms", "CPU p50 ms"],
                [[k, v["n"], v["p50"], v["p95"], v["p99"], v["max"], v["cpu_p50"]]
                 for k, v in results.items()]))  # fmt: skip
    print(f"\ncatalogue search found {found[-1]:,} titles with free SVOD in CN; "
          f"deals: {outcomes['signed']} signed, {outcomes['refused']} refused (conflict / not held)")  # fmt: skip
    print(
        json.dumps(
            {
                "database": database,
                **world,
                "results": results,
                "search_hits": found[-1],
                **outcomes,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
