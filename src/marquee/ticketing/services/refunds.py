"""Refunds: the venue's rule, the quote that explains it, the refund, and cancellation refunds.

The rule (``docs/ticketing.md``): a valid ticket of a paid order may be
refunded while ``now`` is before ``showtime start − venue.refund_cutoff_minutes``.
The buyer gets back what the ticket cost (seat price + platform service fee)
minus the venue's ``refund_fee_minor`` per ticket, never below zero; the fee
is kept (by the venue). A used ticket is not refundable. A cancelled
showtime refunds every ticket in full, with no fee.

A refund is one transaction, in the lock order of ``services/_common.py``:
inventory rows (``lock_inventory``) → tickets (``valid → refunded``, one
conditional UPDATE whose row count must be the number asked) → the seats
``sold → free`` (back on sale) → the order row → the round allowance → the
payment (``payments.services.refund_payment``). Any shortfall rolls it all
back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from marquee.accounts.models import User
from marquee.accounts.permissions import is_admin
from marquee.core.errors import Conflict, DomainError, NotFound
from marquee.core.money import Money, format_money
from marquee.ticketing import events
from marquee.ticketing.errors import TicketingErrorCode
from marquee.ticketing.models import Order, OrderRefund, SeatInventory, Showtime, Ticket
from marquee.ticketing.services._common import (
    clean_idempotency_key,
    lock_inventory,
)
from marquee.ticketing.services.closing import (
    OPEN_ORDER_STATUSES,
    give_money_back,
    give_up_tickets,
    return_money,
)
from marquee.ticketing.services.order_states import reconcile_order_status
from marquee.ticketing.services.rounds import give_back_allowance

logger = logging.getLogger(__name__)

# --- the rule ---------------------------------------------------------------------


def refund_cutoff(showtime: Showtime) -> datetime:
    """The instant refunds and exchanges stop: the start minus the venue's cutoff."""
    return showtime.starts_at - timedelta(minutes=showtime.venue.refund_cutoff_minutes)


def ticket_value(ticket: Ticket) -> int:
    """What the buyer paid for the ticket: seat price − voucher discount + service fee (minor)."""
    return ticket.line.price_minor - ticket.line.discount_minor + ticket.line.fee_minor


def refund_split(ticket: Ticket, venue_fee_minor: int) -> tuple[int, int]:
    """``(back to the buyer, kept as the venue's fee)`` for one ticket; never below zero."""
    value = ticket_value(ticket)
    kept = min(value, venue_fee_minor)
    return value - kept, kept


def require_owner(order: Order, actor: User) -> None:
    """The buyer (or an admin acting for them) may refund or exchange; others get 404."""
    if actor is None or not actor.is_authenticated:
        raise NotFound(TicketingErrorCode.ORDER_NOT_FOUND, f"No order {order.pk} of yours.")
    if order.user_id != actor.pk and not is_admin(actor):
        raise NotFound(TicketingErrorCode.ORDER_NOT_FOUND, f"No order {order.pk} of yours.")


def select_tickets(order: Order, ticket_ids: list[int] | None) -> list[Ticket]:
    """The order's tickets named by ``ticket_ids`` (all of them for ``None``), in seat order.

    Raises :class:`DomainError` ``unknown_tickets`` (ids not of this order) and
    ``nothing_to_refund`` (an empty list).
    """
    qs = Ticket.objects.filter(order=order).select_related("seat", "line", "showtime")
    if ticket_ids is None:
        return list(qs.order_by("seat__row", "seat__column", "pk"))
    try:
        wanted = sorted({int(t) for t in ticket_ids})
    except (TypeError, ValueError):
        raise DomainError(
            TicketingErrorCode.UNKNOWN_TICKETS, "Tickets are named by their numeric ids."
        ) from None
    if any(not 1 <= t < 2**63 for t in wanted):
        raise DomainError(
            TicketingErrorCode.UNKNOWN_TICKETS,
            "These tickets are not in this order.",
            tickets=[t for t in wanted if not 1 <= t < 2**63],
        )
    if not wanted:
        raise DomainError(TicketingErrorCode.NOTHING_TO_REFUND, "Choose at least one ticket.")
    tickets = list(qs.filter(pk__in=wanted).order_by("seat__row", "seat__column", "pk"))
    unknown = sorted(set(wanted) - {t.pk for t in tickets})
    if unknown:
        raise DomainError(
            TicketingErrorCode.UNKNOWN_TICKETS,
            "These tickets are not in this order: " + ", ".join(map(str, unknown)) + ".",
            tickets=unknown,
        )
    return tickets


