"""The rush's hot path stays a fixed, small number of queries."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from marquee.crowdfunding.services import pledges
from marquee.payments.simulator.gateway import authorize_sim_payment
from tests.crowdfunding.factories import fan, make_offering


def test_placing_and_paying_a_pledge_take_a_fixed_number_of_queries():
    offering = make_offering()
    counts = []
    for _ in range(2):
        backer = fan()
        with CaptureQueriesContext(connection) as placed:
            started = pledges.place_pledge(offering=offering.pk, user=backer, units=2)
        with CaptureQueriesContext(connection) as paid:
            authorize_sim_payment(payment_id=started.payment_id, user=backer, outcome="succeed")
        counts.append((len(placed), len(paid)))
    assert counts[0] == counts[1], counts
    place, pay = counts[0]
    assert place <= 12
    assert pay <= 32
