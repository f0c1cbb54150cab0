"""The rights API: avails answers, problem+json refusals, idempotent signing."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from marquee.rights.models import Deal, Instalment, RightLine
from tests.rights.factories import acquire, flat, license_out, mg_share, right

pytestmark = pytest.mark.django_db

API = "/api/v1/rights"


def body(title, **over):
    data = {
        "title_id": title.pk,
        "direction": "out",
        "counterparty": "Youku",
        "exclusive": True,
        "rights": [
            {
                "media": ["svod"],
                "territories": ["CN"],
                "start_on": "2027-01-01",
                "end_on": "2027-12-31",
            }
        ],
        "currency": "CNY",
        "fee_minor": 300_00,
        "instalments": [
            {"due_on": "2027-01-31", "amount_minor": 100_00},
            {"due_on": "2027-03-31", "amount_minor": 200_00},
        ],
        "signed_on": "2026-12-01",
    }
    data.update(over)
    return data


def post(client, path, data, **headers):
    return client.post(path, data=json.dumps(data), content_type="application/json", **headers)


@pytest.fixture
def staff(client_for, rights_user):
    return client_for(rights_user)


def test_avails_answer_free_parts_and_who_takes_the_rest(chart, title, staff):
    acquire(title, right(["svod", "avod"], "GCN"))
    deal = license_out(
        title, right("svod", "CN", dt.date(2027, 1, 1), dt.date(2027, 6, 30)), counterparty="iQiyi"
    )
    r = staff.get(
        f"{API}/avails",
        {
            "title_id": title.pk,
            "media": "svod",
            "territory": "GCN",
            "start_on": "2027-01-01",
            "end_on": "2027-12-31",
            "exclusive": "true",
        },
    )
    assert r.status_code == 200, r.content
    answer = r.json()
    assert {
        "media": "svod",
        "territories": ["CN"],
        "windows": [{"start": "2027-07-01", "end": "2027-12-31"}],
    } in answer["free"]
    assert {
        "media": "svod",
        "territories": ["HK", "MO", "TW"],
        "windows": [{"start": "2027-01-01", "end": "2027-12-31"}],
    } in answer["free"]
    assert answer["taken_by"] == [
        {
            "deal_id": deal.pk,
            "counterparty": "iQiyi",
            "exclusive": True,
            "media": ["svod"],
            "territories": ["CN"],
        }
    ]
    assert answer["not_held"] == []


def test_avails_bad_question_is_problem_json(chart, title, staff):
    for params, code in [
        ({"media": "hologram", "territory": "CN"}, "unknown_media"),
        ({"media": "svod", "territory": "XX"}, "unknown_territory"),
        ({"media": "svod", "territory": "CN", "end_on": "2026-01-01"}, "invalid_window"),
    ]:
        query = {"title_id": title.pk, "start_on": "2027-01-01", "end_on": "2027-12-31", **params}
        r = staff.get(f"{API}/avails", query)
        assert r.status_code == 422, r.content
        assert r["Content-Type"].startswith("application/problem+json")
        assert r.json()["code"] == code


def test_sign_deal_then_conflict_is_409_naming_the_deal(chart, title, staff):
    acquire(title)
    r = post(staff, f"{API}/deals", body(title, counterparty="iQiyi"), HTTP_IDEMPOTENCY_KEY="a-1")
    assert r.status_code == 201, r.content
    first = r.json()
    assert [i["amount_minor"] for i in first["instalments"]] == [100_00, 200_00]
    again = post(
        staff, f"{API}/deals", body(title, counterparty="iQiyi"), HTTP_IDEMPOTENCY_KEY="a-1"
    )
    assert again.json()["id"] == first["id"]
    assert Deal.objects.filter(direction="out").count() == 1

    r = post(staff, f"{API}/deals", body(title), HTTP_IDEMPOTENCY_KEY="a-2")
    assert r.status_code == 409
    problem = r.json()
    assert problem["code"] == "rights_conflict"
    assert problem["deals"] == [f"#{first['id']} iQiyi"]
    assert f"#{first['id']} iQiyi" in problem["detail"]
    assert problem["conflicts"][0]["territories"] == ["CN"]


@pytest.mark.parametrize(
    ("over", "code", "status"),
    [
        ({"fee_minor": 999_00}, "fee_schedule_mismatch", 422),
        (
            {
                "rights": [
                    {
                        "media": ["svod"],
                        "territories": ["CN"],
                        "start_on": "2027-05-01",
                        "end_on": "2027-01-01",
                    }
                ]
            },
            "invalid_window",
            422,
        ),
        (
            {
                "rights": [
                    {
                        "media": ["beam"],
                        "territories": ["CN"],
                        "start_on": "2027-01-01",
                        "end_on": "2027-02-01",
                    }
                ]
            },
            "unknown_media",
            422,
        ),
        (
            {
                "rights": [
                    {
                        "media": ["svod"],
                        "territories": ["ZZ"],
                        "start_on": "2027-01-01",
                        "end_on": "2027-02-01",
                    }
                ]
            },
            "unknown_territory",
            422,
        ),
        (
            {
                "rights": [
                    {
                        "media": ["pvod"],
                        "territories": ["CN"],
                        "start_on": "2027-01-01",
                        "end_on": "2027-02-01",
                    }
                ]
            },
            "rights_not_held",
            409,
        ),
        ({"currency": "XYZ"}, "unknown_currency", 400),
    ],
)
def test_bad_deals_are_problem_json_and_write_nothing(chart, title, staff, over, code, status):
    acquire(title)
    before = (Deal.objects.count(), RightLine.objects.count(), Instalment.objects.count())
    r = post(staff, f"{API}/deals", body(title, **over))
    assert r["Content-Type"].startswith("application/problem+json")
    assert (r.status_code, r.json()["code"]) == (status, code), r.content
    assert (Deal.objects.count(), RightLine.objects.count(), Instalment.objects.count()) == before


def test_receive_instalment_then_again_is_409(chart, title, staff):
    acquire(title)
    deal = license_out(title, fee=flat(600_00, parts=2))
    r = post(staff, f"{API}/deals/{deal.pk}/instalments/1/receive", {"on": "2027-01-20"})
    assert r.status_code == 200, r.content
    assert r.json()["instalments"][0]["settled_on"] == "2027-01-20"
    r = post(staff, f"{API}/deals/{deal.pk}/instalments/1/receive", {"on": "2027-01-21"})
    assert (r.status_code, r.json()["code"]) == (409, "instalment_already_settled")
    r = post(staff, f"{API}/deals/{deal.pk}/instalments/9/receive", {"on": "2027-01-21"})
    assert (r.status_code, r.json()["code"]) == (404, "instalment_not_found")
    r = post(staff, f"{API}/deals/{2**63}/instalments/1/receive", {"on": "2027-01-21"})
    assert r.status_code in {404, 422}


def test_search_titles_with_avails(chart, staff):
    from tests.catalog.factories import TitleFactory

    a, b, c = TitleFactory(), TitleFactory(), TitleFactory()
    acquire(a, right("svod", "WW"))
    acquire(b, right("svod", "CN"))
    license_out(b, right("svod", "CN"))
    acquire(c, right("avod", "WW"))
    r = staff.get(
        f"{API}/avails/titles",
        {"media": "svod", "territory": "CN", "start_on": "2027-01-01", "end_on": "2027-12-31"},
    )
    assert r.status_code == 200, r.content
    assert [row["title_id"] for row in r.json()] == [a.pk]
    assert r.json()[0]["free_days"] == 365


def test_others_are_refused(chart, title, client_for, make_user):
    r = client_for(make_user()).get(f"{API}/deals")
    assert r.status_code == 403


def test_avails_of_an_unknown_title_is_404(chart, staff):
    r = staff.get(
        f"{API}/avails",
        {"title_id": 999999, "media": "svod", "start_on": "2027-01-01", "end_on": "2027-01-31"},
    )
    assert (r.status_code, r.json()["code"]) == (404, "rights_title_not_found")


def test_blank_counterparty_is_refused(chart, title, staff):
    acquire(title)
    r = post(staff, f"{API}/deals", body(title, counterparty="   "))
    assert (r.status_code, r.json()["code"]) == (422, "no_counterparty")


def test_revenue_report_books_the_overage_and_bad_ones_are_problem_json(chart, title, staff):
    acquire(title, right(["svod", "tvod"], "WW"))
    deal = license_out(
        title,
        right("tvod", "CN"),
        exclusive=False,
        fee=mg_share(1_000_00, 4000),
        counterparty="Youku",
    )
    url = f"{API}/deals/{deal.pk}/reports"
    q1 = {"period_start": "2027-01-01", "period_end": "2027-03-31"}
    r = post(staff, url, {**q1, "gross_minor": 5_000_00}, HTTP_IDEMPOTENCY_KEY="rep-1")
    assert r.status_code == 201, r.content
    assert [(x["share_minor"], x["overage_minor"]) for x in r.json()["reports"]] == [
        (2_000_00, 1_000_00)
    ]
    assert r.json()["instalments"][-1]["amount_minor"] == 1_000_00
    assert r.json()["instalments"][-1]["revenue_report_id"] == r.json()["reports"][0]["id"]
    again = post(staff, url, {**q1, "gross_minor": 5_000_00}, HTTP_IDEMPOTENCY_KEY="rep-1")
    assert again.status_code == 201 and again.json() == r.json()
    dup = post(staff, url, {**q1, "gross_minor": 1}, HTTP_IDEMPOTENCY_KEY="rep-2")
    assert dup.status_code == 409 and dup.json()["code"] == "duplicate_report_period"
    assert dup["Content-Type"].startswith("application/problem+json")
    q2 = {"period_start": "2027-04-01", "period_end": "2027-06-30"}
    for gross, status in ((-5, 422), (12.5, 422), ("100", 422)):
        bad = post(staff, url, {**q2, "gross_minor": gross}, HTTP_IDEMPOTENCY_KEY=f"bad-{gross}")
        assert bad.status_code == status, (gross, bad.content)
    outside = {"period_start": "2028-01-01", "period_end": "2028-03-31", "gross_minor": 1}
    r = post(staff, url, outside, HTTP_IDEMPOTENCY_KEY="rep-3")
    assert (r.status_code, r.json()["code"]) == (422, "period_outside_window")
    assert deal.reports.count() == 1


def test_cancel_and_amend_through_the_api(chart, title, staff):
    acquire(title, right("svod", "WW"))
    deal = license_out(title, fee=flat(300_00, parts=3, due=dt.date(2027, 1, 31)))
    r = post(staff, f"{API}/deals/{deal.pk}/amend", {"end_on": "2027-10-31", "note": "Shorter"},
             HTTP_IDEMPOTENCY_KEY="am-1")  # fmt: skip
    assert r.status_code == 200, r.content
    assert [x["end_on"] for x in r.json()["rights"]] == ["2027-10-31"]
    assert r.json()["changes"][0]["kind"] == "amend"
    r = post(
        staff, f"{API}/deals/{deal.pk}/cancel", {"on": "2027-02-15"}, HTTP_IDEMPOTENCY_KEY="c-1"
    )
    assert r.status_code == 200, r.content
    assert r.json()["cancelled_on"] == "2027-02-15"
    assert [i["cancelled_on"] for i in r.json()["instalments"]] == [
        None,
        "2027-02-15",
        "2027-02-15",
    ]
    assert r.json()["changes"][1]["reversed_minor"] == 200_00
    r = post(
        staff, f"{API}/deals/{deal.pk}/cancel", {"on": "2027-03-01"}, HTTP_IDEMPOTENCY_KEY="c-2"
    )
    assert (r.status_code, r.json()["code"]) == (409, "deal_cancelled")
    r = post(staff, f"{API}/deals/{deal.pk}/amend", {}, HTTP_IDEMPOTENCY_KEY="am-2")
    assert (r.status_code, r.json()["code"]) == (422, "nothing_to_amend")
    r = post(
        staff, f"{API}/deals/{deal.pk}/amend", {"end_on": "2027-12-31"}, HTTP_IDEMPOTENCY_KEY="am-3"
    )
    assert (r.status_code, r.json()["code"]) == (409, "deal_cancelled")


def test_amend_the_fee_schedule_through_the_api(chart, title, staff):
    acquire(title, right("svod", "WW"))
    deal = license_out(title, fee=flat(300_00, parts=3, due=dt.date(2027, 1, 31)))
    url = f"{API}/deals/{deal.pk}/amend"
    new = {
        "instalments": [{"due_on": "2027-09-30", "amount_minor": 300_00}],
        "effective_on": "2027-01-10",
        "note": "One payment",
    }
    r = post(staff, url, new, HTTP_IDEMPOTENCY_KEY="fee-1")
    assert r.status_code == 200, r.content
    assert [(i["seq"], i["amount_minor"], i["cancelled_on"]) for i in r.json()["instalments"]] == [
        (1, 100_00, "2027-01-10"),
        (2, 100_00, "2027-01-10"),
        (3, 100_00, "2027-01-10"),
        (4, 300_00, None),
    ]
    change = r.json()["changes"][0]
    assert (change["reversed_minor"], change["booked_minor"]) == (300_00, 300_00)
    assert change["fee_after"]["instalments"] == [
        {"seq": 4, "due_on": "2027-09-30", "amount_minor": 300_00}
    ]
    again = post(staff, url, new, HTTP_IDEMPOTENCY_KEY="fee-1")
    assert again.json() == r.json()
    assert deal.changes.count() == 1
    for bad, code, status in (
        ({"instalments": [{"due_on": "2027-09-30", "amount_minor": 200_00}]},
         "fee_schedule_mismatch", 422),
        ({"instalments": [{"due_on": "2028-09-30", "amount_minor": 300_00}]},
         "instalment_outside_window", 422),
        ({"instalments": [{"due_on": "2027-09-30", "amount_minor": 0},
                          {"due_on": "2027-10-30", "amount_minor": 300_00}]}, "invalid_fee", 422),
        ({"fee_minor": 12.5, "instalments": []}, None, 422),
    ):  # fmt: skip
        r = post(staff, url, bad, HTTP_IDEMPOTENCY_KEY=f"bad-{code}")
        assert r.status_code == status, r.content
        assert r["Content-Type"].startswith("application/problem+json")
        if code:
            assert r.json()["code"] == code
    assert deal.changes.count() == 1
    assert Instalment.objects.filter(deal=deal).count() == 4
