"""Crowdfunding under a rush: the hard cap and the per-backer cap hold, and no paid pledge is lost.

Threads against PostgreSQL (each its own connection), released together by
``race``. The claims are conditional UPDATEs whose row counts decide; the
control swaps the cap's claim for a read-then-write and shows the race is real.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db.models import F, Sum
from django.utils import timezone

from marquee.core.errors import DomainError
from marquee.crowdfunding.models import Offering, Pledge
from marquee.crowdfunding.services import closing, pledges
from marquee.finance.chart import ensure_chart
from marquee.payments.models import Payment
from marquee.payments.simulator.gateway import authorize_sim_payment
from tests.concurrency.conftest import race
from tests.crowdfunding.factories import fan, make_offering

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _chart():
    ensure_chart()


def _pledge(offering_id: int, user, units: int):
    return pledges.place_pledge(offering=offering_id, user=user, units=units)


def _units_of(outcomes) -> int:
    return sum(o.value.pledge.units for o in outcomes if o.ok)


def test_racing_pledges_never_pass_the_hard_cap():
    offering = make_offering(cap_units=100, target_units=50, max_units_per_backer=10)
    fans = [fan() for _ in range(40)]
    outcomes = race([lambda u=u: _pledge(offering.pk, u, 5) for u in fans])
    won = [o for o in outcomes if o.ok]
    lost = [o for o in outcomes if not o.ok]
    assert len(won) == 20
    assert all(isinstance(o.error, DomainError) for o in lost), [o.error for o in lost]
    assert {o.error.code for o in lost} == {"offering_cap_reached"}
    offering.refresh_from_db()
    assert offering.reserved_units == _units_of(outcomes) == 100
    assert Pledge.objects.filter(offering=offering).count() == 20


def test_racing_pledges_of_one_backer_never_pass_the_per_backer_cap():
    offering = make_offering(cap_units=100, max_units_per_backer=10)
    backer = fan()
    outcomes = race([lambda: _pledge(offering.pk, backer, 3) for _ in range(8)])
    assert sum(o.ok for o in outcomes) == 3
    assert {o.error.code for o in outcomes if not o.ok} == {"backer_limit"}
    offering.refresh_from_db()
    assert offering.reserved_units == 9


def test_payments_racing_the_close_are_either_in_escrow_or_refunded():
    """The last-minute rush: reservations pay while the offering closes; nothing paid is lost."""
    offering = make_offering(cap_units=70, target_units=10, max_units_per_backer=10)
    fans = [fan() for _ in range(12)]
    # Two pledges paid before the rush: the target is met whoever wins.
    for early in (fan(), fan()):
        s = pledges.place_pledge(offering=offering, user=early, units=5)
        authorize_sim_payment(payment_id=s.payment_id, user=early, outcome="succeed")
    started = [pledges.place_pledge(offering=offering, user=u, units=5) for u in fans]
    Offering.objects.filter(pk=offering.pk).update(closes_at=timezone.now())

    def pay(s, user):
        return authorize_sim_payment(payment_id=s.payment_id, user=user, outcome="succeed")

    racers = [lambda s=s, u=u: pay(s, u) for s, u in zip(started, fans, strict=True)]
    racers.append(lambda: closing.close_offering(offering=offering.pk))
    outcomes = race(racers)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes if not o.ok]
    offering.refresh_from_db()
    # Either side may win each race: a payment before the close is in escrow, one after
    # it is refunded in full.
    assert offering.status == Offering.Status.SUCCEEDED
    assert offering.paid_units <= offering.cap_units
    paid = Pledge.objects.filter(offering=offering, status=Pledge.Status.PAID)
    payments = Payment.objects.filter(purpose=pledges.PAYMENT_PURPOSE)
    # Every captured payment is a paid pledge (in escrow) or was refunded in full.
    kept = payments.filter(status=Payment.Status.SUCCEEDED)
    refunded = payments.filter(status=Payment.Status.REFUNDED)
    assert kept.count() + refunded.count() == len(started) + 2
    assert set(kept.values_list("pk", flat=True)) == set(paid.values_list("payment_id", flat=True))
    assert (paid.aggregate(units=Sum("units"))["units"] or 0) == offering.paid_units
    assert not Pledge.objects.filter(offering=offering, status=Pledge.Status.RESERVED).exists()


def test_control_a_read_then_write_claim_oversells(monkeypatch):
    """The race is real: decide on a read and write the sum back, and more is accepted than fits."""

    def claim_on_a_read(*, offering_id: int, units: int, now: dt.datetime) -> bool:
        current = Offering.objects.filter(pk=offering_id).values_list("reserved_units", flat=True)
        used = current.get()
        time.sleep(0.01)  # the window every request has between its read and its write
        if used + units > 100:
            return False
        Offering.objects.filter(pk=offering_id).update(reserved_units=used + units)
        return True

    monkeypatch.setattr(pledges, "claim_cap", claim_on_a_read)
    offering = make_offering(cap_units=100, target_units=50, max_units_per_backer=10)
    fans = [fan() for _ in range(40)]
    outcomes = race([lambda u=u: _pledge(offering.pk, u, 5) for u in fans])
    offering.refresh_from_db()
    assert _units_of(outcomes) > offering.cap_units
    assert Offering.objects.filter(pk=offering.pk, reserved_units__lt=F("cap_units") + 1).exists()


def _premiere_grant(quantity: int):
    """A backer's premiere perk of ``quantity`` tickets for an upcoming showtime of the film."""
    from marquee.accounts.services import grant_role
    from marquee.crowdfunding.models import PerkGrant
    from marquee.crowdfunding.services import premiere
    from tests.accounts.factories import UserFactory
    from tests.crowdfunding.factories import funded_offering, investment_staff
    from tests.ticketing.conftest import build_world, make_showtime

    def make_user(role=None, org=None, username=None):
        user = UserFactory(password=None)
        if role:
            grant_role(user=user, organisation=org, role=role)
        return user

    world = build_world(make_user)
    showtime = make_showtime(world, starts_at=timezone.now() + dt.timedelta(days=20))
    backer = fan()
    offering = funded_offering(
        world.title, [(backer, 5)], premiere_min_units=5, premiere_tickets=quantity
    )
    premiere.set_premiere_showtime(actor=investment_staff(), offering=offering, showtime=showtime)
    seats = [code for code, seat in world.seats.items() if seat.kind == "standard"]
    return backer, PerkGrant.objects.get(backer=backer), premiere, seats


