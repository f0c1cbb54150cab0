"""Segments: a name and a rule (rules.py), written by marketing staff."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction

from marquee.accounts.models import User
from marquee.core.text import clean_text
from marquee.marketing.errors import Conflict, MarketingError, MarketingErrorCode
from marquee.marketing.models import Segment
from marquee.marketing.permissions import require_marketing_staff
from marquee.marketing.rules import parse_rule

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")


def clean_slug(value: str, *, what: str) -> str:
    """A short name of lowercase letters, digits and hyphens (≤ 60); ``invalid_campaign`` else."""
    if not isinstance(value, str) or not SLUG.fullmatch(value):
        raise MarketingError(
            MarketingErrorCode.INVALID_CAMPAIGN, f"{what} is not a valid short name.", field=what
        )
    return value


def create_segment(*, actor: User, slug: str, name: str, rule_text: str) -> Segment:
    """A new segment of ``rule_text`` (parsed and checked first: nothing written on an error).

    Raises ``not_marketing_staff`` (403), ``rule_*`` (400), ``invalid_campaign``
    (a bad slug) and ``segment_exists`` (409).
    """
    require_marketing_staff(actor)
    slug = clean_slug(slug, what="slug")
    name = clean_text(name, max_length=120, field="name")
    tree = parse_rule(rule_text)
    try:
        with transaction.atomic():
            return Segment.objects.create(
                slug=slug, name=name, rule_text=rule_text.strip(), rule=tree, created_by=actor
            )
    except IntegrityError:
        raise Conflict(
            MarketingErrorCode.SEGMENT_EXISTS, f"Segment {slug!r} exists.", slug=slug
        ) from None


def update_segment(
    *, actor: User, segment: Segment, name: str | None = None, rule_text: str | None = None
) -> Segment:
    """Rename ``segment`` or give it a new rule (checked before anything is written)."""
    require_marketing_staff(actor)
    fields = []
    if name is not None:
        segment.name = clean_text(name, max_length=120, field="name")
        fields.append("name")
    if rule_text is not None:
        segment.rule = parse_rule(rule_text)
        segment.rule_text = rule_text.strip()
        fields += ["rule", "rule_text"]
    if fields:
        with transaction.atomic():
            segment.save(update_fields=[*fields, "updated_at"])
    return segment
