from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "marquee.places"
    label = "places"
    verbose_name = "Places"
