"""Request parameters shared by the payments API and the simulator's API."""

from __future__ import annotations

from ninja import Header, P

IdempotencyKey = Header[
    str | None,
    P(
        alias="Idempotency-Key",
        description="Repeat a request safely: the same key and request return the first response.",
        max_length=255,
    ),
]
