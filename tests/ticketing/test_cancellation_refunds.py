"""Cancelling a showtime refunds every paid order in full (no fee) and emails each buyer."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from marquee.core.models import OutboxEvent
from marquee.payments.models import Refund
from marquee.ticketing import events
from marquee.ticketing.models import Order, OrderRefund, Ticket
from marquee.ticketing.services import checkin
from marquee.ticketing.services.exchanges import exchange_tickets
from marquee.ticketing.services.refunds import refund_tickets
from marquee.ticketing.services.showtimes import cancel_showtime

from .buying import buy, payment_of, seat_states, tickets
from .conftest import FEE, PRICES, make_showtime

pytestmark = pytest.mark.django_db


@pytest.fixture
def venue_fee(world):
    world.venue.refund_fee_minor = 800
    world.venue.save()


def test_every_paid_order_is_refunded_in_full_and_each_buyer_emailed(
    world, showtime, make_user, venue_fee, django_capture_on_commit_callbacks
):
    alice = make_user(username="alice")
    bob = make_user(username="bob")
    bob.preferred_language = "zh-hant"
    bob.save()
    first = buy(showtime, alice, "2-1", "2-2")
    second = buy(showtime, bob, "3-1")
    before = OutboxEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        result = cancel_showtime(actor=world.operator, showtime=showtime, reason="Typhoon")
    assert result.paid_order_ids == [first.pk, second.pk]
    for order, value in [(first, 2 * (PRICES["standard"] + FEE)), (second, PRICES["vip"] + FEE)]:
        fresh = Order.objects.get(pk=order.pk)
        assert (fresh.status, fresh.refunded_minor) == ("refunded", value)
        payment = payment_of(order)
        assert (payment.status, payment.refunded_minor) == ("refunded", value)
        record = OrderRefund.objects.get(order=order)
        assert (record.reason, record.fee_minor) == ("showtime_cancelled", 0)
    assert set(Ticket.objects.filter(showtime=showtime).values_list("status", flat=True)) == {
        "refunded"
    }
    assert Refund.objects.filter(reason="showtime_cancelled").count() == 2
    # a cancelled showtime never puts seats back on sale
    assert seat_states(showtime, "2-1", "3-1", "4-4") == ["sold", "sold", "closed"]
    kinds = [e.type for e in OutboxEvent.objects.order_by("pk")[before:]]
    assert kinds.count(events.TICKET_REFUNDED) == 3
    assert kinds[-1] == events.SHOWTIME_CANCELLED
    assert sorted(m.to[0] for m in mail.outbox) == sorted([alice.email, bob.email])
    to_alice = next(m for m in mail.outbox if m.to == [alice.email])
    assert world.title.title_en in to_alice.subject
    assert "Typhoon" in to_alice.body
    assert "CN¥96.00" in to_alice.body


def test_used_and_partly_refunded_orders_get_the_rest_back(
    world, showtime, buyer, venue_fee, django_capture_on_commit_callbacks
):
    order = buy(showtime, buyer, "2-1", "2-2", "2-3")
    by_seat = tickets(order)
    refund_tickets(order=order, ticket_ids=[by_seat["2-1"].pk], actor=buyer)  # fee 800 kept
    with time_machine.travel(showtime.starts_at - timedelta(minutes=30)):
        assert checkin.check_in(
            code=by_seat["2-2"].code, venue=world.venue, actor=world.operator
        ).admitted
        with django_capture_on_commit_callbacks(execute=True):
            cancel_showtime(actor=world.operator, showtime=showtime, reason="Power cut")
    value = PRICES["standard"] + FEE
    fresh = Order.objects.get(pk=order.pk)
    assert fresh.status == "refunded"
    # the earlier refund kept its fee; the two tickets left came back whole
    assert fresh.refunded_minor == (value - 800) + 2 * value
    assert payment_of(order).refunded_minor == fresh.refunded_minor
    assert Ticket.objects.get(pk=by_seat["2-2"].pk).status == "refunded"
    assert len(mail.outbox) == 1


def test_an_order_with_exchanged_tickets_ends_exchanged(
    world, showtime, buyer, django_capture_on_commit_callbacks
):
    later = make_showtime(world, starts_at=showtime.starts_at + timedelta(hours=4))
    order = buy(showtime, buyer, "2-1", "2-2")
    by_seat = tickets(order)
    exchange_tickets(
        order=order,
        ticket_ids=[by_seat["2-1"].pk],
        new_showtime=later,
        seat_codes=["2-1"],
        actor=buyer,
    )
    with django_capture_on_commit_callbacks(execute=True):
        cancel_showtime(actor=world.operator, showtime=showtime)
    fresh = Order.objects.get(pk=order.pk)
    assert fresh.status == "exchanged"
    assert fresh.refunded_minor == PRICES["standard"] + FEE
    # the exchanged ticket, at the other showtime, still admits
    new_order = Order.objects.get(showtime=later)
    assert Ticket.objects.get(order=new_order).status == "valid"
    assert payment_of(order).refunded_minor == PRICES["standard"] + FEE


def test_a_buyer_without_email_is_refunded_quietly(
    world, showtime, buyer, django_capture_on_commit_callbacks
):
    buyer.email = None
    buyer.save()
    order = buy(showtime, buyer, "4-4")
    with django_capture_on_commit_callbacks(execute=True):
        cancel_showtime(actor=world.operator, showtime=showtime)
    assert Order.objects.get(pk=order.pk).status == "refunded"
    assert mail.outbox == []


def test_a_failing_mail_server_does_not_undo_the_cancellation(
    world, showtime, buyer, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.ticketing.test_cancellation_refunds.BrokenBackend"
    order = buy(showtime, buyer, "4-4")
    with django_capture_on_commit_callbacks(execute=True):
        cancel_showtime(actor=world.operator, showtime=showtime)
    assert Order.objects.get(pk=order.pk).status == "refunded"


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("no mail server")
