"""The worked examples of docs/rights.md, as written there."""

from __future__ import annotations

import datetime as dt

import pytest

from marquee.rights import queries
from marquee.rights.errors import RightsError, RightsErrorCode
from marquee.rights.validation import FeeSpec, InstalmentSpec
from tests.rights.factories import acquire, flat, license_out, right

pytestmark = pytest.mark.django_db

D = dt.date
ALL_BUT_MERCH = ["theatrical", "free_tv", "pay_tv", "svod", "avod", "tvod", "pvod", "airline"]


@pytest.fixture
def sci(chart, title):
    acquire(title, right(ALL_BUT_MERCH, "WW", D(2026, 1, 1), D(2032, 12, 31)))
    iqiyi = license_out(
        title, right("svod", "CN"), holdbacks=[right("avod", "CN")], counterparty="iQiyi",
        fee=flat(12_000_000_00, parts=3),
    )  # fmt: skip
    license_out(
        title, right("tvod", "CN"), exclusive=False, counterparty="Youku",
        fee=FeeSpec("CNY", 3_000_000_00, kind="mg_share", revenue_share_bp=4000,
                    instalments=[InstalmentSpec(D(2027, 1, 31), 3_000_000_00)]),
    )  # fmt: skip
    license_out(
        title, right("free_tv", ["HK", "MO"], D(2027, 1, 1), D(2027, 6, 30)), counterparty="TVB"
    )
    return title, iqiyi


def free(title, media, territory, start, end, exclusive):
    q = queries.question(
        media=[media], territory=territory, start_on=start, end_on=end, exclusive=exclusive
    )
    answer = queries.title_avails(title.pk, q)
    return [
        (list(p.territories), [(a.isoformat(), b.isoformat()) for a, b in map(_dates, p.intervals)])
        for p in answer.free
    ], answer


def _dates(interval):
    from marquee.rights.avails import as_dates

    return as_dates(interval)


YEAR = (D(2027, 1, 1), D(2027, 12, 31))


def test_the_worked_avails(sci):
    title, iqiyi = sci
    parts, answer = free(title, "svod", "GCN", *YEAR, True)
    assert parts == [(["HK", "MO", "TW"], [("2027-01-01", "2027-12-31")])]
    assert list(answer.deals) == [iqiyi.pk]
    assert free(title, "avod", "CN", *YEAR, False)[0] == []
    assert free(title, "tvod", "CN", *YEAR, False)[0] == [(["CN"], [("2027-01-01", "2027-12-31")])]
    assert free(title, "tvod", "CN", *YEAR, True)[0] == []
    assert free(title, "free_tv", "GCN", D(2027, 4, 1), D(2027, 9, 30), True)[0] == [
        (["CN", "TW"], [("2027-04-01", "2027-09-30")]),
        (["HK", "MO"], [("2027-07-01", "2027-09-30")]),
    ]


def test_the_worked_refusals(sci):
    title, iqiyi = sci
    with pytest.raises(RightsError) as refused:
        license_out(
            title, right("svod", "GCN", D(2027, 6, 1), D(2027, 12, 31)), counterparty="Youku"
        )
    assert (
        refused.value.msg
        == f"These rights are already licensed or held back under: #{iqiyi.pk} iQiyi."
    )
    assert refused.value.detail["conflicts"][0]["window"] == {
        "start": "2027-06-01",
        "end": "2027-12-31",
    }
    fee = FeeSpec("CNY", 600_000_00, instalments=[InstalmentSpec(D(2027, 6, 30), 500_000_00)])
    with pytest.raises(RightsError) as mismatch:
        license_out(title, right("svod", ["HK", "TW"], D(2027, 6, 1), D(2027, 12, 31)), fee=fee)
    assert mismatch.value.code == RightsErrorCode.FEE_SCHEDULE_MISMATCH
    assert (
        mismatch.value.msg
        == "The instalments add up to 500000.00 CNY but the fee is 600000.00 CNY."
    )
    license_out(
        title, right("svod", ["HK", "TW"], D(2027, 6, 1), D(2027, 12, 31)), fee=flat(500_000_00)
    )


def test_languages_split_an_exclusive_licence(chart, title):
    acquire(title, right("svod", "WW"))
    youku = license_out(title, languages=["yue", "zh"], counterparty="Youku")
    license_out(title, languages=["en"], counterparty="Netflix")  # English: no conflict
    with pytest.raises(RightsError) as refused:
        license_out(title, counterparty="Tencent Video")  # every language
    assert refused.value.code == RightsErrorCode.RIGHTS_CONFLICT
    assert f"#{youku.pk} Youku" in refused.value.detail["deals"]

    def cn_free(languages):
        q = queries.question(
            media=["svod"], territory="CN", start_on=D(2027, 1, 1), end_on=D(2027, 12, 31),
            exclusive=True, languages=languages,
        )  # fmt: skip
        return [c.free for c in queries.title_avails(title.pk, q).cells]

    assert cn_free(["ja"]) == [((D(2027, 1, 1).toordinal(), D(2028, 1, 1).toordinal()),)]
    assert cn_free(["en"]) == [()]  # Netflix took English
    assert cn_free([]) == [()]


def test_the_revenue_report_table(chart, title):
    from marquee.rights import revenue

    acquire(title, right("tvod", "WW"))
    youku = license_out(
        title, right("tvod", "CN"), exclusive=False, counterparty="Youku",
        fee=FeeSpec("CNY", 3_000_000_00, kind="mg_share", revenue_share_bp=4000,
                    instalments=[InstalmentSpec(D(2027, 1, 31), 3_000_000_00)]),
    )  # fmt: skip
    quarters = [
        (D(2027, 1, 1), D(2027, 3, 31), 5_000_000_00),
        (D(2027, 4, 1), D(2027, 6, 30), 4_000_000_00),
        (D(2027, 7, 1), D(2027, 9, 30), 1_000_000_00),
    ]
    booked = [
        revenue.record_revenue_report(
            deal_id=youku.pk, period_start=a, period_end=b, gross_minor=g
        ).overage_minor
        for a, b, g in quarters
    ]
    assert booked == [0, 600_000_00, 400_000_00]
