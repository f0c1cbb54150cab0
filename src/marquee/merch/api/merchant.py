"""The merchant portal: its own products, variants, stock, images, submissions and orders."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, P, Query, Router, Status
from ninja.files import UploadedFile

from marquee.accounts.auth import AUTH
from marquee.core.idempotency import IdempotencyKey, idempotent
from marquee.merch import queries
from marquee.merch.schemas import (
    MerchOrderOut,
    ProductIn,
    ProductOut,
    ShipIn,
    StockIn,
    VariantIn,
    VariantOut,
    order_out,
    product_out,
)
from marquee.merch.services import products, tracking

router = Router()


def _product(request: HttpRequest, product_id: int) -> ProductOut:
    return product_out(queries.merchant_products(request.user).get(pk=product_id))


@router.get("/products", response=list[ProductOut], auth=AUTH, summary="Your products")
def list_products(request: HttpRequest):
    return [product_out(p) for p in queries.merchant_products(request.user)[:500]]


@router.post(
    "/products", response={201: ProductOut}, auth=AUTH, summary="A draft product in your licence"
)
def create_product(request: HttpRequest, payload: ProductIn):
    licence = queries.visible_licence(request.user, payload.licence_id)
    product = products.create_product(
        actor=request.user,
        licence=licence,
        category=payload.category,
        names=(payload.name_en, payload.name_zh_hans, payload.name_zh_hant),
        currency=payload.currency,
        description=payload.description,
        edition_size=payload.edition_size,
        ships_on=payload.ships_on,
        bundle_price_minor=payload.bundle_price_minor,
    )
    return Status(201, _product(request, product.pk))


@router.post(
    "/products/{product_id}/variants",
    response={201: VariantOut},
    auth=AUTH,
    summary="Add a variant (size, colour, edition) with its price and stock",
)
def add_variant(request: HttpRequest, product_id: int, payload: VariantIn):
    v = products.add_variant(
        actor=request.user,
        product_id=product_id,
        sku=payload.sku,
        labels=(payload.label_en, payload.label_zh_hans, payload.label_zh_hant),
        price_minor=payload.price_minor,
        stock=payload.stock,
    )
    return Status(
        201, VariantOut(id=v.pk, sku=v.sku, label=v.label, price_minor=v.price_minor, stock=v.stock)
    )


@router.put(
    "/variants/{variant_id}/stock", response=VariantOut, auth=AUTH, summary="Set a variant's stock"
)
def set_stock(request: HttpRequest, variant_id: int, payload: StockIn):
    v = products.set_stock(actor=request.user, variant_id=variant_id, stock=payload.stock)
    return VariantOut(id=v.pk, sku=v.sku, label=v.label, price_minor=v.price_minor, stock=v.stock)


@router.post(
    "/products/{product_id}/images",
    response={201: ProductOut},
    auth=AUTH,
    summary="Upload a picture (PNG, JPEG or WebP; the form field is `poster`, as for titles)",
)
def add_image(request: HttpRequest, product_id: int, poster: File[UploadedFile]):
    products.add_image(actor=request.user, product_id=product_id, image=poster)
    return Status(201, _product(request, product_id))


@router.post(
    "/products/{product_id}/submit",
    response=ProductOut,
    auth=AUTH,
    summary="Submit the product to the licensor for approval",
)
def submit(request: HttpRequest, product_id: int, comment: Query[str, P(max_length=2000)] = ""):
    products.submit_product(actor=request.user, product_id=product_id, comment=comment)
    return _product(request, product_id)


@router.get("/orders", response=list[MerchOrderOut], auth=AUTH, summary="Orders of your goods")
def list_orders(request: HttpRequest, status: str = ""):
    return [order_out(o) for o in queries.merchant_orders(request.user, status=status[:20])[:200]]


@router.post(
    "/orders/{order_id}/ship",
    response=MerchOrderOut,
    auth=AUTH,
    summary="Ship with a tracking number",
)
def ship(request: HttpRequest, order_id: int, payload: ShipIn):
    tracking.ship_order(
        actor=request.user, order_id=order_id, tracking_number=payload.tracking_number
    )
    return order_out(queries.merchant_orders(request.user).get(pk=order_id))


@router.post("/orders/{order_id}/deliver", response=MerchOrderOut, auth=AUTH, summary="Delivered")
def deliver(request: HttpRequest, order_id: int):
    tracking.deliver_order(actor=request.user, order_id=order_id)
    return order_out(queries.merchant_orders(request.user).get(pk=order_id))


@router.post(
    "/orders/{order_id}/refund",
    response=MerchOrderOut,
    auth=AUTH,
    summary="Take the goods back and refund the order (send an Idempotency-Key)",
)
@idempotent(scope="merch.refund_order", fingerprint=lambda order_id, **_: {"order_id": order_id})
def refund(request: HttpRequest, order_id: int, idempotency_key: IdempotencyKey = None):
    tracking.refund_order(actor=request.user, order_id=order_id)
    return 200, order_out(queries.merchant_orders(request.user).get(pk=order_id)).model_dump(
        mode="json"
    )
