"""Buying with a voucher the way a buyer does: hold and order in one step, then pay."""

from __future__ import annotations

from marquee.accounts.models import User
from marquee.core import outbox
from marquee.payments.simulator.gateway import authorize_sim_payment
from marquee.ticketing.models import Order, Showtime
from marquee.ticketing.services import orders
from marquee.ticketing.services.checkout import start_checkout


def checkout(showtime: Showtime, user: User, seats: list[str], voucher: str | None) -> Order:
    """A pending order for ``seats`` with ``voucher`` applied (the voucher's error raised)."""
    return start_checkout(showtime=showtime, seat_codes=seats, user=user, voucher_code=voucher)


def buy(showtime: Showtime, user: User, seats: list[str], voucher: str | None) -> Order:
    """A paid order: checkout, then the simulated gateway's success (vouchers settle after)."""
    order = checkout(showtime, user, seats, voucher)
    started = orders.pay_order(order=order, user=user)
    if started.payment_id is not None:
        authorize_sim_payment(payment_id=started.payment_id, user=user, outcome="succeed")
    outbox.drain()
    order.refresh_from_db()
    return order
