"""Amending and cancelling deals: checked like new deals, reversed in the ledger, kept in history."""

from __future__ import annotations

import datetime as dt

import pytest

from marquee.finance.models import JournalEntry, JournalLine
from marquee.rights import changes, queries, services
from marquee.rights.errors import RightsError, RightsErrorCode
from marquee.rights.models import DealChange, Instalment, RightLine
from marquee.rights.validation import InstalmentSpec
from tests.rights.factories import acquire, flat, license_out, mg_share, right

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


# --- amending the fee: open instalments replaced, reversed and re-booked ---

AMENDED_ON = D(2027, 2, 10)


def net(title, account: str) -> int:
    """Net debit of the title on an account (credits negative)."""
    return sum(
        ln.debit_minor - ln.credit_minor
        for ln in JournalLine.objects.filter(account__code=account, title_id=title.pk)
    )


def schedule(*rows):
    return [InstalmentSpec(day, amount) for day, amount in rows]


@pytest.fixture
def iqiyi(chart, title):
    """RMB 1,200,000 in three instalments (2027-01-31, 03-02, 04-01), the first received."""
    acquire(title, right("svod", "WW"))
    deal = license_out(title, fee=flat(1_200_000_00, parts=3, due=D(2027, 1, 31)))
    services.record_fee_received(deal_id=deal.pk, seq=1, received_on=D(2027, 2, 1))
    return deal


def test_amending_the_fee_replaces_open_instalments_and_rebooks_them(iqiyi, title, rights_user):
    receivable = net(title, "1130")
    assert receivable == 800_000_00
    change = changes.amend_deal(
        deal_id=iqiyi.pk,
        instalments=schedule((D(2027, 6, 30), 300_000_00), (D(2027, 5, 31), 500_000_00)),
        effective_on=AMENDED_ON,
        note="Paid later",
        by=rights_user,
    )
    rows = [
        (i.seq, i.due_on, i.amount_minor, i.received_on, i.cancelled_on)
        for i in Instalment.objects.filter(deal=iqiyi).order_by("seq")
    ]
    assert rows == [
        (1, D(2027, 1, 31), 400_000_00, D(2027, 2, 1), None),
        (2, D(2027, 3, 2), 400_000_00, None, AMENDED_ON),
        (3, D(2027, 4, 1), 400_000_00, None, AMENDED_ON),
        (4, D(2027, 5, 31), 500_000_00, None, None),
        (5, D(2027, 6, 30), 300_000_00, None, None),
    ]
    assert (change.reversed_minor, change.booked_minor) == (800_000_00, 800_000_00)
    lines = lambda entry: sorted(  # noqa: E731
        (ln.account.code, ln.debit_minor, ln.credit_minor)
        for ln in JournalLine.objects.filter(entry=entry)
    )
    assert lines(change.entry) == [("1130", 0, 800_000_00), ("4030", 800_000_00, 0)]
    assert lines(change.booked_entry) == [("1130", 800_000_00, 0), ("4030", 0, 800_000_00)]
    assert net(title, "1130") == receivable
    assert net(title, "4030") == -1_200_000_00
    assert change.fee_before == {
        "fee_minor": 1_200_000_00,
        "instalments": [
            {"seq": 2, "due_on": "2027-03-02", "amount_minor": 400_000_00},
            {"seq": 3, "due_on": "2027-04-01", "amount_minor": 400_000_00},
        ],
    }
    assert change.fee_after["instalments"][0] == {
        "seq": 4, "due_on": "2027-05-31", "amount_minor": 500_000_00
    }  # fmt: skip
    assert change.before == change.after  # the rights are untouched
    services.record_fee_received(deal_id=iqiyi.pk, seq=4, received_on=D(2027, 6, 1))
    with pytest.raises(RightsError) as dropped:
        services.record_fee_received(deal_id=iqiyi.pk, seq=2, received_on=D(2027, 6, 1))
    assert dropped.value.code == RightsErrorCode.INSTALMENT_CANCELLED


def test_a_new_total_is_given_with_the_schedule(iqiyi, title):
    change = changes.amend_deal(
        deal_id=iqiyi.pk,
        fee_minor=1_500_000_00,
        instalments=schedule((D(2027, 6, 30), 1_100_000_00)),
        effective_on=AMENDED_ON,
    )
    iqiyi.refresh_from_db()
    assert iqiyi.fee_minor == 1_500_000_00
    assert (change.fee_before["fee_minor"], change.fee_after["fee_minor"]) == (
        1_200_000_00,
        1_500_000_00,
    )
    assert net(title, "1130") == 1_100_000_00
    assert net(title, "4030") == -1_500_000_00


