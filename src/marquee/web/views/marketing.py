"""The marketing console (segments, campaigns, reports) and a moviegoer's vouchers and profile.

Staff pages are for distribution & marketing staff and admins; every rule is
in :mod:`marquee.marketing` (the same services and queries as the API): the
views parse the form, call one service or query and render.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from marquee.core.errors import DomainError
from marquee.core.money import Money
from marquee.finance.reports.export import download
from marquee.marketing import queries
from marquee.marketing.exports import report_table
from marquee.marketing.models import AgeBand, Campaign, Gender, Segment
from marquee.marketing.permissions import require_marketing_staff
from marquee.marketing.rules import parse_rule
from marquee.marketing.services import campaigns as campaign_services
from marquee.marketing.services import profiles
from marquee.marketing.services.segments import create_segment
from marquee.web.views.common import domain_errors


def _staff_page(request: HttpRequest, template: str, tab: str, context: dict, status: int = 200):
    return render(request, f"web/marketing/{template}", {"tab": tab, **context}, status=status)


@login_required
@require_GET
@domain_errors
def index(request: HttpRequest) -> HttpResponse:
    """Every campaign with its headline figures."""
    require_marketing_staff(request.user)
    rows = [queries.campaign_report(c) for c in queries.campaigns()[:100]]
    return _staff_page(request, "index.html", "campaigns", {"reports": rows})


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def segments(request: HttpRequest) -> HttpResponse:
    """The segments, and the rule editor: preview (live count, masked accounts) or save."""
    require_marketing_staff(request.user)
    form = {"slug": "", "name": "", "rule": ""}
    preview = None
    error = ""
    status = 200
    if request.method == "POST":
        form = {k: request.POST.get(k, "").replace("\x00", "")[:2000] for k in form}
        try:
            if request.POST.get("action") == "save":
                segment = create_segment(
                    actor=request.user, slug=form["slug"], name=form["name"], rule_text=form["rule"]
                )
                messages.success(request, _("Segment “%(name)s” saved.") % {"name": segment.name})
                return HttpResponseRedirect(reverse("marketing-segments"))
            preview = queries.preview(parse_rule(form["rule"]))
        except DomainError as exc:
            error, status = exc.msg, exc.status
    listing = [
        (segment, queries.segment_members(segment).count())
        for segment in Segment.objects.order_by("name", "pk")[:100]
    ]
    context = {"segments": listing, "form": form, "preview": preview, "error": error}
    return _staff_page(request, "segments.html", "segments", context, status=status)


def _minor(text: str, currency: str, field: str) -> int:
    """A form's amount in major units (``"12.50"``) as minor units; 0 when empty."""
    text = (text or "").strip()
    if not text:
        return 0
    try:
        return Money.from_decimal(Decimal(text), currency).minor
    except (InvalidOperation, TypeError):
        raise DomainError(
            campaign_services.MarketingErrorCode.INVALID_CAMPAIGN,
            f"{field} is not an amount.",
            field=field,
        ) from None


def _moment(text: str) -> datetime | None:
    value = parse_datetime((text or "").strip()[:40])
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _int(text: str, default: int = 0) -> int:
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else default


