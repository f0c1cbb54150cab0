"""The film page's crowdfunding box: ``{% load crowdfunding_web %}{% film_offerings film %}``."""

from __future__ import annotations

from django import template
from django.utils import timezone

from marquee.crowdfunding import queries

register = template.Library()


@register.inclusion_tag("web/crowdfunding/_film_box.html")
def film_offerings(film) -> dict:
    """The offerings of the film's projects with their progress (nothing when there are none)."""
    now = timezone.now()
    rows = queries.offerings_for_title(film.pk)
    return {
        "entries": [
            {"offering": o, "phase": o.phase(now), "pct": min(o.progress_bp // 100, 100)}
            for o in rows
        ]
    }


@register.filter
def offering_phase(offering) -> str:
    """``upcoming``, ``open``, ``closing``, ``succeeded`` or ``failed`` now."""
    return offering.phase(timezone.now())


@register.filter
def offering_pct(offering) -> int:
    """Whole per cent of the target paid, at most 100 (for the progress bar)."""
    return min(offering.progress_bp // 100, 100)


@register.filter
def basis_points(value) -> str:
    """Basis points as a percentage in the active language (``750`` → ``7.5%``)."""
    from decimal import Decimal

    from babel.numbers import format_percent
    from django.utils.translation import get_language

    from marquee.core.money import babel_locale

    try:
        return format_percent(
            Decimal(int(value)) / Decimal(10_000),
            format="#,##0.##%",
            locale=babel_locale(get_language()),
        )
    except (TypeError, ValueError, ArithmeticError):
        return ""
