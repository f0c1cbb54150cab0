"""``marquee analytics_snapshot``: write the Parquet snapshot DuckDB reads, once.

``marquee worker`` rewrites it every ``MARQUEE_ANALYTICS_SNAPSHOT_EVERY`` seconds (the
``analytics.snapshot`` periodic job); this command is for a one-off (after a rebuild,
before a demo, from cron).
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand

from marquee.analytics.services.snapshots import write_snapshot


class Command(BaseCommand):
    help = (
        "Write the box-office rollup to Parquet for the DuckDB engine once (var/analytics by "
        "default); `marquee worker` keeps it fresh by itself."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dir", type=Path, default=None)

    def handle(self, *args, dir: Path | None, **options) -> None:
        started = time.monotonic()
        snapshot = write_snapshot(dir)
        seconds = time.monotonic() - started
        self.stdout.write(
            f"{snapshot.rows} rows sold before {snapshot.cutoff} → {snapshot.directory} "
            f"in {seconds:.2f} s"
        )
