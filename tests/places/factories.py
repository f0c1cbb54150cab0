"""Factories of the places domain."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from marquee.places.models import City


class CityFactory(DjangoModelFactory):
    """A city (found again by its code); defaults to a mainland city in CNY."""

    class Meta:
        model = City
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"city-{n}")
    name_en = factory.Sequence(lambda n: f"City {n}")
    territory = "CN"
    time_zone = "Asia/Shanghai"
    currency = "CNY"
