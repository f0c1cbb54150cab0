"""Buying: the seat map, holding seats, checkout with the hold's countdown, paying, the outcomes."""

from __future__ import annotations

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from marquee.core.errors import DomainError
from marquee.core.idempotency import form_key, idempotent, pair
from marquee.core.ratelimit import enforce_rate_limits
from marquee.payments.models import Payment
from marquee.ticketing import queries as ticketing_queries
from marquee.ticketing import seatmap as ticketing_seatmap
from marquee.ticketing.errors import TicketingErrorCode
from marquee.ticketing.limits import hold_duration, max_seats_per_order
from marquee.ticketing.models import Order, Showtime
from marquee.ticketing.services import orders
from marquee.ticketing.services.checkout import checkout_failed_after_hold, start_checkout
from marquee.web import queries, seatmap
from marquee.web.order_centre import held_by_me
from marquee.web.views.common import domain_errors, message_page, new_idempotency_key

#: Seat codes a form may send; more is not a purchase.
MAX_CODES = 50


def _clean_codes(values: list[str]) -> list[str]:
    return [v.replace("\x00", "")[:24] for v in values[:MAX_CODES]]


def seat_page(
    request: HttpRequest,
    showtime: Showtime,
    *,
    error: str = "",
    status: int = 200,
    selected: list[str] | None = None,
    exchange: dict | None = None,
) -> HttpResponse:
    now = timezone.now()
    seat_map = ticketing_seatmap.seat_map(user=request.user, showtime_id=showtime.pk, now=now)
    sale = ticketing_queries.sale_state(showtime, now)
    chosen = set(selected or [])
    held = held_by_me(user=request.user, showtime_id=showtime.pk, now=now)
    mine = frozenset(code for h in held for code in h.codes)
    context = {
        "showtime": showtime,
        "venue": showtime.venue,
        "seat_map": seat_map,
        "drawn": seatmap.draw(seat_map, mine=mine),
        "held_by_me": held,
        "on_sale": sale.on_sale,
        "presale": sale.presale,
        "max_seats": max_seats_per_order(),
        "hold_minutes": int(hold_duration().total_seconds() // 60),
        "error": error,
        "selected": chosen,
        "exchange": exchange,
        "api_url": f"/api/v1/ticketing/showtimes/{showtime.pk}/seats",
    }
    return render(request, "web/seats.html", context, status=status)


@require_http_methods(["GET", "POST"])
@domain_errors
def seats(request: HttpRequest, showtime_id: int) -> HttpResponse:
    """GET: the seat map. POST ``seats``: hold them, open the order, go to checkout."""
    showtime = ticketing_queries.get_showtime(user=request.user, showtime_id=showtime_id)
    if request.method == "GET":
        # Seats chosen before signing in come back through ``next`` (``?seats=5-5&seats=5-6``).
        return seat_page(request, showtime, selected=_clean_codes(request.GET.getlist("seats")))
    codes = _clean_codes(request.POST.getlist("seats"))
    if not request.user.is_authenticated:
        back = request.path + (f"?{urlencode({'seats': codes}, doseq=True)}" if codes else "")
        return redirect_to_login(back)
    invitation = request.POST.get("invitation_code", "").replace("\x00", "").strip()[:32]
    voucher = request.POST.get("voucher_code", "").replace("\x00", "").strip()[:40]
    try:
        enforce_rate_limits(request, "holds")
        order = start_checkout(
            showtime=showtime,
            seat_codes=codes,
            user=request.user,
            invitation_code=invitation or None,
            voucher_code=voucher or None,
        )
    except DomainError as exc:
        # Seats that were held and released again are not offered as chosen.
        chosen = None if checkout_failed_after_hold(exc) else codes
        return seat_page(request, showtime, error=exc.msg, status=exc.status, selected=chosen)
    return HttpResponseRedirect(reverse("checkout", args=[order.pk]))


def _order_context(order: Order) -> dict:
    lines = list(order.lines.all())
    return {
        "order": order,
        "showtime": order.showtime,
        "venue": order.showtime.venue,
        "lines": lines,
    }


@login_required
@require_http_methods(["GET"])
@domain_errors
def checkout(request: HttpRequest, order_id: int) -> HttpResponse:
    """The order's summary and countdown, or the page for how it ended."""
    order = ticketing_queries.order_of(user=request.user, order_id=order_id)
    now = timezone.now()
    status = order.current_status(now)
    payments = queries.order_payments(order)
    latest = payments[0] if payments else None
    context = _order_context(order)
    if status in {
        Order.Status.PAID,
        Order.Status.PARTIALLY_REFUNDED,
        Order.Status.REFUNDED,
        Order.Status.EXCHANGED,
    }:
        messages.success(request, _("Payment received — here are your tickets."))
        return HttpResponseRedirect(reverse("tickets") + f"#order-{order.pk}")
    if status == Order.Status.EXPIRED:
        refunded = [
            p
            for p in payments
            if p.status in {Payment.Status.REFUNDED, Payment.Status.PARTIALLY_REFUNDED}
        ]
        if refunded:
            context["refunded"] = refunded
            return render(request, "web/checkout_late.html", context)
        return render(request, "web/checkout_expired.html", context)
    if status == Order.Status.CANCELLED:
        return message_page(
            request,
            title=_("Order cancelled"),
            message=_("This order was cancelled and its seats went back on sale."),
            links=[(reverse("seats", args=[order.showtime_id]), _("Choose seats again"))],
        )
    # Rounded up: when the page's countdown reaches zero the hold has really lapsed.
    remaining = max(math.ceil((order.hold.expires_at - now).total_seconds()), 0)
    context.update(
        {
            "remaining": remaining,
            "expires_at": order.hold.expires_at,
            "declined": latest is not None and latest.status == Payment.Status.FAILED,
            "waiting": latest is not None
            and latest.status == Payment.Status.PENDING
            and latest.attempts.exists(),
            "idempotency_key": new_idempotency_key(),
        }
    )
    return render(request, "web/checkout.html", context)


@login_required
@require_POST
@domain_errors
def pay(request: HttpRequest, order_id: int) -> HttpResponse:
    """Open a payment for the order and send the buyer to the provider's page."""
    order = ticketing_queries.order_of(user=request.user, order_id=order_id)
    back = reverse("checkout", args=[order.pk])
    try:
        _, body = _open_payment(request, order=order, back=back)
    except DomainError as exc:
        if exc.code in {TicketingErrorCode.ORDER_EXPIRED, TicketingErrorCode.ORDER_NOT_PENDING}:
            return HttpResponseRedirect(back)
        messages.error(request, exc.msg)
        return HttpResponseRedirect(back)
    return HttpResponseRedirect(body.get("redirect_url") or back)


@idempotent(
    scope="web.pay_order",
    key=form_key,
    respond=pair,
    fingerprint=lambda *, order, back: {"order_id": order.pk},
)
def _open_payment(request: HttpRequest, *, order: Order, back: str) -> tuple[int, dict]:
    started = orders.pay_order(order=order, user=request.user, return_url=back)
    return 200, {"redirect_url": started.redirect_url}


@login_required
@require_POST
@domain_errors
def cancel(request: HttpRequest, order_id: int) -> HttpResponse:
    """Give the seats back and cancel the pending order."""
    order = ticketing_queries.order_of(user=request.user, order_id=order_id)
    try:
        orders.cancel_order(order=order, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.msg)
        return HttpResponseRedirect(reverse("checkout", args=[order.pk]))
    messages.info(request, _("Your seats were released."))
    return HttpResponseRedirect(reverse("seats", args=[order.showtime_id]))
