"""Outbox events of the marketing domain.

Marketing publishes none: the effects other domains care about travel on
ticketing's own events (``ticketing.order_paid`` carries the order's
``discount_minor``, ``discount_code`` and ``discount_payer``;
``ticketing.ticket_refunded`` the seat's ``discount_minor``), and the
marketing consumer (``consumers.py``) posts who pays for each voucher from
them. A future ``marketing.campaign_*`` event would be declared here.
"""

from __future__ import annotations

#: The events marketing consumes (declared by ticketing).
CONSUMED = ("ticketing.order_paid", "ticketing.ticket_refunded")
