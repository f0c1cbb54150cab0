"""Rights under concurrency: exclusive deals racing for the same rights, fees received twice."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import IntegrityError

from marquee.core.errors import DomainError
from marquee.core.models import OutboxEvent
from marquee.finance.chart import ensure_chart
from marquee.finance.models import JournalEntry, JournalLine
from marquee.rights import changes, revenue, schedule, services
from marquee.rights.models import Deal, Instalment, RevenueReport, TitleRights
from marquee.rights.validation import InstalmentSpec
from tests.catalog.factories import TitleFactory
from tests.concurrency.conftest import race
from tests.rights.factories import acquire, flat, license_out, mg_share, right

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def held_title():
    ensure_chart()
    title = TitleFactory()
    acquire(title, right(["svod", "avod"], "WW"))
    return title


def _licence(title, n: int) -> Deal:
    # Every racer wants exclusive SVOD somewhere in Greater China for overlapping windows.
    territory = ["CN", "GCN", "WW"][n % 3]
    start = dt.date(2027, 1, 1) + dt.timedelta(days=10 * n)
    return license_out(
        title,
        right("svod", territory, start, start + dt.timedelta(days=200)),
        fee=flat(1000_00 + n),
        counterparty=f"Platform {n}",
    )


def _out_deals(title) -> list[Deal]:
    return list(Deal.objects.filter(title=title, direction="out"))


def test_racing_exclusive_deals_one_wins(held_title):
    outcomes = race([lambda n=n: _licence(held_title, n) for n in range(6)])
    won = [o for o in outcomes if o.ok]
    lost = [o for o in outcomes if not o.ok]
    assert len(won) == 1, [o.error for o in outcomes]
    assert all(isinstance(o.error, DomainError) and o.error.code == "rights_conflict" for o in lost)
    [deal] = _out_deals(held_title)
    assert deal.pk == won[0].value.pk
    # Exactly one licence fee reached the books: the winner's.
    assert (
        JournalEntry.objects.filter(source_event_id__startswith="rights.deal_signed:").count() == 1
    )
    assert JournalEntry.objects.filter(source_event_id=f"rights.deal_signed:{deal.pk}").exists()
    assert TitleRights.objects.get(title=held_title).deals_count == 2


def test_control_without_the_title_lock_double_grants(held_title, monkeypatch):
    """The race is real: without the lock both racers read "free" and both sign."""
    both_read = threading.Barrier(2)
    real_lines = services.lines_of_title

    def unlocked(title_id: int) -> TitleRights:
        return TitleRights.objects.get(title_id=title_id)  # read, not locked

    def lines_then_wait(title_id: int, **kw):
        lines = real_lines(title_id, **kw)
        both_read.wait(timeout=30)
        return lines

    monkeypatch.setattr(services, "lock_title_rights", unlocked)
    monkeypatch.setattr(services, "lines_of_title", lines_then_wait)
    outcomes = race([lambda n=n: _licence(held_title, n) for n in range(2)])
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    assert len(_out_deals(held_title)) == 2


def test_an_instalment_received_twice_at_once_counts_once(held_title):
    deal = license_out(held_title, fee=flat(800_00), counterparty="Youku")
    outcomes = race(
        [
            lambda: services.record_fee_received(
                deal_id=deal.pk, seq=1, received_on=dt.date(2027, 2, 1)
            )
            for _ in range(4)
        ]
    )
    assert sum(o.ok for o in outcomes) == 1
    assert all(o.error.code == "instalment_already_settled" for o in outcomes if not o.ok)
    assert (
        JournalEntry.objects.filter(
            source_event_id__startswith="rights.instalment_settled:"
        ).count()
        == 1
    )
    assert OutboxEvent.objects.filter(type="rights.licence_fee_received").count() == 1


def _reports(deal: Deal, n: int):
    """``n`` reports of one week each, every share 150.00 (gross 375.00 at 40 %)."""
    return [
        lambda k=k: revenue.record_revenue_report(
            deal_id=deal.pk,
            period_start=dt.date(2027, 1, 1) + dt.timedelta(days=7 * k),
            period_end=dt.date(2027, 1, 7) + dt.timedelta(days=7 * k),
            gross_minor=375_00,
        )
        for k in range(n)
    ]


def _shared(title) -> Deal:
    return license_out(
        title,
        right("avod", "CN"),
        exclusive=False,
        fee=mg_share(100_00, 4000),
        counterparty="Youku",
    )


def test_racing_revenue_reports_book_exactly_the_share_above_the_guarantee(held_title):
    deal = _shared(held_title)
    outcomes = race(_reports(deal, 4))
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    deal.refresh_from_db()
    # 4 × 150.00 = 600.00 of share against a 100.00 guarantee: 500.00 above it, once.
    assert deal.share_booked_minor == 500_00
    assert sum(r.overage_minor for r in RevenueReport.objects.filter(deal=deal)) == 500_00
    assert sorted(deal.instalments.values_list("seq", flat=True)) == [1, 2, 3, 4, 5]


def test_control_without_the_deal_lock_books_the_wrong_overage(held_title, monkeypatch):
    """The race is real: unlocked, both reports read the same shares and misbook (or collide)."""
    deal = _shared(held_title)
    both_read = threading.Barrier(2)
    real_share = revenue.share_of

    def share_then_wait(gross: int, bp: int) -> int:
        both_read.wait(timeout=30)  # both have read the shares before
        return real_share(gross, bp)

    monkeypatch.setattr(revenue, "lock_deal", lambda deal_id: Deal.objects.get(pk=deal_id))
    monkeypatch.setattr(revenue, "share_of", share_then_wait)
    outcomes = race(_reports(deal, 2))
    deal.refresh_from_db()
    # Locked, the two would book 50.00 + 150.00 = 200.00. Unlocked, both read no shares
    # before them: either both book 50.00, or the second trips over the first's instalment
    # number (the unique (deal, seq) behind the lock) — never a quiet, correct 200.00.
    failed = [o.error for o in outcomes if not o.ok]
    if failed:
        assert all(isinstance(e, IntegrityError) for e in failed), failed
    else:
        assert deal.share_booked_minor == 100_00


def _amend_and_receive(deal: Deal):
    """One clerk moves the whole fee to September while another records instalment 1 received."""
    return [
        lambda: changes.amend_deal(
            deal_id=deal.pk,
            instalments=[InstalmentSpec(dt.date(2027, 9, 30), 300_00)],
            effective_on=dt.date(2027, 2, 1),
        ),
        lambda: services.record_fee_received(
            deal_id=deal.pk, seq=1, received_on=dt.date(2027, 2, 1)
        ),
    ]


def test_a_fee_amendment_racing_a_receipt_keeps_the_schedule_whole(held_title):
    deal = license_out(held_title, fee=flat(300_00, parts=3), counterparty="Youku")
    outcomes = race(_amend_and_receive(deal))
    assert sum(o.ok for o in outcomes) == 1, [o.error for o in outcomes]
    refused = next(o.error for o in outcomes if not o.ok)
    assert refused.code in {"instalment_cancelled", "fee_schedule_mismatch"}
    # Whoever won, the live schedule still adds up to the fee and the books agree with it.
    live = deal.instalments.filter(cancelled_on__isnull=True)
    assert sum(live.values_list("amount_minor", flat=True)) == 300_00
    open_minor = sum(live.filter(received_on__isnull=True).values_list("amount_minor", flat=True))
    receivable = JournalLine.objects.filter(account__code="1130", title_id=held_title.pk)
    assert sum(ln.debit_minor - ln.credit_minor for ln in receivable) == open_minor


def test_control_without_the_instalment_lock_the_amendment_trips(held_title, monkeypatch):
    """The race is real: unlocked, the amendment drops an instalment received meanwhile.

    Only the check that a row is never both received and cancelled stops it — an
    IntegrityError (a 500), not the clear refusal the lock gives.
    """
    deal = license_out(held_title, fee=flat(300_00, parts=3), counterparty="Youku")
    read, received = threading.Event(), threading.Event()
    real_check = schedule.check_fee

    def unlocked(deal, **where):
        rows = list(
            Instalment.objects.filter(
                deal=deal, received_on__isnull=True, cancelled_on__isnull=True, **where
            )
        )
        read.set()  # the amendment has seen instalment 1 open
        return rows

    def check_then_wait(fee):
        checked = real_check(fee)
        received.wait(timeout=30)  # the receipt commits between the sums and the drop
        return checked

    def receive():
        read.wait(timeout=30)
        try:
            return services.record_fee_received(
                deal_id=deal.pk, seq=1, received_on=dt.date(2027, 2, 1)
            )
        finally:
            received.set()

    monkeypatch.setattr(schedule, "open_instalments", unlocked)
    monkeypatch.setattr(schedule, "check_fee", check_then_wait)
    amend, _ = _amend_and_receive(deal)
    outcomes = race([amend, receive])
    assert outcomes[1].ok, outcomes[1].error
    assert isinstance(outcomes[0].error, IntegrityError), outcomes[0].error
