"""Returns paid out: one payout per backer's share, the payable cleared once, failures retried."""

from __future__ import annotations

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marquee.core import outbox
from marquee.core.errors import DomainError
from marquee.core.models import OutboxEvent
from marquee.crowdfunding.consumers import post_return_payouts
from marquee.crowdfunding.models import PayoutAccount, ReturnPayout
from marquee.crowdfunding.services import payouts, returns
from marquee.finance.models import JournalEntry, JournalLine
from marquee.payments import events as payment_events
from marquee.payments.models import Payout
from tests.crowdfunding.factories import fan, funded_offering, investment_staff
from tests.ticketing.conftest import build_world


def _funded(make_user, backers):
    return funded_offering(build_world(make_user).title, backers)


def _payable() -> int:
    lines = JournalLine.objects.filter(account__code="2650")
    return sum(x.credit_minor - x.debit_minor for x in lines)


def test_a_bank_account_is_validated_and_nothing_is_written_when_wrong():
    backer = fan()
    with pytest.raises(DomainError) as exc:
        payouts.set_payout_account(
            user=backer, kind="bank", account_name="陈静", bank_name="ICBC", account_number="12"
        )
    assert (exc.value.code, exc.value.detail["field"]) == (
        "invalid_payout_destination",
        "account_number",
    )
    with pytest.raises(DomainError) as exc:
        payouts.set_payout_account(user=backer, kind="cash")
    assert exc.value.detail["field"] == "kind"
    assert not PayoutAccount.objects.exists()
    account = payouts.set_payout_account(
        user=backer,
        kind="bank",
        account_name="陈静",
        bank_name="ICBC",
        account_number="6222 0212 3456 7890",
    )
    assert (account.account_number, account.masked_number) == (
        "6222021234567890",
        "••••••••••••7890",
    )


def test_each_share_is_paid_to_its_destination_and_the_payable_clears_once(make_user):
    a, b = fan(), fan()
    payouts.set_payout_account(
        user=b, kind="bank", account_name="B", bank_name="HSBC", account_number="004123456789"
    )
    offering = _funded(make_user, [(a, 5), (b, 5)])
    run = returns.pay_returns(
        actor=investment_staff(), offering=offering, as_of=timezone.now().date()
    )
    shares = {s.backer_id: s for s in ReturnPayout.objects.filter(run=run).select_related("payout")}
    assert shares[a.pk].payout.destination == Payout.Destination.ORIGINAL
    assert shares[b.pk].payout.destination == Payout.Destination.BANK
    assert {s.payout.status for s in shares.values()} == {Payout.Status.PAID}
    assert sum(s.payout.amount_minor for s in shares.values()) == run.total_minor
    outbox.drain()
    assert _payable() == 0  # booked on the run, cleared by the two payouts
    posted = JournalEntry.objects.count()
    post_return_payouts(list(OutboxEvent.objects.filter(type=payment_events.PAYOUT_PAID)))
    assert JournalEntry.objects.count() == posted  # a replay posts nothing more


def test_a_failed_payout_stays_payable_until_it_is_retried(make_user):
    backer = fan()
    payouts.set_payout_account(
        user=backer, kind="bank", account_name="C", bank_name="BOC", account_number="4000999999"
    )
    offering = _funded(make_user, [(backer, 5)])
    staff = investment_staff()
    run = returns.pay_returns(actor=staff, offering=offering, as_of=timezone.now().date())
    share = ReturnPayout.objects.select_related("payout").get(run=run)
    assert share.payout.status == Payout.Status.FAILED
    outbox.drain()
    assert _payable() == run.total_minor
    with pytest.raises(DomainError) as exc:
        payouts.retry_return_payout(actor=backer, share=share.pk)
    assert exc.value.code == "not_investment_staff"
    payouts.set_payout_account(
        user=backer, kind="bank", account_name="C", bank_name="BOC", account_number="62220000111"
    )
    retried = payouts.retry_return_payout(actor=staff, share=share.pk)
    assert (retried.pk, retried.status, retried.attempts) == (share.payout_id, "paid", 2)
    assert retried.account_number == "62220000111"
    outbox.drain()
    assert _payable() == 0
    with pytest.raises(DomainError) as exc:
        payouts.retry_return_payout(actor=staff, share=share.pk)
    assert exc.value.code == "payout_not_failed"


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    backers=st.lists(
        st.tuples(st.integers(min_value=1, max_value=10), st.booleans()), min_size=1, max_size=4
    )
)
def test_the_payable_always_equals_the_shares_not_yet_paid(make_user, backers):
    """Whatever the units and which accounts the bank refuses: 2650 holds exactly the unpaid shares."""
    users = []
    for _units, refused in backers:
        user = fan()
        if refused:
            payouts.set_payout_account(
                user=user, kind="bank", account_name="X", bank_name="B", account_number="40000001"
            )
        users.append(user)
    pledged = [(u, n) for u, (n, _) in zip(users, backers, strict=True)]
    offering = funded_offering(build_world(make_user).title, pledged, target_units=1)
    run = returns.pay_returns(
        actor=investment_staff(), offering=offering, as_of=timezone.now().date()
    )
    outbox.drain()
    shares = list(ReturnPayout.objects.filter(run=run).select_related("payout"))
    assert sum(s.amount_minor for s in shares) == run.total_minor
    refused_ids = {u.pk for u, (_, refused) in zip(users, backers, strict=True) if refused}
    unpaid = sum(s.amount_minor for s in shares if s.payout.status != Payout.Status.PAID)
    assert unpaid == sum(s.amount_minor for s in shares if s.backer_id in refused_ids)
    booked = sum(
        x.credit_minor - x.debit_minor
        for x in JournalLine.objects.filter(
            account__code="2650", reference=f"crowdfunding-offering:{offering.pk}"
        )
    )
    assert booked == run.total_minor
    assert booked - _payable_cleared(run) == unpaid


def _payable_cleared(run) -> int:
    refs = [f"crowdfunding-return-payout:{s.pk}" for s in run.payouts.all()]
    lines = JournalLine.objects.filter(account__code="2650", reference__in=refs)
    return sum(x.debit_minor - x.credit_minor for x in lines)


def test_a_backer_sends_their_own_failed_payout_again_and_nobody_elses(make_user):
    backer, other = fan(), fan()
    payouts.set_payout_account(
        user=backer, kind="bank", account_name="C", bank_name="BOC", account_number="4000777777"
    )
    offering = _funded(make_user, [(backer, 5), (other, 5)])
    run = returns.pay_returns(
        actor=investment_staff(), offering=offering, as_of=timezone.now().date()
    )
    mine = ReturnPayout.objects.select_related("payout").get(run=run, backer=backer)
    theirs = ReturnPayout.objects.get(run=run, backer=other)
    assert mine.payout.status == Payout.Status.FAILED
    with pytest.raises(DomainError) as exc:
        payouts.retry_my_return_payout(user=other, share=mine.pk)
    assert exc.value.code == "return_payout_not_found"
    with pytest.raises(DomainError) as exc:
        payouts.retry_my_return_payout(user=other, share=theirs.pk)  # paid already
    assert exc.value.code == "payout_not_failed"
    assert Payout.objects.get(pk=mine.payout_id).attempts == 1  # nothing was written
    payouts.set_payout_account(
        user=backer, kind="bank", account_name="C", bank_name="BOC", account_number="62220000222"
    )
    retried = payouts.retry_my_return_payout(user=backer, share=mine.pk)
    assert (retried.pk, retried.status, retried.attempts) == (mine.payout_id, "paid", 2)
    assert retried.account_number == "62220000222"