def _claims(backer, grant, premiere, seats, n: int):
    """``n`` claims of one ticket each, on ``n`` different seats: only the grant's count contends."""
    return race(
        [
            lambda code=code: premiere.claim_premiere_tickets(
                user=backer, grant=grant.pk, seat_codes=[code]
            )
            for code in seats[:n]
        ]
    )


def test_racing_premiere_claims_never_pass_the_grant():
    from marquee.ticketing.models import Ticket

    backer, grant, premiere, seats = _premiere_grant(3)
    outcomes = _claims(backer, grant, premiere, seats, 8)
    assert sum(o.ok for o in outcomes) == 3
    assert {o.error.code for o in outcomes if not o.ok} == {"premiere_tickets_exhausted"}
    grant.refresh_from_db()
    assert grant.claimed == 3 == Ticket.objects.filter(order__user=backer).count()


def test_control_a_read_then_write_grant_claim_gives_more_tickets_than_granted(monkeypatch):
    from marquee.crowdfunding.models import PerkGrant
    from marquee.ticketing.models import Ticket

    def claim_on_a_read(*, grant_id: int, tickets: int) -> bool:
        quantity, used = (
            PerkGrant.objects.filter(pk=grant_id).values_list("quantity", "claimed").get()
        )
        time.sleep(0.01)
        if used + tickets > quantity:
            return False
        PerkGrant.objects.filter(pk=grant_id).update(claimed=used + tickets)
        return True

    backer, grant, premiere, seats = _premiere_grant(3)
    monkeypatch.setattr(premiere, "claim_grant", claim_on_a_read)
    _claims(backer, grant, premiere, seats, 8)
    assert Ticket.objects.filter(order__user=backer).count() > grant.quantity
