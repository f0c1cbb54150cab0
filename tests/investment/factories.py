"""factory_boy factories of the investment domain."""

from __future__ import annotations

import factory
from django.utils import timezone

from marquee.investment.models import Participant, Project


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    slug = factory.Sequence(lambda n: f"project-{n}")
    name_en = factory.Sequence(lambda n: f"Project {n}")
    kind = Project.Kind.FILM
    currency = "CNY"


class ParticipantFactory(factory.django.DjangoModelFactory):
    """A participant with no stake: give stakes through ``services.add_participant``."""

    class Meta:
        model = Participant

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Partner {n}")
    kind = Participant.Kind.PARTNER
    stake_bp = 0
    created_at = factory.LazyFunction(timezone.now)
