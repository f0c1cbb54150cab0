from django.apps import AppConfig


class MerchConfig(AppConfig):
    name = "marquee.merch"
    label = "merch"
    verbose_name = "Merchandise"