# --- the quote --------------------------------------------------------------------


@dataclass(frozen=True)
class RefundLine:
    ticket_id: int
    seat_code: str
    seat_label: str
    status: str
    refundable: bool
    #: Why not, as an error code ("" when refundable).
    reason: str
    price_minor: int
    service_fee_minor: int
    venue_fee_minor: int
    refund_minor: int


@dataclass(frozen=True)
class RefundQuote:
    """What refunding would give back, and the rule, before the buyer confirms."""

    order_id: int
    order_status: str
    currency: str
    time_zone: str
    cutoff_at: datetime
    cutoff_minutes: int
    venue_fee_per_ticket_minor: int
    window_open: bool
    lines: list[RefundLine]
    #: Why nothing (or not everything asked) can be refunded, as an error code ("" if all can).
    reason: str
    message: str
    rule: str

    @property
    def refundable(self) -> bool:
        return any(line.refundable for line in self.lines) and not self.reason

    @property
    def local_cutoff_at(self) -> datetime:
        return self.cutoff_at.astimezone(ZoneInfo(self.time_zone))

    @property
    def refund_minor(self) -> int:
        return sum(line.refund_minor for line in self.lines if line.refundable)

    @property
    def fee_minor(self) -> int:
        return sum(line.venue_fee_minor for line in self.lines if line.refundable)

    @property
    def refund(self) -> Money:
        """What the refundable lines give back, in the order's currency (``fee``: kept)."""
        return Money(self.refund_minor, self.currency)

    @property
    def fee(self) -> Money:
        return Money(self.fee_minor, self.currency)


def _rule_text(showtime: Showtime) -> str:
    venue = showtime.venue
    fee = format_money(venue.refund_fee)
    return _(
        "Tickets can be refunded until %(minutes)s minutes before the showtime starts. "
        "You get back the seat price and the service fee, minus a fee of %(fee)s per ticket "
        "kept by the cinema. Used tickets cannot be refunded."
    ) % {"minutes": venue.refund_cutoff_minutes, "fee": fee}


def _assess(
    order: Order, tickets: list[Ticket], *, now: datetime, explicit: bool
) -> tuple[list[RefundLine], str, str]:
    """Lines for ``tickets`` and the blocking reason (code, message) if any."""
    showtime = order.showtime
    venue_fee = showtime.venue.refund_fee_minor
    window_open = now < refund_cutoff(showtime)
    order_open = order.status in OPEN_ORDER_STATUSES and (
        showtime.status == Showtime.Status.PUBLISHED
    )
    lines = []
    for ticket in tickets:
        back, kept = refund_split(ticket, venue_fee)
        if ticket.status != Ticket.Status.VALID:
            why = TicketingErrorCode.TICKET_NOT_REFUNDABLE
        elif not order_open:
            why = TicketingErrorCode.ORDER_NOT_REFUNDABLE
        elif not window_open:
            why = TicketingErrorCode.REFUND_WINDOW_CLOSED
        else:
            why = ""
        lines.append(
            RefundLine(
                ticket_id=ticket.pk,
                seat_code=ticket.seat.code,
                seat_label=ticket.seat.label,
                status=ticket.status,
                refundable=not why,
                reason=str(why),
                price_minor=ticket.line.price_minor,
                service_fee_minor=ticket.line.fee_minor,
                venue_fee_minor=kept,
                refund_minor=back,
            )
        )
    if not order_open:
        return (
            lines,
            TicketingErrorCode.ORDER_NOT_REFUNDABLE,
            _("This order is %(status)s; only paid orders can be refunded.")
            % {"status": order.status},
        )
    if not window_open:
        local = refund_cutoff(showtime).astimezone(ZoneInfo(showtime.venue.time_zone))
        return (
            lines,
            TicketingErrorCode.REFUND_WINDOW_CLOSED,
            _("Refunds closed at %(when)s, %(minutes)s minutes before the start.")
            % {"when": f"{local:%Y-%m-%d %H:%M}", "minutes": showtime.venue.refund_cutoff_minutes},
        )
    blocked = [line for line in lines if not line.refundable]
    if not lines or (blocked and (explicit or len(blocked) == len(lines))):
        return (
            lines,
            TicketingErrorCode.TICKET_NOT_REFUNDABLE
            if blocked
            else TicketingErrorCode.NOTHING_TO_REFUND,
            _("Only valid tickets can be refunded; used, refunded or exchanged ones cannot."),
        )
    return lines, "", ""


