"""Admin for ticketing: read-only views of every table, with actions that call the services.

Nothing is edited in place: state changes go through the services (publish,
cancel, invitation codes) so the admin cannot break an invariant the API keeps.
Who sees what:

* admins and distribution staff: everything;
* cinema operators: the showtimes, inventory, holds, orders and tickets of
  their own chain's venues — never another chain's;
* pre-sale rounds, invitations, allowances and want-to-see: distribution
  staff and admins only;
* door scans, refunds and exchanges: like orders (operators see their chain's);
* settlement rules: distribution staff and admins, who may also set them
  (saving goes through ``services.settlement``, which validates the rates).

Staff have no Django model permissions; access is granted here by role.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from marquee.accounts.models import Role
from marquee.accounts.permissions import has_role, organisation_ids
from marquee.core.admin import ReadOnlyAdmin
from marquee.core.errors import DomainError
from marquee.ticketing.models import (
    Hold,
    HoldSeat,
    InvitationCode,
    InvitationRedemption,
    Order,
    OrderLine,
    OrderRefund,
    PresaleRound,
    Review,
    RoundAllowance,
    Scan,
    SeatInventory,
    SettlementRule,
    Showtime,
    ShowtimePrice,
    Ticket,
    TicketExchange,
    TitleSettlementRule,
    WaitlistEntry,
    WantToSee,
)
from marquee.ticketing.permissions import can_plan_rounds
from marquee.ticketing.services import reviews as review_services
from marquee.ticketing.services import rounds as round_services
from marquee.ticketing.services import settlement as settlement_services
from marquee.ticketing.services import showtimes as showtime_services


class _ReadOnly(ReadOnlyAdmin):
    """Role-based, read-only admin (no add, change or delete); ``venue_path`` scopes rows to an operator's chain."""

    roles: tuple[str, ...] = (Role.CINEMA_OPERATOR, Role.DISTRIBUTION)
    #: Lookup from the model to its Venue, or None when operators must not see it at all.
    venue_path: str | None = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, *self.roles)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_role(request.user, *self.roles)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)  # type: ignore[misc]
        user = request.user
        if has_role(user, Role.DISTRIBUTION):  # admins pass too
            return qs
        if self.venue_path is None:
            return qs.none()
        orgs = organisation_ids(user, Role.CINEMA_OPERATOR)
        return qs.filter(**{f"{self.venue_path}__chain__organisation_id__in": orgs})


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_role(request.user, Role.CINEMA_OPERATOR, Role.DISTRIBUTION)


class ShowtimePriceInline(_ReadOnlyInline):
    model = ShowtimePrice
    fields = ("seat_type", "price_minor")
    readonly_fields = fields


def _run_per_object(
    modeladmin: admin.ModelAdmin, request: HttpRequest, objects: QuerySet, verb: str, fn: Any
) -> None:
    done = 0
    for obj in objects:
        try:
            fn(obj)
            done += 1
        except DomainError as exc:
            modeladmin.message_user(request, f"{obj}: {exc.message}", messages.ERROR)
    if done:
        modeladmin.message_user(request, f"{verb} {done}.", messages.SUCCESS)


@admin.register(Showtime)
class ShowtimeAdmin(_ReadOnly, admin.ModelAdmin):
    venue_path = "venue"
    list_display = ("id", "title", "venue", "hall", "starts_at", "format", "status", "currency")
    list_filter = ("status", "format", "venue__city", "venue__chain", "venue")
    search_fields = (
        "title__title_en",
        "title__title_zh_hans",
        "title__title_zh_hant",
        "venue__name_en",
        "hall__name",
    )
    date_hierarchy = "starts_at"
    list_select_related = ("title", "venue", "hall")
    inlines = [ShowtimePriceInline]
    actions = ["publish_selected", "cancel_selected"]

    def has_schedule_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, Role.CINEMA_OPERATOR, Role.DISTRIBUTION)

    @admin.action(description="Publish (put on sale)", permissions=["schedule"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Showtime]) -> None:
        _run_per_object(
            self,
            request,
            queryset.select_related("hall__venue__chain", "venue__chain"),
            "Published",
            lambda s: showtime_services.publish_showtime(actor=request.user, showtime=s),
        )

    @admin.action(description="Cancel (ends holds, refunds paid orders)", permissions=["schedule"])
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[Showtime]) -> None:
        _run_per_object(
            self,
            request,
            queryset.select_related("hall__venue__chain", "venue__chain"),
            "Cancelled",
            lambda s: showtime_services.cancel_showtime(
                actor=request.user, showtime=s, reason="Cancelled in the admin"
            ),
        )


@admin.register(ShowtimePrice)
class ShowtimePriceAdmin(_ReadOnly, admin.ModelAdmin):
    venue_path = "showtime__venue"
    list_display = ("showtime", "seat_type", "price_minor")
    list_filter = ("seat_type",)
    search_fields = ("showtime__title__title_en",)
    list_select_related = ("showtime__title", "showtime__hall__venue")


