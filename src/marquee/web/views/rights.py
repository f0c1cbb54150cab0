"""Rights staff pages: the avails grid, the deals, a deal, and the new-deal form.

Rights staff and administrators only. Every answer comes from
:mod:`marquee.rights.queries` and every write from :mod:`marquee.rights.services`
(the same code as the API); the pages parse input and render.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from marquee.catalog.models import Title
from marquee.core.errors import DomainError
from marquee.core.idempotency import form_key, idempotent, new_form_key, pair
from marquee.core.money import Money, get_currency
from marquee.rights import queries, services
from marquee.rights.models import Direction, FeeKind, LineKind, Medium, TitleRights
from marquee.rights.permissions import can_manage_rights
from marquee.rights.territories import choices as territory_choices
from marquee.rights.territories import name_of
from marquee.rights.validation import FeeSpec, InstalmentSpec, RightSpec
from marquee.web.forms import ISODateInput
from marquee.web.views import rights_changes
from marquee.web.views.common import parse_date, parse_id


def _require_rights(request: HttpRequest) -> None:
    if not can_manage_rights(request.user):
        raise PermissionDenied(_("Rights and licensing are for rights staff."))


def _page(request: HttpRequest, template: str, tab: str, context: dict, status: int = 200):
    return render(request, f"web/rights/{template}", {"tab": tab, **context}, status=status)


def _default_window() -> tuple[dt.date, dt.date]:
    year = timezone.localdate().year + 1
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _titles() -> list[Title]:
    """Titles with a rights record first (they have deals), then the rest, by name."""
    with_rights = set(TitleRights.objects.values_list("title_id", flat=True))
    titles = list(Title.objects.order_by("title_en")[:500])
    return sorted(titles, key=lambda t: (t.pk not in with_rights, t.title_en))


@login_required
@require_GET
def avails(request: HttpRequest) -> HttpResponse:
    """The avails grid: a title × media × territory, each square free, partial or taken."""
    _require_rights(request)
    titles = _titles()
    title_id = parse_id(request.GET.get("title")) or (titles[0].pk if titles else None)
    first, last = _default_window()
    start_on = parse_date(request.GET.get("from")) or first
    end_on = parse_date(request.GET.get("to")) or last
    media = request.GET.getlist("media") or list(Medium.values)
    territory = request.GET.get("territory") or "GCN"
    exclusive = request.GET.get("exclusive") == "1"
    languages = request.GET.get("languages", "")[:100]
    context: dict[str, Any] = {
        "titles": titles,
        "title_id": title_id,
        "media_choices": Medium.choices,
        "territory_choices": territory_choices(),
        "form": {
            "media": media,
            "territory": territory,
            "from": start_on.isoformat(),
            "to": end_on.isoformat(),
            "exclusive": exclusive,
            "languages": languages,
        },
    }
    if title_id is not None:
        try:
            q = queries.question(
                media=media,
                territory=territory,
                start_on=start_on,
                end_on=end_on,
                exclusive=exclusive,
                languages=_codes(languages),
            )
        except DomainError as exc:
            context["error"] = exc.msg
        else:
            context["grid"] = _grid_rows(queries.grid(title_id, q))
    return _page(request, "avails.html", "avails", context)


def _codes(text: str) -> list[str]:
    """Language codes typed with commas or spaces between them."""
    return [x.strip() for x in text.replace(",", " ").split() if x.strip()]


def _grid_rows(grid: queries.Grid) -> dict:
    labels = dict(Medium.choices)
    deals = grid.answer.deals
    rows = []
    for node in grid.territories:
        cells = []
        for m in grid.media:
            c = grid.cells[(node, m)]
            cells.append(
                {
                    "state": c.state,
                    "media": m,
                    "free": [
                        {
                            "territories": ", ".join(name_of(t) for t in part.territories),
                            "windows": [_span(iv) for iv in part.intervals],
                        }
                        for part in c.free
                    ],
                    "deals": [deals[d] for d in c.deal_ids if d in deals],
                }
            )
        rows.append({"code": node, "name": name_of(node), "cells": cells})
    return {"media": [(m, labels.get(m, m)) for m in grid.media], "rows": rows}


def _span(interval) -> str:
    from marquee.rights.avails import as_dates

    first, last = as_dates(interval)
    return f"{first.isoformat()} – {last.isoformat()}"


@login_required
@require_GET
def deal_list(request: HttpRequest) -> HttpResponse:
    _require_rights(request)
    direction = request.GET.get("direction")
    direction = direction if direction in Direction.values else None
    return _page(
        request,
        "deals.html",
        "deals",
        {"deals": queries.deals(direction=direction), "direction": direction},
    )


@login_required
@require_GET
def deal_detail(request: HttpRequest, deal_id: int) -> HttpResponse:
    _require_rights(request)
    deal = queries.deal(deal_id) if deal_id < 2**62 else None
    if deal is None:
        raise Http404(_("No such deal."))
    return _page(
        request,
        "deal.html",
        "deals",
        {
            "deal": deal,
            "lines": [
                {"line": line, "territory": name_of(line.territory)} for line in deal.lines.all()
            ],
            "instalments": list(deal.instalments.all()),
            "reports": list(deal.reports.all()),
            "changes": list(deal.changes.all()),
            "share": _share_summary(deal),
            **rights_changes.forms_for(deal),
        },
    )


def _share_summary(deal) -> dict | None:
    """For an MG + share deal: the guarantee, the shares reported, what is booked above it."""
    if deal.fee_kind != FeeKind.MG_SHARE:
        return None
    shares = sum(r.share_minor for r in deal.reports.all())
    return {
        "mg": deal.fee,
        "shares": Money(shares, deal.currency),
        "to_recoup": Money(max(0, deal.fee_minor - shares), deal.currency),
        "booked": Money(deal.share_booked_minor, deal.currency),
    }


class DealForm(forms.Form):
    """The new-deal form: one block of rights (media × territories × window), optional holdbacks."""

    title = forms.ModelChoiceField(
        queryset=Title.objects.order_by("title_en"), label=gettext_lazy("Title")
    )
    direction = forms.ChoiceField(choices=Direction.choices, label=gettext_lazy("Direction"))
    counterparty = forms.CharField(max_length=200, label=gettext_lazy("Licensee or licensor"))
    reference = forms.CharField(
        max_length=80, required=False, label=gettext_lazy("Contract reference")
    )
    exclusive = forms.BooleanField(required=False, label=gettext_lazy("Exclusive"))
    media = forms.MultipleChoiceField(
        choices=Medium.choices, widget=forms.CheckboxSelectMultiple, label=gettext_lazy("Media")
    )
    territories = forms.MultipleChoiceField(choices=(), label=gettext_lazy("Territories"))
    start_on = forms.DateField(widget=ISODateInput, label=gettext_lazy("From"))
    end_on = forms.DateField(widget=ISODateInput, label=gettext_lazy("To"))
    holdback_media = forms.MultipleChoiceField(
        choices=Medium.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=gettext_lazy("Held back (same territories and window)"),
    )
    languages = forms.CharField(
        max_length=100, required=False, label=gettext_lazy("Languages (codes, empty for all)")
    )
    currency = forms.CharField(max_length=3, initial="CNY", label=gettext_lazy("Currency"))
    fee_kind = forms.ChoiceField(choices=FeeKind.choices, label=gettext_lazy("Fee"))
    fee = forms.DecimalField(
        min_value=Decimal(0),
        max_digits=15,
        decimal_places=2,
        label=gettext_lazy("Fee or minimum guarantee"),
    )
    share_percent = forms.DecimalField(
        required=False, min_value=Decimal(0), max_value=Decimal(100), decimal_places=2,
        label=gettext_lazy("Revenue share %"),
    )  # fmt: skip
    instalments = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label=gettext_lazy("Instalments (one a line: YYYY-MM-DD amount)"),
    )
    signed_on = forms.DateField(widget=ISODateInput, label=gettext_lazy("Signed on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territories"].choices = territory_choices()

    def clean_currency(self) -> str:
        try:
            return get_currency(self.cleaned_data["currency"]).code
        except DomainError as exc:
            raise forms.ValidationError(exc.msg) from exc

    def clean_instalments(self) -> list[tuple[dt.date, Decimal]]:
        return rights_changes.parse_instalments(self.cleaned_data.get("instalments") or "")

    def deal_kwargs(self) -> dict[str, Any]:
        """What :func:`services.create_deal` takes, amounts in minor units (never a float)."""
        d = self.cleaned_data
        currency = d["currency"]
        to_minor = lambda amount: Money.from_decimal(amount, currency).minor  # noqa: E731
        share = d.get("share_percent") or Decimal(0)
        window = (d["start_on"], d["end_on"])
        holdbacks = []
        if d["holdback_media"]:
            holdbacks = [
                RightSpec(d["holdback_media"], d["territories"], *window, LineKind.HOLDBACK)
            ]
        return {
            "title_id": d["title"].pk,
            "direction": d["direction"],
            "counterparty": d["counterparty"],
            "reference": d["reference"],
            "exclusive": d["exclusive"],
            "languages": _codes(d["languages"]),
            "rights": [RightSpec(d["media"], d["territories"], *window)],
            "holdbacks": holdbacks,
            "fee": FeeSpec(
                currency=currency,
                fee_minor=to_minor(d["fee"]),
                kind=d["fee_kind"],
                revenue_share_bp=int(share * 100),
                instalments=[InstalmentSpec(day, to_minor(a)) for day, a in d["instalments"]],
            ),
            "signed_on": d["signed_on"],
        }


@login_required
@require_http_methods(["GET", "POST"])
def deal_new(request: HttpRequest) -> HttpResponse:
    """Sign a deal. A refusal keeps the form and says why (the conflicting deals are named)."""
    _require_rights(request)
    refusal: DomainError | None = None
    if request.method == "POST":
        form = DealForm(request.POST)
        if form.is_valid():
            try:
                _, body = _sign(request, form=form)
            except DomainError as exc:
                refusal = exc
            else:
                return HttpResponseRedirect(reverse("rights-deal", args=[body["id"]]))
    else:
        start, end = _default_window()
        form = DealForm(
            initial={
                "title": parse_id(request.GET.get("title")),
                "direction": Direction.OUT,
                "currency": "CNY",
                "start_on": start,
                "end_on": end,
                "signed_on": timezone.localdate(),
                "territories": ["CN"],
                "media": ["svod"],
            }
        )
    conflicts = refusal.detail.get("conflicts", []) if refusal else []
    return _page(
        request,
        "deal_form.html",
        "new",
        {
            "form": form,
            "refusal": refusal.msg if refusal else None,
            "conflicts": conflicts,
            "form_key": new_form_key(),
        },
        status=409 if refusal and refusal.status == 409 else (422 if refusal else 200),
    )


def _fingerprint(*, form: DealForm) -> dict:
    """What the form said (not its one-time key nor its CSRF token)."""
    skip = {"idempotency_key", "csrfmiddlewaretoken"}
    return {"data": sorted((k, str(v)) for k, v in form.data.lists() if k not in skip)}


@idempotent(scope="web.rights_create_deal", key=form_key, respond=pair, fingerprint=_fingerprint)
def _sign(request: HttpRequest, *, form: DealForm) -> tuple[int, dict]:
    deal = services.create_deal(
        **form.deal_kwargs(), created_by=request.user, idempotency_key=form_key(request) or ""
    )
    return 201, {"id": deal.pk}
