"""Close every crowdfunding offering past its closing time (once; `marquee worker` runs it every minute)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from marquee.crowdfunding.services.closing import close_due_offerings


class Command(BaseCommand):
    help = (
        "Lapse expired pledge reservations, close every offering past its closing time "
        "(success releases escrow to the project; failure refunds every backer) and retry "
        "refunds a provider error interrupted. Safe to run as often as you like."
    )

    def handle(self, *args, **options) -> None:
        summary = close_due_offerings()
        self.stdout.write(
            f"lapsed {summary.lapsed} reservation(s); {summary.succeeded} offering(s) "
            f"succeeded, {summary.failed} failed; {summary.refunded} pledge(s) refunded"
        )
