"""The merchant portal: its products (create, stock, submit), licences, statements, orders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods

from marquee.core.errors import DomainError
from marquee.merch import queries
from marquee.merch.models import Category
from marquee.merch.services import products, tracking
from marquee.web.views.common import domain_errors, parse_date, parse_id


def _int(value: object) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.lstrip("-").isdigit() and len(text) < 12 else None


def _minor(value: object) -> int | None:
    """A price typed in major units ("129" or "129.50") as minor units, else None."""
    text = str(value or "").strip()
    if not text:
        return None
    major, _, minor = text.partition(".")
    if not major.isdigit() or len(major) > 9 or (minor and (not minor.isdigit() or len(minor) > 2)):
        return -1
    return int(major) * 100 + int((minor + "00")[:2])


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def portal(request: HttpRequest) -> HttpResponse:
    user = request.user
    merchants = list(queries.merchants_of(user))
    if request.method == "POST":
        try:
            _act(request)
        except DomainError as exc:
            messages.error(request, exc.msg)
        return HttpResponseRedirect(reverse("merch-portal"))
    context = {
        "merchants": merchants,
        "products": list(queries.merchant_products(user)[:200]),
        "licences": list(queries.visible_licences(user).filter(merchant__in=merchants)),
        "orders": list(queries.merchant_orders(user)[:100]),
        "categories": Category.choices,
    }
    return render(request, "web/merch/portal.html", context)


def _act(request: HttpRequest) -> None:
    user, post = request.user, request.POST
    action = post.get("action")
    if action == "create":
        licence = queries.visible_licence(user, parse_id(post.get("licence")))
        stock = _int(post.get("stock"))
        products.create_product_with_variant(
            actor=user,
            licence=licence,
            category=post.get("category", ""),
            names=(
                post.get("name_en", ""),
                post.get("name_zh_hans", ""),
                post.get("name_zh_hant", ""),
            ),
            currency=post.get("currency", "")[:3],
            description=post.get("description", ""),
            edition_size=_int(post.get("edition_size")),
            ships_on=parse_date(post.get("ships_on")),
            bundle_price_minor=_minor(post.get("bundle_price")),
            variant={
                "sku": post.get("sku", ""),
                "labels": (
                    post.get("label_en", ""),
                    post.get("label_zh_hans", ""),
                    post.get("label_zh_hant", ""),
                ),
                "price_minor": _minor(post.get("price")),
                "stock": stock if stock is not None else post.get("stock"),
            },
        )
        messages.success(request, pgettext("merch", "The product was saved as a draft."))
    elif action == "stock":
        stock = _int(post.get("stock"))
        products.set_stock(
            actor=user,
            variant_id=parse_id(post.get("variant")),
            stock=stock if stock is not None else post.get("stock"),
        )
        messages.success(request, pgettext("merch", "Stock updated."))
    elif action == "submit":
        products.submit_product(
            actor=user, product_id=parse_id(post.get("product")), comment=post.get("comment", "")
        )
        messages.success(request, pgettext("merch", "Submitted to the licensor for approval."))
    elif action == "image":
        products.add_image(
            actor=user, product_id=parse_id(post.get("product")), image=request.FILES.get("image")
        )
    elif action in {"ship", "deliver", "refund"}:
        order_id = parse_id(post.get("order"))
        if action == "ship":
            tracking.ship_order(
                actor=user, order_id=order_id, tracking_number=post.get("tracking_number", "")
            )
        elif action == "deliver":
            tracking.deliver_order(actor=user, order_id=order_id)
        else:
            tracking.refund_order(actor=user, order_id=order_id)
        messages.success(request, pgettext("merch", "The order was updated."))
