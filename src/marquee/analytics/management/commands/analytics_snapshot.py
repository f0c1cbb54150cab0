"""``marquee analytics_snapshot``: write the Parquet snapshot DuckDB reads (once, or every N s)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from marquee.analytics.services.snapshots import default_directory, write_snapshot


class Command(BaseCommand):
    help = (
        "Write the box-office rollup to Parquet for the DuckDB engine (var/analytics by "
        "default). With --every SECONDS it keeps doing so, as a worker beside `marquee worker`."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dir", type=Path, default=None)
        parser.add_argument("--every", type=float, default=0.0)

    def handle(self, *args, dir: Path | None, every: float, **options) -> None:
        if every < 0 or every > 86_400:
            raise CommandError("--every must be between 0 and 86400 seconds.")
        directory = dir or default_directory()
        while True:
            started = time.monotonic()
            snapshot = write_snapshot(directory)
            seconds = time.monotonic() - started
            self.stdout.write(f"{snapshot.rows} rows → {snapshot.path} in {seconds:.2f} s")
            if not every:
                return
            time.sleep(max(0.0, every - seconds))
