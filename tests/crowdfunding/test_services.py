"""Crowdfunding services: offering rules, pledges through payments, escrow, close, refunds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from marquee.core import outbox
from marquee.core.errors import DomainError
from marquee.crowdfunding.models import BackerAllowance, Offering, PerkGrant, Pledge
from marquee.crowdfunding.services import closing, offerings, pledges
from marquee.finance.models import JournalLine
from marquee.payments.models import Payment
from tests.crowdfunding.factories import (
    ProjectFactory,
    distribution_staff,
    fan,
    investment_staff,
    make_offering,
    pledge_and_pay,
)


def balance(account: str) -> int:
    """Credit − debit of ``account`` over every posted line (CNY minor units)."""
    lines = JournalLine.objects.filter(account__code=account)
    return sum(line.credit_minor - line.debit_minor for line in lines)


def written(offering: Offering) -> tuple:
    offering.refresh_from_db()
    return (
        offering.reserved_units,
        offering.paid_units,
        Pledge.objects.filter(offering=offering).count(),
        Payment.objects.filter(purpose=pledges.PAYMENT_PURPOSE).count(),
        sorted(BackerAllowance.objects.filter(offering=offering).values_list("units", flat=True)),
    )


# --- offerings ----------------------------------------------------------------------


def test_only_investment_staff_create_offerings():
    with pytest.raises(DomainError) as exc:
        make_offering(actor=fan())
    assert exc.value.code == "not_investment_staff"
    assert not Offering.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"cap_units": 50}, "cap_units"),  # below the target
        ({"unit_price_minor": 0}, "unit_price_minor"),
        ({"max_units_per_backer": 101}, "max_units_per_backer"),
        ({"min_units_per_backer": 30, "max_units_per_backer": 20}, "max_units_per_backer"),
        ({"currency": "XYZ"}, "currency"),
        ({"bonus_tiers": [(100, 5), (100, 6)]}, "bonus_tiers"),
        ({"target_units": True}, "target_units"),
    ],
)
def test_an_invalid_offering_is_refused_and_nothing_is_written(change, field):
    with pytest.raises(DomainError) as exc:
        make_offering(**change)
    assert exc.value.code == "invalid_offering"
    assert exc.value.detail["field"] == field
    assert not Offering.objects.exists()


def test_an_offering_closing_before_it_opens_is_refused():
    now = timezone.now()
    with pytest.raises(DomainError) as exc:
        make_offering(opens_at=now, closes_at=now)
    assert exc.value.detail["field"] == "closes_at"


def test_unknown_project_is_not_found():
    with pytest.raises(DomainError) as exc:
        make_offering(project="no-such-project")
    assert exc.value.code == "project_not_found"


# --- pledges ------------------------------------------------------------------------


def test_a_paid_pledge_lands_in_escrow_once():
    offering = make_offering()
    backer = fan()
    pledge = pledge_and_pay(offering, backer, 3)
    assert pledge.status == Pledge.Status.PAID
    offering.refresh_from_db()
    assert (offering.reserved_units, offering.paid_units) == (3, 3)
    assert outbox.drain() >= 1
    assert balance("2630") == 30_000
    assert balance("1020") == -30_000 + _gateway_fees()
    # A replay of every delivery posts nothing more.
    assert outbox.drain() == 0
    assert balance("2630") == 30_000


def _gateway_fees() -> int:
    """What finance's gateway-fee rule credited to 1020 (it posts for every payment)."""
    return sum(
        line.credit_minor for line in JournalLine.objects.filter(account__code="5020")
    ) + sum(line.debit_minor for line in JournalLine.objects.filter(account__code="5020"))


def test_a_declined_payment_gives_the_units_back():
    offering = make_offering()
    backer = fan()
    pledge = pledge_and_pay(offering, backer, 5, outcome="decline")
    assert pledge.status == Pledge.Status.LAPSED
    offering.refresh_from_db()
    assert (offering.reserved_units, offering.paid_units) == (0, 0)
    assert BackerAllowance.objects.get(offering=offering, user=backer).units == 0


