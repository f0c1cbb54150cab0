"""Admin for the ledger: read-only. Postings go through ``finance.services`` only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from marquee.accounts.models import Role
from marquee.accounts.permissions import has_role
from marquee.finance.models import Account, Balance, JournalEntry, JournalLine, Period, Segment


class FinanceReadOnlyAdmin(admin.ModelAdmin):
    """Visible to finance staff and administrators; nobody edits the books by hand."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, Role.FINANCE)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return has_role(request.user, Role.FINANCE)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class JournalLineInline(admin.TabularInline):
    model = JournalLine
    extra = 0
    can_delete = False
    fields = [
        "account",
        "segment",
        "currency",
        "debit_minor",
        "credit_minor",
        "functional_debit_minor",
        "functional_credit_minor",
        "rate",
        "venue_id",
        "title_id",
        "project",
        "reference",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Account)
class AccountAdmin(FinanceReadOnlyAdmin):
    list_display = ["code", "name_en", "type", "statement_line", "active"]
    list_filter = ["type", "statement_line", "active"]
    search_fields = ["code", "name_en", "name_zh_hans", "name_zh_hant"]


@admin.register(Segment)
class SegmentAdmin(FinanceReadOnlyAdmin):
    list_display = ["code", "name_en", "active"]


@admin.register(Period)
class PeriodAdmin(FinanceReadOnlyAdmin):
    list_display = ["start", "status", "closed_at", "closed_by"]
    list_filter = ["status"]


@admin.register(JournalEntry)
class JournalEntryAdmin(FinanceReadOnlyAdmin):
    list_display = ["id", "date", "memo", "source", "source_event_id", "reverses", "created_at"]
    list_filter = ["source", "date"]
    search_fields = ["memo", "source_event_id"]
    date_hierarchy = "date"
    inlines = [JournalLineInline]


@admin.register(Balance)
class BalanceAdmin(FinanceReadOnlyAdmin):
    list_display = [
        "month",
        "account",
        "segment",
        "currency",
        "debit_minor",
        "credit_minor",
        "functional_debit_minor",
        "functional_credit_minor",
        "line_count",
    ]
    list_filter = ["month", "currency", "segment"]


# Programme funds register their read-only admins beside the books.
import marquee.finance.programmes.admin  # noqa: E402, F401
