"""Search, the waiting list of a sold-out showtime, and reviews: the pages and their forms.

Each form handler parses, calls one ticketing service and redirects with a
message; every refusal is the service's own sentence (``exc.msg``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marquee.core.errors import DomainError
from marquee.ticketing import audience_queries
from marquee.ticketing import queries as ticketing_queries
from marquee.ticketing.audience_errors import AudienceErrorCode
from marquee.ticketing.models import Order, WaitlistEntry
from marquee.ticketing.services import reviews, waitlist
from marquee.web import audience
from marquee.web.views.common import domain_errors, parse_id, safe_next


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Films and cinemas matching ``?q=`` in English, 简体 or 繁體."""
    results = audience.search(request.GET.get("q"), user=request.user)
    return render(request, "web/search.html", {"results": results})


def _seats_page(showtime_id: int) -> str:
    return reverse("seats", args=[showtime_id])


@require_POST
@domain_errors
def join(request: HttpRequest, showtime_id: int) -> HttpResponse:
    """Join the showtime's waiting list for ``party`` seats (signed in)."""
    back = _seats_page(showtime_id)
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    showtime = ticketing_queries.showtime_for_sale(user=request.user, showtime_id=showtime_id)
    party = parse_id(request.POST.get("party")) or 1
    try:
        waitlist.join_waitlist(showtime=showtime, user=request.user, party_size=party)
    except DomainError as exc:
        messages.error(request, exc.msg)
    else:
        messages.success(
            request,
            _(
                "You are on the waiting list. When seats come free they are held for you "
                "and shown in My orders."
            ),
        )
    return HttpResponseRedirect(back)


def _entry_or_none(request: HttpRequest, entry_id: int) -> WaitlistEntry | None:
    return audience_queries.waitlist_of(request.user).filter(pk=entry_id).first()


@login_required
@require_POST
@domain_errors
def accept(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Accept the offered seats: the order opens and the buyer goes on to pay."""
    try:
        order = waitlist.accept_offer(entry_id=entry_id, user=request.user)
    except DomainError as exc:
        entry = _entry_or_none(request, entry_id)
        # A second press of the button: the order of the first is where to go.
        if exc.code == AudienceErrorCode.WAITLIST_NO_OFFER and entry and entry.hold_id:
            opened = Order.objects.filter(hold_id=entry.hold_id, user=request.user).first()
            if opened is not None and entry.status == WaitlistEntry.Status.ACCEPTED:
                return HttpResponseRedirect(reverse("checkout", args=[opened.pk]))
        messages.error(request, exc.msg)
        return HttpResponseRedirect(reverse("orders"))
    return HttpResponseRedirect(reverse("checkout", args=[order.pk]))


@login_required
@require_POST
@domain_errors
def decline(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Decline an offer, or leave the list: the seats go to the next waiter."""
    try:
        waitlist.leave_waitlist(entry_id=entry_id, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.msg)
    else:
        messages.success(request, _("You left the waiting list."))
    return HttpResponseRedirect(safe_next(request, request.POST.get("next"), reverse("orders")))


@require_POST
@domain_errors
def review(request: HttpRequest, slug: str) -> HttpResponse:
    """Rate the film (1–5 stars) with a short text; only with a used ticket of it."""
    back = reverse("film", args=[slug]) + "#reviews-heading"
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    title = ticketing_queries.title_by_slug(slug)
    stars = parse_id(request.POST.get("stars")) or 0
    try:
        reviews.write_review(
            user=request.user, title=title, stars=stars, text=request.POST.get("text", "")
        )
    except DomainError as exc:
        messages.error(request, exc.msg)
    else:
        messages.success(request, _("Thank you: your rating is saved."))
    return HttpResponseRedirect(back)
