"""Deals in and out: what is held bounds what is licensed, conflicts, fees, the ledger."""

from __future__ import annotations

import datetime as dt

import pytest

from marquee.core.models import OutboxEvent
from marquee.finance.models import JournalEntry, JournalLine
from marquee.rights import services
from marquee.rights.errors import RightsError, RightsErrorCode
from marquee.rights.models import Deal, Instalment, RightLine
from marquee.rights.validation import FeeSpec, InstalmentSpec
from tests.rights.factories import acquire, flat, license_out, right

pytestmark = pytest.mark.django_db

D = dt.date


def counts() -> tuple[int, int, int, int]:
    return (
        Deal.objects.count(),
        RightLine.objects.count(),
        Instalment.objects.count(),
        JournalEntry.objects.count(),
    )


def test_licence_out_within_holdings_posts_receivable_and_revenue(chart, title):
    acquire(title, right(["svod", "avod"], "GCN"), fee=flat(50_000_00, parts=2))
    deal = license_out(
        title, right("svod", "CN"), fee=flat(1_200_000_00, parts=3), counterparty="iQiyi"
    )
    assert deal.lines.count() == 1
    assert [i.amount_minor for i in deal.instalments.all()] == [40_000_000, 40_000_000, 40_000_000]
    lines = JournalLine.objects.filter(entry=deal.entry).order_by("account__code")
    assert [
        (ln.account.code, ln.debit_minor, ln.credit_minor, ln.segment.code, ln.title_id)
        for ln in lines
    ] == [
        ("1130", 1_200_000_00, 0, "content", title.pk),
        ("4030", 0, 1_200_000_00, "content", title.pk),
    ]


def test_acquisition_posts_the_asset_and_the_payable(chart, title):
    deal = acquire(title, fee=flat(300_000_00))
    codes = sorted(
        (ln.account.code, ln.debit_minor, ln.credit_minor)
        for ln in JournalLine.objects.filter(entry=deal.entry)
    )
    assert codes == [("1140", 300_000_00, 0), ("2020", 0, 300_000_00)]


def test_overlapping_exclusive_grant_is_refused_with_the_deal_named(chart, title):
    acquire(title, right("svod", "WW"))
    first = license_out(
        title, right("svod", "GCN", D(2027, 1, 1), D(2027, 6, 30)), counterparty="iQiyi"
    )
    before = counts()
    with pytest.raises(RightsError) as refused:
        license_out(
            title, right("svod", "CN", D(2027, 6, 1), D(2027, 12, 31)), counterparty="Youku"
        )
    assert refused.value.code == RightsErrorCode.RIGHTS_CONFLICT
    assert refused.value.status == 409
    assert refused.value.detail["deals"] == [f"#{first.pk} iQiyi"]
    [conflict] = refused.value.detail["conflicts"]
    assert conflict["territories"] == ["CN"]
    assert conflict["window"] == {"start": "2027-06-01", "end": "2027-06-30"}
    assert counts() == before
    # Outside the first deal's window (or territory) it is fine.
    license_out(title, right("svod", "CN", D(2027, 7, 1), D(2027, 12, 31)), counterparty="Youku")
    license_out(title, right("svod", "HK", D(2027, 7, 1), D(2027, 12, 31)), counterparty="TVB")


def test_non_exclusive_grants_share_but_exclusive_one_does_not(chart, title):
    acquire(title, right("avod", "WW"))
    a = license_out(title, right("avod", "HK"), exclusive=False, counterparty="TVB")
    license_out(title, right("avod", "HK"), exclusive=False, counterparty="myTV")
    with pytest.raises(RightsError) as refused:
        license_out(title, right("avod", "GCN"), exclusive=True, counterparty="Youku")
    assert refused.value.code == RightsErrorCode.RIGHTS_CONFLICT
    assert f"#{a.pk} TVB" in refused.value.detail["deals"]
    assert len(refused.value.detail["deals"]) == 2


def test_holdback_blocks_later_grants(chart, title):
    acquire(title, right(["svod", "avod"], "WW"))
    first = license_out(
        title, right("svod", "CN"), holdbacks=[right("avod", "CN")], counterparty="iQiyi"
    )
    with pytest.raises(RightsError) as refused:
        license_out(title, right("avod", "GCN"), exclusive=False, counterparty="Youku")
    assert refused.value.detail["deals"] == [f"#{first.pk} iQiyi"]


def test_licence_out_beyond_holdings_names_what_is_missing(chart, title):
    acquire(title, right("svod", "CN", D(2027, 1, 1), D(2027, 6, 30)))
    before = counts()
    with pytest.raises(RightsError) as refused:
        license_out(title, right(["svod", "tvod"], "CN"))
    assert refused.value.code == RightsErrorCode.RIGHTS_NOT_HELD
    missing = refused.value.detail["not_held"]
    assert {
        "media": "svod",
        "territories": ["CN"],
        "windows": [{"start": "2027-07-01", "end": "2027-12-31"}],
    } in missing
    assert any(m["media"] == "tvod" for m in missing)
    assert counts() == before


