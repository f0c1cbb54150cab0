"""The crowdfunding API: public offerings, idempotent pledges, own pledges only, problem+json."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from marquee.crowdfunding.models import Offering, Pledge
from marquee.payments.simulator.gateway import authorize_sim_payment
from tests.crowdfunding.factories import (
    ProjectFactory,
    fan,
    investment_staff,
    make_offering,
    pledge_and_pay,
)
from tests.ticketing.api_calls import problem

API = "/api/v1/crowdfunding"


def _post(client, path, body=None, **headers):
    return client.post(
        f"{API}{path}",
        data=json.dumps(body if body is not None else {}),
        content_type="application/json",
        **headers,
    )


def _offering_body(project: str, **kw) -> dict:
    now = timezone.now()
    body = {
        "project": project,
        "slug": "back-the-last-dance",
        "name_en": "Back The Last Dance",
        "name_zh_hans": "支持《破·地狱》",
        "name_zh_hant": "支持《破·地獄》",
        "currency": "HKD",
        "unit_price_minor": 50_000,
        "target_units": 100,
        "cap_units": 150,
        "min_units_per_backer": 1,
        "max_units_per_backer": 10,
        "opens_at": (now - dt.timedelta(hours=1)).isoformat(),
        "closes_at": (now + dt.timedelta(days=30)).isoformat(),
        "min_return_bp": 400,
        "bonus_tiers": [{"threshold_minor": 10_000_000_00, "bonus_bp": 300}],
        "premiere_min_units": 5,
        "premiere_tickets": 2,
    }
    body.update(kw)
    return body


def test_investment_staff_create_and_fans_read_offerings(client_for):
    project = ProjectFactory()
    staff = client_for(investment_staff())
    response = _post(staff, "/offerings", _offering_body(project.slug))
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["cap_minor"] == 150 * 50_000
    assert created["phase"] == "open"
    assert created["bonus_tiers"] == [{"threshold_minor": 10_000_000_00, "bonus_bp": 300}]
    anonymous = client_for(None)
    listed = anonymous.get(f"{API}/offerings?phase=open").json()
    assert [o["slug"] for o in listed] == ["back-the-last-dance"]
    one = anonymous.get(f"{API}/offerings/{created['id']}").json()
    assert one["name_zh_hant"] == "支持《破·地獄》"
    assert anonymous.get(f"{API}/offerings?phase=upcoming").json() == []
    # A fan may not create one.
    problem(
        _post(client_for(fan()), "/offerings", _offering_body(project.slug, slug="x")),
        403,
        "not_investment_staff",
    )


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"cap_units": 50}, "invalid_offering"),
        ({"unit_price_minor": -5}, "invalid_offering"),
        ({"currency": "ZZZ"}, "invalid_offering"),
        ({"unit_price_minor": 1.5}, "validation_error"),
        ({"project": "nope"}, "project_not_found"),
    ],
)
def test_bad_offerings_are_refused_with_problem_json(client_for, change, code):
    project = ProjectFactory()
    staff = client_for(investment_staff())
    response = _post(staff, "/offerings", {**_offering_body(project.slug), **change})
    assert response.status_code in {404, 422}
    problem(response, response.status_code, code)
    assert not Offering.objects.exists()


def test_a_pledge_is_idempotent_and_pays_through_the_gateway(client_for):
    offering = make_offering()
    backer = fan()
    client = client_for(backer)
    key = {"HTTP_IDEMPOTENCY_KEY": "pledge-1"}
    first = _post(client, f"/offerings/{offering.pk}/pledges", {"units": 4}, **key)
    assert first.status_code == 201, first.content
    again = _post(client, f"/offerings/{offering.pk}/pledges", {"units": 4}, **key)
    assert again.json() == first.json()
    assert Pledge.objects.count() == 1
    problem(
        _post(client, f"/offerings/{offering.pk}/pledges", {"units": 5}, **key),
        422,
        "idempotency_key_reused",
    )
    started = first.json()
    assert started["pledge"]["status"] == "reserved"
    assert started["pledge"]["amount_minor"] == 40_000
    assert started["redirect_url"]
    authorize_sim_payment(payment_id=started["payment_id"], user=backer, outcome="succeed")
    mine = client.get(f"{API}/pledges").json()
    assert [(p["units"], p["status"]) for p in mine] == [(4, "paid")]
    progress = client.get(f"{API}/offerings/{offering.pk}").json()
    assert (progress["paid_units"], progress["raised_minor"]) == (4, 40_000)


@pytest.mark.parametrize("units", [0, -3, 1.5, "2"])
def test_zero_negative_or_fractional_units_are_problem_json(client_for, units):
    offering = make_offering()
    response = _post(client_for(fan()), f"/offerings/{offering.pk}/pledges", {"units": units})
    assert response.status_code in {409, 422}
    code = "invalid_units" if isinstance(units, int) else "validation_error"
    problem(response, 422, code)
    assert not Pledge.objects.exists()


def test_pledges_past_the_caps_or_the_window_are_problem_json(client_for):
    offering = make_offering(cap_units=30, target_units=30, max_units_per_backer=20)
    backer = fan()
    client = client_for(backer)
    pledge_and_pay(offering, backer, 20)
    problem(_post(client, f"/offerings/{offering.pk}/pledges", {"units": 1}), 409, "backer_limit")
    body = problem(
        _post(client_for(fan()), f"/offerings/{offering.pk}/pledges", {"units": 11}),
        409,
        "offering_cap_reached",
    )
    assert body["available"] == 10
    Offering.objects.filter(pk=offering.pk).update(closes_at=timezone.now())
    problem(
        _post(client_for(fan()), f"/offerings/{offering.pk}/pledges", {"units": 1}),
        409,
        "offering_closed",
    )
    upcoming = make_offering(opens_at=timezone.now() + dt.timedelta(days=2))
    problem(
        _post(client_for(fan()), f"/offerings/{upcoming.pk}/pledges", {"units": 1}),
        409,
        "offering_not_open_yet",
    )
    assert Pledge.objects.count() == 1


def test_fans_see_only_their_own_pledges(client_for):
    offering = make_offering()
    a, b = fan(), fan()
    pledge = pledge_and_pay(offering, a, 2)
    pledge_and_pay(offering, b, 3)
    assert [p["units"] for p in client_for(b).get(f"{API}/pledges").json()] == [3]
    problem(client_for(b).get(f"{API}/pledges/{pledge.pk}"), 404, "pledge_not_found")
    assert client_for(a).get(f"{API}/pledges/{pledge.pk}").json()["id"] == pledge.pk
    problem(
        client_for(b).get(f"{API}/offerings/{offering.pk}/pledges"), 403, "not_investment_staff"
    )
    staff_view = client_for(investment_staff()).get(f"{API}/offerings/{offering.pk}/pledges")
    assert sorted(p["units"] for p in staff_view.json()) == [2, 3]


def test_close_and_pay_returns_through_the_api(client_for):
    offering = make_offering(target_units=5)
    pledge_and_pay(offering, fan(), 5)
    staff = client_for(investment_staff())
    problem(_post(staff, f"/offerings/{offering.pk}/close"), 409, "offering_still_open")
    Offering.objects.filter(pk=offering.pk).update(closes_at=timezone.now())
    closed = _post(staff, f"/offerings/{offering.pk}/close")
    assert closed.json()["phase"] == "succeeded"
    quote = staff.get(f"{API}/offerings/{offering.pk}/returns").json()
    assert quote["paid"] is False
    assert quote["rate_bp"] == 500
    assert quote["total_minor"] == 52_500
    paid = _post(staff, f"/offerings/{offering.pk}/returns", {}, HTTP_IDEMPOTENCY_KEY="r1")
    assert paid.status_code == 201, paid.content
    assert paid.json()["payouts"][0]["amount_minor"] == 52_500
    again = _post(staff, f"/offerings/{offering.pk}/returns", {}, HTTP_IDEMPOTENCY_KEY="r2")
    problem(again, 409, "returns_already_paid")
    assert staff.get(f"{API}/offerings/{offering.pk}/returns").json()["paid"] is True


def test_an_id_beyond_64_bits_is_a_validation_error(client_for):
    response = client_for(None).get(f"{API}/offerings/{2**70}")
    problem(response, 422, "validation_error")
