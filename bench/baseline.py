"""The database's own limit: the bare conditional seat claim through psycopg (no HTTP, no Django).

Two variants, each at the benchmark's concurrency levels on showtimes only
the baseline touches:

``claim``     BEGIN; the conditional UPDATE of ``services/holds.py`` (free, or
              held by an expired hold → held); COMMIT — or ROLLBACK when fewer
              rows changed than seats asked for. The bare claim.
``hold_txn``  the whole SQL of a hold: INSERT the hold, INSERT its seats, lock
              the inventory rows in primary-key order, the conditional UPDATE,
              COMMIT — what ``place_hold`` sends, minus Python.

Seats come from a shuffled deck of 1–4-seat groups (distinct seats, the
spread scenario without conflicts); the deck is reset between levels.
Concurrency above ``max_connections`` shares that many connections (the app
itself never holds more than workers × threads).
"""

from __future__ import annotations

import asyncio
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from bench.stats import summarise

CLAIM = """UPDATE ticketing_seatinventory
              SET state = 'held', hold_id = %(hold)s, hold_expires_at = %(expires)s
            WHERE showtime_id = %(showtime)s AND seat_id = ANY(%(seats)s)
              AND (state = 'free' OR (state = 'held' AND hold_expires_at <= %(now)s))"""
INSERT_HOLD = """INSERT INTO ticketing_hold
                   (showtime_id, user_id, round_id, seat_count, status, expires_at, created_at)
                 VALUES (%(showtime)s, %(user)s, NULL, %(count)s, 'active', %(expires)s, %(now)s)
                 RETURNING id"""
LOCK = """SELECT id FROM ticketing_seatinventory
           WHERE showtime_id = %(showtime)s AND seat_id = ANY(%(seats)s)
           ORDER BY id FOR NO KEY UPDATE"""


class _Rollback(Exception):
    pass


async def _prepare(dsn: str, showtimes: list[int]) -> tuple[list[tuple[int, list[int]]], dict, int]:
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        user = (await (await conn.execute("SELECT min(id) FROM accounts_user")).fetchone())[0]
        rows = await (
            await conn.execute(
                "SELECT showtime_id, seat_id FROM ticketing_seatinventory "
                "WHERE showtime_id = ANY(%s) ORDER BY showtime_id, seat_id",
                [showtimes],
            )
        ).fetchall()
        far = datetime.now(UTC) + timedelta(days=30)
        dummy = {}
        for showtime in showtimes:
            cur = await conn.execute(
                INSERT_HOLD,
                {
                    "showtime": showtime,
                    "user": user,
                    "count": 1,
                    "expires": far,
                    "now": datetime.now(UTC),
                },
            )
            dummy[showtime] = (await cur.fetchone())[0]
    by_showtime: dict[int, list[int]] = {}
    for showtime, seat in rows:
        by_showtime.setdefault(showtime, []).append(seat)
    return list(by_showtime.items()), dummy, user


def _deck(layout: list[tuple[int, list[int]]], rng: random.Random) -> list[tuple[int, list[int]]]:
    groups = []
    for showtime, seats in layout:
        pool = seats[:]
        rng.shuffle(pool)
        while pool:
            take = rng.randint(1, 4)
            groups.append((showtime, sorted(pool[:take])))
            pool = pool[take:]
    rng.shuffle(groups)
    return groups


async def _reset(dsn: str, showtimes: list[int], keep: list[int]) -> None:
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        await conn.execute(
            "UPDATE ticketing_seatinventory SET state = 'free', hold_id = NULL, hold_expires_at = NULL "
            "WHERE showtime_id = ANY(%s) AND state <> 'free'",
            [showtimes],
        )
        await conn.execute(
            "DELETE FROM ticketing_holdseat WHERE hold_id IN (SELECT id FROM ticketing_hold "
            "WHERE showtime_id = ANY(%s) AND NOT id = ANY(%s))",
            [showtimes, keep],
        )
        await conn.execute(
            "DELETE FROM ticketing_hold WHERE showtime_id = ANY(%s) AND NOT id = ANY(%s)",
            [showtimes, keep],
        )
        await conn.execute("VACUUM ANALYZE ticketing_seatinventory")


