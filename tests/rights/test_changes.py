"""Amending and cancelling deals: checked like new deals, reversed in the ledger, kept in history."""

from __future__ import annotations

import datetime as dt

import pytest

from marquee.finance.models import JournalEntry, JournalLine
from marquee.rights import changes, queries, services
from marquee.rights.errors import RightsError, RightsErrorCode
from marquee.rights.models import DealChange, Instalment, RightLine
from tests.rights.factories import acquire, flat, license_out, right

pytestmark = pytest.mark.django_db

D = dt.date


Y2027 = (D(2027, 1, 1), D(2027, 12, 31))


def free_svod_cn(title, start=Y2027[0], end=Y2027[1], exclusive=True):
    q = queries.question(
        media=["svod"], territory="CN", start_on=start, end_on=end, exclusive=exclusive
    )
    return [
        (a.isoformat(), b.isoformat())
        for c in queries.title_avails(title.pk, q).cells
        for a, b in ((dt.date.fromordinal(iv[0]), dt.date.fromordinal(iv[1] - 1)) for iv in c.free)
    ]


def lines_of(deal):
    return sorted(
        (ln.kind, ln.media, ln.territory, ln.start_on, ln.end_on)
        for ln in RightLine.objects.filter(deal=deal)
    )


def test_cancelling_a_licence_frees_the_rights_and_reverses_future_instalments(
    chart, title, rights_user
):
    acquire(title, right("svod", "WW"))
    deal = license_out(title, fee=flat(1_200_000_00, parts=3, due=D(2027, 1, 31)))
    services.record_fee_received(deal_id=deal.pk, seq=1, received_on=D(2027, 2, 1))
    assert free_svod_cn(title) == []
    change = changes.cancel_deal(deal_id=deal.pk, on=D(2027, 3, 2), note="Breach", by=rights_user)
    # Instalments due 2027-03-02 and 2027-04-01 are cancelled; the first was received.
    assert [
        (i.seq, i.received_on, i.cancelled_on) for i in Instalment.objects.filter(deal=deal)
    ] == [
        (1, D(2027, 2, 1), None),
        (2, None, D(2027, 3, 2)),
        (3, None, D(2027, 3, 2)),
    ]
    assert change.reversed_minor == 800_000_00
    assert sorted(
        (ln.account.code, ln.debit_minor, ln.credit_minor)
        for ln in JournalLine.objects.filter(entry=change.entry)
    ) == [("1130", 0, 800_000_00), ("4030", 800_000_00, 0)]
    receivable = sum(
        ln.debit_minor - ln.credit_minor
        for ln in JournalLine.objects.filter(account__code="1130", title_id=title.pk)
    )
    assert receivable == 0  # 1.2m booked, 0.4m received, 0.8m reversed
    assert lines_of(deal) == [("grant", "svod", "CN", D(2027, 1, 1), D(2027, 3, 1))]
    assert free_svod_cn(title) == [("2027-03-02", "2027-12-31")]
    assert change.before[0]["end_on"] == "2027-12-31" and change.after[0]["end_on"] == "2027-03-01"
    assert change.changed_by == rights_user
    with pytest.raises(RightsError) as refused:
        services.record_fee_received(deal_id=deal.pk, seq=2, received_on=D(2027, 3, 5))
    assert refused.value.code == RightsErrorCode.INSTALMENT_CANCELLED
    with pytest.raises(RightsError) as again:
        changes.cancel_deal(deal_id=deal.pk, on=D(2027, 4, 1))
    assert again.value.code == RightsErrorCode.DEAL_CANCELLED
    # The freed rights can be licensed again, exclusively.
    license_out(title, right("svod", "CN", D(2027, 3, 2), D(2027, 12, 31)), counterparty="Youku")


def test_cancelling_before_the_window_drops_every_right(chart, title):
    acquire(title, right("svod", "WW"))
    deal = license_out(title, fee=flat(100_00, due=D(2027, 1, 31)))
    change = changes.cancel_deal(deal_id=deal.pk, on=D(2026, 12, 15))
    assert lines_of(deal) == [] and change.after == []
    assert change.reversed_minor == 100_00
    assert free_svod_cn(title) == [("2027-01-01", "2027-12-31")]


def test_cancel_before_signing_is_refused(chart, title):
    acquire(title, right("svod", "WW"))
    deal = license_out(title)
    with pytest.raises(RightsError) as refused:
        changes.cancel_deal(deal_id=deal.pk, on=D(2026, 1, 1))
    assert refused.value.code == RightsErrorCode.INVALID_CANCELLATION
    assert DealChange.objects.count() == 0


