"""The crowdfunding console for investment staff: offerings with progress, create, close,
the premiere and the waterfall pool, returns and their payouts.

Every action calls one crowdfunding service; a refusal is a translated flash
message and nothing is written (the services are one transaction each).

Opening and closing times are typed and shown in an explicit zone, never the
server's: staff choose one of the zones of the project's cinemas
(:data:`CONSOLE_ZONES`, Asia/Shanghai by default) and the times are stored in UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marquee.core.errors import DomainError
from marquee.core.idempotency import form_key, idempotent, pair
from marquee.core.money import Money
from marquee.crowdfunding import queries
from marquee.crowdfunding.errors import CrowdfundingErrorCode
from marquee.crowdfunding.models import Offering
from marquee.crowdfunding.permissions import can_manage_offerings
from marquee.crowdfunding.services import closing, offerings, payouts, premiere, returns
from marquee.investment import queries as investment_queries
from marquee.web.views.common import domain_errors, new_idempotency_key, parse_id

#: The form's numbers: anything else is read as nothing (the service refuses it clearly).
MAX_NUMBER_TEXT = 12
#: The zones of the project's cinemas, in which staff read and type the console's times.
CONSOLE_ZONES = ("Asia/Shanghai", "Asia/Hong_Kong")


def _zone(value: object) -> str | None:
    """One of :data:`CONSOLE_ZONES`, or None for anything else."""
    return value if value in CONSOLE_ZONES else None


def _shown_zone(request: HttpRequest) -> str:
    """The zone the page shows times in (``?zone=``), Asia/Shanghai unless one of the others."""
    return _zone(request.GET.get("zone")) or CONSOLE_ZONES[0]


def _local_datetime(text: str, zone: ZoneInfo):
    """``2027-01-10T20:00`` read as a wall-clock time in ``zone`` (aware; None when unreadable)."""
    parsed = parse_datetime(text.strip()[:40] or "x")
    if parsed is not None and parsed.tzinfo is None:
        parsed = timezone.make_aware(parsed, zone)
    return parsed


def _require_staff(request: HttpRequest) -> None:
    if not can_manage_offerings(request.user):
        raise PermissionDenied(_("Crowdfunding offerings are managed by investment staff."))


def _number(request: HttpRequest, name: str, default: int | None = None) -> int | None:
    text = (request.POST.get(name) or "").strip()
    if not text:
        return default
    if len(text) > MAX_NUMBER_TEXT or not text.lstrip("-").isdigit():
        return -1  # a value every bound refuses, named by the service's field
    return int(text)


def _unit_price_minor(request: HttpRequest, currency: str) -> int | None:
    """The unit price typed in major units ("500", "33.33"), in minor units; -1 when unreadable."""
    text = (request.POST.get("unit_price") or "").strip()
    try:
        return Money.from_decimal(Decimal(text[:MAX_NUMBER_TEXT]), currency).minor
    except (InvalidOperation, ValueError, DomainError):
        return -1


def _back(slug: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("crowdfunding-console-offering", args=[slug]))


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """GET: every offering with its progress and the new-offering form. POST: create one."""
    _require_staff(request)
    if request.method == "POST":
        return _create(request)
    now = timezone.now()
    rows = list(queries.offerings(now=now))
    return render(
        request,
        "web/crowdfunding/console.html",
        {
            "offerings": rows[::-1],
            "now": now,
            "projects": investment_queries.projects(),
            "opens_default": now.replace(second=0, microsecond=0),
            "zone": _shown_zone(request),
            "zones": CONSOLE_ZONES,
        },
    )


def _create(request: HttpRequest) -> HttpResponse:
    currency = (request.POST.get("currency") or "").strip().upper()[:3]
    zone = _zone(request.POST.get("zone") or CONSOLE_ZONES[0])
    if zone is None:
        messages.error(request, _("Choose the time zone of the opening and closing times."))
        return HttpResponseRedirect(reverse("crowdfunding-console"))
    opens_at = _local_datetime(request.POST.get("opens_at") or "", ZoneInfo(zone))
    closes_at = _local_datetime(request.POST.get("closes_at") or "", ZoneInfo(zone))
    try:
        created = offerings.create_offering(
            actor=request.user,
            project=(request.POST.get("project") or "")[:120],
            slug=(request.POST.get("slug") or "")[:120],
            names=(
                request.POST.get("name_en", ""),
                request.POST.get("name_zh_hans", ""),
                request.POST.get("name_zh_hant", ""),
            ),
            currency=currency,
            unit_price_minor=_unit_price_minor(request, currency),
            target_units=_number(request, "target_units"),
            cap_units=_number(request, "cap_units"),
            min_units_per_backer=_number(request, "min_units_per_backer", 1),
            max_units_per_backer=_number(request, "max_units_per_backer"),
            opens_at=opens_at,
            closes_at=closes_at,
            min_return_bp=_number(request, "min_return_bp", 0),
            premiere_min_units=_number(request, "premiere_min_units"),
            premiere_tickets=_number(request, "premiere_tickets", 0),
        )
    except DomainError as exc:
        messages.error(request, exc.msg)
        return HttpResponseRedirect(reverse("crowdfunding-console"))
    messages.success(request, _("The offering was created."))
    return HttpResponseRedirect(
        reverse("crowdfunding-console-offering", args=[created.slug]) + f"?zone={zone}"
    )


@login_required
@require_GET
@domain_errors
def offering(request: HttpRequest, slug: str) -> HttpResponse:
    """One offering: progress, closing, the premiere, the pool, returns and payouts."""
    _require_staff(request)
    current = queries.offering_by_slug(slug)
    now = timezone.now()
    run = queries.return_run(current)
    quote, quote_error = None, ""
    if run is None and current.status == Offering.Status.SUCCEEDED:
        try:
            quote = returns.quote_returns(offering=current, as_of=now.date())
        except DomainError as exc:
            quote_error = exc.msg
    return render(
        request,
        "web/crowdfunding/console_offering.html",
        {
            "offering": current,
            "phase": current.phase(now),
            "can_close": current.status == Offering.Status.ACTIVE and now >= current.closes_at,
            "run": run,
            "shares": queries.return_payouts(request.user, run) if run else [],
            "quote": quote,
            "quote_error": quote_error,
            "pool": queries.pool_receipts(current),
            "pool_candidates": queries.pool_candidates(current),
            "showtimes": queries.premiere_candidates(current, now=now),
            "form_key": new_idempotency_key(),
            "zone": _shown_zone(request),
            "zones": CONSOLE_ZONES,
        },
    )


def _act(request: HttpRequest, slug: str, action: Callable[[], object], done: str) -> HttpResponse:
    """Run one service call: its refusal is a flash error, its success ``done``; back to the page."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.msg)
    else:
        messages.success(request, done)
    return _back(slug)


