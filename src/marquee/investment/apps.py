from django.apps import AppConfig


class InvestmentConfig(AppConfig):
    name = "marquee.investment"
    label = "investment"
    verbose_name = "Investment"