@pytest.mark.parametrize("units", [0, -1, True, 2.5, "3"])
def test_zero_negative_or_non_integer_units_are_refused(units):
    offering = make_offering()
    before = written(offering)
    with pytest.raises(DomainError) as exc:
        pledges.place_pledge(offering=offering, user=fan(), units=units)
    assert exc.value.code == "invalid_units"
    assert written(offering) == before


def test_a_pledge_past_the_cap_is_refused_and_nothing_is_written():
    offering = make_offering(cap_units=60, target_units=60, max_units_per_backer=20)
    for _ in range(2):
        pledge_and_pay(offering, fan(), 20)
    pledge_and_pay(offering, fan(), 15)
    before = written(offering)
    with pytest.raises(DomainError) as exc:
        pledges.place_pledge(offering=offering, user=fan(), units=6)
    assert exc.value.code == "offering_cap_reached"
    assert exc.value.detail["available"] == 5
    assert written(offering) == before


def test_the_per_backer_limit_counts_every_pledge_of_the_backer():
    offering = make_offering(max_units_per_backer=10, min_units_per_backer=2)
    backer = fan()
    with pytest.raises(DomainError) as exc:
        pledges.place_pledge(offering=offering, user=backer, units=1)
    assert exc.value.code == "backer_limit"
    pledge_and_pay(offering, backer, 8)
    before = written(offering)
    with pytest.raises(DomainError) as exc:
        pledges.place_pledge(offering=offering, user=backer, units=3)
    assert exc.value.code == "backer_limit"
    assert exc.value.detail == {"min_units": 2, "max_units": 10, "held": 8, "requested": 3}
    assert written(offering) == before
    pledge_and_pay(offering, backer, 2)
    assert BackerAllowance.objects.get(offering=offering, user=backer).units == 10


def test_pledges_before_opening_and_after_closing_are_refused():
    now = timezone.now()
    upcoming = make_offering(opens_at=now + dt.timedelta(days=1))
    with pytest.raises(DomainError) as exc:
        pledges.place_pledge(offering=upcoming, user=fan(), units=1)
    assert exc.value.code == "offering_not_open_yet"
    offering = make_offering()
    with pytest.raises(DomainError) as exc:
        pledges.place_pledge(
            offering=offering, user=fan(), units=1, now=offering.closes_at + dt.timedelta(1)
        )
    assert exc.value.code == "offering_closed"
    assert written(upcoming)[:3] == (0, 0, 0)
    assert written(offering)[:3] == (0, 0, 0)


def test_an_expired_reservation_lapses_once_and_a_late_payment_reclaims_or_refunds():
    from marquee.payments.simulator.gateway import authorize_sim_payment

    offering = make_offering(cap_units=60, target_units=60, max_units_per_backer=30)
    late = fan()
    started = pledges.place_pledge(offering=offering, user=late, units=30)
    later = timezone.now() + dt.timedelta(hours=1)
    assert pledges.expire_reservations(now=later) == 1
    assert pledges.expire_reservations(now=later) == 0
    offering.refresh_from_db()
    assert offering.reserved_units == 0
    # Room is left: the late payment claims the cap again.
    authorize_sim_payment(payment_id=started.payment_id, user=late, outcome="succeed")
    assert Pledge.objects.get(pk=started.pledge.pk).status == Pledge.Status.PAID
    # No room left: a late payment is refunded, never kept without units.
    other = fan()
    second = pledges.place_pledge(offering=offering, user=other, units=30)
    pledges.expire_reservations(now=later)
    pledge_and_pay(offering, fan(), 30)
    authorize_sim_payment(payment_id=second.payment_id, user=other, outcome="succeed")
    payment = Payment.objects.get(pk=second.payment_id)
    assert payment.status == Payment.Status.REFUNDED
    assert Pledge.objects.get(pk=second.pledge.pk).status == Pledge.Status.LAPSED
    offering.refresh_from_db()
    assert offering.paid_units == offering.reserved_units == 60


# --- closing ------------------------------------------------------------------------