@admin.register(SeatInventory)
class SeatInventoryAdmin(_ReadOnly, admin.ModelAdmin):
    venue_path = "showtime__venue"
    list_display = ("showtime", "seat", "state", "hold", "hold_expires_at")
    list_filter = ("state", "showtime__venue")
    search_fields = ("showtime__id", "seat__row_label", "showtime__title__title_en")
    list_select_related = ("showtime__title", "showtime__hall__venue", "seat")
    raw_id_fields = ("showtime", "seat", "hold")


class HoldSeatInline(_ReadOnlyInline):
    model = HoldSeat
    fields = ("seat",)
    readonly_fields = fields


@admin.register(Hold)
class HoldAdmin(_ReadOnly, admin.ModelAdmin):
    venue_path = "showtime__venue"
    list_display = ("id", "showtime", "user", "seat_count", "status", "expires_at", "round")
    list_filter = ("status", "showtime__venue")
    search_fields = ("user__username", "user__email", "showtime__title__title_en")
    list_select_related = ("showtime__title", "showtime__hall__venue", "user", "round")
    raw_id_fields = ("showtime", "user", "round")
    inlines = [HoldSeatInline]


@admin.register(HoldSeat)
class HoldSeatAdmin(_ReadOnly, admin.ModelAdmin):
    venue_path = "hold__showtime__venue"
    list_display = ("hold", "seat")
    search_fields = ("hold__id",)
    raw_id_fields = ("hold", "seat")


class OrderLineInline(_ReadOnlyInline):
    model = OrderLine
    fields = ("seat", "seat_type", "price_minor", "fee_minor")
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(_ReadOnly, admin.ModelAdmin):
    venue_path = "showtime__venue"
    list_display = (
        "id",
        "user",
        "showtime",
        "status",
        "total_minor",
        "currency",
        "created_at",
        "paid_at",
    )
    list_filter = ("status", "currency", "showtime__venue__city", "showtime__venue")
    search_fields = ("id", "user__username", "user__email", "payment_id")
    date_hierarchy = "created_at"
    list_select_related = ("user", "showtime__title", "showtime__hall__venue")
    raw_id_fields = ("user", "showtime", "hold", "round")
    inlines = [OrderLineInline]


@admin.register(OrderLine)
class OrderLineAdmin(_ReadOnly, admin.ModelAdmin):
    venue_path = "order__showtime__venue"
    list_display = ("order", "seat", "seat_type", "price_minor", "fee_minor")
    list_filter = ("seat_type",)
    search_fields = ("order__id",)
    raw_id_fields = ("order", "seat")


@admin.register(Ticket)
class TicketAdmin(_ReadOnly, admin.ModelAdmin):
    venue_path = "showtime__venue"
    list_display = ("id", "showtime", "seat", "status", "valid_from", "valid_until", "used_at")
    list_filter = ("status", "showtime__venue")
    search_fields = ("id", "order__id", "order__user__username")
    list_select_related = ("showtime__title", "showtime__hall__venue", "seat")
    raw_id_fields = ("order", "line", "showtime", "seat")


class InvitationInline(_ReadOnlyInline):
    model = InvitationCode
    fields = ("code", "max_uses", "uses", "user")
    readonly_fields = fields

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_plan_rounds(request.user)


class _PlanningAdmin(_ReadOnly):
    roles = (Role.DISTRIBUTION,)
    venue_path = None


@admin.register(PresaleRound)
class PresaleRoundAdmin(_PlanningAdmin, admin.ModelAdmin):
    list_display = ("name", "title", "opens_at", "closes_at", "audience", "per_account_limit")
    list_filter = ("audience", "cities")
    search_fields = ("name", "title__title_en", "title__title_zh_hans", "title__title_zh_hant")
    date_hierarchy = "opens_at"
    list_select_related = ("title",)
    inlines = [InvitationInline]
    actions = ["issue_ten_codes"]

    def has_plan_permission(self, request: HttpRequest) -> bool:
        return can_plan_rounds(request.user)

    @admin.action(description="Issue 10 single-use invitation codes", permissions=["plan"])
    def issue_ten_codes(self, request: HttpRequest, queryset: QuerySet[PresaleRound]) -> None:
        _run_per_object(
            self,
            request,
            queryset,
            "Issued codes for",
            lambda r: round_services.create_invitation_codes(
                actor=request.user, presale=r, count=10
            ),
        )


@admin.register(InvitationCode)
class InvitationCodeAdmin(_PlanningAdmin, admin.ModelAdmin):
    list_display = ("code", "round", "uses", "max_uses", "user")
    search_fields = ("code", "round__name")
    list_select_related = ("round", "user")
    raw_id_fields = ("round", "user")


@admin.register(InvitationRedemption)
class InvitationRedemptionAdmin(_PlanningAdmin, admin.ModelAdmin):
    list_display = ("invitation", "round", "user", "created_at")
    search_fields = ("invitation__code", "user__username")
    raw_id_fields = ("invitation", "round", "user")


@admin.register(RoundAllowance)
class RoundAllowanceAdmin(_PlanningAdmin, admin.ModelAdmin):
    list_display = ("round", "user", "tickets")
    search_fields = ("round__name", "user__username")
    raw_id_fields = ("round", "user")


