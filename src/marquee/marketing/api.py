"""HTTP API of the marketing domain (mounted at ``/api/v1/marketing``).

Segments and campaigns: distribution & marketing staff (and admins). Vouchers
and the audience profile: each account its own. Vouchers are redeemed through
ticketing's ``POST /api/v1/ticketing/orders`` (``voucher_code``).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import P, Query, Router, Status

from marquee.accounts.auth import AUTH
from marquee.core.idempotency import IdempotencyKey, idempotent
from marquee.marketing import queries
from marquee.marketing.models import Campaign
from marquee.marketing.permissions import require_marketing_staff
from marquee.marketing.rules import parse_rule, render
from marquee.marketing.schemas import (
    AudienceSegmentOut,
    CampaignIn,
    CampaignOut,
    PreviewOut,
    ProfileIn,
    ProfileOut,
    ReportOut,
    RuleIn,
    SegmentIn,
    SegmentPatch,
    SentOut,
    VoucherOut,
    campaign_out,
    profile_out,
    segment_out,
    voucher_out,
)
from marquee.marketing.schemas import (
    MarketingInvitationOut as InvitationOut,
)
from marquee.marketing.services import campaigns as campaign_services
from marquee.marketing.services import profiles, segments

router = Router(tags=["marketing"])


@router.get("/segments", response=list[AudienceSegmentOut], auth=AUTH, summary="Segments (staff)")
def list_segments(request: HttpRequest):
    require_marketing_staff(request.user)
    from marquee.marketing.models import Segment

    return [segment_out(s) for s in Segment.objects.order_by("name", "pk")[:500]]


@router.post("/segments", response={201: AudienceSegmentOut}, auth=AUTH, summary="Define a segment")
def create_segment(request: HttpRequest, payload: SegmentIn):
    segment = segments.create_segment(
        actor=request.user, slug=payload.slug, name=payload.name, rule_text=payload.rule
    )
    return Status(201, segment_out(segment))


@router.post(
    "/segments/preview",
    response=PreviewOut,
    auth=AUTH,
    summary="Parse a rule: its live count and the first accounts, masked (staff)",
)
def preview_rule(request: HttpRequest, payload: RuleIn):
    require_marketing_staff(request.user)
    tree = parse_rule(payload.rule)
    found = queries.preview(tree, size=payload.size)
    return PreviewOut(rule=render(tree), tree=tree, count=found.count, members=found.members)


@router.get(
    "/segments/{slug}", response=AudienceSegmentOut, auth=AUTH, summary="A segment, live count"
)
def get_segment(request: HttpRequest, slug: str):
    require_marketing_staff(request.user)
    segment = queries.segment_by_slug(slug)
    return segment_out(segment, count=queries.segment_members(segment).count())


@router.get(
    "/segments/{slug}/preview",
    response=PreviewOut,
    auth=AUTH,
    summary="A segment's live count and first accounts, masked",
)
def segment_preview(request: HttpRequest, slug: str, size: Query[int, P(ge=0, le=100)] = 20):
    require_marketing_staff(request.user)
    segment = queries.segment_by_slug(slug)
    found = queries.preview(segment.rule, size=size)
    return PreviewOut(
        rule=segment.rule_text, tree=segment.rule, count=found.count, members=found.members
    )


@router.patch(
    "/segments/{slug}", response=AudienceSegmentOut, auth=AUTH, summary="Rename or re-rule"
)
def update_segment(request: HttpRequest, slug: str, payload: SegmentPatch):
    require_marketing_staff(request.user)
    segment = segments.update_segment(
        actor=request.user,
        segment=queries.segment_by_slug(slug),
        name=payload.name,
        rule_text=payload.rule,
    )
    return segment_out(segment)


@router.get("/campaigns", response=list[CampaignOut], auth=AUTH, summary="Campaigns (staff)")
def list_campaigns(request: HttpRequest):
    require_marketing_staff(request.user)
    return [campaign_out(c) for c in queries.campaigns()[:500]]


@router.post(
    "/campaigns",
    response={201: CampaignOut},
    auth=AUTH,
    summary="Create a campaign (send an Idempotency-Key): it commits a budget",
)
@idempotent(
    scope="marketing.create_campaign",
    fingerprint=lambda payload, **_: payload.model_dump(mode="json"),
)
def create_campaign(
    request: HttpRequest, payload: CampaignIn, idempotency_key: IdempotencyKey = None
):
    spec = campaign_services.CampaignSpec(**payload.model_dump())
    campaign = campaign_services.create_campaign(actor=request.user, spec=spec)
    return 201, campaign_out(campaign).model_dump(mode="json")


@router.get("/campaigns/{slug}", response=CampaignOut, auth=AUTH, summary="A campaign (staff)")
def get_campaign(request: HttpRequest, slug: str):
    require_marketing_staff(request.user)
    return campaign_out(queries.campaign_by_slug(slug))


@router.post(
    "/campaigns/{slug}/send",
    response=SentOut,
    auth=AUTH,
    summary="Send the campaign's vouchers or invitations to its segment (send an Idempotency-Key)",
)
@idempotent(scope="marketing.send_campaign", fingerprint=lambda slug, **_: {"slug": slug})
def send_campaign(request: HttpRequest, slug: str, idempotency_key: IdempotencyKey = None):
    require_marketing_staff(request.user)
    campaign = queries.campaign_by_slug(slug)
    if campaign.kind == Campaign.Kind.INVITATION:
        sent = campaign_services.send_invitations(actor=request.user, campaign=campaign)
    else:
        sent = campaign_services.issue_vouchers(actor=request.user, campaign=campaign)
    return 200, {"campaign": campaign.slug, "sent": sent}


@router.get(
    "/campaigns/{slug}/report",
    response=ReportOut,
    auth=AUTH,
    summary="Reached, redeemed, tickets, gross, cost, cost per ticket, by day",
)
def campaign_report(request: HttpRequest, slug: str):
    require_marketing_staff(request.user)
    return queries.campaign_report(queries.campaign_by_slug(slug)).as_dict()


@router.get("/vouchers", response=list[VoucherOut], auth=AUTH, summary="Your own vouchers")
def my_vouchers(request: HttpRequest):
    now = timezone.now()
    return [voucher_out(v, now) for v in queries.vouchers_of(request.user)[:200]]


@router.get("/me/invitations", response=list[InvitationOut], auth=AUTH, summary="Your invitations")
def my_invitations(request: HttpRequest):
    return queries.invitations_of(request.user)


@router.get("/profile", response=ProfileOut, auth=AUTH, summary="Your audience profile")
def my_profile(request: HttpRequest):
    return profile_out(queries.audience_profile(request.user))


@router.put("/profile", response=ProfileOut, auth=AUTH, summary="Tell us your age band, gender")
def set_my_profile(request: HttpRequest, payload: ProfileIn):
    profiles.set_profile(user=request.user, age_band=payload.age_band, gender=payload.gender)
    return profile_out(queries.audience_profile(request.user))
