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
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from marquee.core.errors import DomainError
from marquee.core.idempotency import form_key, idempotent, pair
from marquee.crowdfunding import queries
from marquee.crowdfunding.models import Offering, Pledge
from marquee.crowdfunding.permissions import can_manage_offerings
from marquee.crowdfunding.services import payouts, pledges, premiere
from marquee.ticketing import seatmap as ticketing_seatmap
from marquee.web import seatmap
from marquee.web.views.common import domain_errors, new_idempotency_key, parse_id

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
            "manages": can_manage_offerings(request.user),
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
            "pool": queries.pool_receipts(current),
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
        _status, body = _place(request, offering=current, units=units)
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
    """The fan's pledges (newest first), the perks they earned, their returns and payout account."""
    return render(
        request,
        "web/crowdfunding/pledges.html",
        {
            "pledges": queries.pledges_of(request.user),
            "perks": queries.perks_of(request.user),
            "returns": queries.return_payouts_of(request.user),
            "account": payouts.payout_account(request.user),
            "form_key": new_idempotency_key(),
        },
    )


@login_required
@require_POST
def payout_account(request: HttpRequest) -> HttpResponse:
    """Set where the fan's returns are paid (a bank account, or the method they paid with)."""
    try:
        payouts.set_payout_account(
            user=request.user,
            kind=request.POST.get("kind", ""),
            account_name=request.POST.get("account_name", ""),
            bank_name=request.POST.get("bank_name", ""),
            account_number=request.POST.get("account_number", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.msg)
    else:
        messages.success(request, _("Your payout account was saved."))
    return HttpResponseRedirect(reverse("crowdfunding-pledges") + "#payout-account")


@login_required
@require_POST
def retry_payout(request: HttpRequest, share_id: int) -> HttpResponse:
    """Send the fan's own failed payout again, to the payout account as it is now."""
    try:
        _retry(request, share=share_id)
    except DomainError as exc:
        messages.error(request, exc.msg)
    else:
        messages.success(request, _("Your payout was sent again."))
    return HttpResponseRedirect(reverse("crowdfunding-pledges") + "#my-returns-heading")


@idempotent(
    scope="web.crowdfunding_retry_payout",
    key=form_key,
    respond=pair,
    fingerprint=lambda *, share: {"share": share},
)
def _retry(request: HttpRequest, *, share: int) -> tuple[int, dict]:
    payout = payouts.retry_my_return_payout(user=request.user, share=share)
    return 200, {"payout_id": payout.pk}


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def claim_premiere(request: HttpRequest, grant_id: int) -> HttpResponse:
    """GET: the premiere's seat map and a best-available choice. POST: claim the tickets."""
    grant = queries.premiere_perk(request.user, grant_id)
    back = reverse("crowdfunding-premiere", args=[grant_id])
    if request.method == "POST":
        codes = [c.replace("\x00", "")[:24] for c in request.POST.getlist("seats")[:20]]
        count = parse_id(request.POST.get("count"))
        try:
            _status, body = _claim(request, grant=grant_id, count=count, codes=codes)
        except DomainError as exc:
            messages.error(request, exc.msg)
            return HttpResponseRedirect(back)
        messages.success(request, _("Your premiere tickets are ready."))
        return HttpResponseRedirect(reverse("order", args=[body["order_id"]]))
    showtime = grant.offering.premiere_showtime
    context = {"grant": grant, "showtime": showtime, "form_key": new_idempotency_key()}
    if showtime is not None:
        seat_map = ticketing_seatmap.seat_map(
            user=request.user, showtime_id=showtime.pk, now=timezone.now()
        )
        context.update(
            seat_map=seat_map,
            drawn=seatmap.draw(seat_map, mine=frozenset()),
            counts=range(1, grant.unclaimed + 1),
        )
    return render(request, "web/crowdfunding/premiere.html", context)


@idempotent(
    scope="web.crowdfunding_premiere",
    key=form_key,
    respond=pair,
    fingerprint=lambda *, grant, count, codes: {"grant": grant, "count": count, "seats": codes},
)
def _claim(
    request: HttpRequest, *, grant: int, count: int | None, codes: list[str]
) -> tuple[int, dict]:
    claim = premiere.claim_premiere_tickets(
        user=request.user, grant=grant, count=count, seat_codes=codes or None
    )
    return 200, {"order_id": claim.order_id}