@login_required
@require_POST
@domain_errors
def close(request: HttpRequest, slug: str) -> HttpResponse:
    _require_staff(request)
    current = queries.offering_by_slug(slug)
    return _act(
        request,
        slug,
        lambda: closing.close_offering(offering=current),
        _("The offering has been closed."),
    )


@login_required
@require_POST
@domain_errors
def pay(request: HttpRequest, slug: str) -> HttpResponse:
    """Pay the returns (a one-time form key: a double submit pays once)."""
    _require_staff(request)
    current = queries.offering_by_slug(slug)
    return _act(
        request,
        slug,
        lambda: _pay(request, offering=current),
        _("The returns were paid; the payouts are on their way."),
    )


@idempotent(
    scope="web.crowdfunding_pay_returns",
    key=form_key,
    respond=pair,
    fingerprint=lambda *, offering: {"offering_id": offering.pk},
)
def _pay(request: HttpRequest, *, offering: Offering) -> tuple[int, dict]:
    run = returns.pay_returns(actor=request.user, offering=offering, as_of=timezone.now().date())
    return 200, {"run_id": run.pk}


@login_required
@require_POST
@domain_errors
def retry(request: HttpRequest, slug: str, share_id: int) -> HttpResponse:
    _require_staff(request)
    return _act(
        request,
        slug,
        lambda: payouts.retry_return_payout(actor=request.user, share=share_id),
        _("The payout was sent again."),
    )


@login_required
@require_POST
@domain_errors
def set_premiere(request: HttpRequest, slug: str) -> HttpResponse:
    _require_staff(request)
    current = queries.offering_by_slug(slug)
    chosen = parse_id(request.POST.get("showtime_id"))
    showtime = next(
        (s for s in queries.premiere_candidates(current, now=timezone.now()) if s.pk == chosen),
        None,
    )

    def save() -> None:
        if showtime is None:
            raise DomainError(CrowdfundingErrorCode.INVALID_PREMIERE_SHOWTIME, "No such showtime.")
        premiere.set_premiere_showtime(actor=request.user, offering=current, showtime=showtime)

    return _act(request, slug, save, _("The premiere showtime was saved."))


@login_required
@require_POST
@domain_errors
def link_pool(request: HttpRequest, slug: str) -> HttpResponse:
    _require_staff(request)
    current = queries.offering_by_slug(slug)

    def link() -> None:
        participant = queries.pool_candidate(
            request.user, parse_id(request.POST.get("participant_id")) or 0
        )
        offerings.link_pool_participant(
            actor=request.user, offering=current, participant=participant
        )

    return _act(request, slug, link, _("The crowdfunding pool was linked."))
