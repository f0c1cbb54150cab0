"""Admin for payments: read-only. Money moves only through the services."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from marquee.accounts.models import Role
from marquee.accounts.permissions import has_role
from marquee.core.admin import ReadOnlyAdmin
from marquee.core.models import IdempotencyRecord
from marquee.payments.models import (
    CallbackLog,
    Payment,
    PaymentAttempt,
    Payout,
    Refund,
    SimulatedCallback,
)


class ReadOnlyFinanceAdmin(ReadOnlyAdmin):
    """Visible to finance staff and administrators; nobody edits money by hand."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, Role.FINANCE)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return has_role(request.user, Role.FINANCE)


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    readonly_fields = [
        "amount_minor",
        "currency",
        "reason",
        "status",
        "provider_ref",
        "created_at",
        "completed_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class CallbackInline(admin.TabularInline):
    model = CallbackLog
    extra = 0
    can_delete = False
    fields = ["received_at", "event_id", "event_type", "verdict", "status_after", "detail"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyFinanceAdmin):
    list_display = [
        "id",
        "purpose",
        "reference",
        "amount_minor",
        "currency",
        "status",
        "refunded_minor",
        "provider",
        "payer",
        "created_at",
    ]
    list_filter = ["status", "purpose", "provider", "currency"]
    search_fields = ["=id", "reference", "provider_ref", "payer__username", "payer__email"]
    date_hierarchy = "created_at"
    list_select_related = ["payer"]
    inlines = [RefundInline, CallbackInline]


@admin.register(Refund)
class RefundAdmin(ReadOnlyFinanceAdmin):
    list_display = ["id", "payment", "amount_minor", "currency", "reason", "status", "created_at"]
    list_filter = ["status", "reason", "currency"]
    search_fields = ["=payment__id", "provider_ref", "reason"]


@admin.register(CallbackLog)
class CallbackLogAdmin(ReadOnlyFinanceAdmin):
    list_display = ["received_at", "provider", "event_id", "event_type", "verdict", "payment"]
    list_filter = ["verdict", "provider", "event_type"]
    search_fields = ["event_id", "=payment__id"]


@admin.register(PaymentAttempt)
class PaymentAttemptAdmin(ReadOnlyFinanceAdmin):
    list_display = ["created_at", "payment", "outcome"]
    list_filter = ["outcome"]


@admin.register(SimulatedCallback)
class SimulatedCallbackAdmin(ReadOnlyFinanceAdmin):
    list_display = ["created_at", "event_id", "payment", "delivered_at", "response_status"]
    list_filter = [("delivered_at", admin.EmptyFieldListFilter)]


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyFinanceAdmin):
    list_display = ["created_at", "user", "scope", "key", "state", "response_status", "expires_at"]
    list_filter = ["scope", "state"]
    search_fields = ["key", "user__username"]


@admin.register(Payout)
class PayoutAdmin(ReadOnlyFinanceAdmin):
    list_display = ["pk", "purpose", "reference", "payee", "amount_minor", "currency", "status"]
    list_filter = ["status", "purpose", "destination", "provider"]
    search_fields = ["reference", "payee__username", "provider_ref"]
    list_select_related = ["payee"]
