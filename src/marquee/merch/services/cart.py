"""The fan's cart: variants and quantities, kept per account until checkout."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from marquee.accounts.models import User
from marquee.merch.errors import MerchConflict, MerchErrorCode, MerchNotFound
from marquee.merch.models import CartItem, Product, Variant
from marquee.merch.services._common import check_quantity, whole


def set_cart_item(*, user: User, variant_id: Any, quantity: Any) -> CartItem:
    """Put ``quantity`` of an approved product's variant in the cart (replacing what was there).

    Refuses a product not on sale and a quantity the stock does not have now
    (``sold_out``); checkout claims the stock, so the cart reserves nothing.
    """
    check_quantity(quantity)
    variant = (
        Variant.objects.select_related("product").filter(pk=variant_id).first()
        if whole(variant_id)
        else None
    )
    if variant is None:
        raise MerchNotFound(MerchErrorCode.VARIANT_NOT_FOUND, f"No variant {variant_id}.")
    if variant.product.status != Product.Status.APPROVED:
        raise MerchConflict(MerchErrorCode.NOT_ON_SALE, "Not on sale.")
    if variant.stock < quantity:
        raise MerchConflict(
            MerchErrorCode.SOLD_OUT, "Not enough stock.", product=variant.product.name
        )
    with transaction.atomic():
        item, _ = CartItem.objects.update_or_create(
            user=user, variant=variant, defaults={"quantity": quantity}
        )
    return item


def remove_cart_item(*, user: User, variant_id: int) -> int:
    """Take a variant out of the cart; returns how many rows went (0 or 1)."""
    if not 1 <= variant_id < 2**63:  # no such row can exist (and the database's integer ends there)
        return 0
    return CartItem.objects.filter(user=user, variant_id=variant_id).delete()[0]


def cart_of(user: User) -> list[CartItem]:
    """The cart's lines with their variants, products and merchants (one query)."""
    return list(
        CartItem.objects.filter(user=user)
        .select_related("variant__product__merchant", "variant__product__licence__title")
        .order_by("added_at", "pk")
    )
