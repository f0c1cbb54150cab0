"""``marquee worker``: drain the outbox until told to stop, running the periodic jobs between drains."""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections, connection

from marquee.core import outbox, periodic

logger = logging.getLogger("marquee.outbox")


class Command(BaseCommand):
    help = (
        "Run outbox consumers on every due event, then poll for more; between drains run "
        "the periodic jobs that are due (core.periodic). SIGTERM or SIGINT stops it after "
        "the delivery or job in hand."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Drain everything due now, then exit."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait when nothing is due (default 1).",
        )
        parser.add_argument(
            "--only",
            action="append",
            default=[],
            metavar="PREFIX",
            help="Run only the consumers whose names start with PREFIX (repeatable), "
            "e.g. --only finance. for a worker of the ledger's own.",
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=50,
            help="Deliveries per drain call between connection checks (default 50).",
        )
        parser.add_argument(
            "--periodic",
            action=argparse.BooleanOptionalAction,
            default=True,
            dest="run_periodic",
            help="Run the periodic jobs that are due between drains (default on; a lease "
            "keeps two workers from running one job at once). --no-periodic for a worker "
            "that should only drain, e.g. the ledger's own.",
        )

    def handle(
        self,
        *args: Any,
        once: bool,
        interval: float,
        batch: int,
        only: list[str],
        run_periodic: bool,
        **options: Any,
    ) -> None:
        if not interval > 0 or interval > 3600:
            raise CommandError("--interval must be between 0 and 3600 seconds.")
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        if once:
            done = outbox.drain(only=only)
            self.stdout.write(f"Processed {done} outbox deliveries.")
            return
        self.stop = threading.Event()
        previous = self._install_signal_handlers()
        consumers = (
            ", ".join(
                sorted(
                    n
                    for n in outbox.registered_consumers()
                    if not only or n.startswith(tuple(only))  # startswith(()) is never true
                )
            )
            or "none"
        )
        jobs = periodic.registered_jobs() if run_periodic else {}
        self.stdout.write(
            f"Outbox worker started (consumers: {consumers}; "
            f"periodic jobs: {', '.join(sorted(jobs)) or 'none'})."
        )
        holder = periodic.holder_name()
        total = 0
        try:
            while not self.stop.is_set():
                if not connection.in_atomic_block:  # e.g. inside a test's transaction
                    close_old_connections()
                try:
                    done = outbox.drain(limit=batch, stop=self.stop.is_set, only=only)
                    if jobs and not self.stop.is_set():
                        periodic.run_due(holder=holder)
                except DatabaseError:
                    logger.exception("outbox drain failed; retrying in %ss", interval)
                    if not connection.in_atomic_block:
                        connection.close()
                    self.stop.wait(interval)
                    continue
                total += done
                if done < batch:
                    self.stop.wait(interval)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        self.stdout.write(f"Outbox worker stopped after {total} deliveries.")

    def _install_signal_handlers(self) -> dict[int, Any]:
        if threading.current_thread() is not threading.main_thread():
            return {}  # signals can only be handled on the main thread

        def request_stop(signum: int, frame: FrameType | None) -> None:
            logger.info("outbox worker: signal %s, stopping", signum)
            self.stop.set()

        previous = {}
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.getsignal(signum)
            signal.signal(signum, request_stop)
        return previous
