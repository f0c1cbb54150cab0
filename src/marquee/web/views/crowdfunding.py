"""Crowdfunding pages for fans: the offerings, one offering with its progress, pledging, my pledges.

Business rules live in ``crowdfunding.services``; these views parse, call one
service or query, and render. Pledging is a form with a one-time key
(``core.idempotency``): a double-submitted form reserves and pays once.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from marquee.core.errors import DomainError
from marquee.core.idempotency import form_key, idempotent, pair
from marquee.crowdfunding import queries
from marquee.crowdfunding.models import Offering, Pledge
from marquee.crowdfunding.services import pledges
from marquee.web.views.common import domain_errors, new_idempotency_key

#: The largest number a units field is read as (the service refuses more anyway).
MAX_UNITS_INPUT = 10_000_000


def index(request: HttpRequest) -> HttpResponse:
    """Every offering: open now first, then upcoming, then finished."""
    now = timezone.now()
    return render(
        request,
        "web/crowdfunding/index.html",
        {
            "open": list(queries.offerings(phase="open", now=now)),
            "upcoming": list(queries.offerings(phase="upcoming", now=now)),
            "closed": list(queries.offerings(phase="closed", now=now))[::-1][:12],
            "now": now,
        },
    )


@domain_errors
def offering(request: HttpRequest, slug: str) -> HttpResponse:
    """One offering: progress toward the target, the promise, the perks and the pledge form."""
    current = queries.offering_by_slug(slug)
    now = timezone.now()
    held = 0
    if request.user.is_authenticated:
        held = sum(
            p.units
            for p in queries.pledges_of(request.user)
            if p.offering_id == current.pk
            and p.status in (Pledge.Status.RESERVED, Pledge.Status.PAID)
        )
    return render(
        request,
        "web/crowdfunding/offering.html",
        {
            "offering": current,
            "phase": current.phase(now),
            "progress_pct": min(current.progress_bp // 100, 100),
            "held": held,
            "can_pledge": current.is_open(now),
            "form_key": new_idempotency_key(),
            "units_max": max(min(current.max_units_per_backer - held, current.available_units), 0),
        },
    )


@require_POST
@domain_errors
def pledge(request: HttpRequest, slug: str) -> HttpResponse:
    """Reserve the units and send the fan to the payment page (back to "my pledges")."""
    back = reverse("crowdfunding-offering", args=[slug])
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    current = queries.offering_by_slug(slug)
    text = (request.POST.get("units") or "").strip()
    units = int(text) if text.lstrip("-").isdigit() and len(text) < 9 else 0
    units = max(min(units, MAX_UNITS_INPUT), -MAX_UNITS_INPUT)
    try:
        _, body = _place(request, offering=current, units=units)
    except DomainError as exc:
        messages.error(request, exc.msg)
        return HttpResponseRedirect(back)
    return HttpResponseRedirect(body["redirect_url"] or reverse("crowdfunding-pledges"))


@idempotent(
    scope="web.crowdfunding_pledge",
    key=form_key,
    respond=pair,
    fingerprint=lambda *, offering, units: {"offering_id": offering.pk, "units": units},
)
def _place(request: HttpRequest, *, offering: Offering, units: int) -> tuple[int, dict]:
    started = pledges.place_pledge(
        offering=offering,
        user=request.user,
        units=units,
        return_url=reverse("crowdfunding-pledges"),
    )
    return 200, {"redirect_url": started.redirect_url}


@login_required
def my_pledges(request: HttpRequest) -> HttpResponse:
    """The fan's pledges (newest first) and the perks they earned."""
    return render(
        request,
        "web/crowdfunding/pledges.html",
        {
            "pledges": queries.pledges_of(request.user),
            "perks": queries.perks_of(request.user),
        },
    )
