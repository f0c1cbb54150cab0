"""Delivering pre-sale invitations: one mail per invited account, in its own language.

:func:`~marquee.marketing.services.campaigns.send_invitations` writes the
invitations and hands the new ones to :func:`mail_after_commit`; the mails go
out only once the invitations are committed (``transaction.on_commit``), and
a failed mail is logged without undoing anything (the invitation is on the
member's "my invitations" list either way). Sending a campaign again reaches
only accounts without an invitation, so nobody is mailed twice.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from marquee.marketing.models import Campaign, CampaignInvitation

logger = logging.getLogger(__name__)


def invitation_mail(invitation: CampaignInvitation, campaign: Campaign) -> EmailMessage:
    """The mail telling ``invitation.user`` their code, in the language they chose."""
    user = invitation.user
    presale = campaign.presale_round
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        values = {
            "title": presale.title.title,
            "round": presale.name,
            "opens": f"{timezone.localtime(presale.opens_at):%Y-%m-%d %H:%M}",
            "closes": f"{timezone.localtime(presale.closes_at):%Y-%m-%d %H:%M}",
            "code": invitation.code,
            "link": f"{settings.MARQUEE_PUBLIC_URL}/account/invitations/",
        }
        subject = _("Your invitation to the pre-sale of %(title)s") % values
        body = "\n\n".join(
            [
                _("Hello %(name)s,") % {"name": user.display_name or user.username},
                _(
                    "You are invited to %(round)s, the pre-sale of %(title)s, open from "
                    "%(opens)s to %(closes)s."
                )
                % values,
                _(
                    "Your invitation code is %(code)s: type it on the seat map when you choose "
                    "your seats."
                )
                % values,
                _("All your invitations: %(link)s") % values,
            ]
        )
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def _deliver(messages: Sequence[EmailMessage]) -> None:
    """Send each mail over one connection; a failed one is logged and the others still go."""
    connection = get_connection()
    for message in messages:
        message.connection = connection
        try:
            message.send()
        except Exception:
            logger.exception("could not send the invitation mail to %s", message.to)


def mail_after_commit(campaign: Campaign, invitations: Sequence[CampaignInvitation]) -> int:
    """Queue the mails of ``invitations`` (accounts with an address) for after the commit."""
    messages = [invitation_mail(inv, campaign) for inv in invitations if inv.user.email]
    if messages:
        transaction.on_commit(partial(_deliver, messages))
    return len(messages)
