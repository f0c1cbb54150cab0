"""Payouts for finance staff: the payouts waiting for the bank, the batch file, confirmations.

With a real provider a payout goes out by bank transfer: finance staff
download the batch (CSV) of requested payouts, upload it to the bank, and
confirm each transfer paid or failed. Each button calls one payments service.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marquee.accounts.models import Role
from marquee.accounts.permissions import has_role
from marquee.core.errors import DomainError
from marquee.payments import payouts, queries
from marquee.payments.models import Payout


def _require_finance(request: HttpRequest) -> None:
    if not has_role(request.user, Role.FINANCE):
        raise PermissionDenied(_("Payouts are for finance staff."))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The payouts waiting for the bank batch, those sent to the bank, and the latest settled."""
    _require_finance(request)
    return render(
        request,
        "web/finance/payouts.html",
        {
            "tab": "payouts",
            "requested": list(queries.payouts(status=Payout.Status.REQUESTED, limit=200)),
            "sent": list(queries.payouts(status=Payout.Status.SENT, limit=200)),
            "settled": [
                p
                for p in queries.payouts(limit=50)
                if p.status in (Payout.Status.PAID, Payout.Status.FAILED)
            ],
        },
    )


@login_required
@require_POST
def batch(request: HttpRequest) -> HttpResponse:
    """The bank-transfer batch as a CSV download (its payouts are then marked sent)."""
    _require_finance(request)
    response = HttpResponse(
        payouts.batch_csv(actor=request.user), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="payouts-batch.csv"'
    return response


@login_required
@require_POST
def confirm(request: HttpRequest, payout_id: int) -> HttpResponse:
    """Record what the bank did with one sent payout."""
    _require_finance(request)
    try:
        payouts.confirm_payout(
            actor=request.user,
            payout=payout_id,
            outcome=request.POST.get("outcome", ""),
            bank_reference=request.POST.get("bank_reference", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.msg)
    else:
        messages.success(request, _("The payout was recorded."))
    return HttpResponseRedirect(reverse("finance-payouts"))
