"""My tickets: QR codes, seats and times in the venue's zone, downloads, refunds and exchanges."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from marquee.core.errors import DomainError
from marquee.ticketing import etickets
from marquee.ticketing import queries as ticketing_queries
from marquee.ticketing.models import Order, Ticket
from marquee.ticketing.services.exchanges import exchange_tickets
from marquee.ticketing.services.refunds import quote_refund, refund_cutoff, refund_tickets
from marquee.web import queries
from marquee.web.templatetags.marquee_web import money
from marquee.web.views.booking import seat_page
from marquee.web.views.common import (
    domain_errors,
    idempotency_key,
    new_idempotency_key,
    parse_id,
)

#: Tickets one form may name (an order has at most a handful).
MAX_TICKETS = 50


@login_required
@require_GET
def tickets(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    entries = queries.my_tickets(request.user, now=now)
    qr = {
        t.pk: etickets.qr_svg(t.code, scale=4)
        for entry in entries
        if entry.upcoming
        for t in entry.tickets
        if t.status == Ticket.Status.VALID and t.code
    }
    return render(
        request,
        "web/tickets.html",
        {"entries": entries, "qr": qr, "now": now},
    )


def _owned_order(request: HttpRequest, order_id: int) -> Order:
    return ticketing_queries.order_of(user=request.user, order_id=order_id)


def _ticket_ids(values: list[str]) -> list[int]:
    ids = [parse_id(v) for v in values[:MAX_TICKETS]]
    return sorted({i for i in ids if i is not None})


def _refunded_text(result) -> str:
    count = len(result.tickets)
    return ngettext(
        "%(count)s ticket refunded: %(amount)s goes back to your payment method. "
        "The seat is on sale again.",
        "%(count)s tickets refunded: %(amount)s goes back to your payment method. "
        "The seats are on sale again.",
        count,
    ) % {"count": count, "amount": money(result.amount_minor, result.currency)}


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def refund(request: HttpRequest, order_id: int) -> HttpResponse:
    """Explain the venue's refund rule and the fee, then refund the chosen tickets."""
    order = _owned_order(request, order_id)
    error = ""
    status = 200
    if request.method == "POST":
        chosen = _ticket_ids(request.POST.getlist("tickets"))
        if not chosen:
            # Unticking every box must never mean "refund them all".
            error, status = _("Choose at least one ticket to refund."), 400
        else:
            try:
                result = refund_tickets(
                    order=order,
                    ticket_ids=chosen,
                    actor=request.user,
                    idempotency_key=idempotency_key(request),
                )
            except DomainError as exc:
                error, status = exc.msg, exc.status
            else:
                messages.success(request, _refunded_text(result))
                return HttpResponseRedirect(reverse("tickets") + f"#order-{order.pk}")
    quote = quote_refund(order=order, actor=request.user)
    context = {
        "order": order,
        "showtime": order.showtime,
        "venue": order.showtime.venue,
        "quote": quote,
        "error": error,
        "idempotency_key": new_idempotency_key(),
    }
    return render(request, "web/refund.html", context, status=status)


def _exchange_rule(order: Order) -> dict:
    showtime = order.showtime
    return {
        "allowed": showtime.venue.exchange_allowed,
        "cutoff_at": refund_cutoff(showtime),
        "cutoff_minutes": showtime.venue.refund_cutoff_minutes,
        "open": timezone.now() < refund_cutoff(showtime),
    }


@login_required
@require_GET
@domain_errors
def exchange(request: HttpRequest, order_id: int) -> HttpResponse:
    """The exchange rule, the tickets to give up and the showtimes to move to."""
    order = _owned_order(request, order_id)
    valid = [t for t in ticketing_queries.tickets_of(order) if t.status == Ticket.Status.VALID]
    context = {
        "order": order,
        "showtime": order.showtime,
        "venue": order.showtime.venue,
        "tickets": valid,
        "rule": _exchange_rule(order),
        "target_days": queries.chips_by_day(
            queries.exchange_targets(order=order, user=request.user)
        ),
    }
    return render(request, "web/exchange.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def exchange_seats(request: HttpRequest, order_id: int, showtime_id: int) -> HttpResponse:
    """Pick the seats of the new showtime and exchange (the same seat map, in exchange mode)."""
    order = _owned_order(request, order_id)
    target = ticketing_queries.get_showtime(user=request.user, showtime_id=showtime_id)
    source = request.POST if request.method == "POST" else request.GET
    valid = {
        t.pk: t for t in ticketing_queries.tickets_of(order) if t.status == Ticket.Status.VALID
    }
    chosen = [i for i in _ticket_ids(source.getlist("tickets")) if i in valid] or sorted(valid)
    exchange_context = {
        "count": len(chosen),
        "tickets": chosen,
        "seats": ", ".join(valid[i].seat.display_label for i in chosen),
        "order": order,
        "action": reverse("exchange-seats", args=[order.pk, target.pk]),
        "idempotency_key": new_idempotency_key(),
        "rule": _exchange_rule(order),
    }
    if request.method == "GET":
        return seat_page(request, target, exchange=exchange_context)
    codes = [c.replace("\x00", "")[:24] for c in request.POST.getlist("seats")[:MAX_TICKETS]]
    try:
        result = exchange_tickets(
            order=order,
            ticket_ids=chosen,
            new_showtime=target,
            seat_codes=codes,
            actor=request.user,
            idempotency_key=idempotency_key(request),
        )
    except DomainError as exc:
        return seat_page(
            request,
            target,
            exchange=exchange_context,
            error=exc.msg,
            status=exc.status,
            selected=codes,
        )
    refunded = result.refunded_minor
    text = _("Exchanged: your new tickets are below.")
    if refunded:
        text += " " + _(
            "%(amount)s, the difference in price, goes back to your payment method."
        ) % {"amount": money(refunded, order.currency)}
    messages.success(request, text)
    return HttpResponseRedirect(reverse("tickets"))
