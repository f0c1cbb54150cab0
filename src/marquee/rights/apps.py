from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "marquee.rights"
    label = "rights"
    verbose_name = "Rights"
