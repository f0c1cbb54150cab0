"""Orders: created from a hold, paid through the payments domain, cancelled by the buyer.

The states an order moves through, and the moves, are ``order_states.py``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from marquee.accounts.models import User
from marquee.core.errors import Conflict, DomainError, NotFound
from marquee.core.prepared import Prepared
from marquee.ticketing import seatmap
from marquee.ticketing.errors import TicketingErrorCode
from marquee.ticketing.models import Hold, Order, OrderLine, PresaleRound, Showtime, ShowtimePrice
from marquee.ticketing.services import holds
from marquee.venues.models import Seat

logger = logging.getLogger(__name__)

#: The payments purpose under which orders are paid.
PAYMENT_PURPOSE = "ticket_order"


def price_lines(
    *, showtime: Showtime, presale: PresaleRound | None, seats: list[Seat]
) -> list[OrderLine]:
    """Unsaved order lines for ``seats`` at ``showtime``'s prices (or ``presale``'s override)."""
    if showtime.published_at is not None and showtime.status != Showtime.Status.DRAFT:
        # A published (or cancelled) showtime's prices can no longer change: cached.
        prices = seatmap.frozen_prices(showtime.pk, showtime.published_at)
    else:
        prices = dict(
            ShowtimePrice.objects.filter(showtime=showtime)
            .order_by()
            .values_list("seat_type", "price_minor")
        )
    lines = []
    for seat in seats:
        price = None
        if presale is not None:
            price = presale.override_for(seat.kind, showtime.currency)
        if price is None:
            price = prices.get(seat.kind)
        if price is None:
            raise DomainError(
                TicketingErrorCode.PRICE_MISSING,
                f"Seat {seat.code} ({seat.kind}) has no price at this showtime.",
                seat=seat.code,
            )
        lines.append(
            OrderLine(
                seat=seat,
                seat_type=seat.kind,
                price_minor=price,
                fee_minor=showtime.service_fee_minor,
            )
        )
    return lines


@dataclass(frozen=True)
class PlacedOrder:
    """A new order with its lines (seats attached, in seat order).

    ``order.hold`` is the hold as locked and read by the transaction,
    ``order.showtime`` comes with its title, venue and hall: a response needs no
    further read.
    """

    order: Order
    lines: list[OrderLine]


def place_order(
    *,
    hold: Hold | int,
    user: User,
    voucher_code: str | None = None,
    now: datetime | None = None,
) -> PlacedOrder:
    """Turn ``user``'s live hold (a :class:`Hold` or its id) into a pending order.

    One priced line per seat.

    Total = seat prices (the round's override where it applies) + the service
    fee per ticket, in the venue's currency. One order per hold. Raises
    :class:`NotFound` ``hold_not_found`` and :class:`Conflict`
    ``hold_already_ordered`` (with ``order_id``), ``hold_not_active``, ``hold_expired``,
    and ``pending_order_exists`` (with ``order_id``) while another order of the
    account for the showtime waits for payment (one order to pay at a time).
    ``now`` as for :func:`~marquee.ticketing.services.holds.place_hold`.

    ``voucher_code``: a discount code for the registered discount provider
    (``ticketing/discounts.py``), applied in the same transaction; the
    provider's error rolls the order back (the hold stays as it was).
    """
    now = now or timezone.now()
    hold_id = hold if isinstance(hold, int) else hold.pk
    with transaction.atomic():
        current = _HOLD_TO_ORDER.first(pk=hold_id, user_id=user.pk)
        if current is None:
            raise NotFound(TicketingErrorCode.HOLD_NOT_FOUND, f"No hold {hold_id} of yours.")
        existing = (
            Order.objects.filter(hold=current).order_by().values_list("pk", flat=True).first()
        )
        if existing is not None:
            raise Conflict(
                TicketingErrorCode.HOLD_ALREADY_ORDERED,
                f"This hold already has order {existing}.",
                order_id=existing,
            )
        if current.status != Hold.Status.ACTIVE:
            raise Conflict(
                TicketingErrorCode.HOLD_NOT_ACTIVE,
                f"This hold is {current.status}.",
                status_now=current.status,
            )
        if current.expires_at <= now:
            raise Conflict(
                TicketingErrorCode.HOLD_EXPIRED,
                "This hold has expired and its seats are free again; hold them anew.",
            )
        holds.require_no_other_pending_order(
            showtime=current.showtime, user=user, hold=current, now=now
        )
        seats = list(current.seats.order_by("row", "column"))
        lines = price_lines(showtime=current.showtime, presale=current.round, seats=seats)
        subtotal = sum(line.price_minor for line in lines)
        fees = sum(line.fee_minor for line in lines)
        order = Order.objects.create(
            user=user,
            showtime=current.showtime,
            hold=current,
            round=current.round,
            currency=current.showtime.currency,
            subtotal_minor=subtotal,
            fees_minor=fees,
            total_minor=subtotal + fees,
        )
        for line in lines:
            line.order = order
        OrderLine.objects.bulk_create(lines)
        if voucher_code:
            _apply_discount(order=order, lines=lines, code=voucher_code, now=now)
    return PlacedOrder(order=order, lines=lines)


def _apply_discount(*, order: Order, lines: list[OrderLine], code: str, now: datetime) -> None:
    """Ask the discount provider for ``code`` and write its discount on the lines and order."""
    from marquee.ticketing import discounts

    discount = discounts.discount_provider().apply(code=code, order=order, lines=lines, now=now)
    discounts.check_discount(discount, line_prices=[line.price_minor for line in lines])
    for line, off in zip(lines, discount.per_line_minor, strict=True):
        line.discount_minor = off
    OrderLine.objects.bulk_update(lines, ["discount_minor"])
    order.discount_minor = discount.total_minor
    order.discount_code = discount.code
    order.discount_payer = discount.payer
    order.total_minor = order.subtotal_minor + order.fees_minor - order.discount_minor
    order.save(update_fields=["discount_minor", "discount_code", "discount_payer", "total_minor"])


#: The hold an order is placed from, locked, with what the order and its response
#: need (compiled once: core.prepared).
_HOLD_TO_ORDER = Prepared(
    lambda pk, user_id: (
        Hold.objects.select_for_update(no_key=True, of=("self",))
        .filter(pk=pk, user_id=user_id)
        .select_related("showtime__title", "showtime__venue", "showtime__hall", "round")
        .order_by()[:1]
    ),
    pk=int,
    user_id=int,
)
_OWN_ORDER = Prepared(
    lambda pk, user_id: (
        Order.objects.select_related("hold", "showtime", "showtime__title", "showtime__venue")
        .filter(pk=pk, user_id=user_id)
        .order_by()[:1]
    ),
    pk=int,
    user_id=int,
)


def _own_order(order: Order | int, user: User) -> Order:
    order_id = order if isinstance(order, int) else order.pk
    current = _OWN_ORDER.first(pk=order_id, user_id=user.pk)
    if current is None:
        raise NotFound(TicketingErrorCode.ORDER_NOT_FOUND, f"No order {order_id} of yours.")
    return current


def _require_pending(order: Order, now: datetime) -> None:
    status = order.current_status(now)
    if status == Order.Status.EXPIRED:
        raise Conflict(
            TicketingErrorCode.ORDER_EXPIRED,
            "This order's hold has expired; its seats are free again. Hold them anew.",
        )
    if status != Order.Status.PENDING:
        raise Conflict(
            TicketingErrorCode.ORDER_NOT_PENDING,
            f"This order is {status}; only a pending order can be paid or cancelled.",
            status_now=status,
        )


@dataclass(frozen=True)
class PaymentStart:
    """Where to send the buyer: the payment page, or nowhere when nothing was due."""

    order: Order
    payment_id: UUID | None
    redirect_url: str


def pay_order(*, order: Order | int, user: User, return_url: str = "") -> PaymentStart:
    """Start paying ``user``'s pending order (an :class:`Order` or its id) through payments.

    Opens a payment for the order total (purpose ``ticket_order``, reference
    the order id) and returns its id and the provider page to redirect to; the
    tickets are issued when the payment succeeds
    (:func:`marquee.ticketing.services.fulfilment.fulfil_paid_order`). Each
    call opens a new payment (use an idempotency key against retries); should
    two succeed, the second is refunded automatically. An order of total 0 is
    completed at once. Raises :class:`NotFound` ``order_not_found``,
    :class:`Conflict` ``order_expired`` / ``order_not_pending``, and the
    payments domain's errors (``invalid_return_url``…).
    """
    from marquee.payments.services import start_payment
    from marquee.ticketing.services.fulfilment import complete_order

    now = timezone.now()
    current = _own_order(order, user)
    _require_pending(current, now)
    if current.total_minor == 0:
        with transaction.atomic():
            if not complete_order(order=current, payment_id=None, now=now):
                raise Conflict(
                    TicketingErrorCode.ORDER_EXPIRED,
                    "This order's hold has lapsed; its seats are free again. Hold them anew.",
                )
        current.refresh_from_db()
        return PaymentStart(order=current, payment_id=None, redirect_url="")
    showtime = current.showtime
    local = showtime.local_starts_at
    payment = start_payment(
        purpose=PAYMENT_PURPOSE,
        reference=str(current.pk),
        amount_minor=current.total_minor,
        currency=current.currency,
        payer=user,
        return_url=return_url,
        description=(
            f"{showtime.title.title_en} · {showtime.venue.name_en} · {local:%Y-%m-%d %H:%M} · "
            f"{current.hold.seat_count} tickets"
        ),
    )
    return PaymentStart(order=current, payment_id=payment.pk, redirect_url=payment.redirect_url)


def cancel_order(*, order: Order, user: User) -> Order:
    """Cancel ``user``'s pending order and release its hold (seats back on sale).

    Raises :class:`NotFound` ``order_not_found`` and :class:`Conflict`
    ``order_expired`` / ``order_not_pending`` / ``hold_not_active``.
    """
    from marquee.ticketing.services.holds import release_hold

    current = _own_order(order, user)
    _require_pending(current, timezone.now())
    release_hold(hold=current.hold, user=user)
    current.refresh_from_db()
    return current
