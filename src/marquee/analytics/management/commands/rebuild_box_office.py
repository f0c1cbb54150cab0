"""``marquee rebuild_box_office``: replay the ticketing events into an empty live rollup."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from marquee.analytics.services.rollup import rebuild_box_office


class Command(BaseCommand):
    help = (
        "Throw the live box-office rollup away and replay every ticketing event from the "
        "outbox (one transaction; history rows are kept)."
    )

    def handle(self, *args, **options) -> None:
        result = rebuild_box_office()
        self.stdout.write(f"Replayed {result.events} events into {result.rows} live rows.")
