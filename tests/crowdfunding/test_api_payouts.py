"""The API of premiere claims, payout accounts and payouts, the premiere and the waterfall pool."""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone

from marquee.crowdfunding.models import PerkGrant
from marquee.crowdfunding.services import returns
from marquee.investment import services as investment
from tests.crowdfunding.factories import fan, funded_offering, investment_staff
from tests.ticketing.conftest import build_world, make_showtime

API = "/api/v1/crowdfunding"


def _send(client, method, path, body=None, **headers):
    return getattr(client, method)(
        f"{API}{path}", data=json.dumps(body or {}), content_type="application/json", **headers
    )


def _funded(make_user, backer, **kw):
    world = build_world(make_user)
    return world, funded_offering(world.title, [(backer, 5)], **kw)


def test_a_backer_claims_premiere_tickets_once_per_key(make_user, client_for):
    backer, staff = fan(), investment_staff()
    world, offering = _funded(make_user, backer, premiere_min_units=5, premiere_tickets=2)
    showtime = make_showtime(world, starts_at=timezone.now() + dt.timedelta(days=9))
    mine, theirs = client_for(backer), client_for(staff)
    refused = _send(
        mine, "post", f"/offerings/{offering.pk}/premiere", {"showtime_id": showtime.pk}
    )
    assert refused.status_code == 403
    set_ = _send(theirs, "post", f"/offerings/{offering.pk}/premiere", {"showtime_id": showtime.pk})
    assert set_.status_code == 200 and set_.json()["premiere_showtime_id"] == showtime.pk
    perk = next(p for p in mine.get(f"{API}/perks").json() if p["kind"] == "premiere")
    path = f"/perks/{perk['id']}/claim"
    first = _send(mine, "post", path, {"count": 2}, HTTP_IDEMPOTENCY_KEY="claim-1")
    again = _send(mine, "post", path, {"count": 2}, HTTP_IDEMPOTENCY_KEY="claim-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert (first.json()["tickets"], first.json()["claimed"]) == (2, 2)
    more = _send(mine, "post", path, {"count": 1}, HTTP_IDEMPOTENCY_KEY="claim-2")
    assert more.status_code == 409 and more.json()["code"] == "premiere_tickets_exhausted"
    assert PerkGrant.objects.get(pk=perk["id"]).claimed == 2
    bad = _send(mine, "post", path, {"count": "two"})
    assert bad.status_code == 422


def test_payout_account_payouts_and_the_pool(make_user, client_for):
    backer, staff = fan(), investment_staff()
    mine = client_for(backer)
    assert mine.get(f"{API}/payout-account").json()["kind"] == "original"
    wrong = _send(mine, "put", "/payout-account", {"kind": "bank", "account_name": "陈静"})
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_payout_destination"
    assert mine.get(f"{API}/payout-account").json()["kind"] == "original"  # nothing written
    good = _send(
        mine,
        "put",
        "/payout-account",
        {"kind": "bank", "account_name": "陈静", "bank_name": "ICBC", "account_number": "62220212"},
    )
    assert good.json()["account_number_masked"] == "••••0212"
    _, offering = _funded(make_user, backer)
    slug = offering.project.slug
    pool = investment.add_participant(
        project=slug, name="Fans' pool", kind="crowdfunding", stake_bp=2000
    )
    studio = investment.add_participant(project=slug, name="Studio", kind="studio", stake_bp=8000)
    investment.set_waterfall(project=slug, tiers=[{"key": "rest", "type": "residual"}])
    investment.receive_manual(
        project=slug, received_on=dt.date(2026, 5, 1), currency="CNY", amount_minor=50_000, key="r1"
    )
    theirs = client_for(staff)
    wrong_pool = _send(
        theirs, "post", f"/offerings/{offering.pk}/pool", {"participant_id": studio.pk}
    )
    assert wrong_pool.status_code == 422 and wrong_pool.json()["code"] == "invalid_pool_participant"
    linked = _send(theirs, "post", f"/offerings/{offering.pk}/pool", {"participant_id": pool.pk})
    assert linked.json()["pool_participant_id"] == pool.pk
    quote = theirs.get(f"{API}/offerings/{offering.pk}/returns").json()
    assert quote["pool"] == {
        "participant_id": pool.pk,
        "name": "Fans' pool",
        "currency": "CNY",
        "received_minor": 10_000,  # 20 % of the residual
    }
    returns.pay_returns(actor=staff, offering=offering, as_of=timezone.now().date())
    paid = mine.get(f"{API}/payouts").json()
    assert [(p["status"], p["destination"]) for p in paid] == [("paid", "bank")]
    run = theirs.get(f"{API}/offerings/{offering.pk}/returns").json()
    assert run["paid"] and run["payouts"][0]["payout_status"] == "paid"
    assert run["pool"]["received_minor"] == 10_000
    assert fan() and client_for(fan()).get(f"{API}/payouts").json() == []


def test_a_backer_retries_their_own_failed_payout_once_per_key(make_user, client_for):
    from marquee.crowdfunding.services import payouts
    from marquee.payments.models import Payout

    backer, stranger = fan(), fan()
    payouts.set_payout_account(
        user=backer, kind="bank", account_name="陈静", bank_name="BOC", account_number="40001111"
    )
    _, offering = _funded(make_user, backer)
    returns.pay_returns(actor=investment_staff(), offering=offering, as_of=timezone.now().date())
    mine = client_for(backer)
    share = mine.get(f"{API}/payouts").json()[0]
    assert share["status"] == "failed"
    path = f"/payouts/{share['share_id']}/retry"
    assert _send(client_for(stranger), "post", path).status_code == 404
    assert _send(mine, "post", "/payouts/999999/retry").json()["code"] == "return_payout_not_found"
    _send(
        mine,
        "put",
        "/payout-account",
        {"kind": "bank", "account_name": "陈静", "bank_name": "BOC", "account_number": "62220003"},
    )
    first = _send(mine, "post", path, HTTP_IDEMPOTENCY_KEY="retry-1")
    again = _send(mine, "post", path, HTTP_IDEMPOTENCY_KEY="retry-1")
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["status"] == "paid"
    assert Payout.objects.get(payee=backer).attempts == 2  # the repeat sent nothing
    late = _send(mine, "post", path, HTTP_IDEMPOTENCY_KEY="retry-2")
    assert late.status_code == 409 and late.json()["code"] == "payout_not_failed"
