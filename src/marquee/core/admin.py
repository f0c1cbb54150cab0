"""Admin for exchange rates and the outbox.

Events and deliveries are read-only history; the only action is "retry now"
on deliveries, which goes through ``outbox.retry_delivery``. Rates are
written through ``services.set_rate`` so the admin enforces the same rules
as code and publishes the same event.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from marquee.core import outbox, services
from marquee.core.errors import DomainError
from marquee.core.models import EventDelivery, ExchangeRate, OutboxEvent
from marquee.core.money import CURRENCY_CHOICES


class ReadOnlyAdmin(admin.ModelAdmin):
    """History is looked at, never edited, added or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeliveryInline(admin.TabularInline):
    model = EventDelivery
    extra = 0
    can_delete = False
    fields = ("consumer", "status", "attempts", "next_attempt_at", "processed_at", "last_error")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "type", "aggregate", "aggregate_id", "created_at")
    list_filter = ("type", "aggregate", "created_at")
    search_fields = ("=id", "type", "aggregate_id")
    date_hierarchy = "created_at"
    readonly_fields = ("id", "type", "aggregate", "aggregate_id", "payload", "created_at")
    inlines = [DeliveryInline]


@admin.register(EventDelivery)
class EventDeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "consumer",
        "event_link",
        "status",
        "attempts",
        "next_attempt_at",
        "processed_at",
    )
    list_filter = ("status", "consumer", "event__type")
    search_fields = ("consumer", "=event__id", "event__type", "event__aggregate_id")
    list_select_related = ("event",)
    readonly_fields = (
        "consumer",
        "event",
        "status",
        "attempts",
        "next_attempt_at",
        "processed_at",
        "created_at",
        "last_error",
    )
    actions = ["retry_now"]

    @admin.display(description=_("event"), ordering="event_id")
    def event_link(self, obj: EventDelivery) -> str:
        return f"#{obj.event_id} {obj.event.type}"

    @admin.action(description=_("Retry selected deliveries now"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[EventDelivery]) -> None:
        retried = 0
        for pk in queryset.exclude(status=EventDelivery.Status.DONE).values_list("pk", flat=True):
            outbox.retry_delivery(delivery_id=pk)
            retried += 1
        self.message_user(
            request, _("%(n)d deliveries will be retried.") % {"n": retried}, messages.SUCCESS
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Needed for the action; the change form itself shows only read-only fields.
        return bool(request.user.is_superuser)


class ExchangeRateForm(forms.ModelForm):
    base = forms.ChoiceField(choices=CURRENCY_CHOICES)
    quote = forms.ChoiceField(choices=CURRENCY_CHOICES)

    class Meta:
        model = ExchangeRate
        fields = ("base", "quote", "rate", "valid_from", "source")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("base") and data.get("base") == data.get("quote"):
            raise forms.ValidationError(_("Base and quote must be different currencies."))
        if data.get("rate") is not None:
            try:
                services.clean_rate(data["rate"])
            except DomainError as exc:
                self.add_error("rate", exc.message)
        return data


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    form = ExchangeRateForm
    list_display = ("base", "quote", "rate", "valid_from", "source", "updated_at")
    list_filter = ("base", "quote", "source")
    search_fields = ("source",)
    date_hierarchy = "valid_from"
    ordering = ("base", "quote", "-valid_from")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # A rate's identity is its pair and day; correct a wrong day by adding the right one.
        return ("base", "quote", "valid_from") if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Rates are history: correct one by setting the same pair and day again.
        return False

    def save_model(self, request: HttpRequest, obj: ExchangeRate, form: Any, change: bool) -> None:
        # The form has already applied set_rate's rules, so this cannot refuse.
        saved = services.set_rate(
            base=obj.base,
            quote=obj.quote,
            rate=obj.rate,
            valid_from=obj.valid_from,
            source=obj.source,
        )
        obj.pk = saved.pk
