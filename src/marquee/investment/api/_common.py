"""What the investment endpoints share: the staff check and how rows become JSON."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from marquee.investment import queries
from marquee.investment.models import Participant, Project, Receipt, format_bp
from marquee.investment.permissions import require_manage
from marquee.investment.services.projects import legal_moves


def staff(request: HttpRequest) -> None:
    """Refuse (403) anyone but investment staff and admins."""
    require_manage(request.user)


def project_out(project: Project) -> dict[str, Any]:
    return {
        "slug": project.slug,
        "kind": project.kind,
        "name_en": project.name_en,
        "name_zh_hans": project.name_zh_hans,
        "name_zh_hant": project.name_zh_hant,
        "title": project.title.slug if project.title_id else None,
        "stage": project.stage,
        "next_stages": legal_moves(project.stage),
        "currency": project.currency,
        "stakes_bp": project.stakes_bp,
        "logline": project.logline,
    }


def participant_out(p: Participant) -> dict[str, Any]:
    return {
        "id": p.pk,
        "project": p.project.slug,
        "name": p.name,
        "kind": p.kind,
        "organisation": p.organisation.slug if p.organisation_id else None,
        "stake_bp": p.stake_bp,
        "stake_percent": format_bp(p.stake_bp),
    }


def receipt_out(r: Receipt) -> dict[str, Any]:
    return {
        "id": r.pk,
        "source": r.source,
        "received_on": r.received_on.isoformat(),
        "description": r.description,
        "currency": r.currency,
        "amount_minor": r.amount_minor,
        "original_currency": r.original_currency,
        "original_minor": r.original_minor,
        "version": r.version,
        "journal_entry_id": r.journal_entry_id,
        "payouts": [
            {"participant_id": p.participant_id, "tier": p.tier_key, "amount_minor": p.amount_minor}
            for p in r.payouts.all()
        ],
    }


def waterfall_out(project: Project) -> dict[str, Any]:
    waterfall = queries.waterfall_of(project)
    if waterfall is None:
        return {"project": project.slug, "version": 0, "tiers": [], "versions": []}
    summary = queries.waterfall_summary(waterfall)
    return {
        "project": project.slug,
        "currency": waterfall.currency,
        "version": waterfall.version,
        "tiers": queries.current_tiers(waterfall),
        "received_minor": summary["received_minor"],
        "receipts": summary["receipts"],
        "paid_by_tier": [
            {"tier": t.key, "label": t.label, "paid_minor": t.paid_minor} for t in summary["tiers"]
        ],
        "paid_by_participant": [
            {"participant_id": pid, "amount_minor": total}
            for pid, total in sorted(summary["by_participant"].items())
        ],
        "versions": [
            {
                "version": v.version,
                "note": v.note,
                "created_at": v.created_at.isoformat(),
                "tiers": len(v.tiers),
            }
            for v in queries.versions(waterfall)
        ],
    }
