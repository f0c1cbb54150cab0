from django.apps import AppConfig


class MerchConfig(AppConfig):
    name = "marquee.merch"
    label = "merch"
    verbose_name = "Merchandise"

    def ready(self) -> None:
        # Payments calls this when a "merch_order" payment succeeds (inside its
        # transaction); False makes payments refund the money automatically.
        from marquee.merch.services.orders import PAYMENT_PURPOSE, fulfil_paid_order
        from marquee.payments.registry import register_purpose

        register_purpose(PAYMENT_PURPOSE, on_succeeded=fulfil_paid_order)

        from marquee.core import periodic

        # Unpaid orders past their time give their stock back (`marquee worker`, docs/outbox.md).
        periodic.register("merch.expire_orders", every=60, call=EXPIRE_JOB)


EXPIRE_JOB = "marquee.merch.services.orders.expire_all_stale_orders"
