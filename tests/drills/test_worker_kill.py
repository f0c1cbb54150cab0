"""Drill (a): an app worker killed with SIGKILL in the middle of checkouts.

Sixteen buyers run the whole purchase path (seat map → hold → order → pay →
gateway authorize → tickets) against two gunicorn workers; twice, a worker
is killed with SIGKILL while requests are in flight. The killed requests
fail at the client (connection reset) — their transactions die with the
connection, so PostgreSQL rolls them back — and the master starts a new
worker. Afterwards no seat is both free and sold, every paid order has its
tickets, and no payment kept money without tickets or a refund.
"""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta

import pytest

from .conftest import Api, check_invariants

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_sigkill_of_a_worker_mid_checkout_loses_nothing(drill_world, spread_load):
    started = spread_load(concurrency=16, duration=9)
    server, load = started.server, started.process
    killed = []
    try:
        for pause in (2.5, 3.0):
            time.sleep(pause)
            victim = server.worker_pids()[0]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)
        assert load.wait(60) == 0
    finally:
        if load.poll() is None:
            load.kill()
    result = started.result()

    assert len(set(killed)) == 2
    assert server.alive(), server.log_tail()
    assert result["orders"] > 0, result
    # Requests in flight in a killed worker fail at the transport level, never as a 5xx.
    assert result["errors_5xx"] == 0, result["errors"]
    # The master replaced the workers: a complete purchase works again.
    deadline = time.monotonic() + 20
    while len(server.worker_pids()) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    buyer = Api(server, drill_world.tokens[-1])
    order, pay = buyer.order_until_payment(drill_world.hot[0], ["13-20"])
    assert buyer.authorize(pay["payment_id"]).status == 200
    assert [t["seat"]["code"] for t in buyer.tickets(order["id"]).data] == ["13-20"]

    showtimes = [s for s, _ in drill_world.spread] + drill_world.hot
    facts = check_invariants(showtimes)
    print(
        f"\nworker kill drill: {result['orders']} orders, {result['transport_errors']} requests "
        f"cut by the kills ({result['errors']}); invariants: {facts}"
    )


def test_a_callback_cut_off_by_a_kill_is_delivered_again(drill_world, serve):
    """The state a SIGKILL between the gateway's claim and the webhook's commit leaves behind.

    The worker kill drill produces it by chance (``undelivered_success_callbacks``);
    here it is made on purpose: the success callback is claimed as delivered, its
    webhook transaction never committed. A gateway delivers at least once, so
    asking it to deliver again must complete the payment.
    """
    from django.utils import timezone

    from marquee.payments.models import Payment, SimulatedCallback

    server = serve(workers=1, threads=2)
    buyer = Api(server, drill_world.tokens[0])
    order, pay = buyer.order_until_payment(drill_world.hot[0], ["11-20"])
    assert buyer.authorize(pay["payment_id"], outcome="delay").status == 200
    # What _deliver_stored() commits before it calls the webhook — then the kill, a
    # few minutes ago: the claim stands, no response was ever recorded.
    SimulatedCallback.objects.filter(payment_id=pay["payment_id"]).update(
        delivered_at=timezone.now() - timedelta(minutes=5), response_status=None
    )

    redelivered = buyer.call("POST", f"/payments/sim/{pay['payment_id']}/deliver")
    assert redelivered.status == 200, redelivered
    assert Payment.objects.get(pk=pay["payment_id"]).status == Payment.Status.SUCCEEDED
    assert [t["seat"]["code"] for t in buyer.tickets(order["id"]).data] == ["11-20"]
