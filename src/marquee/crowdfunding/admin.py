"""Admin for crowdfunding: read-only. Offerings and pledges change through the services only."""

from __future__ import annotations

from django.contrib import admin

from marquee.core.admin import ReadOnlyAdmin
from marquee.crowdfunding.models import (
    BonusTier,
    Offering,
    PayoutAccount,
    PerkGrant,
    Pledge,
    PremiereClaim,
    ReturnRun,
)


class BonusTierInline(admin.TabularInline):
    model = BonusTier
    extra = 0
    can_delete = False
    readonly_fields = ["threshold_minor", "bonus_bp"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Offering)
class OfferingAdmin(ReadOnlyAdmin):
    list_display = [
        "slug",
        "project",
        "status",
        "currency",
        "unit_price_minor",
        "target_units",
        "cap_units",
        "reserved_units",
        "paid_units",
        "closes_at",
    ]
    list_filter = ["status", "currency"]
    search_fields = ["slug", "name_en", "name_zh_hans", "name_zh_hant"]
    inlines = [BonusTierInline]


@admin.register(Pledge)
class PledgeAdmin(ReadOnlyAdmin):
    list_display = ["pk", "offering", "backer", "units", "amount_minor", "currency", "status"]
    list_filter = ["status"]
    search_fields = ["backer__username", "offering__slug"]
    list_select_related = ["offering", "backer"]


@admin.register(PerkGrant)
class PerkGrantAdmin(ReadOnlyAdmin):
    list_display = ["offering", "backer", "kind", "quantity", "claimed", "invitation"]
    list_filter = ["kind"]


@admin.register(ReturnRun)
class ReturnRunAdmin(ReadOnlyAdmin):
    list_display = ["offering", "as_of", "rate_bp", "principal_minor", "total_minor", "currency"]


@admin.register(PremiereClaim)
class PremiereClaimAdmin(ReadOnlyAdmin):
    list_display = ["grant", "order", "tickets", "created_at"]
    list_select_related = ["grant", "order"]


@admin.register(PayoutAccount)
class PayoutAccountAdmin(ReadOnlyAdmin):
    # The number stays masked here too: the admin is no place to read bank details.
    list_display = ["backer", "kind", "account_name", "bank_name", "masked_number", "updated_at"]
    list_filter = ["kind"]
    exclude = ["account_number"]
