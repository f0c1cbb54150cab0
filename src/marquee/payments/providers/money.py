"""Amounts as the Chinese gateways write them: yuan with two decimals ("88.00")."""

from __future__ import annotations

import re

_YUAN_RE = re.compile(r"^(0|[1-9][0-9]{0,11})(?:\.([0-9]{1,2}))?$")


def yuan(amount_minor: int) -> str:
    """8800 fen → ``"88.00"``."""
    return f"{amount_minor // 100}.{amount_minor % 100:02d}"


def parse_yuan(text: str) -> int:
    """``"88.00"`` → 8800 fen, exactly (no float on the way); ``ValueError`` otherwise."""
    match = _YUAN_RE.match(text or "")
    if match is None:
        raise ValueError(f"not an amount in yuan: {text[:20]!r}")
    fraction = (match.group(2) or "").ljust(2, "0")
    return int(match.group(1)) * 100 + int(fraction)
