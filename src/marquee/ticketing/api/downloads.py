"""A ticket's QR code, PDF and calendar entry (the order's owner and admins)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from marquee.accounts.auth import AUTH
from marquee.ticketing import downloads, queries
from marquee.ticketing.api._common import binary_openapi, file_response

router = Router()


@router.get(
    "/tickets/{ticket_id}/qr.png",
    auth=AUTH,
    summary="A ticket's QR code as PNG (owner of the order)",
    openapi_extra=binary_openapi(downloads.PNG),
)
def ticket_qr_png(request: HttpRequest, ticket_id: int):
    ticket = queries.ticket_for_owner_or_admin(user=request.user, ticket_id=ticket_id)
    return file_response(downloads.ticket_qr_png(ticket))


@router.get(
    "/tickets/{ticket_id}/qr.svg",
    auth=AUTH,
    summary="A ticket's QR code as SVG (owner of the order)",
    openapi_extra=binary_openapi(downloads.SVG),
)
def ticket_qr_svg(request: HttpRequest, ticket_id: int):
    ticket = queries.ticket_for_owner_or_admin(user=request.user, ticket_id=ticket_id)
    return file_response(downloads.ticket_qr_svg(ticket))


@router.get(
    "/tickets/{ticket_id}/ticket.pdf",
    auth=AUTH,
    summary="A ticket as a printable PDF (owner of the order)",
    openapi_extra=binary_openapi(downloads.PDF),
)
def ticket_pdf(request: HttpRequest, ticket_id: int):
    ticket = queries.ticket_for_owner_or_admin(user=request.user, ticket_id=ticket_id)
    return file_response(downloads.ticket_pdf(ticket))


@router.get(
    "/tickets/{ticket_id}/ticket.ics",
    auth=AUTH,
    summary="A ticket as an iCalendar event in the venue's time zone (owner of the order)",
    openapi_extra=binary_openapi("text/calendar"),
)
def ticket_ics(request: HttpRequest, ticket_id: int):
    ticket = queries.ticket_for_owner_or_admin(user=request.user, ticket_id=ticket_id)
    return file_response(downloads.ticket_ics(ticket))


@router.get(
    "/orders/{order_id}/tickets.pdf",
    auth=AUTH,
    summary="Every ticket of an order that admits, one PDF page each (owner of the order)",
    openapi_extra=binary_openapi(downloads.PDF),
)
def order_tickets_pdf(request: HttpRequest, order_id: int):
    order = queries.order_for_owner_or_admin(user=request.user, order_id=order_id)
    return file_response(downloads.order_pdf(order, queries.tickets_of(order)))


@router.get(
    "/orders/{order_id}/tickets.ics",
    auth=AUTH,
    summary="Every ticket of an order that admits as one calendar (owner of the order)",
    openapi_extra=binary_openapi("text/calendar"),
)
def order_tickets_ics(request: HttpRequest, order_id: int):
    order = queries.order_for_owner_or_admin(user=request.user, order_id=order_id)
    return file_response(downloads.order_ics(order, queries.tickets_of(order)))
