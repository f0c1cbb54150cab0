"""The discount provider marketing registers with ticketing (``apps.py``): vouchers at
checkout (``redemption.py``) and on exchanged tickets (``exchange.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from marquee.marketing.services import exchange, redemption
from marquee.ticketing.discounts import Discount
from marquee.ticketing.models import Order, OrderLine, Showtime


class VoucherDiscounts:
    """Ticketing's :class:`~marquee.ticketing.discounts.DiscountProvider`, for vouchers."""

    def apply(
        self, *, code: str, order: Order, lines: Sequence[OrderLine], now: datetime
    ) -> Discount:
        return redemption.redeem_voucher(code=code, order=order, lines=lines, now=now)

    def quote_exchange(
        self,
        *,
        order: Order,
        old_lines: Sequence[OrderLine],
        new_prices: Sequence[int],
        showtime: Showtime,
        now: datetime,
    ) -> Discount:
        return exchange.quote_exchange(
            order=order, old_lines=old_lines, new_prices=new_prices, showtime=showtime
        )

    def carry_exchange(
        self,
        *,
        order: Order,
        old_lines: Sequence[OrderLine],
        new_prices: Sequence[int],
        showtime: Showtime,
        now: datetime,
    ) -> Discount:
        return exchange.carry_exchange(
            order=order, old_lines=old_lines, new_prices=new_prices, showtime=showtime
        )
