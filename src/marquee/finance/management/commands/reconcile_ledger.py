"""Prove that ticketing and the ledger agree: sales, refunds, fees, payables per cinema."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from marquee.finance import reconcile


class Command(BaseCommand):
    help = (
        "Compare ticketing's sales, refunds, service fees and payables per cinema with the "
        "ledger; print every difference and exit 1 if there is one."
    )

    def handle(self, *args, **options) -> None:
        pending = reconcile.pending_deliveries()
        if pending:
            self.stdout.write(
                f"note: {pending} finance outbox deliveries are still pending "
                "(run `marquee worker` or wait); they show as differences."
            )
        found = reconcile.differences()
        for difference in found:
            self.stdout.write(f"DIFFERENCE {difference}")
        if found:
            self.stdout.write(self.style.ERROR(f"{len(found)} difference(s)"))
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS("ticketing and the ledger agree"))
