"""Outbox event types the crowdfunding domain publishes.

Payloads carry money as ``amount_minor`` + ``currency`` and the project's slug:

- ``crowdfunding.pledge_paid``: pledge_id, offering_id, project, backer_id,
  units, amount_minor, currency, payment_id — the money enters escrow.
- ``crowdfunding.pledge_refunded``: the same fields — escrow back to the backer.
- ``crowdfunding.offering_succeeded``: offering_id, project, title_id,
  paid_units, amount_minor (raised), currency — escrow released to the project.
- ``crowdfunding.offering_failed``: offering_id, project, paid_units, target_units.
- ``crowdfunding.returns_paid``: offering_id, project, title_id, run_id,
  principal_minor, return_minor, total_minor, currency, rate_bp, box_office_minor.
"""

from __future__ import annotations

from typing import Any

PLEDGE_PAID = "crowdfunding.pledge_paid"
PLEDGE_REFUNDED = "crowdfunding.pledge_refunded"
OFFERING_SUCCEEDED = "crowdfunding.offering_succeeded"
OFFERING_FAILED = "crowdfunding.offering_failed"
RETURNS_PAID = "crowdfunding.returns_paid"

#: The events that move money in the ledger (see ``crowdfunding.ledger``).
MONEY = (PLEDGE_PAID, PLEDGE_REFUNDED, OFFERING_SUCCEEDED, RETURNS_PAID)


def publish(type: str, *, aggregate: str, aggregate_id: Any, payload: dict[str, Any]) -> None:
    """Write one crowdfunding event to the outbox; call inside the service's transaction."""
    from marquee.core import outbox

    outbox.publish(type, aggregate=aggregate, aggregate_id=aggregate_id, payload=payload)