@pytest.mark.parametrize(
    ("fee_minor", "rows", "code"),
    [
        (None, [(D(2027, 6, 30), 700_000_00)], RightsErrorCode.FEE_SCHEDULE_MISMATCH),
        (None, [(D(2027, 6, 30), 1_200_000_00)], RightsErrorCode.FEE_SCHEDULE_MISMATCH),
        (1_000_000_00, [(D(2027, 6, 30), 500_000_00)], RightsErrorCode.FEE_SCHEDULE_MISMATCH),
        (None, [(D(2028, 1, 15), 800_000_00)], RightsErrorCode.INSTALMENT_OUTSIDE_WINDOW),
        (None, [(D(2026, 11, 30), 800_000_00)], RightsErrorCode.INSTALMENT_OUTSIDE_WINDOW),
        (None, [(D(2027, 5, 1), 0), (D(2027, 6, 1), 800_000_00)], RightsErrorCode.INVALID_FEE),
        (None, [(D(2027, 5, 1), -1), (D(2027, 6, 1), 800_000_01)], RightsErrorCode.INVALID_FEE),
    ],
)
def test_a_bad_fee_schedule_changes_nothing(iqiyi, title, fee_minor, rows, code):
    before = list(Instalment.objects.filter(deal=iqiyi).values())
    entries = JournalEntry.objects.count()
    with pytest.raises(RightsError) as refused:
        changes.amend_deal(
            deal_id=iqiyi.pk,
            fee_minor=fee_minor,
            instalments=schedule(*rows),
            end_on=D(2027, 11, 30),
        )
    assert refused.value.code == code
    assert list(Instalment.objects.filter(deal=iqiyi).values()) == before
    assert JournalEntry.objects.count() == entries
    assert not DealChange.objects.filter(deal=iqiyi).exists()
    assert lines_of(iqiyi)[0][4] == D(2027, 12, 31)  # the window amendment did not stay either
    iqiyi.refresh_from_db()
    assert iqiyi.fee_minor == 1_200_000_00


def test_an_acquisition_fee_amendment_moves_the_payable(chart, title):
    held = acquire(title, right("svod", "WW"), fee=flat(900_00, parts=3, due=D(2027, 1, 31)))
    services.record_fee_paid(deal_id=held.pk, seq=1, paid_on=D(2027, 2, 1))
    change = changes.amend_deal(
        deal_id=held.pk, instalments=schedule((D(2027, 12, 31), 600_00)), effective_on=AMENDED_ON
    )
    assert sorted(
        (ln.account.code, ln.debit_minor, ln.credit_minor)
        for ln in JournalLine.objects.filter(entry=change.entry)
    ) == [("1140", 0, 600_00), ("2020", 600_00, 0)]
    assert net(title, "2020") == -600_00
    assert net(title, "1140") == 900_00


def test_the_guarantee_is_fixed_once_revenue_is_reported(chart, title):
    from marquee.rights import revenue

    acquire(title, right("tvod", "WW"))
    deal = license_out(title, right("tvod", "CN"), exclusive=False, fee=mg_share(1_000_00, 4000))
    revenue.record_revenue_report(
        deal_id=deal.pk, period_start=D(2027, 1, 1), period_end=D(2027, 3, 31), gross_minor=100
    )
    with pytest.raises(RightsError) as refused:
        changes.amend_deal(
            deal_id=deal.pk, fee_minor=2_000_00, instalments=schedule((D(2027, 6, 30), 2_000_00))
        )
    assert refused.value.code == RightsErrorCode.FEE_LOCKED_BY_REPORTS
    # The same guarantee on new days is fine.
    change = changes.amend_deal(
        deal_id=deal.pk, instalments=schedule((D(2027, 6, 30), 1_000_00)), effective_on=AMENDED_ON
    )
    assert change.booked_minor == 1_000_00


def test_cancelling_after_a_fee_amendment_reverses_only_what_is_still_open(iqiyi, title):
    changes.amend_deal(
        deal_id=iqiyi.pk,
        instalments=schedule((D(2027, 3, 15), 300_000_00), (D(2027, 6, 30), 500_000_00)),
        effective_on=D(2027, 3, 10),
    )
    cancel = changes.cancel_deal(deal_id=iqiyi.pk, on=D(2027, 3, 10))
    assert cancel.reversed_minor == 800_000_00
    assert net(title, "1130") == 0
