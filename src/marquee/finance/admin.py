"""Admin for the ledger: read-only. Postings go through ``finance.services`` only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from marquee.finance.models import Account, Balance, JournalEntry, JournalLine, Period, Segment

# Visible to finance staff and administrators; nobody edits the books by hand.
from marquee.payments.admin import ReadOnlyFinanceAdmin as FinanceReadOnlyAdmin

#: Where a line or a rollup row sits and what it holds.
_KEY = ["account", "segment", "currency"]
_SUMS = ["debit_minor", "credit_minor", "functional_debit_minor", "functional_credit_minor"]


class JournalLineInline(admin.TabularInline):
    model = JournalLine
    extra = 0
    can_delete = False
    fields = [*_KEY, *_SUMS, "rate", "venue_id", "title_id", "project", "reference"]
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
    list_display = ["month", *_KEY, *_SUMS, "line_count"]
    list_filter = ["month", "currency", "segment"]


# Programme funds register their read-only admins beside the books.
import marquee.finance.programmes.admin  # noqa: E402, F401
