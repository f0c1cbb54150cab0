"""The "pay your order" endpoint every selling domain (tickets, goods) exposes: one definition.

``POST /orders/{order_id}/pay`` with an ``Idempotency-Key``: the domain's
``start`` begins (or finds) the payment and returns the response body; the
same key and body give the same answer, once (``core.idempotency``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from marquee.accounts.auth import AUTH
from marquee.core.idempotency import IdempotencyKey, idempotent
from marquee.payments.schemas import PayIn, pay_fingerprint


def pay_order_route(
    router: Router,
    *,
    scope: str,
    response: type[Schema],
    summary: str,
    start: Callable[[HttpRequest, int, str], Schema],
    module: str,
) -> None:
    """Register the pay endpoint on ``router``; ``start(request, order_id, return_url)`` is the domain's part.

    ``module`` (the caller's ``__name__``) keeps the operation id the domain's own in the OpenAPI schema.
    """

    def pay_order(
        request: HttpRequest,
        order_id: int,
        payload: PayIn | None = None,
        idempotency_key: IdempotencyKey = None,
    ) -> tuple[int, dict[str, Any]]:
        body = start(request, order_id, payload.return_url if payload else "")
        return 200, body.model_dump(mode="json")

    pay_order.__module__ = module
    guarded = idempotent(scope=scope, fingerprint=pay_fingerprint)(pay_order)
    router.post("/orders/{order_id}/pay", response=response, auth=AUTH, summary=summary)(guarded)
