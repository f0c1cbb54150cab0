"""Premiere tickets: claimed as complimentary tickets, never more than granted, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from marquee.core import outbox
from marquee.core.errors import DomainError
from marquee.crowdfunding.models import PerkGrant, PremiereClaim
from marquee.crowdfunding.services import premiere
from marquee.finance.models import JournalEntry
from marquee.ticketing.models import Order, SeatInventory, Ticket
from tests.crowdfunding.factories import (
    fan,
    funded_offering,
    investment_staff,
)
from tests.ticketing.conftest import build_world, make_showtime


@pytest.fixture
def premiere_world(make_user):
    """A funded offering with a premiere perk of 3 tickets and its film's premiere showtime."""
    world = build_world(make_user)
    showtime = make_showtime(world, starts_at=timezone.now() + dt.timedelta(days=20))
    backer = fan()
    offering = funded_offering(world.title, [(backer, 5)], premiere_min_units=5, premiere_tickets=3)
    premiere.set_premiere_showtime(actor=investment_staff(), offering=offering, showtime=showtime)
    grant = PerkGrant.objects.get(backer=backer, kind=PerkGrant.Kind.PREMIERE)
    return world, showtime, offering, backer, grant


def test_a_backer_claims_best_available_then_picked_seats_up_to_the_grant(premiere_world):
    world, showtime, _, backer, grant = premiere_world
    first = premiere.claim_premiere_tickets(user=backer, grant=grant.pk, count=2)
    order = Order.objects.get(pk=first.order_id)
    assert (order.status, order.total_minor) == (Order.Status.PAID, 0)
    tickets = list(Ticket.objects.filter(order=order))
    assert len(tickets) == 2 and {t.status for t in tickets} == {Ticket.Status.VALID}
    assert all(t.code for t in tickets)  # signed e-tickets, as any other
    sold = SeatInventory.objects.filter(showtime=showtime, state=SeatInventory.State.SOLD)
    assert set(sold.values_list("seat_id", flat=True)) == {t.seat_id for t in tickets}
    taken = {t.seat.code for t in tickets}
    free = next(
        code for code in world.seats if code not in taken and world.seats[code].kind == "standard"
    )
    premiere.claim_premiere_tickets(user=backer, grant=grant.pk, seat_codes=[free])
    grant.refresh_from_db()
    assert (grant.claimed, grant.unclaimed) == (3, 0)
    with pytest.raises(DomainError) as exc:
        premiere.claim_premiere_tickets(user=backer, grant=grant.pk, count=1)
    assert (exc.value.code, exc.value.detail["left"]) == ("premiere_tickets_exhausted", 0)
    outbox.drain()
    # A free order moves no money: nothing in the ledger for it.
    assert not JournalEntry.objects.filter(memo=f"Ticket order {order.pk} paid").exists()


def test_a_claim_past_the_grant_or_on_a_taken_seat_writes_nothing(premiere_world):
    world, showtime, _, backer, grant = premiere_world
    with pytest.raises(DomainError) as exc:
        premiere.claim_premiere_tickets(user=backer, grant=grant.pk, count=4)
    assert exc.value.code == "premiere_tickets_exhausted"
    other = fan()
    seat = next(code for code, s in world.seats.items() if s.kind == "standard")
    SeatInventory.objects.filter(showtime=showtime, seat=world.seats[seat]).update(
        state=SeatInventory.State.SOLD
    )
    with pytest.raises(DomainError) as exc:
        premiere.claim_premiere_tickets(user=backer, grant=grant.pk, seat_codes=[seat])
    assert exc.value.code == "seats_unavailable"
    with pytest.raises(DomainError) as exc:
        premiere.claim_premiere_tickets(user=other, grant=grant.pk, count=1)
    assert exc.value.code == "perk_not_found"
    with pytest.raises(DomainError) as exc:
        premiere.claim_premiere_tickets(user=backer, grant=grant.pk, count=0)
    assert exc.value.code == "invalid_premiere_count"
    grant.refresh_from_db()
    assert grant.claimed == 0
    assert not Order.objects.filter(user=backer).exists()
    assert not PremiereClaim.objects.exists()


def test_the_same_key_claims_once(premiere_world):
    _, _, _, backer, grant = premiere_world
    a = premiere.claim_premiere_tickets(user=backer, grant=grant.pk, count=1, idempotency_key="k1")
    b = premiere.claim_premiere_tickets(user=backer, grant=grant.pk, count=1, idempotency_key="k1")
    assert a.pk == b.pk
    grant.refresh_from_db()
    assert grant.claimed == 1 and Ticket.objects.filter(order__user=backer).count() == 1


def test_without_a_premiere_showtime_or_of_another_film_nothing_is_claimed(make_user):
    world = build_world(make_user)
    backer = fan()
    offering = funded_offering(world.title, [(backer, 5)], premiere_min_units=5, premiere_tickets=2)
    grant = PerkGrant.objects.get(backer=backer)
    with pytest.raises(DomainError) as exc:
        premiere.claim_premiere_tickets(user=backer, grant=grant.pk, count=1)
    assert exc.value.code == "premiere_showtime_missing"
    other_film = make_showtime(build_world(make_user))
    with pytest.raises(DomainError) as exc:
        premiere.set_premiere_showtime(
            actor=investment_staff(), offering=offering, showtime=other_film
        )
    assert exc.value.code == "invalid_premiere_showtime"
    with pytest.raises(DomainError) as exc:
        premiere.set_premiere_showtime(actor=backer, offering=offering, showtime=other_film)
    assert exc.value.code == "not_investment_staff"
