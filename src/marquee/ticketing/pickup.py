"""Pickup codes (取票码): ten digits a person can read out, type at a door or at a kiosk.

The signed ticket code (``MQT1:…``, :mod:`marquee.ticketing.etickets`) is for
machines; the pickup code is its short, human companion. It proves nothing by
itself — it is a *look-up key*, valid only together with a venue (and a
showtime) and only in the hands of that venue's operators, so guessing one is
both hard (10¹⁰ codes per showtime) and rate-limited (see ``docs/tickets.md``).
"""

from __future__ import annotations

import secrets

#: Digits in a pickup code: 10¹⁰ codes per showtime.
LENGTH = 10

#: Separators people and printers put between digit groups (``1234 5678 90``, ``1234-5678-90``).
_SEPARATORS = str.maketrans("", "", " -\u00a0\u3000")


def new_pickup_code() -> str:
    """A fresh, uniformly random pickup code (a CSPRNG: codes must not be predictable)."""
    return f"{secrets.randbelow(10**LENGTH):0{LENGTH}d}"


def normalise(text: str) -> str | None:
    """``text`` as a pickup code, or ``None`` when it is not one.

    Spaces and hyphens between the digits are ignored; full-width digits (an
    IME's ``１２３``) count as digits. Anything else — a signed ticket code, a
    wrong number of digits — is not a pickup code.
    """
    if not isinstance(text, str) or len(text) > 3 * LENGTH:
        return None
    compact = text.translate(_SEPARATORS)
    if len(compact) != LENGTH or not all(ch.isdecimal() for ch in compact):
        return None
    return "".join(str(int(ch)) for ch in compact)


def grouped(code: str | None) -> str:
    """``1234567890`` → ``1234 5678 90``: how the ticket prints it, easy to read out."""
    if not code:
        return ""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))
