"""Crowdfunding's postings: balanced, in segment content, exactly once even when replayed."""

from __future__ import annotations

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marquee.core import outbox
from marquee.core.models import OutboxEvent
from marquee.crowdfunding import events
from marquee.crowdfunding.consumers import post_crowdfunding_events
from marquee.crowdfunding.models import BackerAllowance, Offering, Pledge
from marquee.crowdfunding.services import closing, pledges
from marquee.finance.models import JournalEntry, JournalLine
from tests.crowdfunding.factories import fan, make_offering, pledge_and_pay


def test_a_replayed_event_posts_nothing_more():
    offering = make_offering(target_units=2)
    pledge_and_pay(offering, fan(), 2)
    closing.close_offering(offering=offering, now=offering.closes_at)
    outbox.drain()
    posted = JournalEntry.objects.count()
    money_events = list(OutboxEvent.objects.filter(type__in=events.MONEY))
    assert {e.type for e in money_events} == {events.PLEDGE_PAID, events.OFFERING_SUCCEEDED}
    post_crowdfunding_events(money_events)  # a redelivery of every event
    assert JournalEntry.objects.count() == posted
    lines = JournalLine.objects.filter(account__code__in=["2630", "2640"])
    assert {line.segment.code for line in lines} == {"content"}
    assert {line.project for line in lines} == {offering.project.slug}


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=3),  # which backer
            st.integers(min_value=-1, max_value=7),  # units (some refused)
            st.sampled_from(["succeed", "decline", "expire"]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_the_counters_always_equal_the_pledges_and_stay_under_the_caps(steps):
    """Whatever pledges, payments, declines and expiries happen, the counters add up."""
    from marquee.core.errors import DomainError
    from marquee.payments.simulator.gateway import authorize_sim_payment

    offering = make_offering(cap_units=12, target_units=6, max_units_per_backer=6)
    backers = [fan() for _ in range(4)]
    for who, units, outcome in steps:
        try:
            started = pledges.place_pledge(offering=offering, user=backers[who], units=units)
        except DomainError:
            continue
        if outcome == "expire":
            pledges.expire_reservations(now=timezone.now() + pledges.reservation_length())
        else:
            authorize_sim_payment(payment_id=started.payment_id, user=backers[who], outcome=outcome)
    offering.refresh_from_db()
    live = Pledge.objects.filter(offering=offering, status__in=["reserved", "paid"])
    paid = Pledge.objects.filter(offering=offering, status="paid")
    assert offering.reserved_units == sum(p.units for p in live) <= offering.cap_units
    assert offering.paid_units == sum(p.units for p in paid)
    for backer in backers:
        held = sum(p.units for p in live if p.backer_id == backer.pk)
        allowance = BackerAllowance.objects.filter(offering=offering, user=backer).first()
        assert (allowance.units if allowance else 0) == held <= offering.max_units_per_backer
    assert Offering.objects.filter(pk=offering.pk, status="active").exists()


def test_the_gateway_fee_on_a_pledge_is_booked_to_the_content_segment():
    """The fee of raising the film's money belongs to crowdfunding's segment, not corporate."""
    offering = make_offering()
    pledge = pledge_and_pay(offering, fan(), 5)
    outbox.drain()
    fee = JournalLine.objects.filter(account__code="5020", reference=f"payment:{pledge.payment_id}")
    assert [(line.debit_minor, line.segment.code) for line in fee] == [(300, "content")]
