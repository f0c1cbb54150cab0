"""Races after the sale, on PostgreSQL: doors scanning one ticket together, refund against exchange.

The check-in guard is one conditional UPDATE ``valid → used`` whose row count
decides; the control runs the same race through the same service with that
guard turned off (deciding on the status read before) and admits the ticket
more than once — proof the race is real.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from marquee.core.errors import Conflict
from marquee.payments.models import Payment
from marquee.ticketing.models import (
    Order,
    OrderRefund,
    Scan,
    SeatInventory,
    Ticket,
    TicketExchange,
)
from marquee.ticketing.services import checkin
from marquee.ticketing.services._common import Guard, without_guard
from marquee.ticketing.services.exchanges import exchange_tickets
from marquee.ticketing.services.refunds import refund_tickets
from tests.ticketing.buying import buy, tickets
from tests.ticketing.conftest import make_showtime

from .conftest import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ticket(showtime, make_user):
    order = buy(showtime, make_user(), "3-4")
    return tickets(order)["3-4"]


@pytest.mark.parametrize("doors", [2, 16])
def test_doors_scanning_one_ticket_at_once_admit_it_once(world, showtime, ticket, doors):
    with time_machine.travel(showtime.starts_at - timedelta(minutes=15), tick=True):
        outcomes = race(
            [
                lambda d=d: (
                    checkin.check_in(
                        code=ticket.code, venue=world.venue, actor=world.operator, door=f"Door {d}"
                    ).verdict
                )
                for d in range(doors)
            ]
        )
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    verdicts = sorted(o.value for o in outcomes)
    assert verdicts == ["already_used"] * (doors - 1) + ["valid"]
    assert Ticket.objects.get(pk=ticket.pk).status == "used"
    # every scan recorded; the losers name the winner's door
    assert Scan.objects.filter(ticket=ticket).count() == doors
    winner = Scan.objects.get(ticket=ticket, verdict="valid")
    assert Scan.objects.filter(ticket=ticket, verdict="already_used").count() == doors - 1
    assert winner.door.startswith("Door ")


def test_control_without_the_guard_doors_admit_one_ticket_twice(world, showtime, ticket):
    with (
        time_machine.travel(showtime.starts_at - timedelta(minutes=15), tick=True),
        without_guard(Guard.CHECK_IN),  # the same service, deciding on the status it read
    ):
        outcomes = race(
            [
                lambda: (
                    checkin.check_in(
                        code=ticket.code, venue=world.venue, actor=world.operator
                    ).verdict
                )
                for _ in range(8)
            ]
        )
    assert sum(o.value == "valid" for o in outcomes if o.ok) > 1, (
        "without the guard several doors should admit the same ticket"
    )


@pytest.mark.parametrize("attempt", range(4))
def test_refund_racing_an_exchange_of_the_same_ticket(world, showtime, make_user, attempt):
    buyer = make_user()
    order = buy(showtime, buyer, "3-4", "3-5")
    by_seat = tickets(order)
    later = make_showtime(world, starts_at=showtime.starts_at + timedelta(hours=4 + attempt))
    target = by_seat["3-4"]

    def refund():
        return refund_tickets(order=order, ticket_ids=[target.pk], actor=buyer).amount_minor

    def exchange():
        return exchange_tickets(
            order=order,
            ticket_ids=[target.pk],
            new_showtime=later,
            seat_codes=["3-4"],
            actor=buyer,
        ).new_order.pk

    first, second = (refund, exchange) if attempt % 2 else (exchange, refund)
    outcomes = race([first, second])
    winners = [o for o in outcomes if o.ok]
    losers = [o for o in outcomes if not o.ok]
    assert len(winners) == 1, [o.error for o in outcomes]
    [loser] = losers
    assert isinstance(loser.error, Conflict)
    assert loser.error.code in {
        "tickets_changed",
        "ticket_not_refundable",
        "ticket_not_exchangeable",
    }
    status = Ticket.objects.get(pk=target.pk).status
    old_seat = SeatInventory.objects.get(showtime=showtime, seat=target.seat)
    new_seat = SeatInventory.objects.get(showtime=later, seat=target.seat)
    assert old_seat.state == "free"  # either way the old seat went back on sale, once
    payment = Payment.objects.get(pk=order.payment_id)
    if status == "refunded":
        assert new_seat.state == "free"
        assert not TicketExchange.objects.exists()
        assert not Order.objects.filter(showtime=later).exists()
        assert payment.refunded_minor == target.line.price_minor + target.line.fee_minor
    else:
        assert status == "exchanged"
        assert new_seat.state == "sold"
        assert TicketExchange.objects.count() == 1
        assert not OrderRefund.objects.exists()
        assert payment.refunded_minor == 0
    # the other ticket of the order was never touched
    assert Ticket.objects.get(pk=by_seat["3-5"].pk).status == "valid"


def test_an_exchange_racing_a_buyer_for_the_new_seat(world, showtime, make_user):
    buyer = make_user()
    order = buy(showtime, buyer, "3-4")
    later = make_showtime(world, starts_at=showtime.starts_at + timedelta(hours=4))
    rivals = [make_user() for _ in range(15)]
    from marquee.ticketing.services import holds

    outcomes = race(
        [
            lambda: (
                exchange_tickets(
                    order=order,
                    ticket_ids=[tickets(order)["3-4"].pk],
                    new_showtime=later,
                    seat_codes=["3-4"],
                    actor=buyer,
                ).new_order.pk
            )
        ]
        + [
            lambda u=u: holds.place_hold(showtime=later, seat_codes=["3-4"], user=u).hold.pk
            for u in rivals
        ]
    )
    exchanged, *holds_ = outcomes
    won = [o for o in holds_ if o.ok]
    assert all(isinstance(o.error, Conflict) for o in outcomes if not o.ok)
    row = SeatInventory.objects.get(showtime=later, seat__row_label="3", seat__number="4")
    old_row = SeatInventory.objects.get(showtime=showtime, seat__row_label="3", seat__number="4")
    if exchanged.ok:
        assert won == []
        assert row.state == "sold"
        assert old_row.state == "free"
    else:
        assert len(won) == 1
        assert row.state == "held"
        # the exchange lost: the buyer keeps the old seat and a valid ticket
        assert old_row.state == "sold"
        assert Ticket.objects.get(order=order).status == "valid"
