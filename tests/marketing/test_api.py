"""The marketing API and vouchers through ticketing's order API: bad input is a clear problem."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from marquee.marketing.models import Campaign, Redemption
from marquee.marketing.services.campaigns import issue_vouchers
from marquee.ticketing.models import Hold, Order
from marquee.ticketing.services.holds import place_hold
from tests.conftest import PASSWORD
from tests.marketing.factories import CampaignFactory
from tests.marketing.helpers import buy
from tests.ticketing.api_calls import post, problem

API = "/api/v1/marketing"


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _json(client, method, path, body=None, **headers):
    send = getattr(client, method)
    return send(f"{API}{path}", body or {}, content_type="application/json", **headers)


def test_a_rule_that_does_not_parse_is_a_problem_with_its_position(staff):
    client = _client(staff)
    response = _json(
        client, "post", "/segments", {"slug": "x", "name": "X", "rule": "bought(genre=)"}
    )
    body = problem(response, 400, "rule_syntax")
    assert body["position"] == 14
    assert "14" in body["detail"]
    preview = _json(client, "post", "/segments/preview", {"rule": "tickets(at_least=1) oops"})
    problem(preview, 400, "rule_syntax")


def test_live_count_and_masked_preview(staff, buyer, showtime, voucher):
    buy(showtime, buyer, ["2-3"], voucher.code)
    client = _client(staff)
    body = _json(client, "post", "/segments/preview", {"rule": "tickets(at_least=1)"}).json()
    assert body["count"] == 1
    (member,) = body["members"]
    assert member["id"] == buyer.pk
    assert member["username"] != buyer.username and "***" in member["username"]


def _campaign_body(seg, **over):
    now = timezone.now()
    body = {
        "slug": "c1",
        "name": "C1",
        "segment": seg.slug,
        "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(days=5)).isoformat(),
        "amount_minor": 1000,
        "budget_minor": 50_000,
    }
    return {**body, **over}


@pytest.mark.parametrize(
    ("over", "code", "field"),
    [
        ({"amount_minor": 60_000}, "invalid_campaign", "budget_minor"),
        ({"budget_minor": 0}, "invalid_campaign", "budget_minor"),
        ({"ends_at": "2020-01-01T00:00:00Z"}, "campaign_dates", None),
        ({"starts_at": "2020-01-01T00:00:00Z"}, "campaign_dates", None),
        ({"currency": "XYZ"}, "invalid_campaign", "currency"),
        (
            {"discount_kind": "percent", "percent_bp": 2500, "cap_minor": 0},
            "invalid_campaign",
            "cap_minor",
        ),
        ({"titles": ["no-such-film"]}, "invalid_campaign", "titles"),
        ({"weekdays": [8]}, "invalid_campaign", "weekdays"),
        ({"payer": "nobody"}, "invalid_campaign", "payer"),
        ({"segment": "nope"}, "segment_not_found", None),
    ],
)
def test_campaign_settings_out_of_range_write_nothing(staff, everyone, over, code, field):
    client = _client(staff)
    response = _json(client, "post", "/campaigns", _campaign_body(everyone, **over))
    status = 404 if code == "segment_not_found" else 400
    body = problem(response, status, code)
    if field:
        assert body["field"] == field
    assert not Campaign.objects.filter(slug="c1").exists()


def test_create_send_and_report_through_the_api(staff, everyone, buyer):
    client = _client(staff)
    body = _campaign_body(everyone)
    created = _json(client, "post", "/campaigns", body, HTTP_IDEMPOTENCY_KEY="k1")
    assert created.status_code == 201, created.content
    again = _json(client, "post", "/campaigns", body, HTTP_IDEMPOTENCY_KEY="k1")
    assert again.status_code == 201 and again.json() == created.json()
    other = _json(client, "post", "/campaigns", {**body, "name": "C2"}, HTTP_IDEMPOTENCY_KEY="k1")
    problem(other, 422, "idempotency_key_reused")
    assert Campaign.objects.count() == 1
    sent = _json(client, "post", "/campaigns/c1/send")
    assert sent.json()["sent"] >= 1
    report = client.get(f"{API}/campaigns/c1/report").json()
    assert report["reached"] == sent.json()["sent"]
    assert report["redeemed"] == 0 and report["cost_per_ticket_minor"] is None


def _hold(showtime, user, seat):
    return place_hold(showtime=showtime, seat_codes=[seat], user=user).hold


def test_an_unknown_voucher_leaves_the_hold_and_makes_no_order(showtime, buyer, voucher):
    hold = _hold(showtime, buyer, "2-3")
    response = post(_client(buyer), "/orders", {"hold_id": hold.pk, "voucher_code": "MQ-NOPE"})
    problem(response, 400, "voucher_not_found")
    assert not Order.objects.exists()
    hold.refresh_from_db()
    assert hold.status == Hold.Status.ACTIVE


def test_someone_elses_voucher_is_unknown_to_you(showtime, voucher, make_user):
    stranger = make_user()
    hold = _hold(showtime, stranger, "2-3")
    problem(
        post(_client(stranger), "/orders", {"hold_id": hold.pk, "voucher_code": voucher.code}),
        400,
        "voucher_not_found",
    )


def test_an_expired_voucher(showtime, buyer, voucher, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(ends_at=timezone.now() - timedelta(minutes=1))
    hold = _hold(showtime, buyer, "2-3")
    problem(
        post(_client(buyer), "/orders", {"hold_id": hold.pk, "voucher_code": voucher.code}),
        409,
        "voucher_expired",
    )


def test_a_voucher_for_another_showtime(world, showtime, buyer, staff, everyone):
    from tests.ticketing.conftest import make_showtime

    other = make_showtime(world, starts_at=timezone.now() + timedelta(days=3))
    campaign = CampaignFactory(actor=staff, segment=everyone, showtimes=[other.pk])
    issue_vouchers(actor=staff, campaign=campaign)
    code = campaign.vouchers.get(user=buyer).code
    hold = _hold(showtime, buyer, "2-3")
    body = problem(
        post(_client(buyer), "/orders", {"hold_id": hold.pk, "voucher_code": code}),
        409,
        "voucher_not_valid_here",
    )
    assert body["reasons"] == ["showtime"]


def test_past_the_total_limit_and_the_budget(showtime, staff, everyone, make_user):
    a, b, c = make_user(), make_user(), make_user()
    limited = CampaignFactory(actor=staff, segment=everyone, total_limit=1)
    tight = CampaignFactory(actor=staff, segment=everyone, amount_minor=1000, budget_minor=1500)
    issue_vouchers(actor=staff, campaign=limited)
    issue_vouchers(actor=staff, campaign=tight)
    buy(showtime, a, ["2-1"], limited.vouchers.get(user=a).code)
    hold = _hold(showtime, b, "2-2")
    problem(
        post(
            _client(b),
            "/orders",
            {"hold_id": hold.pk, "voucher_code": limited.vouchers.get(user=b).code},
        ),
        409,
        "campaign_limit_reached",
    )
    buy(showtime, a, ["2-5"], tight.vouchers.get(user=a).code)
    hold = _hold(showtime, c, "2-6")
    problem(
        post(
            _client(c),
            "/orders",
            {"hold_id": hold.pk, "voucher_code": tight.vouchers.get(user=c).code},
        ),
        409,
        "campaign_over_budget",
    )
    tight.refresh_from_db()
    assert tight.committed_minor == 1000


def test_no_discount_twice_for_one_idempotency_key(showtime, buyer, voucher):
    client = _client(buyer)
    hold = _hold(showtime, buyer, "2-3")
    body = {"hold_id": hold.pk, "voucher_code": voucher.code}
    first = post(client, "/orders", body, HTTP_IDEMPOTENCY_KEY="same")
    second = post(client, "/orders", body, HTTP_IDEMPOTENCY_KEY="same")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert first.json()["discount_minor"] == 1000
    assert first.json()["total_minor"] == 4500 + 300 - 1000
    assert Redemption.objects.count() == 1


def test_a_lapsed_order_gives_its_claim_back(showtime, buyer, voucher, campaign, make_user):
    from marquee.marketing.services.redemption import release_lapsed
    from tests.marketing.helpers import checkout

    order = checkout(showtime, buyer, ["2-3"], voucher.code)
    campaign.refresh_from_db()
    assert campaign.committed_minor == 1000
    assert release_lapsed(now=order.hold.expires_at + timedelta(seconds=1)) == 1
    campaign.refresh_from_db()
    voucher.refresh_from_db()
    assert (campaign.committed_minor, campaign.redeemed_count, voucher.uses) == (0, 0, 0)
    assert release_lapsed(now=order.hold.expires_at + timedelta(seconds=2)) == 0


def test_moviegoers_see_only_their_own_vouchers(buyer, voucher, make_user):
    mine = _client(buyer).get(f"{API}/vouchers").json()
    assert [v["code"] for v in mine] == [voucher.code]
    assert mine[0]["state"] == "usable"
    assert _client(make_user()).get(f"{API}/vouchers").json() == [] or all(
        v["code"] != voucher.code for v in _client(make_user()).get(f"{API}/vouchers").json()
    )


def test_profile_answers_and_refusals(buyer):
    client = _client(buyer)
    ok = _json(client, "put", "/profile", {"age_band": "18_24", "gender": "male"})
    assert ok.status_code == 200 and ok.json()["age_band"] == "18_24"
    problem(_json(client, "put", "/profile", {"age_band": "teen"}), 400, "invalid_profile")
