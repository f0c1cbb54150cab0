"""Pre-sale invitation campaigns: the segment gets the round's own invitation codes."""

from __future__ import annotations

import pytest

from marquee.core.errors import DomainError
from marquee.marketing.models import Campaign, CampaignInvitation
from marquee.marketing.queries import campaign_report
from marquee.marketing.services.campaigns import issue_vouchers, send_invitations
from marquee.ticketing.models import InvitationCode, PresaleRound
from tests.finance.test_reports import compiled_translations  # noqa: F401 - a fixture
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


@pytest.fixture
def invitation_campaign(world, staff, everyone):
    presale = make_presale_round(world, staff, audience=PresaleRound.Audience.INVITATION)
    return CampaignFactory(
        actor=staff, segment=everyone, kind=Campaign.Kind.INVITATION, presale_round=presale.pk
    )


@pytest.mark.usefixtures("compiled_translations")
def test_each_invitee_is_mailed_their_code_in_their_language_once(
    invitation_campaign, staff, buyer, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    buyer.preferred_language = "zh-hans"
    buyer.save(update_fields=["preferred_language"])
    other = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_invitations(actor=staff, campaign=invitation_campaign)
    assert len(mailoutbox) == sent
    by_address = {m.to[0]: m for m in mailoutbox}
    mine = CampaignInvitation.objects.get(campaign=invitation_campaign, user=buyer)
    chinese = by_address[buyer.email]
    assert "预售邀请" in chinese.subject and mine.code in chinese.body
    theirs = CampaignInvitation.objects.get(campaign=invitation_campaign, user=other)
    english = by_address[other.email]
    assert english.subject.startswith("Your invitation to the pre-sale")
    assert theirs.code in english.body and mine.code not in english.body
    # Sending again mails nobody and writes no second invitation.
    with django_capture_on_commit_callbacks(execute=True):
        assert send_invitations(actor=staff, campaign=invitation_campaign) == 0
    assert len(mailoutbox) == sent
    assert CampaignInvitation.objects.filter(campaign=invitation_campaign).count() == sent


def test_no_mail_leaves_when_the_sending_rolls_back(
    invitation_campaign, staff, buyer, mailoutbox, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send_invitations(actor=staff, campaign=invitation_campaign)
        raise RuntimeError("the caller failed after sending")
    assert mailoutbox == []
    assert not CampaignInvitation.objects.filter(campaign=invitation_campaign).exists()


def test_my_invitations_lists_only_my_own_with_their_state(
    invitation_campaign, staff, buyer, make_user
):
    from datetime import timedelta

    from django.test import Client

    from marquee.marketing.queries import invitations_of
    from marquee.ticketing.services.rounds import redeem_invitation
    from tests.conftest import PASSWORD

    other = make_user()
    send_invitations(actor=staff, campaign=invitation_campaign)
    mine = CampaignInvitation.objects.get(campaign=invitation_campaign, user=buyer)
    client = Client()
    assert client.login(username=buyer.username, password=PASSWORD)
    body = client.get("/api/v1/marketing/me/invitations").json()
    assert [(i["code"], i["state"]) for i in body] == [(mine.code, "open")]
    assert body[0]["title_slug"] == invitation_campaign.presale_round.title.slug
    page = client.get("/account/invitations/")
    assert mine.code in page.content.decode()
    theirs = CampaignInvitation.objects.get(campaign=invitation_campaign, user=other)
    assert theirs.code not in page.content.decode()
    presale = invitation_campaign.presale_round
    assert invitations_of(buyer, now=presale.opens_at - timedelta(1))[0].state == "upcoming"
    assert invitations_of(buyer, now=presale.closes_at)[0].state == "closed"
    redeem_invitation(invitation=InvitationCode.objects.get(code=mine.code), user=buyer)
    assert invitations_of(buyer)[0].state == "accepted"
    assert invitations_of(other)[0].state == "open"