def test_exclusive_out_needs_exclusive_holding(chart, title):
    acquire(title, right("svod", "CN"), exclusive=False)
    with pytest.raises(RightsError) as refused:
        license_out(title, right("svod", "CN"), exclusive=True)
    assert refused.value.code == RightsErrorCode.RIGHTS_NOT_HELD
    license_out(title, right("svod", "CN"), exclusive=False)


def test_languages_bounded_by_holdings(chart, title):
    acquire(title, languages=["zh", "en"])
    with pytest.raises(RightsError) as refused:
        license_out(title, languages=["ja"])
    assert refused.value.code == RightsErrorCode.LANGUAGE_NOT_HELD
    license_out(title, languages=["zh"])


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        (
            {"rights": [right("svod", "CN", D(2027, 5, 1), D(2027, 4, 30))]},
            RightsErrorCode.INVALID_WINDOW,
        ),
        ({"rights": [right("hologram", "CN")]}, RightsErrorCode.UNKNOWN_MEDIA),
        ({"rights": [right("svod", "Atlantis")]}, RightsErrorCode.UNKNOWN_TERRITORY),
        ({"rights": []}, RightsErrorCode.NO_RIGHTS),
        ({"languages": ["klingon"]}, RightsErrorCode.UNKNOWN_LANGUAGE),
        (
            {"fee": FeeSpec("CNY", 100_00, instalments=[InstalmentSpec(D(2027, 1, 1), 60_00)])},
            RightsErrorCode.FEE_SCHEDULE_MISMATCH,
        ),
        (
            {"fee": FeeSpec("CNY", 100_00, kind="mg_share", revenue_share_bp=0)},
            RightsErrorCode.INVALID_FEE,
        ),
        ({"direction": "sideways"}, RightsErrorCode.INVALID_DIRECTION),
    ],
)
def test_bad_input_writes_nothing(chart, title, kwargs, code):
    acquire(title)
    before = counts()
    args = {
        "title_id": title.pk,
        "direction": "out",
        "counterparty": "iQiyi",
        "rights": [right()],
        "fee": flat(100_00),
        "signed_on": D(2026, 12, 1),
        **kwargs,
    }
    with pytest.raises(RightsError) as refused:
        services.create_deal(**args)
    assert refused.value.code == code
    assert counts() == before


def test_mg_plus_share_deal(chart, title):
    acquire(title)
    fee = FeeSpec(
        "CNY", 500_000_00, kind="mg_share", revenue_share_bp=3500,
        instalments=[InstalmentSpec(D(2027, 1, 1), 200_000_00), InstalmentSpec(D(2027, 6, 1), 300_000_00)],
    )  # fmt: skip
    deal = license_out(title, fee=fee)
    assert (deal.fee_kind, deal.revenue_share_bp, deal.fee.minor) == ("mg_share", 3500, 500_000_00)


def test_fee_received_posts_cash_and_publishes_the_event_once(chart, title):
    acquire(title)
    deal = license_out(title, fee=flat(900_00, parts=2), counterparty="Youku")
    inst = services.record_fee_received(deal_id=deal.pk, seq=1, received_on=D(2027, 1, 20))
    lines = sorted(
        (ln.account.code, ln.debit_minor, ln.credit_minor)
        for ln in JournalLine.objects.filter(entry=inst.entry)
    )
    assert lines == [("1010", 450_00, 0), ("1130", 0, 450_00)]
    [event] = OutboxEvent.objects.filter(type="rights.licence_fee_received")
    assert event.payload == {
        "title_id": title.pk,
        "deal_id": deal.pk,
        "amount_minor": 450_00,
        "currency": "CNY",
        "received_on": "2027-01-20",
        "licensee": "Youku",
    }
    entries = JournalEntry.objects.count()
    with pytest.raises(RightsError) as again:
        services.record_fee_received(deal_id=deal.pk, seq=1, received_on=D(2027, 1, 21))
    assert again.value.code == RightsErrorCode.ALREADY_RECEIVED
    assert JournalEntry.objects.count() == entries
    assert OutboxEvent.objects.filter(type="rights.licence_fee_received").count() == 1


def test_fee_paid_on_acquisition(chart, title):
    deal = acquire(title, fee=flat(700_00))
    inst = services.record_fee_paid(deal_id=deal.pk, seq=1, paid_on=D(2026, 12, 5))
    lines = sorted(
        (ln.account.code, ln.debit_minor, ln.credit_minor)
        for ln in JournalLine.objects.filter(entry=inst.entry)
    )
    assert lines == [("1010", 0, 700_00), ("2020", 700_00, 0)]
    with pytest.raises(RightsError) as wrong:
        services.record_fee_received(deal_id=deal.pk, seq=1, received_on=D(2026, 12, 5))
    assert wrong.value.code == RightsErrorCode.WRONG_DIRECTION


def test_same_idempotency_key_signs_once(chart, title, rights_user):
    acquire(title)
    a = license_out(
        title, exclusive=False, created_by=rights_user, idempotency_key="k-1", fee=flat(10_00)
    )
    b = license_out(
        title, exclusive=False, created_by=rights_user, idempotency_key="k-1", fee=flat(10_00)
    )
    assert a.pk == b.pk
    assert Deal.objects.filter(direction="out").count() == 1
