"""The merchant's products: create within a licence, variants and stock, images, and the
licensor's approval workflow (submitted → approved / changes requested / rejected)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from marquee.accounts.models import User
from marquee.core.errors import CoreErrorCode, PermissionDenied
from marquee.core.text import clean_text
from marquee.merch import permissions
from marquee.merch.errors import MerchConflict, MerchError, MerchErrorCode, MerchNotFound
from marquee.merch.models import Licence, Product, ProductImage, ProductReview, Variant
from marquee.merch.services._common import check_category, check_price, check_stock, whole
from marquee.merch.services.licences import licence_covers

EDITABLE = (Product.Status.DRAFT, Product.Status.CHANGES_REQUESTED)
DECISIONS = {
    "approved": Product.Status.APPROVED,
    "changes_requested": Product.Status.CHANGES_REQUESTED,
    "rejected": Product.Status.REJECTED,
}
MAX_IMAGE_BYTES = 5 * 1024 * 1024


def own_product(user: User, product_id: int, *, lock: bool = False) -> Product:
    """The product, if ``user`` acts for its merchant; ``product_not_found`` otherwise."""
    qs = Product.objects.select_related("merchant", "licence")
    if lock:
        qs = qs.select_for_update(of=("self",))
    product = qs.filter(pk=product_id).first() if whole(product_id) else None
    if product is None or not permissions.acts_for_merchant(user, product.merchant.organisation_id):
        raise MerchNotFound(MerchErrorCode.PRODUCT_NOT_FOUND, f"No product {product_id} of yours.")
    return product


def _names(names: Sequence[str], limit: int) -> tuple[str, str, str]:
    en, hans, hant = ([*list(names), "", "", ""])[:3]
    return (
        clean_text(en, field="name_en", max_length=limit),
        clean_text(hans, field="name_zh_hans", max_length=limit),
        clean_text(hant, field="name_zh_hant", max_length=limit),
    )


def create_product(
    *,
    actor: User,
    licence: Licence,
    category: str,
    names: Sequence[str],
    currency: str,
    description: str = "",
    edition_size: int | None = None,
    ships_on: dt.date | None = None,
    bundle_price_minor: int | None = None,
    today: dt.date | None = None,
) -> Product:
    """A draft product under ``licence`` (the merchant's own), refused outside the licence."""
    if not permissions.acts_for_merchant(actor, licence.merchant.organisation_id):
        raise MerchNotFound(MerchErrorCode.LICENCE_NOT_FOUND, "No such licence of yours.")
    check_category(category)
    today = today or timezone.localdate()
    licence_covers(licence, category=category, territory="", on=max(today, licence.starts_on))
    if currency not in licence.merchant.currencies:
        raise MerchError(MerchErrorCode.CURRENCY_NOT_SOLD, f"Merchant does not sell in {currency}.")
    if currency != licence.currency:
        raise MerchError(MerchErrorCode.CURRENCY_NOT_LICENSED, "Currency differs from licence.")
    if edition_size is not None and (not whole(edition_size) or not 1 <= edition_size <= 1_000_000):
        raise MerchError(MerchErrorCode.INVALID_STOCK, f"Invalid edition size {edition_size!r}.")
    if bundle_price_minor is not None:
        check_price(bundle_price_minor)
    if ships_on is not None and not licence.starts_on <= ships_on <= licence.ends_on:
        raise MerchError(MerchErrorCode.OUTSIDE_TERM, "The pre-order ships outside the term.")
    en, hans, hant = _names(names, 200)
    if not en:
        raise MerchError(MerchErrorCode.INVALID_LICENCE, "A product needs a name.", reason="name")
    return Product.objects.create(
        merchant=licence.merchant,
        licence=licence,
        category=category,
        name_en=en,
        name_zh_hans=hans,
        name_zh_hant=hant,
        description=clean_text(description, field="description", max_length=4000),
        currency=currency,
        edition_size=edition_size,
        ships_on=ships_on,
        bundle_price_minor=bundle_price_minor,
    )


def _edition_room(product: Product, *, except_variant: int | None = None) -> int | None:
    """Units a limited edition may still put in stock (None: not a limited edition).

    The run is Σ (stock + sold) over the variants: ``sold`` counts every unit
    claimed by an order (pending or paid) and is never given back for a
    limited edition's return (its tag is void, the piece is withdrawn).
    """
    if product.edition_size is None:
        return None
    totals = Variant.objects.filter(product=product).aggregate(s=Sum("stock"), n=Sum("sold"))
    stocked = (totals["s"] or 0) + (totals["n"] or 0)
    if except_variant is not None:
        stocked -= Variant.objects.values_list("stock", flat=True).get(pk=except_variant)
    return product.edition_size - stocked


def add_variant(
    *,
    actor: User,
    product_id: int,
    sku: str,
    labels: Sequence[str],
    price_minor: Any,
    stock: Any = 0,
) -> Variant:
    """A size, colour or edition of the merchant's own product, with its price and stock."""
    check_price(price_minor)
    check_stock(stock)
    sku = clean_text(sku, field="sku", max_length=60)
    en, hans, hant = _names(labels, 100)
    if not sku or not en:
        raise MerchError(
            MerchErrorCode.INVALID_LICENCE,
            "A variant needs a SKU and a label.",
            reason="sku and label",
        )
    with transaction.atomic():
        product = own_product(actor, product_id, lock=True)
        room = _edition_room(product)
        if room is not None and stock > room:
            raise MerchError(MerchErrorCode.EDITION_FIXED, f"Only {room} units left in the run.")
        try:
            with transaction.atomic():
                return Variant.objects.create(
                    product=product,
                    sku=sku,
                    label_en=en,
                    label_zh_hans=hans,
                    label_zh_hant=hant,
                    price_minor=price_minor,
                    stock=stock,
                )
        except IntegrityError:
            raise MerchConflict(
                MerchErrorCode.INVALID_LICENCE, "That SKU exists.", reason="sku"
            ) from None


def set_stock(*, actor: User, variant_id: int, stock: Any) -> Variant:
    """Set a variant's stock; a limited edition's run is fixed (never more than it has left).

    The variant row is locked first, so a claim in flight is counted, never overwritten.
    """
    check_stock(stock)
    with transaction.atomic():
        variant = (
            Variant.objects.select_for_update(of=("self",))
            .select_related("product__merchant")
            .filter(pk=variant_id)
            .first()
            if whole(variant_id)
            else None
        )
        if variant is None or not permissions.acts_for_merchant(
            actor, variant.product.merchant.organisation_id
        ):
            raise MerchNotFound(MerchErrorCode.VARIANT_NOT_FOUND, f"No variant {variant_id}.")
        room = _edition_room(variant.product, except_variant=variant.pk)
        if room is not None and stock > room:
            raise MerchError(MerchErrorCode.EDITION_FIXED, f"Only {room} units left in the run.")
        Variant.objects.filter(pk=variant.pk).update(stock=stock)
        variant.stock = stock
    return variant


def add_image(*, actor: User, product_id: int, image: UploadedFile | None) -> ProductImage:
    """Attach a picture (PNG/JPEG/WebP, at most 5 MB) to the merchant's own product."""
    from PIL import Image, UnidentifiedImageError

    if image is None or image.size is None or image.size > MAX_IMAGE_BYTES:
        raise MerchError(MerchErrorCode.INVALID_LICENCE, "Image too large.", reason="image")
    try:
        with Image.open(image) as pic:
            if pic.format not in {"PNG", "JPEG", "WEBP"}:
                raise MerchError(MerchErrorCode.INVALID_LICENCE, "Bad image.", reason="image")
            pic.verify()
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise MerchError(MerchErrorCode.INVALID_LICENCE, "Bad image.", reason="image") from None
    image.seek(0)
    with transaction.atomic():
        product = own_product(actor, product_id, lock=True)
        position = product.images.count()
        return ProductImage.objects.create(product=product, image=image, position=position)


def submit_product(*, actor: User, product_id: int, comment: str = "") -> Product:
    """Send the merchant's draft (or revised) product to the licensor for approval."""
    comment = clean_text(comment, field="comment", max_length=2000)
    with transaction.atomic():
        product = own_product(actor, product_id, lock=True)
        if product.status not in EDITABLE:
            raise MerchConflict(MerchErrorCode.NOT_EDITABLE, f"Product is {product.status}.")
        if not product.variants.exists():
            raise MerchError(MerchErrorCode.NO_VARIANTS, "No variants.")
        licence_covers(
            product.licence,
            category=product.category,
            territory="",
            on=max(timezone.localdate(), product.licence.starts_on),
        )
        product.status = Product.Status.SUBMITTED
        product.save(update_fields=["status", "updated_at"])
        ProductReview.objects.create(
            product=product, action=ProductReview.Action.SUBMITTED, comment=comment, actor=actor
        )
    return product


def review_product(*, actor: User, product_id: int, decision: str, comment: str = "") -> Product:
    """The licensor's decision on a submitted product, with a comment (required unless approved)."""
    if not permissions.is_licensor(actor):
        raise PermissionDenied(CoreErrorCode.FORBIDDEN, "Only the licensor reviews.")
    status = DECISIONS.get(decision)
    if status is None:
        raise MerchError(MerchErrorCode.INVALID_DECISION, f"Unknown decision {decision!r}.")
    comment = clean_text(comment, field="comment", max_length=2000)
    if status != Product.Status.APPROVED and not comment:
        raise MerchError(MerchErrorCode.COMMENT_REQUIRED, "A comment is required.")
    with transaction.atomic():
        product = (
            Product.objects.select_for_update().filter(pk=product_id).first()
            if whole(product_id)
            else None
        )
        if product is None:
            raise MerchNotFound(MerchErrorCode.PRODUCT_NOT_FOUND, f"No product {product_id}.")
        if product.status != Product.Status.SUBMITTED:
            raise MerchConflict(MerchErrorCode.NOT_REVIEWABLE, f"Product is {product.status}.")
        product.status = status
        product.save(update_fields=["status", "updated_at"])
        ProductReview.objects.create(product=product, action=decision, comment=comment, actor=actor)
    return product


def create_product_with_variant(
    *, actor: User, licence: Licence, variant: dict[str, Any], **product: Any
) -> Product:
    """A draft product and its first variant, both or neither (the portal's one form).

    ``product`` takes :func:`create_product`'s arguments; ``variant`` takes
    :func:`add_variant`'s ``sku``, ``labels``, ``price_minor`` and ``stock``.
    """
    with transaction.atomic():
        created = create_product(actor=actor, licence=licence, **product)
        add_variant(actor=actor, product_id=created.pk, **variant)
    return created
