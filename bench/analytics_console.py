"""The console's heavy reads: ``python -m bench.analytics_console`` (``make bench-analytics-console``).

How much do the console's history reads gain from DuckDB over the snapshot
(``analytics/queries/history.py``) against the operational database alone?

1. Migrates a fresh SQLite database in a temporary directory and bulk-loads a
   year of history facts: ``--titles`` films with runs of 60 days (staggered
   through the year, busiest first) at ``--venues`` cinemas in 12 cities (a
   sixth in HKD), one fact per title × cinema × show day plus pre-sale facts
   up to 30 days before each release.
2. Writes the snapshot (the periodic job's work) and times it.
3. Times each question ``--repeat`` times with the snapshot and with
   ``MARQUEE_ANALYTICS_ENGINE = False`` (the database alone) and checks the
   answers are equal: a title's 60 days, its cities over its run, its pre-sale
   curve, a past day's board (ranking + cumulative since release), today's
   live board (the cumulative gross from the snapshot, the day from the
   database).
4. Prints a table and, last, ONE line of JSON. docs/performance.md has the numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _load(titles: int, venues: int, today: dt.date) -> tuple[list, int]:
    import numpy as np
    from django.utils import timezone

    from marquee.accounts.models import Organisation
    from marquee.analytics.models import BoxOfficeFact, HistoricalTitle
    from marquee.analytics.services.history import history_fact
    from marquee.catalog.models import Title
    from marquee.places.models import City
    from marquee.venues.models import Chain, Venue

    rng = np.random.default_rng(7)
    org = Organisation.objects.create(name="Bench Cinemas", kind="exhibitor", slug="bench")
    chain = Chain.objects.create(organisation=org, name_en="Bench Cinemas", slug="bench")
    cities = []
    for n in range(12):
        hk = n % 6 == 5
        cities.append(
            City.objects.create(
                code=f"bench-{n}",
                name_en=f"Bench City {n}",
                territory="HK" if hk else "CN",
                time_zone="Asia/Hong_Kong" if hk else "Asia/Shanghai",
                currency="HKD" if hk else "CNY",
            )
        )
    places = [
        Venue.objects.create(
            chain=chain,
            slug=f"bench-{n}",
            name_en=f"Bench {n}",
            city=cities[n % 12],
            time_zone=cities[n % 12].time_zone,
            currency=cities[n % 12].currency,
        )
        for n in range(venues)
    ]
    films = [
        Title.objects.create(
            slug=f"bench-{n}",
            original_title=f"Bench {n}",
            title_en=f"Bench {n}",
            runtime_minutes=110,
        )
        for n in range(titles)
    ]
    updated = timezone.now() - dt.timedelta(days=2)
    rows = []
    for n, film in enumerate(films):
        opening = today - dt.timedelta(days=int(20 + n * (330 / titles)))
        HistoricalTitle.objects.create(title=film, opening_day=opening)
        scale = 1.0 / (n + 1) ** 0.8
        for venue in places:
            price = 4_500 if venue.currency == "CNY" else 5_200
            for day_index in range(60):
                show_day = opening + dt.timedelta(days=day_index)
                if show_day >= today:
                    break
                tickets = int(rng.poisson(200 * scale * 0.97**day_index)) + 1
                rows.append((film, venue, show_day, show_day, tickets, tickets * price))
            for before in range(1, 31, 3):
                sale_day = opening - dt.timedelta(days=before)
                tickets = int(rng.poisson(20 * scale)) + 1
                rows.append((film, venue, opening, sale_day, tickets, tickets * price))
    BoxOfficeFact.objects.bulk_create(
        [
            history_fact(
                title=film,
                venue=venue,
                show_day=show_day,
                sale_day=sale_day,
                tickets=tickets,
                gross_minor=gross,
                updated_at=updated,
            )
            for film, venue, show_day, sale_day, tickets, gross in rows
        ],
        batch_size=5_000,
    )
    return films, len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=int, default=150)
    parser.add_argument("--venues", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    var = Path(tempfile.mkdtemp(prefix="bench-analytics-console-"))
    os.environ["MARQUEE_VAR_DIR"] = str(var)
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "marquee.settings"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from decimal import Decimal

    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from bench.analytics import _timed
    from marquee.analytics.queries.board import day_board
    from marquee.analytics.queries.titles import presale_curve, title_cities, title_days
    from marquee.analytics.services.snapshots import write_snapshot
    from marquee.core.services import set_rate

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    set_rate(base="HKD", quote="CNY", rate=Decimal("0.9137"), valid_from=dt.date(2000, 1, 1))
    today = timezone.localdate()
    films, facts = _load(args.titles, args.venues, today)
    loaded_s = time.perf_counter() - started
    started = time.perf_counter()
    snapshot = write_snapshot()
    snapshot_s = time.perf_counter() - started
    top = films[0]
    run_start = today - dt.timedelta(days=20)
    busiest = run_start + dt.timedelta(days=3)
    questions = {
        "title days (60)": lambda: title_days(top, run_start, run_start + dt.timedelta(days=59)),
        "title cities (run)": lambda: title_cities(top, run_start, today),
        "pre-sale curve": lambda: presale_curve(top).points,
        "past day's board": lambda: day_board(busiest).rows,
        "today's live board": lambda: day_board(today).rows,
    }
    print(f"{facts:,} facts; snapshot of {snapshot.rows:,} rows in {snapshot_s:.2f} s")
    print(f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'question':<22}{'DuckDB+live ms':>16}{'database ms':>14}")
    results = {}
    for name, ask in questions.items():
        settings.MARQUEE_ANALYTICS_ENGINE = True
        engine_times, engine_answer = _timed(ask, args.repeat)
        settings.MARQUEE_ANALYTICS_ENGINE = False
        db_times, db_answer = _timed(ask, args.repeat)
        if engine_answer != db_answer:
            print(f"{name}: the answers differ", file=sys.stderr)
            return 1
        results[name] = {
            "engine_median_ms": round(statistics.median(engine_times), 1),
            "database_median_ms": round(statistics.median(db_times), 1),
        }
        print(
            f"{name:<22}{results[name]['engine_median_ms']:>16}"
            f"{results[name]['database_median_ms']:>14}"
        )
    print(
        json.dumps(
            {
                "bench": "analytics_console",
                "facts": facts,
                "snapshot_rows": snapshot.rows,
                "snapshot_s": round(snapshot_s, 2),
                "load_s": round(loaded_s, 1),
                "load_average": os.getloadavg()[0],
                "results": results,
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
