"""Exchange rates the ledger converts with (kept by ``core.fx``)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.http import HttpRequest
from ninja import Router, Status

from marquee.accounts.auth import AUTH
from marquee.core import services as core_services
from marquee.core.errors import CoreErrorCode, DomainError
from marquee.finance import queries
from marquee.finance.api._common import require_finance
from marquee.finance.schemas import RateIn, RateOut

router = Router(tags=["finance"])


@router.get("/fx-rates", response=list[RateOut], auth=AUTH, summary="Exchange rates")
def list_rates(request: HttpRequest, base: str | None = None, quote: str | None = None) -> list:
    require_finance(request)
    return list(queries.exchange_rates(base=base, quote=quote)[:1000])


@router.post("/fx-rates", response={201: RateOut}, auth=AUTH, summary="Set an exchange rate")
def set_rate(request: HttpRequest, body: RateIn):
    require_finance(request)
    try:
        rate = Decimal(body.rate)
    except InvalidOperation:
        raise DomainError(
            CoreErrorCode.INVALID_EXCHANGE_RATE, f"{body.rate!r} is not a decimal number."
        ) from None
    stored = core_services.set_rate(
        base=body.base,
        quote=body.quote,
        rate=rate,
        valid_from=body.valid_from,
        source=body.source or f"finance API ({request.user.username})",
    )
    return Status(201, stored)
