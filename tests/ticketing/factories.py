"""Factories of the ticketing domain: showtimes and orders, through the ticketing services.

``OrderFactory(showtime=…, user=…, seats=[…])`` opens a pending order (hold and
order in one step); ``paid="gateway"`` pays it through the simulated gateway as a
buyer does, ``paid="counter"`` completes it as a box-office sale (no payment).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from marquee.payments.simulator.gateway import authorize_sim_payment
from marquee.ticketing.models import Order, Showtime
from marquee.ticketing.services import orders
from marquee.ticketing.services import showtimes as showtime_services
from marquee.ticketing.services.checkout import start_checkout
from marquee.ticketing.services.fulfilment import complete_order
from tests.catalog.factories import TitleFactory

#: Seat prices and the service fee per ticket, by currency (minor units).
PRICES = {
    "CNY": {"standard": 4500, "vip": 6500, "couple": 9000, "wheelchair": 3000, "companion": 3000},
    "HKD": {"standard": 9500, "vip": 12000, "couple": 15000, "wheelchair": 6000, "companion": 6000},
}
FEES = {"CNY": 300, "HKD": 400}


class ShowtimeFactory(DjangoModelFactory):
    """A showtime scheduled (and by default published) by ``actor``, two days ahead."""

    class Meta:
        model = Showtime

    actor = None
    hall = None
    title = factory.SubFactory(TitleFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))
    prices = factory.LazyAttribute(lambda o: PRICES[o.hall.venue.currency])
    service_fee_minor = factory.LazyAttribute(lambda o: FEES[o.hall.venue.currency])
    publish = True

    @classmethod
    def _create(cls, model_class: type[Showtime], *args: Any, **kwargs: Any) -> Showtime:
        publish = kwargs.pop("publish")
        showtime = showtime_services.create_showtime(**kwargs)
        if publish:
            showtime = showtime_services.publish_showtime(actor=kwargs["actor"], showtime=showtime)
        return showtime


class OrderFactory(DjangoModelFactory):
    class Meta:
        model = Order

    showtime = None
    user = None
    seats = factory.LazyFunction(lambda: ["2-3"])
    invitation_code = None
    paid = None

    @classmethod
    def _create(cls, model_class: type[Order], *args: Any, **kwargs: Any) -> Order:
        user, paid = kwargs["user"], kwargs["paid"]
        order = start_checkout(
            showtime=kwargs["showtime"],
            seat_codes=list(kwargs["seats"]),
            user=user,
            invitation_code=kwargs["invitation_code"],
        )
        if paid == "gateway":
            started = orders.pay_order(order=order, user=user)
            if started.payment_id is not None:
                authorize_sim_payment(payment_id=started.payment_id, user=user, outcome="succeed")
        elif paid == "counter":
            complete_order(order=order, payment_id=None)
        elif paid is not None:
            raise ValueError(f"paid is None, 'gateway' or 'counter', not {paid!r}")
        order.refresh_from_db()
        return order
