"""Event types the merchandise domain writes to the outbox.

Payloads (money in minor units beside its currency):

- ``merch.order_paid``: order_id, merchant_id, user_id, currency, total_minor,
  commission_minor, payment_id, paid_at, lines: [{licence_id, title_id,
  category, units, amount_minor}].
- ``merch.order_refunded``: the same fields for the money that went back.
- ``merch.licence_signed``: licence_id, merchant_id, title_id, currency, advance_minor.
- ``merch.statement_issued``: statement_id, licence_id, title_id, merchant_id,
  currency, royalty_minor, advance_recouped_minor, payable_minor,
  mg_shortfall_minor, advance_forfeited_minor, period_end.
"""

from __future__ import annotations

from typing import Any

ORDER_PAID = "merch.order_paid"
ORDER_REFUNDED = "merch.order_refunded"
LICENCE_SIGNED = "merch.licence_signed"
STATEMENT_ISSUED = "merch.statement_issued"

ALL = (ORDER_PAID, ORDER_REFUNDED, LICENCE_SIGNED, STATEMENT_ISSUED)


def publish(type: str, *, aggregate: str, aggregate_id: Any, payload: dict[str, Any]) -> None:
    """Write one merchandise event to the outbox; call inside the service's transaction."""
    from marquee.core import outbox

    outbox.publish(type, aggregate=aggregate, aggregate_id=aggregate_id, payload=payload)