def test_cancelling_an_acquisition_licensed_out_beyond_is_refused_naming_the_deals(chart, title):
    held = acquire(title, right("svod", "WW"), fee=flat(500_00, due=D(2027, 6, 1)))
    out = license_out(
        title, right("svod", "CN", D(2027, 1, 1), D(2027, 6, 30)), counterparty="iQiyi"
    )
    before = (lines_of(held), JournalEntry.objects.count())
    with pytest.raises(RightsError) as refused:
        changes.cancel_deal(deal_id=held.pk, on=D(2027, 5, 1))
    assert refused.value.code == RightsErrorCode.DEPENDENT_DEALS
    assert refused.value.detail["deals"] == [f"#{out.pk} iQiyi"]
    assert (lines_of(held), JournalEntry.objects.count()) == before
    assert not Instalment.objects.filter(cancelled_on__isnull=False).exists()
    # From the day after the licence ends, the acquisition can go: the payable is reversed.
    change = changes.cancel_deal(deal_id=held.pk, on=D(2027, 7, 1))
    assert change.reversed_minor == 0  # the instalment was due before, still owed
    assert lines_of(held) == [("grant", "svod", "WW", D(2027, 1, 1), D(2027, 6, 30))]


def test_cancelling_an_acquisition_reverses_the_unpaid_payable(chart, title):
    held = acquire(title, right("svod", "WW"), fee=flat(500_00, due=D(2027, 6, 1)))
    change = changes.cancel_deal(deal_id=held.pk, on=D(2027, 5, 1))
    assert sorted(
        (ln.account.code, ln.debit_minor, ln.credit_minor)
        for ln in JournalLine.objects.filter(entry=change.entry)
    ) == [("1140", 0, 500_00), ("2020", 500_00, 0)]


def test_amending_the_window_is_checked_like_a_new_deal(chart, title, rights_user):
    acquire(title, right("svod", "WW"))
    first = license_out(
        title, right("svod", "CN", D(2027, 1, 1), D(2027, 6, 30)), counterparty="iQiyi"
    )
    second = license_out(
        title, right("svod", "CN", D(2027, 9, 1), D(2027, 12, 31)), counterparty="Youku"
    )
    with pytest.raises(RightsError) as refused:
        changes.amend_deal(deal_id=first.pk, end_on=D(2027, 9, 30), by=rights_user)
    assert refused.value.code == RightsErrorCode.RIGHTS_CONFLICT
    assert refused.value.detail["deals"] == [f"#{second.pk} Youku"]
    assert lines_of(first) == [("grant", "svod", "CN", D(2027, 1, 1), D(2027, 6, 30))]
    assert DealChange.objects.count() == 0
    change = changes.amend_deal(
        deal_id=first.pk, end_on=D(2027, 8, 31), note="Extended", by=rights_user
    )
    assert lines_of(first) == [("grant", "svod", "CN", D(2027, 1, 1), D(2027, 8, 31))]
    assert (change.kind, change.note, change.changed_by) == ("amend", "Extended", rights_user)
    # Shortening frees the tail again.
    changes.amend_deal(deal_id=first.pk, end_on=D(2027, 3, 31))
    assert free_svod_cn(title, D(2027, 1, 1), D(2027, 8, 31)) == [("2027-04-01", "2027-08-31")]
    assert DealChange.objects.filter(deal=first).count() == 2


def test_amending_adds_territories_and_media_within_holdings(chart, title):
    acquire(title, right(["svod", "avod"], "GCN"))
    deal = license_out(title, counterparty="iQiyi")
    with pytest.raises(RightsError) as refused:
        changes.amend_deal(deal_id=deal.pk, add=[right("svod", "US")])
    assert refused.value.code == RightsErrorCode.RIGHTS_NOT_HELD
    changes.amend_deal(deal_id=deal.pk, add=[right(["svod", "avod"], ["HK", "MO"])])
    assert {(m, t) for _, m, t, *_ in lines_of(deal)} == {
        ("svod", "CN"), ("svod", "HK"), ("svod", "MO"), ("avod", "HK"), ("avod", "MO"),
    }  # fmt: skip
    with pytest.raises(RightsError) as empty:
        changes.amend_deal(deal_id=deal.pk)
    assert empty.value.code == RightsErrorCode.NOTHING_TO_AMEND


def test_shrinking_an_acquisition_below_a_licence_is_refused(chart, title):
    held = acquire(title, right("svod", "WW"))
    out = license_out(title, counterparty="iQiyi")
    with pytest.raises(RightsError) as refused:
        changes.amend_deal(deal_id=held.pk, end_on=D(2027, 6, 30))
    assert refused.value.code == RightsErrorCode.DEPENDENT_DEALS
    assert refused.value.detail["deals"] == [f"#{out.pk} iQiyi"]
    changes.amend_deal(deal_id=held.pk, end_on=D(2028, 12, 31))  # extending is fine
    assert lines_of(held)[0][4] == D(2028, 12, 31)
