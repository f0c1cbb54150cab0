from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Holds the ``setup`` and ``demo`` commands; the demo world has no tables of its own."""

    name = "marquee.demo"
    label = "demo"
    verbose_name = "Demo world"
