"""Read-only admin views of the marketing tables: changes go through the services (budgets
and limits are claimed by conditional UPDATEs that the admin's save would bypass)."""

from __future__ import annotations

from django.contrib import admin

from marquee.core.admin import ReadOnlyAdmin
from marquee.marketing.models import (
    AudienceProfile,
    Campaign,
    CampaignInvitation,
    Redemption,
    RedemptionEvent,
    Segment,
    Voucher,
)


@admin.register(Segment)
class SegmentAdmin(ReadOnlyAdmin):
    list_display = ("slug", "name", "rule_text", "created_at")
    search_fields = ("slug", "name")


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = (
        "slug",
        "name",
        "kind",
        "payer",
        "discount_kind",
        "currency",
        "budget_minor",
        "committed_minor",
        "redeemed_count",
        "starts_at",
        "ends_at",
    )
    list_filter = ("kind", "payer", "discount_kind")
    search_fields = ("slug", "name")


@admin.register(Voucher)
class VoucherAdmin(ReadOnlyAdmin):
    list_display = ("code", "campaign", "user", "uses", "max_uses", "issued_at")
    search_fields = ("code", "user__username")
    list_select_related = ("campaign", "user")


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyAdmin):
    list_display = ("voucher", "order", "status", "amount_minor", "returned_minor", "created_at")
    list_filter = ("status",)
    list_select_related = ("voucher",)


@admin.register(RedemptionEvent)
class RedemptionEventAdmin(ReadOnlyAdmin):
    list_display = ("event_id", "redemption", "kind", "amount_minor", "created_at")


@admin.register(AudienceProfile)
class AudienceProfileAdmin(ReadOnlyAdmin):
    list_display = ("user", "age_band", "gender", "updated_at")


@admin.register(CampaignInvitation)
class CampaignInvitationAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "user", "code", "sent_at")
