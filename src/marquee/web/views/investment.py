"""The slate board, a project's page (budget vs actual, its waterfall as a chart), partner statements.

Investment staff and admins see the slate; a partner sees the statements of
its own organisation's participants and nothing else (another's is a 404).
Figures come from :mod:`marquee.investment.queries`, moves from its services.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marquee.core.errors import DomainError
from marquee.core.money import Money
from marquee.investment import queries, services
from marquee.investment.models import Participant, Project
from marquee.investment.permissions import can_manage, can_read_participant, is_partner


def _require_staff(request: HttpRequest) -> None:
    if not can_manage(request.user):
        raise PermissionDenied(_("The slate is for investment staff."))


def _major(minor: int, currency: str) -> str:
    """Minor units as a decimal string of major units (chart values are never floats)."""
    return str(Money(minor, currency).to_decimal())


def _stage_label(stage: str) -> str:
    return str(dict(Project.Stage.choices).get(stage, stage))


@login_required
@require_GET
def slate(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    columns = [
        {"stage": stage, "label": _stage_label(stage), "projects": projects}
        for stage, projects in queries.board().items()
    ]
    return render(request, "web/investment/slate.html", {"columns": columns})


def _budget_chart(variance: queries.Variance) -> str:
    labels = [c.label for c in variance.categories]
    code = variance.currency
    chart = {
        "data": [
            {
                "type": "bar",
                "name": _("Budget"),
                "x": labels,
                "y": [_major(c.budget.minor, code) for c in variance.categories],
            },
            {
                "type": "bar",
                "name": _("Actual"),
                "x": labels,
                "y": [_major(c.actual.minor, code) for c in variance.categories],
            },
        ],
        "layout": {
            "barmode": "group",
            "title": {"text": _("Budget vs actual (%(currency)s)") % {"currency": code}},
            "margin": {"t": 48, "r": 16, "b": 80, "l": 72},
        },
    }
    return json.dumps(chart)


def _waterfall_chart(summary: dict[str, Any]) -> str:
    """Revenue in, then what each tier paid out (a plotly waterfall that ends at zero)."""
    code = summary["currency"]
    tiers = [t for t in summary["tiers"] if t.paid_minor]
    chart = {
        "data": [
            {
                "type": "waterfall",
                "orientation": "v",
                "measure": ["absolute"] + ["relative"] * len(tiers) + ["total"],
                "x": [_("Revenue received")] + [t.label for t in tiers] + [_("Left over")],
                "y": [_major(summary["received_minor"], code)]
                + [_major(-t.paid_minor, code) for t in tiers]
                + ["0"],
                "connector": {"line": {"color": "#999"}},
            }
        ],
        "layout": {
            "title": {"text": _("Waterfall to date (%(currency)s)") % {"currency": code}},
            "showlegend": False,
            "margin": {"t": 48, "r": 16, "b": 100, "l": 72},
        },
    }
    return json.dumps(chart)


@login_required
@require_GET
def project(request: HttpRequest, slug: str) -> HttpResponse:
    _require_staff(request)
    found = Project.objects.select_related("title").filter(slug=slug).first()
    if found is None:
        raise Http404
    error = None
    try:
        variance = queries.variance(found)
    except DomainError as exc:  # a budget line without a rate for its day
        variance, error = None, exc.msg
    waterfall = queries.waterfall_of(found)
    summary = queries.waterfall_summary(waterfall) if waterfall and waterfall.version else None
    participants = queries.participants(found)
    earned = summary["by_participant"] if summary else {}
    return render(
        request,
        "web/investment/project.html",
        {
            "project": found,
            "stage_label": _stage_label(found.stage),
            "moves": [(s, _stage_label(s)) for s in services.legal_moves(found.stage)],
            "history": queries.stage_history(found),
            "variance": variance,
            "error": error,
            "budget_chart": _budget_chart(variance) if variance else None,
            "costs": queries.costs(found, limit=20),
            "funding": queries.funding(found),
            "participants": [(p, earned.get(p.pk, 0)) for p in participants],
            "summary": summary,
            "tiers": queries.current_tiers(waterfall),
            "waterfall_chart": _waterfall_chart(summary) if summary else None,
            "receipts": queries.receipts(waterfall, limit=20) if summary else [],
        },
    )


@login_required
@require_POST
def move_stage(request: HttpRequest, slug: str) -> HttpResponse:
    _require_staff(request)
    try:
        services.move_stage(
            project=slug, to_stage=request.POST.get("to_stage", ""), user=request.user
        )
    except DomainError as exc:
        messages.error(request, exc.msg)
    else:
        messages.success(request, _("The project moved to its next stage."))
    return redirect("investment-project", slug=slug)


@login_required
@require_GET
def statements(request: HttpRequest) -> HttpResponse:
    """A partner's own stakes; staff are sent to the slate."""
    if not is_partner(request.user):
        if can_manage(request.user):
            return redirect("investment-slate")
        raise PermissionDenied(_("Statements are for partners."))
    rows = []
    for participant in queries.stakes_for_partner(request.user):
        statement = queries.statement(participant, limit=0)
        rows.append({"participant": participant, "statement": statement})
    return render(request, "web/investment/statements.html", {"rows": rows})


def _readable_participant(request: HttpRequest, participant_id: int) -> Participant:
    """The participant, if the visitor may read its statement; anyone else's is a 404."""
    participant = (
        Participant.objects.select_related("project", "organisation")
        .filter(pk=participant_id)
        .first()
    )
    if participant is None or not can_read_participant(request.user, participant):
        raise Http404
    return participant


@login_required
@require_GET
def statement(request: HttpRequest, participant_id: int) -> HttpResponse:
    """The settled part (in the ledger) and the provisional part (tickets sold since)."""
    participant = _readable_participant(request, participant_id)
    result = queries.statement(participant, limit=200)
    return render(
        request,
        "web/investment/statement.html",
        {"participant": participant, "statement": result},
    )


@login_required
@require_GET
def statement_live(request: HttpRequest, participant_id: int) -> HttpResponse:
    """The provisional part alone, as HTML the statement page polls for (no reload)."""
    participant = _readable_participant(request, participant_id)
    result = queries.statement(participant, limit=0)
    response = render(
        request,
        "web/investment/_provisional.html",
        {"participant": participant, "statement": result},
    )
    response["Cache-Control"] = "no-store"
    return response
