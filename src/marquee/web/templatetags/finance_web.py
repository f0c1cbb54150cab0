"""Figures on the finance console: millions, full amounts and changes, from integer minor units."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from django import template

register = template.Library()


def _signed(minor: int | None, scale: int, places: int) -> str:
    """``minor`` (cents) divided by ``scale`` with ``places`` decimals, grouped; losses keep "−"."""
    if minor is None:
        return "—"
    value = (Decimal(minor) / scale).quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN)
    text = f"{abs(value):,.{places}f}"
    return f"−{text}" if value < 0 else text


@register.filter
def mn(minor: int | None) -> str:
    """``152600000000`` → ``1,526.0`` (millions, one decimal); a loss keeps its minus sign."""
    return _signed(minor, 100_000_000, 1)


@register.filter
def amount(minor: int | None) -> str:
    """``123456789`` → ``1,234,567.89``."""
    return _signed(minor, 100, 2)


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
