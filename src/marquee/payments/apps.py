from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "marquee.payments"
    label = "payments"
    verbose_name = "Payments"
