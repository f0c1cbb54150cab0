"""The marketing rows of the API permission matrix (tests/test_permission_matrix.py).

Segments and campaigns belong to distribution & marketing staff (and admins);
vouchers and the audience profile are every account's own.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.utils import timezone

from tests.permission_world import Call, PermWorld

PREFIX = "/marketing/"
API = "/api/v1"

STAFF = "no   no no no no ok no no no no no ok"
OWN = "no   ok ok ok ok ok ok ok ok ok ok ok"

# fmt: off
ROWS: dict[tuple[str, str], str] = {
    ("GET", "/marketing/segments"):                   STAFF,
    ("POST", "/marketing/segments"):                  STAFF,
    ("POST", "/marketing/segments/preview"):          STAFF,
    ("GET", "/marketing/segments/{slug}"):            STAFF,
    ("GET", "/marketing/segments/{slug}/preview"):    STAFF,
    ("PATCH", "/marketing/segments/{slug}"):          STAFF,
    ("GET", "/marketing/campaigns"):                  STAFF,
    ("POST", "/marketing/campaigns"):                 STAFF,
    ("GET", "/marketing/campaigns/{slug}"):           STAFF,
    ("POST", "/marketing/campaigns/{slug}/send"):     STAFF,
    ("GET", "/marketing/campaigns/{slug}/report"):    STAFF,
    ("GET", "/marketing/vouchers"):                   OWN,
    ("GET", "/marketing/me/invitations"):             OWN,
    ("GET", "/marketing/profile"):                    OWN,
    ("PUT", "/marketing/profile"):                    OWN,
}
# fmt: on

_seq = itertools.count(1)


def _segment_and_campaign(w: PermWorld) -> tuple[str, str]:
    from marquee.marketing.services.campaigns import CampaignSpec, create_campaign
    from marquee.marketing.services.segments import create_segment

    n = next(_seq)
    admin = w.users["admin"]
    segment = create_segment(
        actor=admin, slug=f"matrix-{n}", name="Matrix", rule_text="tickets(at_least=1)"
    )
    now = timezone.now()
    campaign = create_campaign(
        actor=admin,
        spec=CampaignSpec(
            slug=f"matrix-{n}",
            name="Matrix",
            segment=segment.slug,
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(days=3),
            amount_minor=500,
            budget_minor=10_000,
        ),
    )
    return segment.slug, campaign.slug


def call(w: PermWorld, role: str, method: str, template: str) -> Call:
    """A valid request of one row (the segment and campaign made by the world's admin)."""
    segment, campaign = _segment_and_campaign(w)
    path = API + template.replace("{slug}", campaign if "/campaigns/" in template else segment)
    n = next(_seq)
    now = timezone.now()
    bodies = {
        ("POST", "/marketing/segments"): {
            "slug": f"matrix-new-{n}",
            "name": "New",
            "rule": "bought(at_least=1) or profile(gender=female)",
        },
        ("POST", "/marketing/segments/preview"): {"rule": "tickets(at_least=1)", "size": 5},
        ("PATCH", "/marketing/segments/{slug}"): {"name": "Renamed"},
        ("POST", "/marketing/campaigns"): {
            "slug": f"matrix-new-{n}",
            "name": "New",
            "segment": segment,
            "starts_at": now.isoformat(),
            "ends_at": (now + timedelta(days=2)).isoformat(),
            "amount_minor": 800,
            "budget_minor": 80_000,
        },
        ("PUT", "/marketing/profile"): {"age_band": "25_34", "gender": ""},
    }
    return Call(path, json=bodies.get((method, template)))
