"""Outbox event types the investment domain reads (and the one it writes).

The rights domain publishes ``rights.licence_fee_received``; this module names
the type by its string so that investment never imports rights.
"""

from __future__ import annotations

from typing import Any

#: A licence fee the studio received for a title (published by the rights domain).
#: Payload: {"title_id", "deal_id", "amount_minor", "currency", "received_on", "licensee"}.
LICENCE_FEE_RECEIVED = "rights.licence_fee_received"

#: A receipt ran through a waterfall (payouts recorded and posted).
RECEIPT_DISTRIBUTED = "investment.receipt_distributed"


def publish(type: str, *, aggregate: str, aggregate_id: Any, payload: dict[str, Any]) -> None:
    """Write one investment event to the outbox; call inside the service's transaction."""
    from marquee.core import outbox

    outbox.publish(type, aggregate=aggregate, aggregate_id=aggregate_id, payload=payload)
