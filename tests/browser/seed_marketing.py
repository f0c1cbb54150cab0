"""Marketing seed for the browser tests: a segment, a voucher campaign and its vouchers.

Three moviegoers (``voucher-fan-en``, ``-zh-hans``, ``-zh-hant``: one per language
journey, so their holds never meet) each hold a voucher of ¥10 off, funded by
the platform; ``distribution`` (the web world's marketing staff) owns it all.
``invited-fan`` (the only account that answered gender "other") is sent a
pre-sale invitation to a round of *Iron River* (out in 40 days) that opens in 20.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from marquee.marketing.services.campaigns import CampaignSpec, create_campaign, issue_vouchers
from marquee.marketing.services.segments import create_segment
from tests.accounts.factories import UserFactory

FANS = {lang: f"voucher-fan-{lang}" for lang in ("en", "zh-hans", "zh-hant")}
CAMPAIGN = "web-tenner"
INVITED = "invited-fan"


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
    _seed_invitation(world, staff)


def _seed_invitation(world, staff) -> None:
    from marquee.marketing.models import AudienceProfile, Campaign
    from marquee.marketing.services.campaigns import send_invitations
    from marquee.ticketing.models import PresaleRound
    from marquee.ticketing.services.rounds import create_presale_round
    from tests.marketing.factories import CampaignFactory
    from tests.web.world import PASSWORD

    invited = UserFactory(username=INVITED, password=PASSWORD, preferred_language="zh-hant")
    world.users[INVITED] = invited
    AudienceProfile.objects.create(user=invited, gender="other")
    segment = create_segment(
        actor=staff, slug="web-invited", name="Invited", rule_text="profile(gender=other)"
    )
    now = timezone.now()
    presale = create_presale_round(
        actor=staff,
        title=world.titles["iron-river"],
        name="Insiders",
        opens_at=now + timedelta(days=20),
        closes_at=now + timedelta(days=25),
        audience=PresaleRound.Audience.INVITATION,
    )
    campaign = CampaignFactory(
        actor=staff,
        segment=segment,
        slug="web-insiders",
        kind=Campaign.Kind.INVITATION,
        presale_round=presale.pk,
    )
    send_invitations(actor=staff, campaign=campaign)
