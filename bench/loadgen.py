"""The load generator: virtual buyers on asyncio, one keep-alive connection each.

Runs as its own process (``python -m bench.loadgen …``), started by
``bench.flash`` for each scenario × concurrency, and writes one JSON result.
It stops by itself: after ``--duration`` seconds no buyer starts another
purchase, and ``--max-purchases`` bounds the total.

Scenarios:

``spread``   each buyer picks a random showtime, reads its seat map, picks 1–4
             random free seats, and buys them: hold → order → pay → simulated
             gateway ``authorize`` (its signed callback issues the tickets) →
             tickets.
``hot``      every buyer races for the best free seats of ONE showtime (1–4
             adjacent seats near the centre); a loser reads the map again and
             retries until the showtime is sold out.
``hold``     the hold step alone: buyers hold 1–4 random seats of the spread
             showtimes (codes known in advance, no seat map) and nothing else.
``seatmap``  GET the seat map of one showtime as fast as possible.
``floor``    GET ``/ticketing/keys`` (no database, a small constant body): what any
             request costs in this stack — gunicorn, Django's middleware, ninja.

Every 409 ``seats_unavailable`` must name the seats that were taken (a subset
of those asked for); ``conflicts_untold`` counts the ones that did not.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
import uuid
from collections import Counter, defaultdict
from typing import Any

from bench.client import Connection, Response, TransportError
from bench.stats import summarise

API = "/api/v1"
STEPS = ("seat_map", "hold", "order", "pay", "authorize", "tickets", "floor", "queue", "room_wait")


class Run:
    """Counters and latencies of one run."""

    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.requests = 0
        self.errors: Counter[str] = Counter()
        self.errors_5xx = 0
        self.transport_errors = 0
        self.conflicts = 0
        self.conflicts_untold = 0
        self.seats_held = 0
        self.holds = 0
        self.orders = 0
        self.seats_sold = 0
        self.ticket_mismatch = 0
        self.sold_out = False
        self.purchases_started = 0
        self.queued = 0  # hold attempts answered 429 in_waiting_room

    def error(self, step: str, response: Response | None, note: str = "") -> None:
        if response is None:
            self.transport_errors += 1
            self.errors[f"{step}: transport {note}".strip()] += 1
            return
        if response.status >= 500:
            self.errors_5xx += 1
        code = response.problem_code() or note
        self.errors[f"{step}: {response.status} {code}".strip()] += 1


class Buyer:
    def __init__(self, n: int, args: argparse.Namespace, world: dict[str, Any], run: Run) -> None:
        self.n = n
        self.args = args
        self.world = world
        self.run = run
        self.rng = random.Random(args.seed * 100_003 + n)
        self.conn = Connection(args.host, args.port, timeout=args.timeout)
        token = world["tokens"][n % len(world["tokens"])]
        self.auth = {"Authorization": f"Bearer {token}"}
        self.waiting_since: float | None = None  # first 429 in_waiting_room of this wait
        self.retry_after = 0.0

    async def call(
        self, step: str, method: str, path: str, *, body: Any = None, headers: dict | None = None
    ) -> Response | None:
        started = time.perf_counter()
        try:
            response = await self.conn.request(
                method, API + path, json_body=body, headers={**self.auth, **(headers or {})}
            )
        except TransportError as exc:
            self.run.requests += 1
            self.run.error(step, None, str(exc))
            return None
        self.run.requests += 1
        self.run.latencies[step].append((time.perf_counter() - started) * 1000)
        return response

    def failed(self, step: str, response: Response | None) -> bool:
        """Count an unexpected answer (a transport failure was counted by :meth:`call`)."""
        if response is not None:
            self.run.error(step, response)
        return False

    # --- seat choice ------------------------------------------------------------

    def random_free(self, seat_map: dict) -> list[str]:
        free = [
            s["code"]
            for s in seat_map["seats"]
            if s["state"] == "free" and s["seat_type"] != "couple"
        ]
        if not free:
            return []
        return self.rng.sample(free, min(len(free), self.rng.randint(1, 4)))

    def best_free(self, seat_map: dict) -> list[str]:
        rows, columns = seat_map["rows"], seat_map["columns"]
        ideal_row, ideal_col = rows * 0.6, (columns - 1) / 2
        free = [s for s in seat_map["seats"] if s["state"] == "free" and s["seat_type"] != "couple"]
        if not free:
            return []
        free.sort(key=lambda s: (s["row"] - ideal_row) ** 2 + ((s["column"] - ideal_col) / 2) ** 2)
        # Everyone wants the same few seats: a start among the best handful, then its
        # free neighbours in the same row, nearest first.
        start = free[self.rng.randrange(min(6, len(free)))]
        want = self.rng.randint(1, 4)
        same_row = sorted(
            (s for s in free if s["row"] == start["row"]),
            key=lambda s: abs(s["column"] - start["column"]),
        )
        return [s["code"] for s in same_row[:want]]

    # --- the purchase path -------------------------------------------------------------

    async def hold(self, showtime_id: int, seats: list[str]) -> dict | None:
        r = await self.call(
            "hold", "POST", "/ticketing/holds", body={"showtime_id": showtime_id, "seats": seats}
        )
        if r is None:
            return None  # counted by call()
        if r.status == 429 and r.problem_code() == "in_waiting_room":
            # Not this buyer's turn: the answer's latency is the queue's, not the hold's.
            self.run.latencies["queue"].append(self.run.latencies["hold"].pop())
            self.run.queued += 1
            if self.waiting_since is None:
                self.waiting_since = time.perf_counter()
            self.retry_after = float(r.headers.get("retry-after", "1") or 1)
            return None
        if self.waiting_since is not None:  # through the waiting room
            self.run.latencies["room_wait"].append(
                (time.perf_counter() - self.waiting_since) * 1000
            )
            self.waiting_since = None
        if r.status == 201:
            self.run.holds += 1
            self.run.seats_held += len(seats)
            return r.json()
        if r.status == 409 and r.problem_code() == "seats_unavailable":
            self.run.conflicts += 1
            named = r.json().get("seats") or []
            if not named or not set(named) <= set(seats):
                self.run.conflicts_untold += 1
            return None
        self.run.error("hold", r)
        return None

    async def checkout(self, hold: dict, seats: list[str]) -> bool:
        r = await self.call(
            "order",
            "POST",
            "/ticketing/orders",
            body={"hold_id": hold["id"]},
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        if r is None or r.status != 201:
            return self.failed("order", r)
        order = r.json()
        r = await self.call(
            "pay",
            "POST",
            f"/ticketing/orders/{order['id']}/pay",
            body={},
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        if r is None or r.status != 200:
            return self.failed("pay", r)
        payment_id = r.json()["payment_id"]
        r = await self.call(
            "authorize",
            "POST",
            f"/payments/sim/{payment_id}/authorize",
            body={"outcome": "succeed"},
        )
        if r is None or r.status != 200:
            return self.failed("authorize", r)
        r = await self.call("tickets", "GET", f"/ticketing/orders/{order['id']}/tickets")
        if r is None or r.status != 200:
            return self.failed("tickets", r)
        tickets = r.json()
        if sorted(t["seat"]["code"] for t in tickets) != sorted(seats) or any(
            t["status"] != "valid" for t in tickets
        ):
            self.run.ticket_mismatch += 1
            self.run.error("tickets", r, "mismatch")
            return False
        self.run.orders += 1
        self.run.seats_sold += len(tickets)
        return True

    async def purchase(self, showtime_id: int, *, hot: bool) -> None:
        r = await self.call("seat_map", "GET", f"/ticketing/showtimes/{showtime_id}/seats")
        if r is None or r.status != 200:
            self.failed("seat_map", r)
            return
        seat_map = r.json()
        seats = self.best_free(seat_map) if hot else self.random_free(seat_map)
        if not seats:
            if hot:
                self.run.sold_out = True
            return
        hold = await self.hold(showtime_id, seats)
        if hold is not None:
            await self.checkout(hold, seats)
        elif self.retry_after:
            # In the waiting room: ask again when told to (then re-read the map).
            await asyncio.sleep(self.retry_after)
            self.retry_after = 0.0

    # --- loops ----------------------------------------------------------------------

    async def loop(self, deadline: float, budget: list[int]) -> None:
        scenario = self.args.scenario
        try:
            while time.monotonic() < deadline and budget[0] > 0 and not self.run.sold_out:
                budget[0] -= 1
                self.run.purchases_started += 1
                if scenario == "floor":
                    r = await self.call("floor", "GET", "/ticketing/keys")
                    if r is None or r.status != 200:
                        self.failed("floor", r)
                elif scenario == "seatmap":
                    r = await self.call(
                        "seat_map", "GET", f"/ticketing/showtimes/{self.args.showtime}/seats"
                    )
                    if r is None or r.status != 200:
                        self.failed("seat_map", r)
                elif scenario == "hold":
                    showtime_id, hall_id = self.rng.choice(self.world["spread"])
                    codes = self.world["halls"][str(hall_id)]
                    seats = self.rng.sample(codes, self.rng.randint(1, 4))
                    await self.hold(showtime_id, seats)
                elif scenario == "hot":
                    await self.purchase(self.args.showtime, hot=True)
                else:
                    pool = self.world["warmup"] if scenario == "warmup" else self.world["spread"]
                    await self.purchase(self.rng.choice(pool)[0], hot=False)
        finally:
            await self.conn.close()


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    with open(args.world) as fh:
        world = json.load(fh)
    run = Run()
    buyers = [Buyer(n, args, world, run) for n in range(args.concurrency)]
    budget = [args.max_purchases]
    started = time.monotonic()
    deadline = started + args.duration
    await asyncio.gather(*(b.loop(deadline, budget) for b in buyers))
    elapsed = time.monotonic() - started
    return {
        "scenario": args.scenario,
        "concurrency": args.concurrency,
        "elapsed_s": round(elapsed, 3),
        "requests": run.requests,
        "requests_per_s": round(run.requests / elapsed, 1),
        "purchases_started": run.purchases_started,
        "holds": run.holds,
        "seats_held": run.seats_held,
        "seats_held_per_s": round(run.seats_held / elapsed, 1),
        "holds_per_s": round(run.holds / elapsed, 1),
        "orders": run.orders,
        "orders_per_s": round(run.orders / elapsed, 1),
        "seats_sold": run.seats_sold,
        "seats_per_s": round(run.seats_sold / elapsed, 1),
        "conflicts": run.conflicts,
        "conflicts_untold": run.conflicts_untold,
        "queued": run.queued,
        "ticket_mismatch": run.ticket_mismatch,
        "errors_5xx": run.errors_5xx,
        "transport_errors": run.transport_errors,
        "errors": dict(run.errors.most_common()),
        "sold_out": run.sold_out,
        "latency_ms": {
            step: summarise(run.latencies[step]) for step in STEPS if run.latencies[step]
        },
    }


def command(
    *,
    world: object,
    port: int,
    scenario: str,
    concurrency: int,
    duration: float,
    out: object,
    **options: object,
) -> list[str]:
    """The command line that runs this load generator in its own process.

    ``options`` are further flags by their argument names (``timeout=20`` →
    ``--timeout 20``, ``max_purchases=10`` → ``--max-purchases 10``).
    """
    flags = {
        "world": world,
        "port": port,
        "scenario": scenario,
        "concurrency": concurrency,
        "duration": duration,
        **options,
        "out": out,
    }
    args = [sys.executable, "-m", "bench.loadgen"]
    for name, value in flags.items():
        args += ["--" + name.replace("_", "-"), str(value)]
    return args


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.loadgen", description=__doc__)
    parser.add_argument("--world", required=True, help="the world JSON written by bench.flash")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--scenario",
        choices=["spread", "hot", "hold", "seatmap", "warmup", "floor"],
        required=True,
    )
    parser.add_argument("--showtime", type=int, default=0, help="hot / seatmap: the showtime")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--max-purchases", type=int, default=1_000_000)
    parser.add_argument("--timeout", type=float, default=30.0, help="per request, seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", help="write the JSON result here (default: stdout)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    result = asyncio.run(main_async(args))
    text = json.dumps(result)
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