def quote_refund(
    *, order: Order, actor: User, ticket_ids: list[int] | None = None, now: datetime | None = None
) -> RefundQuote:
    """Explain what refunding ``ticket_ids`` (default: every ticket) of ``order`` would give back.

    Reads only. Problems that would stop the refund are reported in the quote
    (``reason``, ``message``, each line's ``reason``), not raised; raises only
    :class:`NotFound` ``order_not_found`` (not the actor's order) and
    :class:`DomainError` ``unknown_tickets``.
    """
    require_owner(order, actor)
    now = now or timezone.now()
    order = Order.objects.select_related("showtime", "showtime__venue").get(pk=order.pk)
    tickets = select_tickets(order, ticket_ids)
    lines, reason, message = _assess(order, tickets, now=now, explicit=ticket_ids is not None)
    showtime = order.showtime
    return RefundQuote(
        order_id=order.pk,
        order_status=order.status,
        currency=order.currency,
        time_zone=showtime.venue.time_zone,
        cutoff_at=refund_cutoff(showtime),
        cutoff_minutes=showtime.venue.refund_cutoff_minutes,
        venue_fee_per_ticket_minor=showtime.venue.refund_fee_minor,
        window_open=now < refund_cutoff(showtime),
        lines=lines,
        reason=str(reason),
        message=message,
        rule=_rule_text(showtime),
    )


# --- money back -------------------------------------------------------------------


def _publish_refunded(
    ticket: Ticket, *, order: Order, record: OrderRefund, refund_minor: int, kept_minor: int
) -> None:
    showtime = order.showtime
    events.publish(
        events.TICKET_REFUNDED,
        aggregate="ticket",
        aggregate_id=ticket.pk,
        payload={
            **events.ticket_fields(ticket, order=order, showtime=showtime, seat=ticket.seat.code),
            "currency": order.currency,
            "price_minor": ticket.line.price_minor,
            "fee_minor": ticket.line.fee_minor,
            "discount_minor": ticket.line.discount_minor,
            "refund_minor": refund_minor,
            "venue_fee_minor": kept_minor,
            "reason": record.reason,
            "order_refund_id": record.pk,
        },
    )


# --- the buyer's refund -----------------------------------------------------------


@dataclass(frozen=True)
class RefundResult:
    order: Order
    record: OrderRefund
    tickets: list[Ticket]
    amount_minor: int
    fee_minor: int
    currency: str
    replayed: bool = False
    payment_refund_id: int | None = None

    @property
    def amount(self) -> Money:
        return self.record.amount  # (the kept fee: ``record.fee``)


def _replay(order: Order, key: str, tickets_asked: list[int] | None) -> RefundResult | None:
    record = OrderRefund.objects.filter(order=order, idempotency_key=key).first()
    if record is None:
        return None
    if tickets_asked is not None and sorted(set(tickets_asked)) != sorted(record.ticket_ids):
        raise DomainError(
            TicketingErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This idempotency key was used for a refund of other tickets.",
            status=422,
        )
    fresh = Order.objects.get(pk=order.pk)
    return RefundResult(
        order=fresh,
        record=record,
        tickets=list(Ticket.objects.filter(pk__in=record.ticket_ids).select_related("seat")),
        amount_minor=record.amount_minor,
        fee_minor=record.fee_minor,
        currency=record.currency,
        replayed=True,
        payment_refund_id=record.payment_refund_id,
    )


