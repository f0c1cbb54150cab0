"""What a buyer sends to pay an order of any domain (tickets, goods): shared request parts."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema


class PayIn(Schema):
    return_url: str = Field(
        "", max_length=500, description="Where the payment page sends the buyer back"
    )


def pay_fingerprint(order_id: int, payload: PayIn | None = None, **_: Any) -> dict[str, Any]:
    """What makes two pay requests the same request (``core.idempotency``): order and return URL."""
    return {"order_id": order_id, "return_url": payload.return_url if payload else ""}
