from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "marquee.core"
    label = "core"
    verbose_name = "Core"