def refund_tickets(
    *,
    order: Order,
    ticket_ids: list[int] | None = None,
    actor: User,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> RefundResult:
    """Refund ``ticket_ids`` (default: every valid ticket) of a paid ``order`` under the venue's rule.

    One transaction: the tickets ``valid → refunded`` (one conditional
    UPDATE), their seats ``sold → free`` (back on sale), the round allowance
    given back, the order ``partially_refunded`` / ``refunded`` (with
    ``refunded_minor``), the money back through the order's payment, an
    :class:`~marquee.ticketing.models.OrderRefund` record and one
    ``ticketing.ticket_refunded`` event per ticket. Amount per ticket: seat
    price + service fee − the venue's refund fee, never below zero.

    With ``idempotency_key``, a repeat returns the first result
    (``replayed``) and changes nothing; the same key for other tickets is
    ``idempotency_key_reused`` (422). Raises :class:`NotFound`
    ``order_not_found``; :class:`DomainError` ``unknown_tickets``,
    ``nothing_to_refund``; :class:`Conflict` ``order_not_refundable``,
    ``refund_window_closed`` (detail ``cutoff_at``), ``ticket_not_refundable``
    (detail ``tickets``), ``tickets_changed`` (another request refunded,
    exchanged or admitted them first); and the payments domain's errors.
    """
    require_owner(order, actor)
    now = now or timezone.now()
    key = clean_idempotency_key(idempotency_key)
    order = Order.objects.select_related("showtime", "showtime__venue", "showtime__title").get(
        pk=order.pk
    )
    if key:
        replayed = _replay(order, key, ticket_ids)
        if replayed is not None:
            return replayed
    tickets = select_tickets(order, ticket_ids)
    if ticket_ids is None:
        valid = [t for t in tickets if t.status == Ticket.Status.VALID]
        tickets = valid or tickets
    lines, reason, message = _assess(order, tickets, now=now, explicit=ticket_ids is not None)
    if reason:
        detail = {}
        if reason == TicketingErrorCode.REFUND_WINDOW_CLOSED:
            detail["cutoff_at"] = refund_cutoff(order.showtime).isoformat()
        if reason == TicketingErrorCode.TICKET_NOT_REFUNDABLE:
            detail["tickets"] = [
                {"id": line.ticket_id, "status": line.status}
                for line in lines
                if not line.refundable
            ]
        if reason == TicketingErrorCode.ORDER_NOT_REFUNDABLE:
            detail["status_now"] = order.status
        cls = DomainError if reason == TicketingErrorCode.NOTHING_TO_REFUND else Conflict
        raise cls(reason, message, **detail)
    by_id = {line.ticket_id: line for line in lines}
    ids = sorted(by_id)
    amount = sum(line.refund_minor for line in lines)
    kept = sum(line.venue_fee_minor for line in lines)
    with transaction.atomic():
        rows = SeatInventory.objects.filter(
            showtime_id=order.showtime_id, seat_id__in=[t.seat_id for t in tickets]
        )
        lock_inventory(rows)
        if key:
            replayed = _replay(order, key, ticket_ids)
            if replayed is not None:
                return replayed
        # Refunded seats return to sale (the showtime is published: checked above).
        locked = give_up_tickets(
            order=order,
            ticket_ids=ids,
            seats=rows,
            status=Ticket.Status.REFUNDED,
            verb="refunded",
            not_open=TicketingErrorCode.ORDER_NOT_REFUNDABLE,
            now=now,
        )
        if locked.round_id is not None:
            give_back_allowance(round_id=locked.round_id, user_id=locked.user_id, seats=len(ids))
        record, payment_refund = give_money_back(
            order=locked,
            reason=OrderRefund.Reason.CUSTOMER,
            amount_minor=amount,
            fee_minor=kept,
            ticket_ids=ids,
            actor=actor,
            now=now,
            idempotency_key=key,
        )
        reconcile_order_status(order=locked, refunded_delta=amount, now=now)
        locked.showtime = order.showtime
        for ticket in tickets:
            ticket.status = Ticket.Status.REFUNDED
            line = by_id[ticket.pk]
            _publish_refunded(
                ticket,
                order=locked,
                record=record,
                refund_minor=line.refund_minor,
                kept_minor=line.venue_fee_minor,
            )
    return RefundResult(
        order=locked,
        record=record,
        tickets=tickets,
        amount_minor=amount,
        fee_minor=kept,
        currency=locked.currency,
        payment_refund_id=payment_refund.pk if payment_refund else None,
    )


# --- a cancelled showtime ---------------------------------------------------------


def _send_quietly(subject: str, body: str, to: str) -> None:
    """Send one mail after the commit; a mail failure must not undo or fail a cancellation."""
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    except Exception:
        logger.exception("could not send the cancellation mail to %s", to)


def _cancellation_mail(order: Order, *, amount: Money, reason: str) -> tuple[str, str]:
    showtime = order.showtime
    local = showtime.starts_at.astimezone(ZoneInfo(showtime.venue.time_zone))
    language = order.user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        values = {
            "title": showtime.title.title,
            "venue": showtime.venue.name,
            "when": f"{local:%Y-%m-%d %H:%M}",
            "amount": format_money(amount),
            "order": order.pk,
            "reason": reason or _("unforeseen circumstances"),
        }
        subject = _("Showtime cancelled: %(title)s, %(when)s") % values
        body = "\n\n".join(
            [
                _("Hello %(name)s,") % {"name": order.user.display_name or order.user.username},
                _(
                    "We are sorry: the showtime of %(title)s at %(venue)s on %(when)s was "
                    "cancelled (%(reason)s)."
                )
                % values,
                _(
                    "Your order %(order)s has been refunded in full, with no fee: %(amount)s "
                    "goes back to the card you paid with. Your tickets no longer admit."
                )
                % values,
                _("The Marquee team"),
            ]
        )
    return subject, body


def refund_cancelled_showtime(
    *, showtime: Showtime, reason: str = "", now: datetime | None = None
) -> list[int]:
    """Refund, in full and without a fee, every paid order of a showtime being cancelled.

    Runs inside :func:`~marquee.ticketing.services.showtimes.cancel_showtime`'s
    transaction, which holds the showtime's inventory lock. For each order
    that still has tickets admitting (paid or partly refunded): those tickets
    (valid or used) become ``refunded``, the money they cost (seat prices +
    service fees) goes back through the order's payment, the round allowance
    is given back, the order becomes ``refunded`` (or ``exchanged`` when
    other tickets of it were exchanged), one ``ticketing.ticket_refunded`` per
    ticket is published, and the buyer is emailed after the commit. The seats
    stay ``sold``: a cancelled showtime never returns seats to sale. Returns
    the ids of the refunded orders.
    """
    now = now or timezone.now()
    handled: list[int] = []
    orders = list(
        Order.objects.select_for_update(no_key=True, of=("self",))
        .select_related("user", "showtime", "showtime__venue", "showtime__title")
        .filter(showtime=showtime, status__in=OPEN_ORDER_STATUSES)
        .order_by("pk")
    )
    for order in orders:
        tickets = list(
            Ticket.objects.filter(order=order, status__in=Ticket.ACTIVE_STATUSES)
            .select_related("seat", "line")
            .order_by("pk")
        )
        if not tickets:
            continue
        ids = [t.pk for t in tickets]
        changed = Ticket.objects.filter(pk__in=ids, status__in=Ticket.ACTIVE_STATUSES).update(
            status=Ticket.Status.REFUNDED, closed_at=now
        )
        if changed != len(ids):  # pragma: no cover - the inventory lock serialises writers
            raise Conflict(TicketingErrorCode.TICKETS_CHANGED, "Tickets changed meanwhile.")
        amount = sum(ticket_value(t) for t in tickets)
        if order.round_id is not None:
            give_back_allowance(round_id=order.round_id, user_id=order.user_id, seats=len(ids))
        record = OrderRefund.objects.create(
            order=order,
            reason=OrderRefund.Reason.SHOWTIME_CANCELLED,
            currency=order.currency,
            amount_minor=amount,
            fee_minor=0,
            ticket_ids=ids,
            idempotency_key=f"showtime-cancelled-{showtime.pk}",
            created_at=now,
        )
        return_money(order=order, record=record)
        reconcile_order_status(order=order, refunded_delta=amount, now=now)
        for ticket in tickets:
            _publish_refunded(
                ticket, order=order, record=record, refund_minor=ticket_value(ticket), kept_minor=0
            )
        if order.user.email:
            subject, body = _cancellation_mail(order, amount=record.amount, reason=reason)
            transaction.on_commit(partial(_send_quietly, subject, body, order.user.email))
        handled.append(order.pk)
    return handled
