"""Ticket downloads: a ticket (or an order's tickets) as QR PNG/SVG, PDF and iCalendar.

Reads only; the caller has found the ticket through
:func:`marquee.ticketing.queries.ticket_for_owner_or_admin` /
:func:`~marquee.ticketing.queries.order_for_owner_or_admin` (the owner or an admin).
Texts are in the active language (the request's): the title, venue and
address through ``pick_localized``; times are in the venue's zone. Only
tickets that still admit (valid or used) are offered: a refunded or
exchanged ticket's code no longer opens a door.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from marquee.core.errors import Conflict
from marquee.core.money import format_money
from marquee.ticketing import etickets, pickup
from marquee.ticketing.errors import TicketingErrorCode
from marquee.ticketing.models import Order, Ticket


@dataclass(frozen=True)
class Download:
    """A file to send: its bytes, content type and a file name."""

    content: bytes
    content_type: str
    filename: str
    #: ``inline`` for images a page shows, ``attachment`` for files to keep.
    disposition: str = "attachment"

    @property
    def content_disposition(self) -> str:
        return f'{self.disposition}; filename="{self.filename}"'


PNG = "image/png"
SVG = "image/svg+xml"
PDF = "application/pdf"
ICS = "text/calendar; charset=utf-8"


def _require_active(ticket: Ticket) -> None:
    if ticket.status not in Ticket.ACTIVE_STATUSES:
        raise Conflict(
            TicketingErrorCode.TICKET_NOT_ACTIVE,
            f"This ticket was {ticket.status}; it no longer admits, so it is not offered.",
            status_now=ticket.status,
        )


def seat_label(ticket: Ticket) -> str:
    seat = ticket.seat
    return _("Row %(row)s, Seat %(number)s") % {"row": seat.row_label, "number": seat.number}


def ticket_document(ticket: Ticket) -> etickets.TicketDocument:
    """What a ticket prints, in the active language; ``ticket`` with seat, line and showtime details."""
    showtime = ticket.showtime
    venue = showtime.venue
    price = format_money(ticket.line.price)
    fee = format_money(ticket.line.fee)
    return etickets.TicketDocument(
        code=ticket.code,
        title=showtime.title.title,
        venue=venue.name,
        venue_address=venue.address,
        hall=showtime.hall.name,
        seat_label=seat_label(ticket),
        starts_at=showtime.starts_at,
        ends_at=showtime.ends_at,
        time_zone=venue.time_zone,
        price=_("%(price)s + service fee %(fee)s") % {"price": price, "fee": fee},
        order_ref=_("Order %(order)s · Ticket %(ticket)s")
        % {"order": ticket.order_id, "ticket": ticket.pk},
        pickup=_("Pickup code %(code)s") % {"code": pickup.grouped(ticket.pickup_code)}
        if ticket.pickup_code
        else "",
    )


def ticket_qr_png(ticket: Ticket) -> Download:
    _require_active(ticket)
    return Download(etickets.qr_png(ticket.code), PNG, f"marquee-ticket-{ticket.pk}.png", "inline")


def ticket_qr_svg(ticket: Ticket) -> Download:
    _require_active(ticket)
    return Download(etickets.qr_svg(ticket.code), SVG, f"marquee-ticket-{ticket.pk}.svg", "inline")


def ticket_pdf(ticket: Ticket) -> Download:
    _require_active(ticket)
    return Download(
        etickets.ticket_pdf([ticket_document(ticket)]), PDF, f"marquee-ticket-{ticket.pk}.pdf"
    )


def ticket_ics(ticket: Ticket) -> Download:
    _require_active(ticket)
    return Download(
        etickets.ticket_ics([ticket_document(ticket)]), ICS, f"marquee-ticket-{ticket.pk}.ics"
    )


def _active(order: Order, tickets: list[Ticket]) -> list[Ticket]:
    active = [t for t in tickets if t.status in Ticket.ACTIVE_STATUSES]
    if not active:
        raise Conflict(
            TicketingErrorCode.NO_ACTIVE_TICKETS,
            f"Order {order.pk} has no tickets that admit (it is {order.status}).",
            status_now=order.status,
        )
    return active


def order_pdf(order: Order, tickets: list[Ticket]) -> Download:
    """Every admitting ticket of ``order``, one page each."""
    docs = [ticket_document(t) for t in _active(order, tickets)]
    return Download(etickets.ticket_pdf(docs), PDF, f"marquee-order-{order.pk}-tickets.pdf")


def order_ics(order: Order, tickets: list[Ticket]) -> Download:
    """Every admitting ticket of ``order`` as one calendar (one event per ticket)."""
    docs = [ticket_document(t) for t in _active(order, tickets)]
    return Download(etickets.ticket_ics(docs), ICS, f"marquee-order-{order.pk}-tickets.ics")
