"""Factories of the marketing domain, through its services (as staff would create them)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from marquee.marketing.models import Campaign, Segment
from marquee.marketing.services.campaigns import CampaignSpec, create_campaign
from marquee.marketing.services.segments import create_segment

_n = factory.Sequence(lambda n: n)


class SegmentFactory(DjangoModelFactory):
    class Meta:
        model = Segment

    actor = None
    slug = factory.Sequence(lambda n: f"segment-{n}")
    name = factory.Sequence(lambda n: f"Segment {n}")
    rule_text = "tickets(at_least=1)"

    @classmethod
    def _create(cls, model_class: type[Segment], *args: Any, **kwargs: Any) -> Segment:
        return create_segment(**kwargs)


class CampaignFactory(DjangoModelFactory):
    """A voucher campaign: ¥10 off an order, budget ¥1,000, running from an hour ago for a week."""

    class Meta:
        model = Campaign

    actor = None
    segment = None  # a Segment
    slug = factory.Sequence(lambda n: f"campaign-{n}")
    name = factory.Sequence(lambda n: f"Campaign {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    currency = "CNY"
    payer = Campaign.Payer.PLATFORM
    discount_kind = Campaign.DiscountKind.FIXED
    amount_minor = 1000
    percent_bp = 0
    cap_minor = 0
    per_account_limit = 1
    total_limit = 0
    budget_minor = 100_000
    titles: tuple = ()
    cinemas: tuple = ()
    showtimes: tuple = ()
    weekdays: tuple = ()
    kind = Campaign.Kind.VOUCHER
    presale_round = None

    @classmethod
    def _create(cls, model_class: type[Campaign], *args: Any, **kwargs: Any) -> Campaign:
        actor = kwargs.pop("actor")
        segment = kwargs.pop("segment")
        spec = CampaignSpec(segment=segment.slug, **kwargs)
        return create_campaign(actor=actor, spec=spec)
