"""Admin for merchandise: read-only. Every change goes through ``merch.services`` (stock
claims, the approval workflow, refunds and statements have rules the admin would skip)."""

from __future__ import annotations

from django.contrib import admin

from marquee.core.admin import ReadOnlyAdmin
from marquee.merch.models import (
    Licence,
    LicenceCategory,
    Merchant,
    Order,
    OrderLine,
    Product,
    ProductReview,
    RoyaltyStatement,
    Unit,
    Variant,
)


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class LicenceCategoryInline(_ReadOnlyInline):
    model = LicenceCategory
    fields = readonly_fields = ["category", "royalty_bp"]


class VariantInline(_ReadOnlyInline):
    model = Variant
    fields = readonly_fields = ["sku", "label_en", "price_minor", "stock", "sold"]


class ReviewInline(_ReadOnlyInline):
    model = ProductReview
    fields = readonly_fields = ["action", "comment", "actor", "created_at"]


class OrderLineInline(_ReadOnlyInline):
    model = OrderLine
    fields = readonly_fields = [
        "product",
        "variant",
        "quantity",
        "unit_price_minor",
        "discount_minor",
        "amount_minor",
    ]


@admin.register(Merchant)
class MerchantAdmin(ReadOnlyAdmin):
    list_display = ["name_en", "slug", "currencies", "commission_bp"]
    search_fields = ["name_en", "name_zh_hans", "name_zh_hant", "slug"]


@admin.register(Licence)
class LicenceAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "merchant", "territory", "starts_on", "ends_on"]
    list_filter = ["territory", "currency"]
    search_fields = ["reference", "merchant__name_en", "title__title_en"]
    list_select_related = ["title", "merchant"]
    inlines = [LicenceCategoryInline]


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    list_display = ["name_en", "merchant", "category", "status", "edition_size", "ships_on"]
    list_filter = ["status", "category"]
    search_fields = ["name_en", "name_zh_hans", "name_zh_hant"]
    list_select_related = ["merchant"]
    inlines = [VariantInline, ReviewInline]


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ["pk", "merchant", "user", "status", "total_minor", "currency", "created_at"]
    list_filter = ["status", "currency"]
    list_select_related = ["merchant", "user"]
    inlines = [OrderLineInline]


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ["pk", "product", "serial", "void", "check_count", "first_checked_at"]
    list_filter = ["void"]
    list_select_related = ["product"]


@admin.register(RoyaltyStatement)
class RoyaltyStatementAdmin(ReadOnlyAdmin):
    list_display = ["licence", "year", "quarter", "royalty_minor", "payable_minor", "final"]
    list_select_related = ["licence"]
