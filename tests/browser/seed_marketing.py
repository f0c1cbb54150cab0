"""Marketing seed for the browser tests: a segment, a voucher campaign and its vouchers.

Three moviegoers (``voucher-fan-en``, ``-zh-hans``, ``-zh-hant``: one per language
journey, so their holds never meet) each hold a voucher of ¥10 off, funded by
the platform; ``distribution`` (the web world's marketing staff) owns it all.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from marquee.marketing.services.campaigns import CampaignSpec, create_campaign, issue_vouchers
from marquee.marketing.services.segments import create_segment
from tests.accounts.factories import UserFactory

FANS = {lang: f"voucher-fan-{lang}" for lang in ("en", "zh-hans", "zh-hant")}
CAMPAIGN = "web-tenner"


def seed_marketing(world) -> None:
    """Add the marketing rows to the web world (``tests/web/world.py``)."""
    from tests.web.world import PASSWORD

    for username in FANS.values():
        world.users[username] = UserFactory(username=username, password=PASSWORD)
    staff = world.users["distribution"]
    segment = create_segment(
        actor=staff,
        slug="web-voucher-fans",
        name="Voucher fans",
        rule_text="not profile(gender=other)",
    )
    now = timezone.now()
    campaign = create_campaign(
        actor=staff,
        spec=CampaignSpec(
            slug=CAMPAIGN,
            name="Ten off the weekend",
            segment=segment.slug,
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(days=30),
            amount_minor=1000,
            budget_minor=1_000_000,
            per_account_limit=3,
        ),
    )
    issue_vouchers(actor=staff, campaign=campaign)
