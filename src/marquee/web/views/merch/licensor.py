"""The licensor's pages: the approval queue, licences and their royalty statements."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods

from marquee.core.errors import DomainError
from marquee.merch import permissions, queries
from marquee.merch.services import products, royalties
from marquee.web.views.common import domain_errors, parse_id


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def approvals(request: HttpRequest) -> HttpResponse:
    if not permissions.is_licensor(request.user):
        raise PermissionDenied(pgettext("merch", "Only the licensor reviews products."))
    if request.method == "POST":
        try:
            products.review_product(
                actor=request.user,
                product_id=parse_id(request.POST.get("product")),
                decision=request.POST.get("decision", ""),
                comment=request.POST.get("comment", ""),
            )
            messages.success(request, pgettext("merch", "Your decision was recorded."))
        except DomainError as exc:
            messages.error(request, exc.msg)
        return HttpResponseRedirect(reverse("merch-approvals"))
    return render(
        request, "web/merch/approvals.html", {"queue": list(queries.review_queue(request.user))}
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def licences(request: HttpRequest) -> HttpResponse:
    """Licences and statements: every one for studio staff, a merchant's own for it."""
    user = request.user
    last_quarter = royalties.quarter_of(
        royalties.quarter_bounds(*royalties.quarter_of(timezone.localdate()))[0]
        - dt.timedelta(days=1)
    )
    if request.method == "POST":
        try:
            licence = queries.visible_licence(user, parse_id(request.POST.get("licence")))
            year, quarter = last_quarter
            if licence.ends_on < royalties.quarter_bounds(year, quarter)[0]:
                year, quarter = royalties.term_quarters(licence)[-1]
            royalties.issue_statement(actor=user, licence=licence, year=year, quarter=quarter)
            messages.success(request, pgettext("merch", "The statement was issued."))
        except DomainError as exc:
            messages.error(request, exc.msg)
        return HttpResponseRedirect(reverse("merch-licences"))
    rows = list(queries.visible_licences(user).prefetch_related("statements")[:300])
    context = {
        "licences": rows,
        "can_issue": permissions.is_studio_reader(user),
        "last_quarter": f"{last_quarter[0]} Q{last_quarter[1]}",
    }
    return render(request, "web/merch/licences.html", context)
