"""The discount provider marketing registers with ticketing (``apps.py``): vouchers at
checkout (``redemption.py``) and on exchanged tickets (``exchange.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from marquee.marketing.services import redemption
from marquee.marketing.services.exchange import exchange_discount
from marquee.ticketing.discounts import Discount
from marquee.ticketing.models import Order, OrderLine


class VoucherDiscounts:
    """Ticketing's :class:`~marquee.ticketing.discounts.DiscountProvider`, for vouchers."""

    exchange = staticmethod(exchange_discount)

    def apply(
        self, *, code: str, order: Order, lines: Sequence[OrderLine], now: datetime
    ) -> Discount:
        return redemption.redeem_voucher(code=code, order=order, lines=lines, now=now)
