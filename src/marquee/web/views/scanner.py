"""The door scanner: a phone at the cinema door checks tickets in.

The operator types the ticket's 10-digit pickup code, or a hand scanner types
the signed code and presses Enter (a one-line field: Enter submits), or
uploads a photo of the QR; the photo is decoded on the server (:mod:`marquee.web.qr`).
The verdict comes from ``ticketing.services.checkin.check_in`` — the same
service as ``POST /api/v1/ticketing/checkins`` — and is shown large and
coloured with the seat and showtime, beside the day's scan counts.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from marquee.core.errors import DomainError
from marquee.core.ratelimit import enforce_rate_limits
from marquee.ticketing import pickup
from marquee.ticketing import queries as ticketing_queries
from marquee.ticketing.models import Scan
from marquee.ticketing.permissions import can_check_in
from marquee.ticketing.services.checkin import check_in, find_ticket_for_pickup
from marquee.venues.models import Venue
from marquee.web import queries
from marquee.web.forms import PickupLookupForm, ScanForm
from marquee.web.qr import decode_qr
from marquee.web.views.common import domain_errors


def _venues(request: HttpRequest) -> list[Venue]:
    venues = queries.scanner_venues(request.user)
    if not venues:
        raise PermissionDenied(_("The door scanner is for the cinema's operators."))
    return venues


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    venues = _venues(request)
    if len(venues) == 1:
        return HttpResponseRedirect(reverse("scanner-venue", args=[venues[0].slug]))
    return render(request, "web/scanner_index.html", {"venues": venues})


def _door_venue(request: HttpRequest, slug: str) -> Venue:
    venue = Venue.objects.select_related("chain", "city").filter(slug=slug).first()
    if venue is None:
        raise Http404(_("No such cinema."))
    if not can_check_in(request.user, venue):
        raise PermissionDenied(_("You may only scan tickets at your own cinemas' doors."))
    return venue


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def scan(request: HttpRequest, slug: str) -> HttpResponse:
    venue = _door_venue(request, slug)
    form = ScanForm(request.POST or None, request.FILES or None)
    result = None
    unreadable = False
    status = 200
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        photo = form.cleaned_data.get("photo")
        if not code and photo:
            code = decode_qr(photo) or ""
            unreadable = not code
        if code:
            try:
                if pickup.normalise(code) is not None:
                    enforce_rate_limits(request, "pickup_codes")
                result = check_in(
                    code=code, venue=venue, actor=request.user, door=form.cleaned_data["door"]
                )
            except DomainError as exc:
                form.add_error(None, exc.msg)
                status = exc.status
        # A fresh, empty form for the next ticket; the door is kept.
        form = ScanForm(initial={"door": form.cleaned_data.get("door", "")})
    elif request.method == "POST":
        status = 400
    today = ticketing_queries.local_today(venue.time_zone)
    summary = ticketing_queries.scan_summary(venue=venue, day=today)
    context = {
        "venue": venue,
        "form": form,
        "result": result,
        "unreadable": unreadable,
        "summary": summary,
        "counts": [(Scan.Verdict(v).label, n) for v, n in summary.counts.items() if n],
        "today": today,
        "venues": queries.scanner_venues(request.user),
    }
    return render(request, "web/scanner.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def kiosk(request: HttpRequest, slug: str) -> HttpResponse:
    """The pickup kiosk: an operator finds a ticket of this cinema by its pickup code.

    The code travels in a POST body, never in an address (addresses end up in logs).
    """
    venue = _door_venue(request, slug)
    form = PickupLookupForm(request.POST or None)
    ticket = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            enforce_rate_limits(request, "pickup_codes")
            ticket = find_ticket_for_pickup(
                code=form.cleaned_data["code"], venue=venue, actor=request.user
            )
        except DomainError as exc:
            form.add_error("code", exc.msg)
            status = exc.status
    elif request.method == "POST":
        status = 400
    context = {"venue": venue, "form": form, "ticket": ticket}
    return render(request, "web/kiosk.html", context, status=status)
