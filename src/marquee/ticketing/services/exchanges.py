"""Exchanges: trade valid tickets for seats at another showtime of the same title, atomically.

Rules (``docs/ticketing.md``): the venue allows exchanges; it is still before
the old showtime's refund cutoff; the new showtime is another published,
not yet started showtime of the same title at the same venue, on sale to the
buyer (general sale, or a pre-sale round the buyer may buy in); the new seats
follow the hold rules (couple seats in pairs, at most the per-order maximum)
and are as many as the tickets given up. The new seats may cost the same or
less (the difference is refunded); if they cost more the exchange is refused
with ``exchange_costs_more``.

Tickets bought with a voucher keep it if it covers the new showtime: the
discount provider (``ticketing/discounts.py``) quotes what the new seats
carry, or refuses naming why, and claims the change inside the exchange's
transaction; the values compared and refunded are what the buyer pays
(price − discount + fee).

Atomicity: one transaction claims the new seats with the very conditional
UPDATE a hold uses (``free`` or expired ``held`` → ``sold``, the row count
must be the number of seats) and only then frees the old ones. If any new
seat was taken, everything rolls back: the old tickets stay valid and their
seats stay sold.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone

from marquee.accounts.models import User
from marquee.core.errors import Conflict, DomainError
from marquee.core.money import Money
from marquee.ticketing import events
from marquee.ticketing.discounts import Discount, check_discount, discount_provider
from marquee.ticketing.errors import TicketingErrorCode
from marquee.ticketing.models import (
    Hold,
    HoldSeat,
    Order,
    OrderLine,
    OrderRefund,
    SeatInventory,
    Showtime,
    Ticket,
    TicketExchange,
)
from marquee.ticketing.services import holds, rounds, waiting_room
from marquee.ticketing.services._common import (
    SeatsTaken,
    clean_idempotency_key,
    lock_inventory,
)
from marquee.ticketing.services.closing import (
    OPEN_ORDER_STATUSES,
    give_money_back,
    give_up_tickets,
)
from marquee.ticketing.services.fulfilment import issue_tickets
from marquee.ticketing.services.order_states import reconcile_order_status
from marquee.ticketing.services.orders import price_lines
from marquee.ticketing.services.refunds import (
    refund_cutoff,
    require_owner,
    select_tickets,
    ticket_value,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExchangeResult:
    """The old order after the exchange, the new order and tickets, and what was refunded."""

    order: Order
    new_order: Order
    old_tickets: list[Ticket]
    new_tickets: list[Ticket]
    exchange: TicketExchange
    refunded_minor: int
    currency: str
    replayed: bool = False

    @property
    def refunded(self) -> Money:
        """The price difference given back (zero when the new seats cost the same)."""
        return Money(self.refunded_minor, self.currency)


def _replay(order: Order, key: str, fingerprint: tuple) -> ExchangeResult | None:
    exchange = (
        TicketExchange.objects.select_related("new_order")
        .filter(order=order, idempotency_key=key)
        .first()
    )
    if exchange is None:
        return None
    new_tickets = list(
        Ticket.objects.filter(order=exchange.new_order)
        .select_related("seat", "line", "showtime")
        .order_by("seat__row", "seat__column")
    )
    old_tickets = list(
        Ticket.objects.filter(replaced_by__in=new_tickets)
        .select_related("seat", "line")
        .order_by("seat__row", "seat__column")
    )
    done = (
        tuple(sorted(t.pk for t in old_tickets)),
        exchange.new_order.showtime_id,
        tuple(sorted(t.seat.code for t in new_tickets)),
    )
    if done != fingerprint:
        raise DomainError(
            TicketingErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This idempotency key was used for a different exchange.",
            status=422,
        )
    return ExchangeResult(
        order=Order.objects.get(pk=order.pk),
        new_order=exchange.new_order,
        old_tickets=old_tickets,
        new_tickets=new_tickets,
        exchange=exchange,
        refunded_minor=(exchange.old_value - exchange.new_value).minor,
        currency=exchange.currency,
        replayed=True,
    )


def _check_exchange(
    order: Order, tickets: list[Ticket], new_showtime: Showtime, now: datetime
) -> None:
    old = order.showtime
    venue = old.venue
    if order.status not in OPEN_ORDER_STATUSES or old.status != Showtime.Status.PUBLISHED:
        raise Conflict(
            TicketingErrorCode.ORDER_NOT_EXCHANGEABLE,
            f"This order is {order.status}; only paid orders can be exchanged.",
            status_now=order.status,
        )
    not_valid = [t for t in tickets if t.status != Ticket.Status.VALID]
    if not_valid:
        raise Conflict(
            TicketingErrorCode.TICKET_NOT_EXCHANGEABLE,
            "Only valid tickets can be exchanged; used, refunded or exchanged ones cannot.",
            tickets=[{"id": t.pk, "status": t.status} for t in not_valid],
        )
    if not venue.exchange_allowed:
        raise Conflict(
            TicketingErrorCode.EXCHANGE_NOT_ALLOWED,
            f"{venue.name_en} does not exchange tickets; you may refund them instead.",
        )
    cutoff = refund_cutoff(old)
    if now >= cutoff:
        raise Conflict(
            TicketingErrorCode.EXCHANGE_WINDOW_CLOSED,
            f"Exchanges closed {venue.refund_cutoff_minutes} minutes before the start.",
            cutoff_at=cutoff.isoformat(),
        )
    if new_showtime.pk == old.pk:
        raise DomainError(
            TicketingErrorCode.EXCHANGE_SAME_SHOWTIME,
            "Choose another showtime: these tickets are for this one already.",
        )
    if new_showtime.title_id != old.title_id:
        raise DomainError(
            TicketingErrorCode.EXCHANGE_OTHER_TITLE,
            "Tickets are exchanged for another showtime of the same film only.",
        )
    if new_showtime.venue_id != old.venue_id:
        raise DomainError(
            TicketingErrorCode.EXCHANGE_OTHER_VENUE,
            "Tickets are exchanged for another showtime at the same cinema only.",
        )


def _voucher_exchange(
    order: Order, tickets: list[Ticket], new_lines: list[OrderLine], showtime: Showtime, now
) -> Callable[[bool], Discount] | None:
    """For an order bought with a voucher: ask the discount provider about the new seats."""
    if not order.discount_code:
        return None
    old = [t.line for t in tickets]
    prices = [line.price_minor for line in new_lines]
    exchange = partial(discount_provider().exchange, order=order, old_lines=old, showtime=showtime)

    quoted: list[Discount] = []

    def ask(claim: bool) -> Discount:
        discount = exchange(new_prices=prices, now=now, claim=claim)
        check_discount(discount, line_prices=prices)
        if quoted and discount.per_line_minor != quoted[0].per_line_minor:
            # The values were checked against the quote: a claim that differs refunds wrong.
            raise Conflict(
                TicketingErrorCode.TICKETS_CHANGED, "The voucher changed meanwhile; try again."
            )
        quoted.append(discount)
        return discount

    return ask


def _discount_lines(lines: list[OrderLine], discount: Discount) -> Discount:
    for line, off in zip(lines, discount.per_line_minor, strict=True):
        line.discount_minor = off
    return discount


def exchange_tickets(
    *,
    order: Order,
    ticket_ids: list[int],
    new_showtime: Showtime,
    seat_codes: list[str],
    actor: User,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> ExchangeResult:
    """Exchange valid tickets of a paid ``order`` for ``seat_codes`` at ``new_showtime``.

    See the module docstring for the rules. One transaction: the new seats are
    claimed (``sold`` by a new, completed hold) before the old ones are freed;
    the old tickets become ``exchanged`` (each ``replaced_by`` its new
    ticket); a new paid order on the same payment carries newly signed
    tickets; a cheaper exchange refunds the difference (an
    :class:`~marquee.ticketing.models.OrderRefund` of reason
    ``exchange_difference``); the old order's status follows its tickets;
    the round allowance moves if the rounds differ; one
    ``ticketing.ticket_exchanged`` per old ticket is published.

    Raises :class:`NotFound` ``order_not_found``; :class:`DomainError`
    ``unknown_tickets``, ``nothing_to_refund`` (no tickets), ``exchange_same_showtime``,
    ``exchange_other_title``, ``exchange_other_venue``, ``exchange_seat_count``,
    ``exchange_costs_more`` (detail ``old_value_minor``, ``new_value_minor``) and
    the hold rules' errors (``unknown_seats``, ``couple_seat_alone``…);
    :class:`Conflict` ``order_not_exchangeable``, ``ticket_not_exchangeable``,
    ``exchange_not_allowed``, ``exchange_window_closed``, ``showtime_not_on_sale``,
    ``showtime_started``, ``in_waiting_room`` (429, a new showtime with a waiting
    room whose line the buyer has not reached the front of), ``seats_unavailable`` (naming the seats; nothing
    changed), ``tickets_changed``, ``round_limit_exceeded``; for tickets bought with a
    voucher, the provider's refusals (marketing: ``exchange_voucher_not_valid`` naming
    the broken rules, ``campaign_over_budget``); the sale-terms
    errors of the new showtime (``sales_not_open``, ``not_eligible``); and
    ``idempotency_key_reused`` (422) for a key used for another exchange.
    """
    require_owner(order, actor)
    now = now or timezone.now()
    key = clean_idempotency_key(idempotency_key)
    order = Order.objects.select_related(
        "user", "showtime", "showtime__venue", "showtime__title"
    ).get(pk=order.pk)
    new_showtime = Showtime.objects.select_related("venue", "venue__city", "title", "hall").get(
        pk=new_showtime.pk
    )
    if not ticket_ids:
        raise DomainError(TicketingErrorCode.NOTHING_TO_REFUND, "Choose the tickets to exchange.")
    codes = [c.strip() if isinstance(c, str) else c for c in seat_codes]
    tickets = select_tickets(order, list(ticket_ids))
    fingerprint = (
        tuple(sorted(t.pk for t in tickets)),
        new_showtime.pk,
        tuple(sorted(str(c) for c in codes)),
    )
    if key:
        replayed = _replay(order, key, fingerprint)
        if replayed is not None:
            return replayed
    _check_exchange(order, tickets, new_showtime, now)
    holds.check_on_sale(new_showtime, now)
    # A showtime in a rush lets its waiting room decide who chooses seats, exchanges too.
    waiting_room.require_admission(showtime=new_showtime, user=order.user, now=now)
    seats = holds.resolve_seats(showtime=new_showtime, seat_codes=codes)
    if len(seats) != len(tickets):
        raise DomainError(
            TicketingErrorCode.EXCHANGE_SEAT_COUNT,
            f"Choose {len(tickets)} seats for {len(tickets)} tickets; you chose {len(seats)}.",
            tickets=len(tickets),
            seats=len(seats),
        )
    terms = rounds.sale_terms(showtime=new_showtime, user=order.user, invitation_code=None, now=now)
    new_lines = price_lines(showtime=new_showtime, presale=terms.round, seats=seats)
    voucher = _voucher_exchange(order, tickets, new_lines, new_showtime, now)
    if voucher is not None:
        _discount_lines(new_lines, voucher(False))
    old_value = sum(ticket_value(t) for t in tickets)
    new_value = sum(line.price_minor - line.discount_minor + line.fee_minor for line in new_lines)
    if new_value > old_value:
        raise DomainError(
            TicketingErrorCode.EXCHANGE_COSTS_MORE,
            "These seats cost more than the tickets you give up; exchanges never charge "
            "more. Choose other seats or another showtime, or refund and buy anew.",
            old_value_minor=old_value,
            new_value_minor=new_value,
            difference_minor=new_value - old_value,
            currency=order.currency,
        )
    difference = old_value - new_value
    new_ids = sorted(s.pk for s in seats)
    old_ids = sorted(t.pk for t in tickets)
    try:
        with transaction.atomic():
            new_rows = SeatInventory.objects.filter(showtime=new_showtime, seat_id__in=new_ids)
            old_rows = SeatInventory.objects.filter(
                showtime_id=order.showtime_id, seat_id__in=[t.seat_id for t in tickets]
            )
            # One lock call for both showtimes' rows: primary-key order across all of them.
            lock_inventory(new_rows | old_rows)
            if key:
                replayed = _replay(order, key, fingerprint)
                if replayed is not None:
                    return replayed
            hold = Hold.objects.create(
                showtime=new_showtime,
                user=order.user,
                round=terms.round,
                seat_count=len(new_ids),
                status=Hold.Status.COMPLETED,
                expires_at=now,
                ended_at=now,
            )
            HoldSeat.objects.bulk_create([HoldSeat(hold=hold, seat_id=pk) for pk in new_ids])
            # The claim a hold makes, straight to sold; the row count decides.
            claimed = new_rows.filter(holds.claimable(now)).update(
                state=SeatInventory.State.SOLD, hold=hold, hold_expires_at=None
            )
            if claimed != len(new_ids):
                raise SeatsTaken
            waiting_room.leave(showtime=new_showtime, user=order.user)  # seats in hand: next
            # Only now, with the new seats sold, do the old ones go back on sale.
            locked = give_up_tickets(
                order=order,
                ticket_ids=old_ids,
                seats=old_rows,
                status=Ticket.Status.EXCHANGED,
                verb="exchanged",
                not_open=TicketingErrorCode.ORDER_NOT_EXCHANGEABLE,
                now=now,
            )
            new_round_id = terms.round.pk if terms.round is not None else None
            if new_round_id != locked.round_id:
                if terms.round is not None:
                    rounds.reserve_allowance(
                        presale=terms.round, user=order.user, seats=len(new_ids), now=now
                    )
                if locked.round_id is not None:
                    rounds.give_back_allowance(
                        round_id=locked.round_id, user_id=locked.user_id, seats=len(old_ids)
                    )
            discount = _discount_lines(new_lines, voucher(True)) if voucher else None
            subtotal = sum(line.price_minor for line in new_lines)
            fees = sum(line.fee_minor for line in new_lines)
            off = discount.total_minor if discount else 0
            new_order = Order.objects.create(
                user=order.user,
                showtime=new_showtime,
                hold=hold,
                round=terms.round,
                status=Order.Status.PAID,
                currency=new_showtime.currency,
                subtotal_minor=subtotal,
                fees_minor=fees,
                discount_minor=off,
                discount_code=discount.code if discount else "",
                discount_payer=discount.payer if discount else "",
                total_minor=subtotal + fees - off,
                payment_id=locked.payment_id,
                paid_at=now,
            )
            for line in new_lines:
                line.order = new_order
            OrderLine.objects.bulk_create(new_lines)
            new_tickets = sorted(
                issue_tickets(new_order, now), key=lambda t: (t.seat.row, t.seat.column)
            )
            for old, new in zip(tickets, new_tickets, strict=True):
                old.replaced_by = new
                old.status = Ticket.Status.EXCHANGED
            Ticket.objects.bulk_update(tickets, ["replaced_by"])
            record = None
            if difference:
                record, _ = give_money_back(
                    order=locked,
                    reason=OrderRefund.Reason.EXCHANGE_DIFFERENCE,
                    amount_minor=difference,
                    fee_minor=0,
                    ticket_ids=old_ids,
                    actor=actor,
                    now=now,
                )
            exchange = TicketExchange.objects.create(
                order=locked,
                new_order=new_order,
                currency=locked.currency,
                old_value_minor=old_value,
                new_value_minor=new_value,
                refund=record,
                idempotency_key=key,
                actor=actor,
                created_at=now,
            )
            reconcile_order_status(order=locked, refunded_delta=difference, now=now)
            for old, new in zip(tickets, new_tickets, strict=True):
                events.publish(
                    events.TICKET_EXCHANGED,
                    aggregate="ticket",
                    aggregate_id=old.pk,
                    payload={
                        "ticket_id": old.pk,
                        "order_id": locked.pk,
                        "user_id": locked.user_id,
                        "venue_id": new_showtime.venue_id,
                        "title_id": new_showtime.title_id,
                        "old_showtime_id": order.showtime_id,
                        "old_seat": old.seat.code,
                        "old_price_minor": old.line.price_minor,
                        "old_fee_minor": old.line.fee_minor,
                        "new_ticket_id": new.pk,
                        "new_order_id": new_order.pk,
                        "new_showtime_id": new_showtime.pk,
                        "new_seat": new.seat.code,
                        "new_price_minor": new.line.price_minor,
                        "new_fee_minor": new.line.fee_minor,
                        "old_discount_minor": old.line.discount_minor,
                        "new_discount_minor": new.line.discount_minor,
                        "currency": locked.currency,
                        "exchange_id": exchange.pk,
                        "difference_refunded_minor": difference,
                    },
                )
    except SeatsTaken:
        holds.raise_unavailable(new_showtime, seats, now)
    return ExchangeResult(
        order=locked,
        new_order=new_order,
        old_tickets=tickets,
        new_tickets=new_tickets,
        exchange=exchange,
        refunded_minor=difference,
        currency=locked.currency,
    )
