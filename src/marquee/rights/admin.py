"""Admin for rights and licensing: read-only. Deals are signed through ``rights.services`` only
(it checks what is held and what is taken, and posts the fee to the ledger)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from marquee.core.admin import ReadOnlyAdmin
from marquee.rights.models import Deal, DealChange, Instalment, RevenueReport, RightLine


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class RightLineInline(_ReadOnlyInline):
    model = RightLine
    fields = ["kind", "media", "territory", "start_on", "end_on", "exclusive"]
    readonly_fields = fields


class InstalmentInline(_ReadOnlyInline):
    model = Instalment
    fields = ["seq", "due_on", "amount_minor", "received_on", "cancelled_on", "report", "entry"]
    readonly_fields = fields


class RevenueReportInline(_ReadOnlyInline):
    model = RevenueReport
    fields = ["period_start", "period_end", "gross_minor", "share_minor", "overage_minor", "entry"]
    readonly_fields = fields


class DealChangeInline(_ReadOnlyInline):
    model = DealChange
    fields = ["kind", "effective_on", "note", "reversed_minor", "changed_by", "changed_at"]
    readonly_fields = fields


@admin.register(Deal)
class DealAdmin(ReadOnlyAdmin):
    list_display = ["id", "title", "direction", "counterparty", "exclusive", "fee_minor", "currency", "signed_on"]  # fmt: skip
    list_filter = ["direction", "exclusive", "fee_kind"]
    search_fields = ["counterparty", "reference", "title__title_en"]
    list_select_related = ["title"]
    inlines = [RightLineInline, InstalmentInline, RevenueReportInline, DealChangeInline]
