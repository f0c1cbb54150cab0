"""Deliver the simulated gateway's delayed callbacks now."""

from __future__ import annotations

import uuid

from django.core.management.base import BaseCommand, CommandError

from marquee.core.errors import DomainError
from marquee.payments.registry import simulator_allowed


class Command(BaseCommand):
    help = "Deliver the simulated gateway's stored (delayed) callbacks to the webhook handler."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--payment", help="only this payment's callbacks (its UUID)")

    def handle(self, *args, **options) -> None:
        if not simulator_allowed():
            raise CommandError("The simulated gateway does not exist in production.")
        from marquee.payments.simulator.gateway import deliver_sim_callbacks

        payment_id = None
        if options.get("payment"):
            try:
                payment_id = uuid.UUID(options["payment"])
            except ValueError as exc:
                raise CommandError(f"{options['payment']!r} is not a payment id") from exc
        try:
            deliveries = deliver_sim_callbacks(payment_id=payment_id)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for d in deliveries:
            self.stdout.write(f"{d.event_id}: HTTP {d.http_status} {d.code}")
        self.stdout.write(self.style.SUCCESS(f"delivered {len(deliveries)} callback(s)"))