def _spec(post: dict) -> campaign_services.CampaignSpec:
    currency = (post.get("currency") or "CNY").strip().upper()[:3]
    starts, ends = _moment(post.get("starts_at", "")), _moment(post.get("ends_at", ""))
    if starts is None or ends is None:
        raise DomainError(
            campaign_services.MarketingErrorCode.CAMPAIGN_DATES, "Give both dates.", field="dates"
        )
    percent = (post.get("percent") or "").strip()
    try:
        percent_bp = int(Decimal(percent) * 100) if percent else 0
    except InvalidOperation:
        percent_bp = -1
    return campaign_services.CampaignSpec(
        slug=post.get("slug", "").strip(),
        name=post.get("name", ""),
        segment=post.get("segment", ""),
        kind=post.get("kind", Campaign.Kind.VOUCHER),
        starts_at=starts,
        ends_at=ends,
        currency=currency,
        payer=post.get("payer", Campaign.Payer.PLATFORM),
        discount_kind=post.get("discount_kind", Campaign.DiscountKind.FIXED),
        amount_minor=_minor(post.get("amount", ""), currency, "amount_minor"),
        percent_bp=percent_bp,
        cap_minor=_minor(post.get("cap", ""), currency, "cap_minor"),
        per_account_limit=_int(post.get("per_account_limit", ""), 1),
        total_limit=_int(post.get("total_limit", ""), 0),
        budget_minor=_minor(post.get("budget", ""), currency, "budget_minor"),
        titles=[s for s in post.get("titles", "").replace(",", " ").split() if s][:500],
        cinemas=[s for s in post.get("cinemas", "").replace(",", " ").split() if s][:500],
        weekdays=[_int(d) for d in post.getlist("weekdays")] if hasattr(post, "getlist") else [],
        presale_round=_int(post.get("presale_round", "")) or None,
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def campaign_new(request: HttpRequest) -> HttpResponse:
    """The campaign form; a refused setting is shown with the form as it was."""
    require_marketing_staff(request.user)
    error, status = "", 200
    form = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            campaign = campaign_services.create_campaign(actor=request.user, spec=_spec(form))
            messages.success(request, _("Campaign “%(name)s” created.") % {"name": campaign.name})
            return HttpResponseRedirect(reverse("marketing-campaign", args=[campaign.slug]))
        except DomainError as exc:
            error, status = exc.msg, exc.status
    context = {
        "form": form,
        "error": error,
        "segments": Segment.objects.order_by("name"),
        "payers": Campaign.Payer.choices,
        "discount_kinds": Campaign.DiscountKind.choices,
        "kinds": Campaign.Kind.choices,
        "weekdays": [
            (1, _("Mon")),
            (2, _("Tue")),
            (3, _("Wed")),
            (4, _("Thu")),
            (5, _("Fri")),
            (6, _("Sat")),
            (7, _("Sun")),
        ],
    }
    return _staff_page(request, "campaign_new.html", "new", context, status=status)


def _chart(report: queries.CampaignReport) -> str:
    days = [d.day.isoformat() for d in report.days]
    cur = report.campaign.currency
    return json.dumps(
        {
            "data": [
                {
                    "type": "bar",
                    "name": _("Tickets"),
                    "x": days,
                    "y": [d.tickets for d in report.days],
                },
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": _("Cost (%(currency)s)") % {"currency": cur},
                    "x": days,
                    "y": [str(Money(d.cost_minor, cur).to_decimal()) for d in report.days],
                    "yaxis": "y2",
                },
            ],
            "layout": {
                "title": {"text": _("Redemptions by day")},
                "yaxis": {"title": {"text": _("Tickets")}},
                "yaxis2": {"overlaying": "y", "side": "right", "title": {"text": cur}},
                "margin": {"t": 48, "r": 56, "b": 56, "l": 56},
            },
        }
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def campaign(request: HttpRequest, slug: str) -> HttpResponse:
    """A campaign's report (figures, chart, downloads); POST sends its vouchers/invitations."""
    require_marketing_staff(request.user)
    current = queries.campaign_by_slug(slug)
    if request.method == "POST":
        try:
            if current.kind == Campaign.Kind.INVITATION:
                sent = campaign_services.send_invitations(actor=request.user, campaign=current)
            else:
                sent = campaign_services.issue_vouchers(actor=request.user, campaign=current)
            messages.success(request, _("Sent to %(count)s accounts.") % {"count": sent})
        except DomainError as exc:
            messages.error(request, exc.msg)
        return HttpResponseRedirect(reverse("marketing-campaign", args=[current.slug]))
    report = queries.campaign_report(current)
    base = reverse("marketing-campaign-download", args=[current.slug, "csv"])
    context = {
        "campaign": current,
        "report": report,
        "chart": _chart(report),
        "downloads": {"csv": base, "xlsx": base.removesuffix("csv") + "xlsx"},
    }
    return _staff_page(request, "campaign.html", "campaigns", context)


@login_required
@require_GET
@domain_errors
def campaign_download(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The campaign report as CSV or XLSX."""
    require_marketing_staff(request.user)
    if fmt not in ("csv", "xlsx"):
        raise Http404(fmt)
    report = queries.campaign_report(queries.campaign_by_slug(slug))
    return download(report_table(report), fmt, f"campaign-{slug}")


@login_required
@require_GET
def my_vouchers(request: HttpRequest) -> HttpResponse:
    """The signed-in account's own vouchers (nobody else's)."""
    now = timezone.now()
    rows = [(v, queries.voucher_state(v, now)) for v in queries.vouchers_of(request.user)[:200]]
    return render(request, "web/marketing/vouchers.html", {"vouchers": rows})


@login_required
@require_GET
def my_invitations(request: HttpRequest) -> HttpResponse:
    """The signed-in account's own pre-sale invitations (nobody else's)."""
    context = {"invitations": queries.invitations_of(request.user)}
    return render(request, "web/marketing/invitations.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """What purchases say about the account, and the age band and gender it may give."""
    error, status = "", 200
    if request.method == "POST":
        try:
            profiles.set_profile(
                user=request.user,
                age_band=request.POST.get("age_band", "")[:10],
                gender=request.POST.get("gender", "")[:10],
            )
            messages.success(request, _("Thank you; your answers were saved."))
            return HttpResponseRedirect(reverse("account-profile"))
        except DomainError as exc:
            error, status = exc.msg, exc.status
    context = {
        "profile": queries.audience_profile(request.user),
        "age_bands": AgeBand.choices,
        "genders": Gender.choices,
        "error": error,
    }
    return render(request, "web/marketing/profile.html", context, status=status)
