"""Outbox event types the rights domain publishes.

- ``rights.licence_fee_received``: an instalment of a deal licensed out was
  received. Payload, exactly: ``title_id`` (int), ``deal_id`` (int),
  ``amount_minor`` (int, in ``currency``), ``currency`` (ISO code),
  ``received_on`` ("YYYY-MM-DD"), ``licensee`` (the counterparty's name).
  The investment pillar feeds it to the title's waterfall.
"""

from __future__ import annotations

from typing import Any

LICENCE_FEE_RECEIVED = "rights.licence_fee_received"

AGGREGATE_DEAL = "rights.deal"


def publish(type: str, *, aggregate_id: Any, payload: dict[str, Any]) -> None:
    """Write one rights event to the outbox; call inside the service's transaction."""
    from marquee.core import outbox

    outbox.publish(type, aggregate=AGGREGATE_DEAL, aggregate_id=aggregate_id, payload=payload)
