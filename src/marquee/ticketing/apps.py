from django.apps import AppConfig


class TicketingConfig(AppConfig):
    name = "marquee.ticketing"
    label = "ticketing"
    verbose_name = "Ticketing"
