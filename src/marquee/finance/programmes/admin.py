"""Admin for programme funds: read-only, like the books (writes go through the services)."""

from __future__ import annotations

from django.contrib import admin

from marquee.finance.programmes.models import (
    Commitment,
    Disbursement,
    Programme,
    ProgrammeBudget,
)
from marquee.payments.admin import ReadOnlyFinanceAdmin as FinanceReadOnlyAdmin


class BudgetInline(admin.TabularInline):
    model = ProgrammeBudget
    extra = 0
    can_delete = False
    fields = ["category", "fiscal_year", "amount_minor"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Programme)
class ProgrammeAdmin(FinanceReadOnlyAdmin):
    list_display = ["code", "name_en", "currency", "total_minor", "first_year", "years"]
    inlines = [BudgetInline]


@admin.register(Commitment)
class CommitmentAdmin(FinanceReadOnlyAdmin):
    list_display = [
        "id",
        "programme",
        "category",
        "fiscal_year",
        "date",
        "currency",
        "amount_minor",
        "programme_amount_minor",
        "funded_label",
    ]
    list_filter = ["programme", "category", "fiscal_year"]
    search_fields = ["funded_label", "memo"]


@admin.register(Disbursement)
class DisbursementAdmin(FinanceReadOnlyAdmin):
    list_display = ["id", "commitment", "date", "amount_minor", "programme_amount_minor", "entry"]
    list_select_related = ["commitment", "entry"]
