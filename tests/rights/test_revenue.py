"""Licensee revenue reports: the share of MG + share deals, booked only above the guarantee."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marquee.core.models import OutboxEvent
from marquee.finance.models import JournalLine
from marquee.investment import events as investment_events
from marquee.rights import revenue, services
from marquee.rights.errors import RightsError, RightsErrorCode
from marquee.rights.models import Deal, Instalment, RevenueReport
from tests.rights.factories import acquire, flat, license_out, mg_share, right

pytestmark = pytest.mark.django_db

D = dt.date
Q1, Q2, Q3 = (D(2027, 1, 1), D(2027, 3, 31)), (D(2027, 4, 1), D(2027, 6, 30)), (D(2027, 7, 1), D(2027, 9, 30))  # fmt: skip


@pytest.fixture
def shared(chart, title) -> Deal:
    """Youku: TVOD in Mainland China for 2027, MG ¥3,000,000 + 40 %."""
    acquire(title, right(["svod", "tvod"], "WW"))
    return license_out(
        title,
        right("tvod", "CN"),
        exclusive=False,
        fee=mg_share(3_000_000_00, 4000),
        counterparty="Youku",
    )


def report(deal: Deal, period, gross: int, **kw) -> RevenueReport:
    return revenue.record_revenue_report(
        deal_id=deal.pk, period_start=period[0], period_end=period[1], gross_minor=gross, **kw
    )


def booked(deal: Deal, account: str) -> int:
    """Net debit of the deal's title on an account (credits negative)."""
    return sum(
        ln.debit_minor - ln.credit_minor
        for ln in JournalLine.objects.filter(account__code=account, title_id=deal.title_id)
    )


def test_share_is_exact_and_rounds_half_to_even() -> None:
    assert revenue.share_of(1_000_00, 4000) == 400_00
    assert revenue.share_of(5, 1000) == 0  # 0.5 → 0 (even)
    assert revenue.share_of(15, 1000) == 2  # 1.5 → 2 (even)
    assert revenue.share_of(25, 1000) == 2  # 2.5 → 2 (even)
    assert revenue.share_of(7, 3333) == 2  # 2.3331 → 2


def test_share_first_recoups_the_guarantee_then_books_the_excess(shared) -> None:
    receivable_at_signing = booked(shared, "1130")
    first = report(shared, Q1, 5_000_000_00)  # share 2,000,000: under the MG
    assert (first.share_minor, first.overage_minor, first.entry_id) == (2_000_000_00, 0, None)
    assert booked(shared, "1130") == receivable_at_signing
    second = report(shared, Q2, 4_000_000_00)  # share 1,600,000: cumulative 3,600,000
    assert (second.share_minor, second.overage_minor) == (1_600_000_00, 600_000_00)
    third = report(shared, Q3, 1_000_000_00)  # all of it above the MG now
    assert third.overage_minor == 400_000_00
    assert booked(shared, "1130") == receivable_at_signing + 1_000_000_00
    assert booked(shared, "4030") == -(3_000_000_00 + 1_000_000_00)
    shared.refresh_from_db()
    assert shared.share_booked_minor == 1_000_000_00
    extra = Instalment.objects.filter(deal=shared, report__isnull=False).order_by("seq")
    assert [(i.seq, i.amount_minor, i.due_on) for i in extra] == [
        (2, 600_000_00, Q2[1]),
        (3, 400_000_00, Q3[1]),
    ]


def test_received_overage_is_a_licence_fee_for_the_waterfall(shared, title) -> None:
    """Received, the overage publishes the event the investment pillar feeds waterfalls from."""
    report(shared, Q1, 10_000_000_00, due_on=D(2027, 4, 30))  # share 4m: 1m above the MG
    services.record_fee_received(deal_id=shared.pk, seq=2, received_on=D(2027, 5, 2))
    event = OutboxEvent.objects.get(type=investment_events.LICENCE_FEE_RECEIVED)
    assert event.payload == {
        "title_id": title.pk,
        "deal_id": shared.pk,
        "amount_minor": 1_000_000_00,
        "currency": "CNY",
        "received_on": "2027-05-02",
        "licensee": "Youku",
    }
    with pytest.raises(RightsError) as again:
        services.record_fee_received(deal_id=shared.pk, seq=2, received_on=D(2027, 5, 3))
    assert again.value.code == RightsErrorCode.ALREADY_RECEIVED


@pytest.mark.parametrize(
    ("period", "gross", "code"),
    [
        (Q1, -1, RightsErrorCode.INVALID_REVENUE),
        (Q1, 100.5, RightsErrorCode.INVALID_REVENUE),
        (Q1, 100.0, RightsErrorCode.INVALID_REVENUE),
        (Q1, True, RightsErrorCode.INVALID_REVENUE),
        ((D(2027, 3, 31), D(2027, 1, 1)), 1, RightsErrorCode.INVALID_WINDOW),
        ((D(2026, 12, 1), D(2027, 1, 31)), 1, RightsErrorCode.PERIOD_OUTSIDE_WINDOW),
        ((D(2027, 12, 1), D(2028, 1, 31)), 1, RightsErrorCode.PERIOD_OUTSIDE_WINDOW),
    ],
)
@pytest.mark.parametrize("which", ["shared", "acquired"])
def test_bad_reports_are_refused_and_write_nothing(request, which, period, gross, code) -> None:
    """Licensed out or acquired in, a bad report is refused the same way."""
    deal = request.getfixturevalue(which)
    with pytest.raises(RightsError) as refused:
        report(deal, period, gross)
    assert refused.value.code == code
    assert RevenueReport.objects.count() == 0