@admin.register(WantToSee)
class WantToSeeAdmin(_PlanningAdmin, admin.ModelAdmin):
    list_display = ("title", "user", "created_at")
    search_fields = ("title__title_en", "title__title_zh_hans", "user__username")
    raw_id_fields = ("title", "user")


@admin.register(Scan)
class ScanAdmin(_ReadOnly, admin.ModelAdmin):
    venue_path = "venue"
    list_display = ("at", "venue", "door", "verdict", "ticket", "showtime", "actor")
    list_filter = ("verdict", "venue")
    search_fields = ("ticket__id", "door", "code_digest")
    date_hierarchy = "at"
    list_select_related = ("venue", "ticket", "showtime__title", "actor")
    raw_id_fields = ("ticket", "venue", "showtime", "door_showtime", "actor")


@admin.register(OrderRefund)
class OrderRefundAdmin(_ReadOnly, admin.ModelAdmin):
    venue_path = "order__showtime__venue"
    list_display = ("id", "order", "reason", "amount_minor", "fee_minor", "currency", "created_at")
    list_filter = ("reason", "currency")
    search_fields = ("order__id", "order__user__username")
    date_hierarchy = "created_at"
    raw_id_fields = ("order", "payment_refund", "actor")


@admin.register(TicketExchange)
class TicketExchangeAdmin(_ReadOnly, admin.ModelAdmin):
    venue_path = "order__showtime__venue"
    list_display = ("id", "order", "new_order", "old_value_minor", "new_value_minor", "created_at")
    search_fields = ("order__id", "new_order__id")
    raw_id_fields = ("order", "new_order", "refund", "actor")


class _RuleAdmin(_PlanningAdmin):
    """Distribution staff and admins read and set rules; saving goes through the service."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_role(request.user, Role.DISTRIBUTION)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_role(request.user, Role.DISTRIBUTION)


@admin.register(SettlementRule)
class SettlementRuleAdmin(_RuleAdmin, admin.ModelAdmin):
    list_display = ("territory", "film_fund_rate", "tax_rate", "cinema_share", "updated_at")
    fields = ("territory", "film_fund_rate", "tax_rate", "cinema_share")

    def save_model(
        self, request: HttpRequest, obj: SettlementRule, form: Any, change: bool
    ) -> None:
        saved = settlement_services.set_settlement_rule(
            actor=request.user,
            territory=obj.territory,
            film_fund_rate=obj.film_fund_rate,
            tax_rate=obj.tax_rate,
            cinema_share=obj.cinema_share,
        )
        obj.pk = saved.pk


@admin.register(TitleSettlementRule)
class TitleSettlementRuleAdmin(_RuleAdmin, admin.ModelAdmin):
    list_display = ("title", "territory", "film_fund_rate", "tax_rate", "cinema_share")
    fields = ("title", "territory", "film_fund_rate", "tax_rate", "cinema_share")
    search_fields = ("title__title_en", "title__title_zh_hans", "title__title_zh_hant")
    raw_id_fields = ("title",)
    list_select_related = ("title",)

    def save_model(
        self, request: HttpRequest, obj: TitleSettlementRule, form: Any, change: bool
    ) -> None:
        saved = settlement_services.set_title_settlement_rule(
            actor=request.user,
            title=obj.title,
            territory=obj.territory,
            film_fund_rate=obj.film_fund_rate,
            tax_rate=obj.tax_rate,
            cinema_share=obj.cinema_share,
        )
        obj.pk = saved.pk


# --- the waiting list and reviews ------------------------------------------------------


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(_ReadOnly, admin.ModelAdmin):
    """Who waits for which sold-out showtime, and the offers made (read-only)."""

    list_display = (
        "id",
        "showtime",
        "user",
        "party_size",
        "status",
        "joined_at",
        "offer_expires_at",
    )
    list_filter = ("status",)
    list_select_related = ("showtime__title", "showtime__hall__venue", "user")
    raw_id_fields = ("showtime", "user", "hold")
    venue_path = "showtime__venue"


@admin.register(Review)
class ReviewAdmin(_ReadOnly, admin.ModelAdmin):
    """Moderation: administrators hide a review (or show it again) with the list's actions."""

    roles = (Role.ADMIN,)
    list_display = ("id", "title", "user", "stars", "hidden", "created_at", "text")
    list_filter = ("hidden", "stars")
    list_select_related = ("title", "user")
    search_fields = ("text", "title__title_en", "user__username")
    raw_id_fields = ("title", "user")
    actions = ("hide_reviews", "show_reviews")

    def _moderate(self, request: HttpRequest, queryset: QuerySet, *, hidden: bool) -> None:
        for review_id in queryset.values_list("pk", flat=True):
            review_services.moderate_review(actor=request.user, review_id=review_id, hidden=hidden)
        self.message_user(request, f"{queryset.count()} reviews updated.", messages.SUCCESS)

    @admin.action(description="Hide the chosen reviews")
    def hide_reviews(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._moderate(request, queryset, hidden=True)

    @admin.action(description="Show the chosen reviews again")
    def show_reviews(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._moderate(request, queryset, hidden=False)
