"""The shop: goods on sale (public), the cart, checkout, paying, my orders, verifying a code."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from marquee.accounts.auth import AUTH
from marquee.catalog.models import Title
from marquee.core.idempotency import IdempotencyKey, idempotent
from marquee.merch import queries
from marquee.merch.errors import MerchErrorCode, MerchNotFound
from marquee.merch.schemas import (
    CartItemIn,
    CartLineOut,
    CheckoutIn,
    MerchOrderOut,
    MerchPayOut,
    ProductOut,
    UnitOut,
    VerifyIn,
    VerifyOut,
    order_out,
    product_out,
    unit_out,
)
from marquee.merch.services import authenticity, cart, orders, tracking
from marquee.payments.endpoints import pay_order_route

router = Router()


@router.get(
    "/titles/{slug}/products",
    response=list[ProductOut],
    auth=None,
    summary="A title's official goods on sale",
)
def title_products(request: HttpRequest, slug: str):
    title = Title.objects.filter(slug=slug[:120]).first()
    if title is None:
        raise MerchNotFound(MerchErrorCode.PRODUCT_NOT_FOUND, f"No title {slug!r}.")
    return [product_out(p) for p in queries.products_on_sale(title_id=title.pk)]


@router.get("/products/{product_id}", response=ProductOut, auth=None, summary="A product on sale")
def get_product(request: HttpRequest, product_id: int):
    return product_out(queries.product_on_sale(product_id))


def _cart_out(request: HttpRequest) -> list[CartLineOut]:
    return [
        CartLineOut(
            variant_id=i.variant_id,
            product_id=i.variant.product_id,
            product=i.variant.product.name,
            variant=i.variant.label,
            merchant_id=i.variant.product.merchant_id,
            currency=i.variant.product.currency,
            unit_price_minor=i.variant.price_minor,
            quantity=i.quantity,
        )
        for i in cart.cart_of(request.user)
    ]


@router.get("/cart", response=list[CartLineOut], auth=AUTH, summary="Your cart")
def get_cart(request: HttpRequest):
    return _cart_out(request)


@router.post(
    "/cart/items",
    response=list[CartLineOut],
    auth=AUTH,
    summary="Put a variant in your cart (the quantity replaces what was there)",
)
def put_cart_item(request: HttpRequest, payload: CartItemIn):
    cart.set_cart_item(user=request.user, variant_id=payload.variant_id, quantity=payload.quantity)
    return _cart_out(request)


@router.delete(
    "/cart/items/{variant_id}", response=list[CartLineOut], auth=AUTH, summary="Take it out"
)
def delete_cart_item(request: HttpRequest, variant_id: int):
    cart.remove_cart_item(user=request.user, variant_id=variant_id)
    return _cart_out(request)


@router.post(
    "/orders",
    response={201: MerchOrderOut},
    auth=AUTH,
    summary="Check out one merchant's goods from your cart (claims the stock; send an Idempotency-Key)",
)
@idempotent(scope="merch.place_order", fingerprint=lambda payload, **_: payload.model_dump())
def place_order(request: HttpRequest, payload: CheckoutIn, idempotency_key: IdempotencyKey = None):
    order = orders.place_order(
        user=request.user,
        merchant_id=payload.merchant_id,
        currency=payload.currency,
        address=orders.Address(**payload.address.model_dump()),
        ticket_order_id=payload.ticket_order_id,
    )
    return 201, order_out(queries.order_of(request.user, order.pk)).model_dump(mode="json")


@router.get("/orders", response=list[MerchOrderOut], auth=AUTH, summary="Your orders, newest first")
def list_orders(request: HttpRequest):
    return [order_out(o) for o in queries.orders_of(request.user)[:100]]


@router.get("/orders/{order_id}", response=MerchOrderOut, auth=AUTH, summary="One of your orders")
def get_order(request: HttpRequest, order_id: int):
    return order_out(queries.order_of(request.user, order_id))


@router.get(
    "/orders/{order_id}/units",
    response=list[UnitOut],
    auth=AUTH,
    summary="The units of your paid order with their authenticity codes",
)
def order_units(request: HttpRequest, order_id: int):
    return [unit_out(u) for u in queries.units_of(queries.order_of(request.user, order_id))]


def _start_payment(request: HttpRequest, order_id: int, return_url: str) -> MerchPayOut:
    payment = orders.pay_order(user=request.user, order_id=order_id, return_url=return_url)
    return MerchPayOut(order_id=order_id, payment_id=payment.pk, redirect_url=payment.redirect_url)


pay_order_route(
    router,
    scope="merch.pay_order",
    response=MerchPayOut,
    summary="Pay your order: returns the payment page (send an Idempotency-Key)",
    start=_start_payment,
    module=__name__,
)


@router.post(
    "/orders/{order_id}/cancel",
    response=MerchOrderOut,
    auth=AUTH,
    summary="Cancel your order: unpaid, its stock goes back; paid and not shipped, it is refunded",
)
@idempotent(scope="merch.cancel_order", fingerprint=lambda order_id, **_: {"order_id": order_id})
def cancel_order(request: HttpRequest, order_id: int, idempotency_key: IdempotencyKey = None):
    tracking.cancel_order(user=request.user, order_id=order_id)
    return 200, order_out(queries.order_of(request.user, order_id)).model_dump(mode="json")


@router.post(
    "/verify",
    response=VerifyOut,
    auth=None,
    summary="Verify an authenticity code (genuine or forged; counts the check)",
)
def verify(request: HttpRequest, payload: VerifyIn):
    v = authenticity.verify_code(
        code=payload.code, place=authenticity.request_place(request.META, payload.place)
    )
    product = v.unit.product
    return VerifyOut(
        genuine=True,
        unit_id=v.unit.pk,
        serial=v.unit.serial,
        edition_size=product.edition_size,
        product_id=product.pk,
        product=product.name,
        merchant=product.merchant.name,
        title=product.licence.title.title_en,
        licence=product.licence.reference,
        issued_at=v.unit.issued_at,
        previous_checks=v.previous_checks,
        first_checked_at=v.first_checked_at,
        distinct_places=v.distinct_places,
        likely_copy=v.likely_copy,
    )
