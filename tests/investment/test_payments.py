"""Paying participants what the waterfall owes them: never more, once per key, in the books."""

from __future__ import annotations

import pytest

from marquee.core.errors import DomainError
from marquee.core.money import Money
from marquee.finance.models import JournalLine
from marquee.investment import queries, services
from marquee.investment.models import Participant, ParticipantPayment, Receipt
from tests.investment.conftest import DAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def owed(with_waterfall):
    services.receive(
        project=with_waterfall.project,
        source=Receipt.Source.MANUAL,
        source_key="pay",
        received_on=DAY,
        money=Money(12_000_000, "CNY"),
    )
    return with_waterfall


def test_a_partner_is_paid_what_it_is_owed_and_no_more(owed):
    paramount = Participant.objects.get(pk=owed.paramount.pk)
    assert paramount.earned_minor == 2_545_500
    first = services.pay_participant(
        participant_id=paramount.pk, date=DAY, amount_minor=1_000_000, idempotency_key="p1"
    )
    again = services.pay_participant(
        participant_id=paramount.pk, date=DAY, amount_minor=1_000_000, idempotency_key="p1"
    )
    assert first.pk == again.pk
    with pytest.raises(DomainError) as refused:
        services.pay_participant(participant_id=paramount.pk, date=DAY, amount_minor=1_545_501)
    assert refused.value.code == "over_payment"
    assert refused.value.detail["owed_minor"] == 1_545_500
    rest = services.pay_participant(participant_id=paramount.pk, date=DAY)  # all that is owed
    assert rest.amount_minor == 1_545_500
    assert ParticipantPayment.objects.count() == 2
    statement = queries.statement(Participant.objects.get(pk=paramount.pk))
    assert (statement.total_minor, statement.owed_minor) == (2_545_500, 0)
    with pytest.raises(DomainError) as nothing:
        services.pay_participant(participant_id=paramount.pk, date=DAY)
    assert nothing.value.code == "nothing_to_pay"
    # The payable is cleared: Dr 2610 / Cr 1010 for each payment.
    payable = JournalLine.objects.filter(
        account__code="2610", reference=f"participant:{paramount.pk}"
    )
    assert sum(line.credit_minor - line.debit_minor for line in payable) == 0


def test_the_studio_keeps_its_share_and_is_not_paid(owed):
    with pytest.raises(DomainError) as refused:
        services.pay_participant(participant_id=owed.studio.pk, date=DAY, amount_minor=1)
    assert refused.value.code == "nothing_to_pay"
    assert not ParticipantPayment.objects.exists()
