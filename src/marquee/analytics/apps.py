from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "marquee.analytics"
    label = "analytics"
    verbose_name = "Analytics"
