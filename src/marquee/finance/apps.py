from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "marquee.finance"
    label = "finance"
    verbose_name = "Finance"
