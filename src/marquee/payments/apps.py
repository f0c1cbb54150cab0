from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "marquee.payments"
    label = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        # Providers exist from start-up on, or the server refuses to start: the
        # simulator outside production only, real providers when configured.
        from marquee.payments.providers.setup import register_configured_providers

        register_configured_providers()
