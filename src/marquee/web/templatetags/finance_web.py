"""Figures on the finance console: millions, full amounts and changes, from integer minor units."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from django import template

register = template.Library()


def _major(minor: int, per_major: int = 100) -> Decimal:
    return Decimal(minor) / per_major


@register.filter
def mn(minor: int | None) -> str:
    """``152600000000`` → ``1,526.0`` (millions, one decimal); a loss keeps its minus sign."""
    if minor is None:
        return "—"
    value = (_major(minor) / 1_000_000).quantize(Decimal("0.1"), ROUND_HALF_EVEN)
    text = f"{abs(value):,.1f}"
    return f"−{text}" if value < 0 else text


@register.filter
def amount(minor: int | None) -> str:
    """``123456789`` → ``1,234,567.89``."""
    if minor is None:
        return "—"
    text = f"{abs(_major(minor)):,.2f}"
    return f"−{text}" if minor < 0 else text


@register.filter
def pct(value: Decimal | None) -> str:
    """``Decimal("29.3")`` → ``+29.3%``; ``None`` (no base to compare with) → ``—``."""
    if value is None:
        return "—"
    if value > 0:
        return f"+{value}%"
    return f"−{abs(value)}%" if value < 0 else "0.0%"


@register.filter
def trend(value: int | Decimal | None) -> str:
    """A CSS modifier: ``up``, ``down`` or ``flat``."""
    if not value:
        return "flat"
    return "up" if value > 0 else "down"
