"""The cinema console: the week's schedule per hall, showtimes created, edited, published, cancelled.

Who may open it: anyone with venues to manage (their chain's operators,
distribution staff, admins). Every write goes through the ticketing services,
which check again that the actor may schedule at the venue.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marquee.core.errors import DomainError
from marquee.ticketing import queries as ticketing_queries
from marquee.ticketing.errors import TicketingErrorCode
from marquee.ticketing.models import Showtime
from marquee.ticketing.services import showtimes as showtime_services
from marquee.ticketing.services.settlement import settlement_for
from marquee.venues.models import Venue
from marquee.web import queries
from marquee.web.forms import ERROR_FIELDS, CancelShowtimeForm, ShowtimeForm, showtime_initial
from marquee.web.views.common import domain_errors, parse_date, parse_id


def _venues(request: HttpRequest):
    venues = queries.console_venues(request.user)
    if not venues.exists():
        raise PermissionDenied(_("The cinema console is for cinema operators."))
    return venues


def _venue(request: HttpRequest, slug: str) -> Venue:
    venue = _venues(request).filter(slug=slug).first()
    if venue is None:
        raise Http404(_("No such cinema among yours."))
    return venue


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    venues = list(_venues(request))
    if len(venues) == 1:
        return HttpResponseRedirect(reverse("console-week", args=[venues[0].slug]))
    return render(request, "web/console/index.html", {"venues": venues})


@login_required
@require_GET
def week(request: HttpRequest, slug: str) -> HttpResponse:
    venue = _venue(request, slug)
    today = queries.local_days(venue.time_zone, count=1)[0]
    # A rolling week from the asked day (default today): operators plan ahead.
    start = parse_date(request.GET.get("week")) or today
    rows = queries.console_week(venue=venue, start=start, user=request.user)
    context = {
        "venue": venue,
        "venues": list(_venues(request)[:100]),
        "start": start,
        "days": [start + timedelta(days=n) for n in range(7)],
        "previous": start - timedelta(days=7),
        "next": start + timedelta(days=7),
        "today": today,
        "rows": rows,
    }
    return render(request, "web/console/week.html", context)


def _apply_error(form: ShowtimeForm, exc: DomainError) -> None:
    field = ERROR_FIELDS.get(exc.code)
    if (
        exc.code == TicketingErrorCode.SHOWTIME_IN_PAST
        and exc.detail.get("field") == "sales_open_at"
    ):
        field = "sales_open_time"
    prices = {TicketingErrorCode.INVALID_PRICE, TicketingErrorCode.PRICE_MISSING}
    if exc.code in prices and exc.detail.get("seat_type"):
        field = f"price_{exc.detail['seat_type']}"
    if field not in form.fields:
        field = None
    form.add_error(field, exc.msg)


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, slug: str) -> HttpResponse:
    venue = _venue(request, slug)
    titles = queries.schedulable_titles()
    initial = {}
    day = parse_date(request.GET.get("date"))
    if day:
        initial["day"] = day
    hall_id = parse_id(request.GET.get("hall"))
    if hall_id:
        initial["hall"] = hall_id
    form = ShowtimeForm(request.POST or None, venue=venue, titles=titles, initial=initial)
    if request.method == "POST" and form.is_valid():
        prices = form.prices()
        fee = form.service_fee_minor()
        if form.is_valid():  # the amounts converted without an error
            try:
                showtime = showtime_services.create_showtime(
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    hall=form.cleaned_data["hall"],
                    starts_at=form.starts_at(),
                    prices=prices,
                    format=form.cleaned_data["format"],
                    audio_language=form.cleaned_data["audio_language"],
                    subtitle_language=form.cleaned_data["subtitle_language"],
                    service_fee_minor=fee,
                    sales_open_at=form.sales_open_at(),
                )
            except DomainError as exc:
                _apply_error(form, exc)
            else:
                messages.success(request, _("Draft showtime created. Publish it to start sales."))
                return HttpResponseRedirect(reverse("console-showtime", args=[showtime.pk]))
    status = 400 if request.method == "POST" else 200
    return render(
        request, "web/console/showtime_form.html", {"venue": venue, "form": form}, status=status
    )


def _showtime(request: HttpRequest, showtime_id: int) -> Showtime:
    _venues(request)
    return ticketing_queries.get_manageable_showtime(user=request.user, showtime_id=showtime_id)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def showtime(request: HttpRequest, showtime_id: int) -> HttpResponse:
    """One showtime: occupancy, the edit form, publish and cancel."""
    current = _showtime(request, showtime_id)
    venue = current.venue
    published = current.status != Showtime.Status.DRAFT
    form = ShowtimeForm(
        request.POST or None,
        venue=venue,
        titles=queries.schedulable_titles(),
        published=published,
        initial=showtime_initial(current),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if current.status == Showtime.Status.CANCELLED:
            form.add_error(None, _("A cancelled showtime cannot change."))
        elif form.is_valid():
            changes = _changes(form, published)
            if form.is_valid():
                try:
                    showtime_services.update_showtime(
                        actor=request.user, showtime=current, **changes
                    )
                except DomainError as exc:
                    _apply_error(form, exc)
                else:
                    messages.success(request, _("Showtime saved."))
                    return HttpResponseRedirect(reverse("console-showtime", args=[current.pk]))
    context = {
        "venue": venue,
        "showtime": current,
        "form": form,
        "occupancy": queries.occupancy([current.pk]).get(current.pk),
        "cancel_form": CancelShowtimeForm(),
        "is_draft": current.status == Showtime.Status.DRAFT,
        "is_cancelled": current.status == Showtime.Status.CANCELLED,
        "seat_types": queries.hall_seat_types(current.hall),
    }
    return render(request, "web/console/showtime.html", context, status=status)


def _changes(form: ShowtimeForm, published: bool) -> dict:
    data = form.cleaned_data
    changes = {
        "audio_language": data.get("audio_language", ""),
        "subtitle_language": data.get("subtitle_language", ""),
        "sales_open_at": form.sales_open_at(),
    }
    if not published:
        changes.update(
            starts_at=form.starts_at(),
            format=data["format"],
            prices=form.prices(),
            service_fee_minor=form.service_fee_minor(),
        )
    return changes


@login_required
@require_POST
@domain_errors
def publish(request: HttpRequest, showtime_id: int) -> HttpResponse:
    current = _showtime(request, showtime_id)
    try:
        showtime_services.publish_showtime(actor=request.user, showtime=current)
    except DomainError as exc:
        messages.error(request, exc.msg)
    else:
        messages.success(request, _("Published: the showtime is on sale."))
    return HttpResponseRedirect(reverse("console-showtime", args=[current.pk]))


@login_required
@require_POST
@domain_errors
def cancel(request: HttpRequest, showtime_id: int) -> HttpResponse:
    current = _showtime(request, showtime_id)
    form = CancelShowtimeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        result = showtime_services.cancel_showtime(
            actor=request.user, showtime=current, reason=reason.replace("\x00", "")
        )
    except DomainError as exc:
        messages.error(request, exc.msg)
    else:
        messages.success(
            request,
            _("Showtime cancelled; %(orders)s paid order(s) are being refunded.")
            % {"orders": len(result.paid_order_ids)},
        )
    return HttpResponseRedirect(reverse("console-showtime", args=[current.pk]))


@login_required
@require_GET
@domain_errors
def settlement(request: HttpRequest, slug: str) -> HttpResponse:
    """The day's settlement of one cinema (its local day), with the CSV download."""
    venue = _venue(request, slug)
    today = queries.local_days(venue.time_zone, count=1)[0]
    day = parse_date(request.GET.get("date")) or today
    result = settlement_for(venue=venue, day=day, actor=request.user)
    context = {
        "venue": venue,
        "day": day,
        "previous": day - timedelta(days=1),
        "next": day + timedelta(days=1),
        "settlement": result,
        "csv_url": f"/api/v1/ticketing/settlements.csv?venue_id={venue.pk}&date={day.isoformat()}",
    }
    return render(request, "web/console/settlement.html", context)
