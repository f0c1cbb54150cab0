"""Reads of the merchandise domain, scoped by who asks."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from marquee.accounts.permissions import AnyUser, is_admin
from marquee.core.errors import CoreErrorCode, PermissionDenied
from marquee.merch import permissions
from marquee.merch.errors import MerchErrorCode, MerchNotFound
from marquee.merch.models import (
    Licence,
    Merchant,
    Order,
    Product,
    ProductImage,
    RoyaltyStatement,
    Unit,
    Variant,
)
from marquee.merch.services._common import whole


def _with_parts(qs: QuerySet[Product]) -> QuerySet[Product]:
    return qs.select_related("merchant", "licence__title").prefetch_related(
        Prefetch("variants", queryset=Variant.objects.order_by("pk")),
        Prefetch("images", queryset=ProductImage.objects.order_by("position", "pk")),
    )


def products_on_sale(*, title_id: int | None = None) -> QuerySet[Product]:
    """Approved products (of one title when given), public."""
    qs = Product.objects.filter(status=Product.Status.APPROVED)
    if title_id is not None:
        qs = qs.filter(licence__title_id=title_id)
    return _with_parts(qs).order_by("licence__merchant__name_en", "pk")


def product_on_sale(product_id: Any) -> Product:
    product = products_on_sale().filter(pk=product_id).first() if whole(product_id) else None
    if product is None:
        raise MerchNotFound(MerchErrorCode.PRODUCT_NOT_FOUND, f"No product {product_id} on sale.")
    return product


def product_with_parts(product_id: int) -> Product:
    """Any product with its merchant, licence, variants and images (after a write)."""
    return _with_parts(Product.objects.filter(pk=product_id)).get()


def merchants_of(user: AnyUser) -> QuerySet[Merchant]:
    """The merchants ``user`` acts for (admins: all); ``not_a_merchant`` (403) when none."""
    if is_admin(user):
        return Merchant.objects.all()
    orgs = permissions.merchant_organisations(user)
    if not orgs:
        raise PermissionDenied(MerchErrorCode.NOT_A_MERCHANT, "Not a merchant.")
    return Merchant.objects.filter(organisation_id__in=orgs)


def merchant_products(user: AnyUser) -> QuerySet[Product]:
    return _with_parts(Product.objects.filter(merchant__in=merchants_of(user))).order_by("-pk")


def merchant_orders(user: AnyUser, *, status: str = "") -> QuerySet[Order]:
    qs = Order.objects.filter(merchant__in=merchants_of(user)).exclude(
        status__in=[Order.Status.PENDING, Order.Status.EXPIRED]
    )
    if status:
        qs = qs.filter(status=status)
    return qs.prefetch_related("lines__product", "lines__variant").order_by("-pk")


def orders_of(user: AnyUser) -> QuerySet[Order]:
    return (
        Order.objects.filter(user=user)
        .select_related("merchant")
        .prefetch_related("lines__product", "lines__variant")
        .order_by("-pk")
    )


def order_of(user: AnyUser, order_id: Any) -> Order:
    order = orders_of(user).filter(pk=order_id).first() if whole(order_id) else None
    if order is None:
        raise MerchNotFound(MerchErrorCode.ORDER_NOT_FOUND, f"No order {order_id} of yours.")
    return order


def units_of(order: Order) -> list[Unit]:
    return list(Unit.objects.filter(line__order=order).select_related("product").order_by("pk"))


def review_queue(user: AnyUser) -> QuerySet[Product]:
    """Submitted products awaiting the licensor (rights staff and admins)."""
    if not permissions.is_licensor(user):
        raise PermissionDenied(CoreErrorCode.FORBIDDEN, "Only the licensor reviews products.")
    return _with_parts(
        Product.objects.filter(status=Product.Status.SUBMITTED).prefetch_related("reviews")
    ).order_by("updated_at", "pk")


def visible_licences(user: AnyUser) -> QuerySet[Licence]:
    """Every licence for studio staff; a merchant's own for its members."""
    qs = Licence.objects.select_related("title", "merchant").prefetch_related("categories")
    if permissions.is_studio_reader(user):
        return qs.order_by("title_id", "merchant__name_en", "pk")
    return qs.filter(merchant__in=merchants_of(user)).order_by("title_id", "pk")


def visible_licence(user: AnyUser, licence_id: Any) -> Licence:
    licence = visible_licences(user).filter(pk=licence_id).first() if whole(licence_id) else None
    if licence is None:
        raise MerchNotFound(MerchErrorCode.LICENCE_NOT_FOUND, f"No licence {licence_id}.")
    return licence


def visible_statement(user: AnyUser, statement_id: Any) -> RoyaltyStatement:
    statement = (
        RoyaltyStatement.objects.select_related("licence__title", "licence__merchant")
        .filter(pk=statement_id, licence__in=visible_licences(user))
        .first()
        if whole(statement_id)
        else None
    )
    if statement is None:
        raise MerchNotFound(MerchErrorCode.STATEMENT_NOT_FOUND, f"No statement {statement_id}.")
    return statement
