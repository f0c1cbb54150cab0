"""Rights staff actions on a signed deal: a revenue report, an amendment, a cancellation.

Each is a POST from the deal's page that calls one service of
:mod:`marquee.rights` and comes back to the page with a translated message;
a refusal changes nothing and says why (the deals in the way named). The forms
carry a one-time key, so a double submit records a report, an amendment (which
may re-book the fee) or a cancellation once.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from marquee.core.errors import DomainError
from marquee.core.idempotency import form_key, idempotent, new_form_key, pair
from marquee.core.money import Money
from marquee.rights import changes, queries, revenue
from marquee.rights.models import Deal, LineKind, Medium
from marquee.rights.permissions import can_manage_rights
from marquee.rights.territories import choices as territory_choices
from marquee.rights.validation import InstalmentSpec, RightSpec
from marquee.web.forms import ISODateInput
from marquee.web.views.common import parse_date


def parse_instalments(text: str) -> list[tuple[dt.date, Decimal]]:
    """Instalments typed one a line, ``YYYY-MM-DD amount``; a form error names a bad line."""
    parsed = []
    for row in text.splitlines():
        if not row.strip():
            continue
        parts = row.split()
        day = parse_date(parts[0]) if len(parts) == 2 else None
        try:
            amount = Decimal(parts[1].replace(",", "")) if day else None
        except InvalidOperation:
            amount = None
        if day is None or amount is None or not amount.is_finite():
            raise forms.ValidationError(
                _("Not an instalment: %(row)s. Write a date and an amount.") % {"row": row[:40]}
            )
        parsed.append((day, amount))
    return parsed


class ReportForm(forms.Form):
    period_start = forms.DateField(widget=ISODateInput, label=gettext_lazy("Period from"))
    period_end = forms.DateField(widget=ISODateInput, label=gettext_lazy("Period to"))
    gross = forms.DecimalField(
        min_value=Decimal(0),
        max_digits=15,
        decimal_places=2,
        label=gettext_lazy("Licensee's gross revenue"),
    )
    due_on = forms.DateField(
        widget=ISODateInput, required=False, label=gettext_lazy("Share due on (optional)")
    )

    def __init__(self, *args: Any, direction: str = "out", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if direction == "in":
            self.fields["gross"].label = gettext_lazy("Studio's gross revenue from the rights")


class CancelForm(forms.Form):
    on = forms.DateField(widget=ISODateInput, label=gettext_lazy("Cancelled from"))
    note = forms.CharField(max_length=200, required=False, label=gettext_lazy("Note"))


class AmendForm(forms.Form):
    start_on = forms.DateField(
        widget=ISODateInput, required=False, label=gettext_lazy("New first day")
    )
    end_on = forms.DateField(
        widget=ISODateInput, required=False, label=gettext_lazy("New last day")
    )
    add_media = forms.MultipleChoiceField(
        choices=Medium.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=gettext_lazy("Add media"),
    )
    add_territories = forms.MultipleChoiceField(
        choices=(), required=False, label=gettext_lazy("Add territories")
    )
    schedule = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label=gettext_lazy(
            "New fee schedule, replacing the unsettled instalments (one a line: YYYY-MM-DD amount)"
        ),
    )
    fee = forms.DecimalField(
        min_value=Decimal(0),
        max_digits=15,
        decimal_places=2,
        required=False,
        label=gettext_lazy("New total fee (optional, with a new schedule)"),
    )
    note = forms.CharField(max_length=200, required=False, label=gettext_lazy("Note"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["add_territories"].choices = territory_choices()

    def clean_schedule(self) -> list[tuple[dt.date, Decimal]]:
        return parse_instalments(self.cleaned_data.get("schedule") or "")


def forms_for(deal: Deal) -> dict[str, Any]:
    """The deal page's action forms (prefixed, so their fields never clash), each with a key."""
    live = deal.cancelled_on is None
    return {
        "report_form": ReportForm(prefix="report", direction=deal.direction)
        if live and deal.fee_kind == "mg_share"
        else None,
        "cancel_form": CancelForm(prefix="cancel") if live else None,
        "amend_form": AmendForm(prefix="amend") if live else None,
        "report_key": new_form_key(),
        "cancel_key": new_form_key(),
        "amend_key": new_form_key(),
    }


def _deal(request: HttpRequest, deal_id: int) -> Deal:
    if not can_manage_rights(request.user):
        raise PermissionDenied(_("Rights and licensing are for rights staff."))
    deal = queries.deal(deal_id) if deal_id < 2**62 else None
    if deal is None:
        raise Http404(_("No such deal."))
    return deal


def _back(deal_id: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("rights-deal", args=[deal_id]))


