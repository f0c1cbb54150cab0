"""Pre-sale invitation campaigns: the segment gets the round's own invitation codes."""

from __future__ import annotations

import pytest

from marquee.core.errors import DomainError
from marquee.marketing.models import Campaign, CampaignInvitation
from marquee.marketing.queries import campaign_report
from marquee.marketing.services.campaigns import issue_vouchers, send_invitations
from marquee.ticketing.models import InvitationCode, PresaleRound
from tests.marketing.factories import CampaignFactory
from tests.ticketing.conftest import make_presale_round


def test_an_invitation_campaign_sends_one_code_per_account_once(world, staff, everyone, buyer):
    presale = make_presale_round(world, staff, audience=PresaleRound.Audience.INVITATION)
    campaign = CampaignFactory(
        actor=staff, segment=everyone, kind=Campaign.Kind.INVITATION, presale_round=presale.pk
    )
    sent = send_invitations(actor=staff, campaign=campaign)
    assert sent >= 2  # the buyer and the staff member at least
    mine = CampaignInvitation.objects.get(campaign=campaign, user=buyer)
    code = InvitationCode.objects.get(code=mine.code)
    assert (code.round_id, code.user_id, code.max_uses) == (presale.pk, buyer.pk, 1)
    assert send_invitations(actor=staff, campaign=campaign) == 0  # nobody twice
    assert campaign_report(campaign).reached == sent
    with pytest.raises(DomainError) as exc:
        issue_vouchers(actor=staff, campaign=campaign)
    assert exc.value.code == "campaign_kind"


def test_an_invitation_campaign_needs_an_invitation_round(world, staff, everyone):
    presale = make_presale_round(world, staff)  # audience: everyone
    with pytest.raises(DomainError) as exc:
        CampaignFactory(
            actor=staff, segment=everyone, kind=Campaign.Kind.INVITATION, presale_round=presale.pk
        )
    assert (exc.value.code, exc.value.detail["field"]) == ("invalid_campaign", "presale_round")
