"""Admin for the slate and the waterfalls: read-only to investment staff (writes go through services).

Stages move through ``move_stage``, stakes through the conditional claim and
receipts through the engine: an admin form would bypass every one of them.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from marquee.accounts.models import Role
from marquee.accounts.permissions import has_role
from marquee.core.admin import ReadOnlyAdmin
from marquee.investment import models


class InvestmentReadOnlyAdmin(ReadOnlyAdmin):
    """Visible to investment staff and administrators."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, Role.INVESTMENT)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return has_role(request.user, Role.INVESTMENT)


class StageChangeInline(admin.TabularInline):
    model = models.StageChange
    extra = 0
    can_delete = False
    fields = ["from_stage", "to_stage", "changed_by", "changed_at", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class BudgetInline(admin.TabularInline):
    model = models.BudgetLine
    extra = 0
    can_delete = False
    fields = ["category", "currency", "amount_minor", "as_of"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.Project)
class ProjectAdmin(InvestmentReadOnlyAdmin):
    list_display = ["slug", "name_en", "kind", "stage", "currency", "stakes_bp"]
    list_filter = ["kind", "stage"]
    search_fields = ["slug", "name_en", "name_zh_hans", "name_zh_hant"]
    inlines = [StageChangeInline, BudgetInline]


@admin.register(models.CostEntry)
class CostEntryAdmin(InvestmentReadOnlyAdmin):
    list_display = ["id", "project", "category", "date", "currency", "amount_minor"]
    list_filter = ["category"]
    list_select_related = ["project"]


@admin.register(models.Participant)
class ParticipantAdmin(InvestmentReadOnlyAdmin):
    list_display = ["id", "project", "name", "kind", "organisation", "stake_bp"]
    list_select_related = ["project", "organisation"]


@admin.register(models.WaterfallVersion)
class WaterfallVersionAdmin(InvestmentReadOnlyAdmin):
    list_display = ["id", "waterfall", "version", "created_at", "note"]


@admin.register(models.Receipt)
class ReceiptAdmin(InvestmentReadOnlyAdmin):
    list_display = ["id", "waterfall", "source", "received_on", "currency", "amount_minor"]
    list_filter = ["source"]


@admin.register(models.Payout)
class PayoutAdmin(InvestmentReadOnlyAdmin):
    list_display = ["id", "receipt", "participant", "tier_key", "amount_minor"]
    list_select_related = ["participant"]
