"""The order centre: the buyer's orders to pay, paid, refunded and ended; one order's receipt."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from marquee.ticketing import audience_queries
from marquee.web import order_centre
from marquee.web.views.common import domain_errors


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    context = {
        "centre": order_centre.order_centre(request.user),
        "waitlist": list(audience_queries.waitlist_of(request.user, open_only=True)),
        "now": timezone.now(),
    }
    return render(request, "web/orders.html", context)


@login_required
@require_GET
@domain_errors
def detail(request: HttpRequest, order_id: int) -> HttpResponse:
    """One order of the buyer's: what it is, where it stands, and its receipt."""
    receipt = order_centre.order_receipt(user=request.user, order_id=order_id)
    context = {
        "receipt": receipt,
        "entry": receipt.entry,
        "order": receipt.order,
        "showtime": receipt.order.showtime,
        "venue": receipt.order.showtime.venue,
        "lines": list(receipt.order.lines.all()),
    }
    return render(request, "web/order.html", context)
