"""Co-financing under concurrency: racing stakes never pass 100 %, racing receipts lose nothing."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db.models import F, Sum

from marquee.core.errors import DomainError
from marquee.core.money import Money
from marquee.finance.chart import ensure_chart
from marquee.investment import services
from marquee.investment.models import (
    Participant,
    ParticipantPayment,
    Payout,
    Project,
    Receipt,
    Waterfall,
)
from marquee.investment.services import financing, revenue
from tests.concurrency.conftest import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def project():
    ensure_chart()
    project = services.create_project(slug="race-film", name_en="Race film")
    services.add_participant(project=project.slug, name="Studio", kind="studio", stake_bp=7000)
    return project


def _join(n: int):
    return services.add_participant(
        project="race-film", name=f"Partner {n}", kind="partner", stake_bp=1000
    )


def _stakes() -> int:
    return Participant.objects.aggregate(total=Sum("stake_bp"))["total"]


def test_racing_partners_stop_at_100_percent(project):
    outcomes = race([lambda n=n: _join(n) for n in range(8)])
    assert sum(o.ok for o in outcomes) == 3
    lost = [o.error for o in outcomes if not o.ok]
    assert all(isinstance(e, DomainError) and e.code == "stakes_over_100" for e in lost)
    assert _stakes() == 10_000 == Project.objects.get(pk=project.pk).stakes_bp


def test_control_a_read_then_write_claim_oversells_the_stakes(project, monkeypatch):
    """The race is real: check Σ stakes, then write, and two partners both pass the check."""
    both_read = threading.Barrier(2)

    def read_then_write(target: Project, bp: int) -> None:
        current = Project.objects.get(pk=target.pk).stakes_bp
        both_read.wait(timeout=30)
        if current + bp > 10_000:
            raise financing._over(target, bp)
        Project.objects.filter(pk=target.pk).update(stakes_bp=current + bp)

    _join(0)
    _join(1)  # 90 % taken: room for one more partner of 10 %
    monkeypatch.setattr(financing, "claim_stake", read_then_write)
    outcomes = race([lambda n=n: _join(10 + n) for n in range(2)])
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    assert _stakes() > 10_000


def _receive(n: int):
    return services.receive(
        project=Project.objects.get(slug="race-film"),
        source=Receipt.Source.MANUAL,
        source_key=f"race:{n}",
        received_on=dt.date(2026, 5, 14),
        money=Money(1_000_000 + n, "CNY"),
    )


@pytest.fixture
def waterfall(project):
    studio = Participant.objects.get(name="Studio")
    services.add_participant(project="race-film", name="Partner", kind="partner", stake_bp=3000)
    services.set_waterfall(
        project="race-film",
        tiers=[
            {"key": "recoup", "type": "deferment", "participant": studio.pk,
             "amount_minor": 2_500_000},
            {"key": "rest", "type": "residual"},
        ],
    )  # fmt: skip
    return Waterfall.objects.get(project=project)


def test_racing_receipts_are_each_paid_out_in_full_and_the_cap_holds(waterfall):
    outcomes = race([lambda n=n: _receive(n) for n in range(8)])
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    total = sum(1_000_000 + n for n in range(8))
    assert Payout.objects.aggregate(t=Sum("amount_minor"))["t"] == total
    recouped = Payout.objects.filter(tier_key="recoup").aggregate(t=Sum("amount_minor"))["t"]
    assert recouped == 2_500_000
    state = Waterfall.objects.get(pk=waterfall.pk).state
    assert state["gross"] == total
    # Every receipt's payouts add up to it: no payment lost, none counted twice.
    mismatched = Receipt.objects.annotate(paid=Sum("payouts__amount_minor")).exclude(
        paid=F("amount_minor")
    )
    assert not mismatched.exists()


def test_control_without_the_waterfall_lock_recoups_twice(waterfall, monkeypatch):
    both_read = threading.Barrier(2)

    def unlocked(project: Project) -> Waterfall | None:
        found = Waterfall.objects.filter(project=project).first()
        both_read.wait(timeout=30)
        return found

    _receive(100)
    _receive(101)  # 2,000,201 of the 2,500,000 recouped
    monkeypatch.setattr(revenue, "_lock_waterfall", unlocked)
    outcomes = race([lambda n=n: _receive(n) for n in range(2)])
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    recouped = Payout.objects.filter(tier_key="recoup").aggregate(t=Sum("amount_minor"))["t"]
    assert recouped > 2_500_000


def _pay(participant_id: int, amount: int):
    return services.pay_participant(
        participant_id=participant_id, date=dt.date(2026, 5, 15), amount_minor=amount
    )


def test_racing_payments_never_pay_more_than_is_owed(waterfall):
    _receive(0)  # 1,000,000: all of it recouped by the studio's deferment
    _receive(1)
    _receive(2)  # 3,000,003 in all: 500,003 past the deferment, 30 % to the partner
    partner = Participant.objects.get(name="Partner")
    owed = partner.earned_minor
    assert owed > 0
    quarter = owed // 4
    outcomes = race([lambda: _pay(partner.pk, quarter) for _ in range(8)])
    assert sum(o.ok for o in outcomes) == 4
    lost = [o.error for o in outcomes if not o.ok]
    assert all(isinstance(e, DomainError) and e.code == "over_payment" for e in lost)
    partner.refresh_from_db()
    assert partner.paid_minor == 4 * quarter <= partner.earned_minor
    assert ParticipantPayment.objects.aggregate(t=Sum("amount_minor"))["t"] == 4 * quarter
