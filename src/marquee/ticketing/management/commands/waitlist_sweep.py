"""``marquee waitlist_sweep``: offer freed seats to waiting lists (run it every minute from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from marquee.ticketing.services import waitlist


class Command(BaseCommand):
    help = (
        "Offer the seats that refunds, exchanges and lapsed holds freed to the waiting lists "
        "of sold-out showtimes, first come first served."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        offers = waitlist.sweep_waitlists()
        self.stdout.write(f"Made {offers} waiting-list offers.")