def _invalid(request: HttpRequest, form: forms.Form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def _fingerprint(*, deal_id: int, form: forms.Form, **_: object) -> dict:
    skip = {"idempotency_key", "csrfmiddlewaretoken"}
    return {
        "deal_id": deal_id,
        "data": sorted((k, str(v)) for k, v in form.data.lists() if k not in skip),
    }


@login_required
@require_POST
def record_report(request: HttpRequest, deal_id: int) -> HttpResponse:
    """Record a licensee's gross revenue for a period (the share above the MG is booked)."""
    deal = _deal(request, deal_id)
    form = ReportForm(request.POST, prefix="report", direction=deal.direction)
    if not form.is_valid():
        _invalid(request, form)
        return _back(deal.pk)
    try:
        body = _report(request, deal_id=deal.pk, form=form)[1]
    except DomainError as exc:
        messages.error(request, exc.msg)
    else:
        overage = Money(body["overage_minor"], deal.currency)
        if body["overage_minor"] and deal.direction == "in":
            messages.success(
                request,
                _(
                    "Report recorded: %(overage)s above the minimum guarantee is owed to the licensor."
                )
                % {"overage": overage},
            )
        elif body["overage_minor"]:
            messages.success(
                request,
                _("Report recorded: %(overage)s above the minimum guarantee is now receivable.")
                % {"overage": overage},
            )
        else:
            messages.success(request, _("Report recorded: the share still recoups the guarantee."))
    return _back(deal.pk)


@idempotent(scope="web.rights_report", key=form_key, respond=pair, fingerprint=_fingerprint)
def _report(request: HttpRequest, *, deal_id: int, form: ReportForm) -> tuple[int, dict]:
    d = form.cleaned_data
    deal = Deal.objects.only("currency").get(pk=deal_id)
    report = revenue.record_revenue_report(
        deal_id=deal_id,
        period_start=d["period_start"],
        period_end=d["period_end"],
        gross_minor=Money.from_decimal(d["gross"], deal.currency).minor,
        due_on=d.get("due_on"),
        by=request.user,
    )
    return 201, {"id": report.pk, "overage_minor": report.overage_minor}


@login_required
@require_POST
def cancel_deal(request: HttpRequest, deal_id: int) -> HttpResponse:
    """Cancel the deal from a day: its rights end, future unpaid instalments are reversed."""
    deal = _deal(request, deal_id)
    form = CancelForm(request.POST, prefix="cancel")
    if not form.is_valid():
        _invalid(request, form)
        return _back(deal.pk)
    try:
        _cancel(request, deal_id=deal.pk, form=form)
    except DomainError as exc:
        messages.error(request, exc.msg)
    else:
        messages.success(
            request,
            _("The deal is cancelled from %(on)s.") % {"on": form.cleaned_data["on"].isoformat()},
        )
    return _back(deal.pk)


@idempotent(scope="web.rights_cancel", key=form_key, respond=pair, fingerprint=_fingerprint)
def _cancel(request: HttpRequest, *, deal_id: int, form: CancelForm) -> tuple[int, dict]:
    change = changes.cancel_deal(
        deal_id=deal_id,
        on=form.cleaned_data["on"],
        note=form.cleaned_data["note"],
        by=request.user,
    )
    return 200, {"id": change.pk}


@login_required
@require_POST
def amend_deal(request: HttpRequest, deal_id: int) -> HttpResponse:
    """A new window for the deal's rights and/or rights added, checked as a new deal."""
    deal = _deal(request, deal_id)
    form = AmendForm(request.POST, prefix="amend")
    if not form.is_valid():
        _invalid(request, form)
        return _back(deal.pk)
    d = form.cleaned_data
    add = []
    if d["add_media"] or d["add_territories"]:
        first, last = queries.deal_window(deal.pk) or (d["start_on"], d["end_on"])
        start_on, end_on = d["start_on"] or first, d["end_on"] or last
        if start_on is None or end_on is None:
            messages.error(request, _("Give the added rights a window."))
            return _back(deal.pk)
        add = [RightSpec(d["add_media"], d["add_territories"], start_on, end_on, LineKind.GRANT)]
    try:
        _amend(request, deal_id=deal.pk, form=form, add=add)
    except DomainError as exc:
        messages.error(request, exc.msg)
    else:
        messages.success(request, _("The deal is amended."))
    return _back(deal.pk)


@idempotent(scope="web.rights_amend", key=form_key, respond=pair, fingerprint=_fingerprint)
def _amend(
    request: HttpRequest, *, deal_id: int, form: AmendForm, add: list[RightSpec]
) -> tuple[int, dict]:
    d = form.cleaned_data
    currency = Deal.objects.only("currency").get(pk=deal_id).currency
    minor = lambda amount: Money.from_decimal(amount, currency).minor  # noqa: E731
    fee = d.get("fee")
    schedule = [InstalmentSpec(day, minor(a)) for day, a in d["schedule"]]
    change = changes.amend_deal(
        deal_id=deal_id,
        start_on=d["start_on"],
        end_on=d["end_on"],
        add=add,
        instalments=schedule if schedule or fee is not None else None,
        fee_minor=None if fee is None else minor(fee),
        note=d["note"],
        by=request.user,
    )
    return 200, {"id": change.pk}
