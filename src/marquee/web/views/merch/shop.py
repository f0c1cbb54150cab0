"""The fan's side of the shop: goods, cart, checkout and payment, orders, verifying a code."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marquee.core.errors import DomainError
from marquee.core.idempotency import form_key, idempotent, pair
from marquee.merch import permissions, queries
from marquee.merch.models import Order
from marquee.merch.services import authenticity, cart, orders, tracking
from marquee.web.views.common import domain_errors, new_idempotency_key, parse_id

#: Where the bundle's ticket order is kept between the product page and checkout.
BUNDLE_SESSION_KEY = "merch_bundle_ticket_order"


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The shop's hub: goods on sale, and the portals the visitor may use."""
    user = request.user
    context = {
        "products": list(queries.products_on_sale()[:60]),
        "is_merchant": bool(permissions.merchant_organisations(user)),
        "is_licensor": permissions.is_licensor(user),
        "is_studio": permissions.is_studio_reader(user),
    }
    return render(request, "web/merch/index.html", context)


@require_GET
@domain_errors
def product(request: HttpRequest, product_id: int) -> HttpResponse:
    item = queries.product_on_sale(product_id)
    bundle = parse_id(request.GET.get("bundle"))
    if bundle and request.user.is_authenticated:
        request.session[BUNDLE_SESSION_KEY] = bundle
    return render(
        request,
        "web/merch/product.html",
        {"product": item, "bundle": request.session.get(BUNDLE_SESSION_KEY)},
    )


@login_required
@require_POST
def add_to_cart(request: HttpRequest) -> HttpResponse:
    variant_id = parse_id(request.POST.get("variant"))
    quantity = parse_id(request.POST.get("quantity")) or 1
    try:
        cart.set_cart_item(user=request.user, variant_id=variant_id, quantity=quantity)
    except DomainError as exc:
        messages.error(request, exc.msg)
        return HttpResponseRedirect(request.POST.get("back") or reverse("merch-cart"))
    messages.success(request, pgettext("merch", "Added to your cart."))
    return HttpResponseRedirect(reverse("merch-cart"))


@login_required
@require_http_methods(["GET", "POST"])
def cart_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        cart.remove_cart_item(user=request.user, variant_id=parse_id(request.POST.get("remove")))
        return HttpResponseRedirect(reverse("merch-cart"))
    items = cart.cart_of(request.user)
    groups = []
    for (merchant, currency), lines in groupby(
        sorted(items, key=lambda i: (i.variant.product.merchant_id, i.variant.product.currency)),
        key=lambda i: (i.variant.product.merchant, i.variant.product.currency),
    ):
        lines = list(lines)
        total = sum(i.quantity * i.variant.price_minor for i in lines)
        groups.append({"merchant": merchant, "currency": currency, "lines": lines, "total": total})
    context = {
        "groups": groups,
        "bundle": request.session.get(BUNDLE_SESSION_KEY),
        "idempotency_key": new_idempotency_key(),
    }
    return render(request, "web/merch/cart.html", context)


@login_required
@require_POST
def checkout(request: HttpRequest) -> HttpResponse:
    """Place the order of one merchant's goods and go to the payment page (one form)."""
    address = orders.Address(
        recipient=request.POST.get("recipient", ""),
        phone=request.POST.get("phone", ""),
        address=request.POST.get("address", ""),
        city=request.POST.get("city", ""),
        territory=request.POST.get("territory", ""),
        postcode=request.POST.get("postcode", ""),
    )
    bundle = parse_id(request.POST.get("bundle")) if request.POST.get("use_bundle") else None
    try:
        _, body = _checkout_and_pay(
            request,
            merchant_id=parse_id(request.POST.get("merchant")) or 0,
            currency=request.POST.get("currency", "")[:3],
            address=address,
            bundle=bundle,
        )
    except DomainError as exc:
        messages.error(request, exc.msg)
        return HttpResponseRedirect(reverse("merch-cart"))
    if bundle:
        request.session.pop(BUNDLE_SESSION_KEY, None)
    return HttpResponseRedirect(body["redirect_url"])


@idempotent(
    scope="web.merch_checkout",
    key=form_key,
    respond=pair,
    fingerprint=lambda *, merchant_id, currency, address, bundle: {
        "merchant_id": merchant_id,
        "currency": currency,
        "bundle": bundle,
    },
)
def _checkout_and_pay(
    request: HttpRequest, *, merchant_id: int, currency: str, address: orders.Address, bundle
) -> tuple[int, dict]:
    order = orders.place_order(
        user=request.user,
        merchant_id=merchant_id,
        currency=currency,
        address=address,
        ticket_order_id=bundle,
    )
    payment = orders.pay_order(
        user=request.user,
        order_id=order.pk,
        return_url=reverse("merch-order", args=[order.pk]),
    )
    return 200, {"redirect_url": payment.redirect_url, "order_id": order.pk}


@login_required
@require_GET
def my_orders(request: HttpRequest) -> HttpResponse:
    orders.expire_stale_orders()
    return render(
        request, "web/merch/orders.html", {"orders": list(queries.orders_of(request.user)[:100])}
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    order = queries.order_of(request.user, order_id)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "cancel":
                tracking.cancel_order(user=request.user, order_id=order.pk)
                messages.success(request, pgettext("merch", "Your order was cancelled."))
            elif action == "pay":
                payment = orders.pay_order(
                    user=request.user,
                    order_id=order.pk,
                    return_url=reverse("merch-order", args=[order.pk]),
                )
                return HttpResponseRedirect(payment.redirect_url)
        except DomainError as exc:
            messages.error(request, exc.msg)
        return HttpResponseRedirect(reverse("merch-order", args=[order.pk]))
    from marquee.merch import codes

    units = [(u, codes.qr_svg(u.code)) for u in queries.units_of(order) if not u.void]
    context = {
        "order": order,
        "units": units,
        "cancellable": order.status in {Order.Status.PENDING, Order.Status.PAID},
    }
    return render(request, "web/merch/order.html", context)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The public verification page: paste (or scan) a code, see whether it is genuine."""
    context: dict = {"code": ""}
    if request.method == "POST":
        code = str(request.POST.get("code", ""))[:400].strip()
        context["code"] = code
        try:
            context["result"] = authenticity.verify_code(
                code=code, place=authenticity.request_place(request.META)
            )
        except DomainError as exc:
            context["forged"] = exc.msg
    return render(request, "web/merch/verify.html", context)