def test_closing_before_the_closing_time_is_refused():
    offering = make_offering()
    with pytest.raises(DomainError) as exc:
        closing.close_offering(offering=offering)
    assert exc.value.code == "offering_still_open"


def test_success_releases_escrow_to_the_project_and_grants_perks():
    from tests.ticketing.conftest import make_presale_round  # noqa: F401 - the round helper

    project = ProjectFactory()
    planner = distribution_staff()
    from marquee.ticketing.services.rounds import create_presale_round

    now = timezone.now()
    presale = create_presale_round(
        actor=planner,
        title=project.title,
        name="Backers' pre-sale",
        opens_at=now + dt.timedelta(days=20),
        closes_at=now + dt.timedelta(days=25),
        audience="invitation",
    )
    offering = make_offering(project=project, premiere_min_units=10, premiere_tickets=2)
    offering = offerings.link_presale_round(actor=planner, offering=offering, presale=presale)
    big, small = fan(), fan()
    pledge_and_pay(offering, big, 20)
    pledge_and_pay(offering, small, 20)
    pledge_and_pay(offering, fan(), 20)
    waiting = pledges.place_pledge(offering=offering, user=fan(), units=5)
    closed = closing.close_offering(offering=offering, now=offering.closes_at)
    assert closed.status == Offering.Status.SUCCEEDED
    assert closed.reserved_units == closed.paid_units == 60
    assert Pledge.objects.get(pk=waiting.pledge.pk).status == Pledge.Status.LAPSED
    outbox.drain()
    assert balance("2630") == 0
    assert balance("2640") == 600_000
    premiere = PerkGrant.objects.filter(offering=offering, kind="premiere")
    assert premiere.count() == 3 and {g.quantity for g in premiere} == {2}
    invites = PerkGrant.objects.filter(offering=offering, kind="presale").select_related(
        "invitation"
    )
    assert invites.count() == 3
    assert {g.invitation.user_id for g in invites} == {g.backer_id for g in invites}
    assert {g.invitation.round_id for g in invites} == {presale.pk}
    # Closing again changes nothing.
    assert closing.close_offering(offering=offering).status == Offering.Status.SUCCEEDED
    assert PerkGrant.objects.filter(offering=offering).count() == 6


def test_failure_refunds_every_backer_through_payments():
    offering = make_offering()
    paid = [pledge_and_pay(offering, fan(), 10) for _ in range(3)]
    summary = closing.close_due_offerings(now=offering.closes_at)
    assert summary.failed == 1 and summary.refunded == 3
    offering.refresh_from_db()
    assert offering.status == Offering.Status.FAILED
    for pledge in paid:
        pledge.refresh_from_db()
        assert pledge.status == Pledge.Status.REFUNDED
        payment = Payment.objects.get(pk=pledge.payment_id)
        assert payment.status == Payment.Status.REFUNDED
        assert payment.refunds.get().reason == closing.REFUND_REASON
    outbox.drain()
    assert balance("2630") == 0
    assert balance("2640") == 0
    # Running the closer again refunds nobody twice.
    assert closing.close_due_offerings(now=offering.closes_at).refunded == 0


def test_only_distribution_staff_link_an_invitation_round_of_the_film():
    offering = make_offering()
    with pytest.raises(DomainError) as exc:
        offerings.link_presale_round(actor=investment_staff(), offering=offering, presale=None)
    assert exc.value.code == "presale_perk_forbidden"


def test_the_close_offerings_command_settles_due_offerings():
    from io import StringIO

    from django.core.management import call_command

    funded = make_offering(target_units=2)
    pledge_and_pay(funded, fan(), 2)
    missed = make_offering()
    pledge_and_pay(missed, fan(), 1)
    Offering.objects.filter(pk__in=[funded.pk, missed.pk]).update(closes_at=timezone.now())
    out = StringIO()
    call_command("close_offerings", stdout=out)
    assert "1 offering(s) succeeded, 1 failed; 1 pledge(s) refunded" in out.getvalue()
    assert Offering.objects.get(pk=funded.pk).status == Offering.Status.SUCCEEDED
    assert Offering.objects.get(pk=missed.pk).status == Offering.Status.FAILED
