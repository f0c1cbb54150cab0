"""The analytics benchmark: ``python -m bench.analytics`` (``make bench-analytics``).

Does DuckDB over Parquet answer the heavy questions in under 500 ms on a year
of 10 million tickets?

1. Generates the year with NumPy straight into Parquet (pyarrow; one row per
   ticket, the columns of the rollup's snapshot, sorted by show day): 150
   titles released through the year with Zipf popularity, runs that decay
   after the opening, 5 % of tickets pre-sold up to 30 days before release,
   2,000 cinemas in 300 cities and 60 chains, 4 % of them in Hong Kong (HKD).
   Cached under ``var/bench-analytics/`` (``--regenerate`` to redo).
2. Builds the snapshot worker's roll-ups (``engine.build_cubes``: by day,
   by title × city × day, by title × sale day) and times that.
3. Runs each question ``--repeat`` times (the first run cold, on a fresh
   connection) through :class:`marquee.analytics.engine.Engine`: the day's
   ranking (busiest day), the city breakdown of the top title over its whole
   run, the top title's pre-sale curve. Each answer includes the conversion
   of its (currency, day) groups to CNY at the edge. For contrast (and as a
   check: the answers must be equal) each also runs three times as a scan of
   every ticket, without the roll-ups.
4. Prints a table and, last, ONE line of JSON. docs/performance.md has the numbers.

No Django and no database: the engine reads files only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
START = dt.date(2025, 1, 1)
DAYS = 365
TITLES = 150
VENUES = 2000
CITIES = 300
CHAINS = 60
#: A fixed HKD→CNY rate for the edge conversion (the app reads dated rates).
HKD_RATE = Fraction(912, 1000)


def generate(path: Path, tickets: int, seed: int = 2025) -> float:
    """Write ``tickets`` rows to ``path``; returns the seconds it took."""
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    release = np.sort(rng.integers(0, DAYS - 20, TITLES))
    popularity = 1 / np.arange(1, TITLES + 1) ** 1.1
    rng.shuffle(popularity)
    popularity /= popularity.sum()
    venue_city = rng.integers(0, CITIES, VENUES)
    venue_chain = rng.integers(0, CHAINS, VENUES)
    hong_kong = rng.random(VENUES) < 0.04
    title = rng.choice(TITLES, size=tickets, p=popularity)
    since = np.minimum(rng.exponential(12.0, tickets).astype(np.int32), 90)
    show = np.minimum(release[title] + since, DAYS - 1).astype(np.int32)
    presold = rng.random(tickets) < 0.05
    ahead = np.where(presold, rng.integers(1, 31, tickets), rng.integers(0, 2, tickets))
    sale = np.where(presold, release[title] - ahead, np.maximum(show - ahead, 0)).astype(np.int32)
    venue = rng.integers(0, VENUES, tickets)
    price = (rng.integers(6, 19, tickets) * 500).astype(np.int64)
    order = np.argsort(show, kind="stable")
    epoch = (START - dt.date(1970, 1, 1)).days
    currency = np.where(hong_kong[venue[order]], "HKD", "CNY")
    table = pa.table(
        {
            "source": pa.array(np.full(tickets, "history")).dictionary_encode(),
            "title_id": pa.array(title[order] + 1, pa.int64()),
            "venue_id": pa.array(venue[order] + 1, pa.int64()),
            "chain_id": pa.array(venue_chain[venue[order]] + 1, pa.int64()),
            "city_id": pa.array(venue_city[venue[order]] + 1, pa.int64()),
            "format": pa.array(
                np.where(rng.random(tickets) < 0.15, "IMAX", "2D")
            ).dictionary_encode(),
            "show_day": pa.array(show[order] + epoch, pa.int32()).cast(pa.date32()),
            "sale_day": pa.array(sale[order] + epoch, pa.int32()).cast(pa.date32()),
            "currency": pa.array(currency).dictionary_encode(),
            "tickets": pa.array(np.ones(tickets, np.int32)),
            "gross_minor": pa.array(price[order]),
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, row_group_size=131_072, compression="zstd")
    return time.perf_counter() - started


def to_cny(minor: int, currency: str) -> int:
    if currency == "CNY":
        return int(minor)
    exact = Fraction(int(minor)) * HKD_RATE
    return round(exact)  # Fraction rounds half to even


def _timed(fn, repeat: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--dir", type=Path, default=ROOT / "var" / "bench-analytics")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marquee.settings")
    import django

    django.setup()  # the engine's module imports the domain's errors (no database is used)
    from marquee.analytics.engine import Engine, build_cubes

    directory = args.dir / f"{args.tickets}"
    path = directory / "facts.parquet"
    generated = None
    if args.regenerate or not path.exists():
        generated = generate(path, args.tickets)
    size_mb = path.stat().st_size / 1e6
    cubes_s = None
    if generated is not None or not (directory / "cube_by_city.parquet").exists():
        started = time.perf_counter()
        cube_rows = build_cubes(directory)
        cubes_s = time.perf_counter() - started
    else:
        cube_rows = {
            name: pq.ParquetFile(directory / f"cube_{name}.parquet").metadata.num_rows
            for name in ("by_day", "by_city", "by_sale")
        }

    probe = Engine(directory, threads=args.threads)
    busiest, top_title = probe.connection.execute(
        "SELECT (SELECT show_day FROM sales GROUP BY show_day ORDER BY COUNT(*) DESC LIMIT 1),"
        " (SELECT title_id FROM sales GROUP BY title_id ORDER BY COUNT(*) DESC LIMIT 1)"
    ).fetchone()
    first, last, release = probe.connection.execute(
        "SELECT MIN(show_day), MAX(show_day), MIN(show_day) FROM sales WHERE title_id = ?",
        [top_title],
    ).fetchone()
    rows = probe.connection.execute("SELECT COUNT(*) FROM sales").fetchone()[0]
    probe.close()

    def ranking(engine):
        totals: dict[int, int] = defaultdict(int)
        for title_id, currency, _t, gross in engine.day_ranking(busiest):
            totals[title_id] += to_cny(gross, currency)
        return sorted(totals.items(), key=lambda kv: -kv[1])

    def cities(engine):
        totals: dict[int, int] = defaultdict(int)
        for city_id, currency, _day, _t, gross in engine.title_cities(top_title, first, last):
            totals[city_id] += to_cny(gross, currency)
        return totals

    def curve(engine):
        by_day: dict[dt.date, int] = defaultdict(int)
        for sale_day, currency, _t, gross in engine.presale(top_title, release):
            by_day[sale_day] += to_cny(gross, currency)
        return by_day

    results = {}
    for name, fn in (
        ("day ranking", ranking),
        ("city breakdown", cities),
        ("pre-sale curve", curve),
    ):
        engine = Engine(directory, threads=args.threads)
        times, answer = _timed(lambda fn=fn, engine=engine: fn(engine), args.repeat)
        engine.close()
        scan = Engine(directory, threads=args.threads, cubes=False)
        scan_times, scan_answer = _timed(lambda fn=fn, scan=scan: fn(scan), 3)
        scan.close()
        if scan_answer != answer:
            raise SystemExit(f"{name}: the roll-up and the scan of every ticket disagree")
        results[name] = {
            "cold_ms": round(times[0], 1),
            "median_ms": round(statistics.median(times[1:] or times), 1),
            "max_ms": round(max(times), 1),
            "answer_rows": len(answer),
            "scan_median_ms": round(statistics.median(scan_times), 1),
        }
    print(
        f"{rows:,} tickets in {size_mb:.0f} MB of Parquet"
        + (f" (generated in {generated:.1f} s)" if generated else "")
    )
    print(f"busiest day {busiest}, top title {top_title} ({first} to {last})")
    print(f"roll-ups {cube_rows}" + (f", built in {cubes_s:.1f} s" if cubes_s else ""))
    print(f"DuckDB threads {args.threads}; load average {os.getloadavg()[0]:.1f}")
    header = f"{'question':<16} {'cold ms':>8} {'median ms':>10} {'max ms':>7} {'rows':>5}"
    print(header + f" {'scan ms':>8}")
    for name, r in results.items():
        print(
            f"{name:<16} {r['cold_ms']:>8} {r['median_ms']:>10} {r['max_ms']:>7} "
            f"{r['answer_rows']:>5} {r['scan_median_ms']:>8}"
        )
    ok = all(r["max_ms"] < 500 for r in results.values())
    print(
        json.dumps(
            {
                "bench": "analytics",
                "tickets": rows,
                "parquet_mb": round(size_mb),
                "threads": args.threads,
                "cube_rows": cube_rows,
                "cubes_s": cubes_s,
                "load_average": os.getloadavg()[0],
                "results": results,
                "all_under_500ms": ok,
            }
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
