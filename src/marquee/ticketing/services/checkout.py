"""Checkout in one step: hold the chosen seats and open the order for them.

The seat page calls this; the API keeps the two steps apart (``POST …/holds``
then ``POST /orders``) so that a client can show the hold before ordering.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import datetime

from marquee.accounts.models import User
from marquee.core.errors import DomainError
from marquee.ticketing.models import Order, Showtime
from marquee.ticketing.services import holds, orders


def start_checkout(
    *,
    showtime: Showtime,
    seat_codes: Sequence[str],
    user: User,
    invitation_code: str | None = None,
    voucher_code: str | None = None,
    now: datetime | None = None,
) -> Order:
    """Hold ``seat_codes`` of ``showtime`` for ``user`` and open the pending order for them.

    All or nothing for the buyer: when the seats cannot be held, nothing is
    held and the hold's error is raised as it is (see
    :func:`~marquee.ticketing.services.holds.place_hold`); when they were held
    but the order cannot be opened, the hold is released before the order's
    error is raised, so the seats never stay blocked by a checkout that failed.
    A voucher the discount provider refuses is such an order error.
    That error is re-raised unchanged; :func:`checkout_failed_after_hold` tells
    the two cases apart.

    Two transactions, not one: the hold commits on its own (with its place in a
    waiting room and its round allowance), exactly as a client of the API that
    holds and then orders; the release is the hold's own undo.
    """
    hold = holds.place_hold(
        showtime=showtime,
        seat_codes=seat_codes,
        user=user,
        invitation_code=invitation_code,
        now=now,
    ).hold
    try:
        return orders.place_order(hold=hold, user=user, voucher_code=voucher_code, now=now).order
    except DomainError as exc:
        with contextlib.suppress(DomainError):
            holds.release_hold(hold=hold, user=user)
        exc.after_hold = True  # type: ignore[attr-defined]
        raise


def checkout_failed_after_hold(exc: DomainError) -> bool:
    """Whether :func:`start_checkout` raised ``exc`` after the seats had been held."""
    return bool(getattr(exc, "after_hold", False))