async def _level(
    dsn: str,
    *,
    variant: str,
    concurrency: int,
    duration: float,
    deck: list[tuple[int, list[int]]],
    dummy: dict[int, int],
    user: int,
    max_connections: int,
) -> dict[str, Any]:
    connections = [
        await psycopg.AsyncConnection.connect(dsn) for _ in range(min(concurrency, max_connections))
    ]
    pool: asyncio.Queue = asyncio.Queue()
    for conn in connections:
        pool.put_nowait(conn)
    latencies: list[float] = []
    counts = {"claims": 0, "seats": 0, "conflicts": 0, "errors": 0}
    deadline = time.monotonic() + duration

    async def one(showtime: int, seats: list[int]) -> None:
        conn = await pool.get()
        started = time.perf_counter()
        now = datetime.now(UTC)
        params = {
            "showtime": showtime,
            "seats": seats,
            "now": now,
            "expires": now + timedelta(minutes=10),
            "hold": dummy[showtime],
            "user": user,
            "count": len(seats),
        }
        try:
            async with conn.transaction():
                if variant == "hold_txn":
                    cur = await conn.execute(INSERT_HOLD, params)
                    params["hold"] = (await cur.fetchone())[0]
                    await conn.execute(
                        "INSERT INTO ticketing_holdseat (hold_id, seat_id) "
                        "SELECT %(hold)s, unnest(%(seats)s::bigint[])",
                        params,
                    )
                    await (await conn.execute(LOCK, params)).fetchall()
                cur = await conn.execute(CLAIM, params)
                if cur.rowcount != len(seats):
                    raise _Rollback
            counts["claims"] += 1
            counts["seats"] += len(seats)
            latencies.append((time.perf_counter() - started) * 1000)
        except _Rollback:
            counts["conflicts"] += 1
        except psycopg.Error:
            counts["errors"] += 1
        finally:
            pool.put_nowait(conn)

    async def worker() -> None:
        while deck and time.monotonic() < deadline:
            showtime, seats = deck.pop()
            await one(showtime, seats)

    started = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.monotonic() - started
    for conn in connections:
        await conn.close()
    return {
        "variant": variant,
        "concurrency": concurrency,
        "connections": len(connections),
        "elapsed_s": round(elapsed, 3),
        "claims": counts["claims"],
        "claims_per_s": round(counts["claims"] / elapsed, 1),
        "seats_per_s": round(counts["seats"] / elapsed, 1),
        "conflicts": counts["conflicts"],
        "errors": counts["errors"],
        "latency_ms": summarise(latencies),
    }


async def _run(
    dsn: str,
    showtimes: list[int],
    levels: list[int],
    duration: float,
    variants: list[str],
    max_connections: int,
) -> list[dict[str, Any]]:
    layout, dummy, user = await _prepare(dsn, showtimes)
    rng = random.Random(7)
    results = []
    for variant in variants:
        for concurrency in levels:
            deck = _deck(layout, rng)
            results.append(
                await _level(
                    dsn,
                    variant=variant,
                    concurrency=concurrency,
                    duration=duration,
                    deck=deck,
                    dummy=dummy,
                    user=user,
                    max_connections=max_connections,
                )
            )
            await _reset(dsn, showtimes, list(dummy.values()))
    return results


def run_baseline(
    dsn: str,
    *,
    showtimes: list[int],
    levels: list[int],
    duration: float,
    variants: tuple[str, ...] = ("claim", "hold_txn"),
    max_connections: int = 64,
) -> list[dict[str, Any]]:
    """Every variant at every concurrency level; one result dict each."""
    return asyncio.run(_run(dsn, showtimes, levels, duration, list(variants), max_connections))
