"""Factories of the venues domain: chains, venues and halls.

:class:`HallFactory` goes through ``venues.services.create_hall`` (a layout
document becomes seats and couple pairs); :class:`GridHallFactory` writes the
rows itself, for tests that depend on the venues models only.
"""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from marquee.accounts.models import Organisation
from marquee.venues import services as venue_services
from marquee.venues.demo import stadium_layout
from marquee.venues.models import Chain, Hall, Seat, SeatType, Venue
from tests.accounts.factories import OrganisationFactory
from tests.places.factories import CityFactory


class ChainFactory(DjangoModelFactory):
    class Meta:
        model = Chain

    name_en = factory.Sequence(lambda n: f"Test Cinemas {n}")
    slug = factory.Sequence(lambda n: f"tc-{n}")
    organisation = factory.SubFactory(
        OrganisationFactory,
        name=factory.SelfAttribute("..name_en"),
        slug=factory.SelfAttribute("..slug"),
        kind=Organisation.Kind.EXHIBITOR,
    )


class VenueFactory(DjangoModelFactory):
    """A cinema in its city's zone and currency."""

    class Meta:
        model = Venue

    chain = factory.SubFactory(ChainFactory)
    city = factory.SubFactory(CityFactory)
    slug = factory.Sequence(lambda n: f"venue-{n}")
    name_en = factory.Sequence(lambda n: f"Venue {n}")
    time_zone = factory.SelfAttribute("city.time_zone")
    currency = factory.SelfAttribute("city.currency")


class HallFactory(DjangoModelFactory):
    """A hall from a layout document, created by ``actor`` through the venues service."""

    class Meta:
        model = Hall

    venue = factory.SubFactory(VenueFactory)
    layout = factory.LazyFunction(lambda: stadium_layout("Hall 1", rows=5, columns=8))
    actor = None

    @classmethod
    def _create(cls, model_class: type[Hall], *args: Any, **kwargs: Any) -> Hall:
        return venue_services.create_hall(
            venue=kwargs["venue"], layout=kwargs["layout"], actor=kwargs["actor"]
        )


class GridHallFactory(DjangoModelFactory):
    """Five rows of eight, written as rows:

    row 1: wheelchair 1-1, companion 1-2, standard 1-3 … 1-8;
    rows 2–4: standard, row 3 VIP; row 5: couple pairs 5-1+5-2 … 5-7+5-8.
    """

    class Meta:
        model = Hall
        skip_postgeneration_save = True

    venue = factory.SubFactory(VenueFactory)
    name = "Hall 1"
    rows = 5
    columns = 8
    formats = factory.LazyFunction(lambda: ["2D", "3D"])
    seat_count = 40

    @factory.post_generation
    def seats(hall: Hall, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        kinds = {(0, 0): SeatType.WHEELCHAIR, (0, 1): SeatType.COMPANION}
        rows = {2: SeatType.VIP, 4: SeatType.COUPLE}
        Seat.objects.bulk_create(
            Seat(
                hall=hall,
                row=r,
                column=c,
                row_label=str(r + 1),
                number=str(c + 1),
                kind=kinds.get((r, c), rows.get(r, SeatType.STANDARD)),
            )
            for r in range(hall.rows)
            for c in range(hall.columns)
        )
        by_code = {s.code: s for s in Seat.objects.filter(hall=hall)}
        for n in range(1, hall.columns, 2):
            left, right = by_code[f"5-{n}"], by_code[f"5-{n + 1}"]
            left.partner, right.partner = right, left
            left.save(update_fields=["partner"])
            right.save(update_fields=["partner"])
