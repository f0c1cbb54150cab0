"""HTTP API of the ticketing domain (mounted by ``marquee.api`` at ``/api/v1/ticketing``).

Reads of showtimes, seat maps, rounds and interest counts are public (an
identified scheduler also sees its drafts); everything else needs ``AUTH``.
Calls that create or move money (``POST /orders``, ``POST /orders/{id}/pay``,
``/refund``, ``/exchange``) honour an ``Idempotency-Key`` header with Stripe's
semantics. Downloads (QR, PDF, iCalendar) are the order owner's (and admins').
Door check-in is for the venue's operators; settlements for its operators and
distribution staff. Each handler parses, calls one query or service, and
serialises (``schemas/``). One module per resource, mirroring ``services/``;
this package mounts them on one router.
"""

from __future__ import annotations

from ninja import Router

from marquee.ticketing.api import (
    checkin,
    downloads,
    exchanges,
    holds,
    orders,
    refunds,
    reviews,
    rounds,
    settlement,
    showtimes,
    waiting_room,
    waitlist,
)

router = Router(tags=["ticketing"])
for _resource in (
    showtimes,
    rounds,
    waiting_room,
    holds,
    orders,
    downloads,
    refunds,
    exchanges,
    checkin,
    settlement,
    waitlist,
    reviews,
):
    for _view in _resource.router.path_operations.values():
        for _operation in _view.operations:
            # The ids of the single-module API: clients generated from the spec keep their names.
            _operation.operation_id = (
                _operation.operation_id or f"marquee_ticketing_api_{_operation.view_func.__name__}"
            )
    router.add_router("", _resource.router)
