"""The simulated gateway's payment page (server-rendered HTML, no CDN).

Views parse, call one service, and render; the gateway's rules live in
:mod:`marquee.payments.simulator.gateway`.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from marquee.core.errors import DomainError
from marquee.payments.models import Payment
from marquee.payments.simulator import gateway as sim


def format_amount(payment: Payment) -> str:
    """The amount in the visitor's language, e.g. "CN¥88.00"."""
    try:
        from marquee.core.money import format_money

        return format_money(payment.amount, get_language())
    except (ImportError, DomainError, ValueError, TypeError):
        return f"{payment.amount_minor} {payment.currency} (minor units)"


def _sign_in(request: HttpRequest) -> HttpResponse:
    try:
        return redirect_to_login(request.get_full_path())
    except NoReverseMatch:
        return render(request, "payments/sim_sign_in.html", status=403)


def _payers_payment(request: HttpRequest, payment_id: uuid.UUID) -> Payment:
    payment = Payment.objects.filter(pk=payment_id, provider=sim.PROVIDER_NAME).first()
    if payment is None or payment.payer_id != request.user.pk:
        raise Http404("No such payment.")
    return payment


def _back_to_merchant(request: HttpRequest, payment: Payment) -> HttpResponse:
    url = payment.return_url
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(url)
    return redirect("payments:sim-done", payment_id=payment.pk)


@require_http_methods(["GET", "POST"])
def sim_page(request: HttpRequest, payment_id: uuid.UUID) -> HttpResponse:
    """GET: the gateway's page; POST ``outcome``: the buyer's choice, then back to the shop."""
    if not request.user.is_authenticated:
        return _sign_in(request)
    payment = _payers_payment(request, payment_id)
    error = ""
    status = 200
    if request.method == "POST":
        try:
            sim.authorize_sim_payment(
                payment_id=payment.pk, user=request.user, outcome=request.POST.get("outcome", "")
            )
        except DomainError as exc:
            error, status = exc.message, exc.status
            payment.refresh_from_db()
        else:
            payment.refresh_from_db()
            return _back_to_merchant(request, payment)
    context = {
        "payment": payment,
        "amount": format_amount(payment),
        "outcomes": [(o.value, label) for o, label in sim.OUTCOME_LABELS.items()],
        "error": error,
        "can_choose": payment.status == Payment.Status.PENDING,
    }
    return render(request, "payments/sim_page.html", context, status=status)


@require_http_methods(["GET"])
def sim_done(request: HttpRequest, payment_id: uuid.UUID) -> HttpResponse:
    """Where the buyer lands when the payment has no (safe) return URL."""
    if not request.user.is_authenticated:
        return _sign_in(request)
    payment = _payers_payment(request, payment_id)
    pending = payment.sim_callbacks.filter(delivered_at__isnull=True).count()
    context = {"payment": payment, "amount": format_amount(payment), "pending_callbacks": pending}
    return render(request, "payments/sim_done.html", context)