def test_a_period_already_reported_is_refused(shared) -> None:
    report(shared, Q1, 10_000_000_00)
    for period in (Q1, (D(2027, 3, 1), D(2027, 4, 30))):
        with pytest.raises(RightsError) as refused:
            report(shared, period, 1)
        assert refused.value.code == RightsErrorCode.DUPLICATE_PERIOD
        assert refused.value.status == 409
        assert refused.value.detail["start"] == "2027-01-01"
    assert RevenueReport.objects.count() == 1
    assert Instalment.objects.filter(deal=shared).count() == 2


def test_only_mg_share_deals_out_take_reports(chart, title) -> None:
    acquire(title, right("svod", "WW"))
    flat_deal = license_out(title, fee=flat(100_00))
    with pytest.raises(RightsError) as refused:
        report(flat_deal, Q1, 100)
    assert refused.value.code == RightsErrorCode.NOT_SHARE_DEAL


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    grosses=st.lists(st.integers(0, 10**10), min_size=1, max_size=8),
    mg=st.integers(0, 10**9),
    bp=st.integers(1, 10000),
    direction=st.sampled_from(["out", "in"]),
)
def test_booked_overage_is_the_share_above_the_guarantee(chart, grosses, mg, bp, direction) -> None:
    """Over any run of reports: Σ overage = max(0, Σ share − MG), and the ledger says the same.

    Licensed out, the overage is receivable revenue (1130 / 4030); acquired in, it is owed to
    the licensor and adds to the cost of the rights (1140 / 2020).
    """
    from tests.catalog.factories import TitleFactory

    title = TitleFactory()
    if direction == "out":
        acquire(title, right("tvod", "WW"))
        deal = license_out(title, right("tvod", "CN"), exclusive=False, fee=mg_share(mg, bp))
        debit, credit = "1130", "4030"
    else:
        deal = acquire(title, right("tvod", "WW"), fee=mg_share(mg, bp))
        debit, credit = "1140", "2020"
    start = D(2027, 1, 1)
    for n, gross in enumerate(grosses):
        day = start + dt.timedelta(days=7 * n)
        report(deal, (day, day + dt.timedelta(days=6)), gross)
    shares = [revenue.share_of(g, bp) for g in grosses]
    overage = sum(r.overage_minor for r in RevenueReport.objects.filter(deal=deal))
    assert overage == max(0, sum(shares) - mg)
    share_entries = JournalLine.objects.filter(
        entry__source_event_id__startswith="rights.revenue_share:",
        title_id=title.pk,
        account__code=credit,
    )
    assert sum(ln.credit_minor for ln in share_entries) == overage
    assert booked(deal, debit) == mg + overage
    assert booked(deal, credit) == -(mg + overage)
    deal.refresh_from_db()
    assert deal.share_booked_minor == overage
    extra = Instalment.objects.filter(deal=deal, report__isnull=False)
    assert sum(i.amount_minor for i in extra) == overage


@pytest.fixture
def acquired(chart, title) -> Deal:
    """Acquired in from a FilMart seller: SVOD and TVOD worldwide for 2027, MG ¥1,000,000 + 25 %."""
    return acquire(
        title, right(["svod", "tvod"], "WW"), fee=mg_share(1_000_000_00, 2500), counterparty="Edko"
    )


def test_acquired_in_share_above_the_mg_is_owed_to_the_licensor_and_paid(acquired) -> None:
    payable_at_signing = booked(acquired, "2020")
    assert payable_at_signing == -1_000_000_00
    first = report(acquired, Q1, 3_000_000_00)  # licensor's share 750,000: recouping the MG
    assert (first.share_minor, first.overage_minor, first.entry_id) == (750_000_00, 0, None)
    second = report(acquired, Q2, 2_000_000_00, due_on=D(2027, 7, 31))  # 500,000: 250,000 above
    assert second.overage_minor == 250_000_00
    assert booked(acquired, "2020") == payable_at_signing - 250_000_00
    assert booked(acquired, "1140") == 1_250_000_00
    assert booked(acquired, "4030") == 0  # no revenue of the studio's is booked on a deal in
    owed = Instalment.objects.get(deal=acquired, report=second)
    assert (owed.seq, owed.amount_minor, owed.due_on) == (2, 250_000_00, D(2027, 7, 31))
    services.record_fee_paid(deal_id=acquired.pk, seq=2, paid_on=D(2027, 8, 1))
    assert booked(acquired, "2020") == payable_at_signing
    with pytest.raises(RightsError) as again:
        services.record_fee_paid(deal_id=acquired.pk, seq=2, paid_on=D(2027, 8, 2))
    assert again.value.code == RightsErrorCode.ALREADY_RECEIVED
    with pytest.raises(RightsError) as wrong:
        services.record_fee_received(deal_id=acquired.pk, seq=2, received_on=D(2027, 8, 2))
    assert wrong.value.code == RightsErrorCode.WRONG_DIRECTION


def test_an_acquired_in_period_is_reported_once(acquired) -> None:
    report(acquired, Q1, 5_000_000_00)
    with pytest.raises(RightsError) as refused:
        report(acquired, (D(2027, 3, 1), D(2027, 5, 31)), 1)
    assert refused.value.code == RightsErrorCode.DUPLICATE_PERIOD
    assert RevenueReport.objects.filter(deal=acquired).count() == 1
    assert Instalment.objects.filter(deal=acquired).count() == 2


def test_a_flat_acquisition_takes_no_report(chart, title) -> None:
    held = acquire(title, right("svod", "WW"), fee=flat(100_00))
    with pytest.raises(RightsError) as refused:
        report(held, Q1, 100)
    assert refused.value.code == RightsErrorCode.NOT_SHARE_DEAL
