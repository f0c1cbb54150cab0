from django.apps import AppConfig


class TicketingConfig(AppConfig):
    name = "marquee.ticketing"
    label = "ticketing"
    verbose_name = "Ticketing"

    def ready(self) -> None:
        # Payments calls this when a "ticket_order" payment succeeds (inside its
        # transaction); False makes payments refund the money automatically.
        from marquee.payments.registry import register_purpose
        from marquee.ticketing.services.fulfilment import fulfil_paid_order
        from marquee.ticketing.services.orders import PAYMENT_PURPOSE

        register_purpose(PAYMENT_PURPOSE, on_succeeded=fulfil_paid_order)

        from marquee.core import periodic

        # Seats freed by refunds, exchanges and lapsed holds go to the waiting lists (docs/ticketing.md).
        periodic.register("ticketing.waitlist_sweep", every=60, call=SWEEP_JOB)


SWEEP_JOB = "marquee.ticketing.services.waitlist.sweep_waitlists"
