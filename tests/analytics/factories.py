"""Factories of the analytics tests: history rows and national days."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from marquee.analytics.models import BoxOfficeFact, HistoricalScreening, NationalDay, Source


class HistoryFactFactory(DjangoModelFactory):
    """A history fact of ``venue``'s ``title`` (sold on its show day unless told)."""

    class Meta:
        model = BoxOfficeFact

    source = Source.HISTORY
    showtime = None
    chain_id = factory.LazyAttribute(lambda o: o.venue.chain_id)
    city_id = factory.LazyAttribute(lambda o: o.venue.city_id)
    format = "2D"
    show_day = dt.date(2026, 1, 10)
    sale_day = factory.LazyAttribute(lambda o: o.show_day)
    currency = factory.LazyAttribute(lambda o: o.venue.currency)
    tickets = 10
    gross_minor = 45_000


class HistoricalScreeningFactory(DjangoModelFactory):
    class Meta:
        model = HistoricalScreening

    day = dt.date(2026, 1, 10)
    chain_id = factory.LazyAttribute(lambda o: o.venue.chain_id)
    city_id = factory.LazyAttribute(lambda o: o.venue.city_id)
    format = "2D"
    showtimes = 4
    seats = 400


class NationalDayFactory(DjangoModelFactory):
    class Meta:
        model = NationalDay

    day = dt.date(2026, 1, 10)
    gross_minor = 1_000_000
    source = "test"
