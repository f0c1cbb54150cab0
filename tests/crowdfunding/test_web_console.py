"""The staff console (create, close, premiere, pool, pay returns, retry) and the backer's pages."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from marquee.crowdfunding.models import Offering, PayoutAccount, PerkGrant, ReturnRun
from marquee.crowdfunding.services import payouts
from marquee.investment import services as investment
from marquee.payments.models import Payout
from marquee.ticketing.models import Ticket
from tests.crowdfunding.factories import (
    ProjectFactory,
    fan,
    funded_offering,
    investment_staff,
    make_offering,
    pledge_and_pay,
)
from tests.ticketing.conftest import build_world, make_showtime


def _key(html: str) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)


def test_only_investment_staff_open_the_console(client_for):
    assert client_for(fan()).get("/crowdfunding/console/").status_code == 403
    assert client_for(None).get("/crowdfunding/console/").status_code == 302
    assert client_for(investment_staff()).get("/crowdfunding/console/").status_code == 200


def test_staff_create_an_offering_and_a_bad_one_writes_nothing(client_for):
    staff = investment_staff()
    project = ProjectFactory()
    client = client_for(staff)
    form = {
        "project": project.slug,
        "slug": "back-the-grey-men-2",
        "name_en": "Back The Grey Men 2",
        "currency": "HKD",
        "unit_price": "500",
        "target_units": "400",
        "cap_units": "600",
        "max_units_per_backer": "50",
        "min_return_bp": "800",
        "opens_at": "2030-01-01T10:00",
        "closes_at": "2030-02-01T10:00",
    }
    bad = client.post("/crowdfunding/console/", {**form, "cap_units": "10"}, follow=True)
    assert "This offering is not valid" in bad.content.decode()
    assert not Offering.objects.exists()
    made = client.post("/crowdfunding/console/", form)
    assert made.status_code == 302
    offering = Offering.objects.get(slug="back-the-grey-men-2")
    assert (offering.unit_price_minor, offering.cap_units, offering.currency) == (
        50_000,
        600,
        "HKD",
    )
    listing = client.get("/crowdfunding/console/").content.decode()
    assert 'data-testid="console-row-back-the-grey-men-2"' in listing


def test_staff_close_pick_the_premiere_link_the_pool_pay_and_retry(client_for, make_user):
    world = build_world(make_user)
    showtime = make_showtime(world, starts_at=timezone.now() + dt.timedelta(days=12))
    offering = make_offering(
        project=ProjectFactory(title=world.title),
        target_units=5,
        premiere_min_units=5,
        premiere_tickets=2,
    )
    good, bad = fan(), fan()
    payouts.set_payout_account(
        user=bad, kind="bank", account_name="B", bank_name="BOC", account_number="40001234"
    )
    pledge_and_pay(offering, good, 5)
    pledge_and_pay(offering, bad, 5)
    Offering.objects.filter(pk=offering.pk).update(closes_at=timezone.now())
    slug = offering.slug
    pool = investment.add_participant(
        project=offering.project.slug, name="Fans' pool", kind="crowdfunding", stake_bp=1000
    )
    client = client_for(investment_staff())
    page = client.get(f"/crowdfunding/console/{slug}/").content.decode()
    assert 'data-testid="close-offering"' in page
    client.post(f"/crowdfunding/console/{slug}/close/")
    assert Offering.objects.get(pk=offering.pk).status == Offering.Status.SUCCEEDED
    client.post(f"/crowdfunding/console/{slug}/premiere/", {"showtime_id": str(showtime.pk)})
    assert Offering.objects.get(pk=offering.pk).premiere_showtime_id == showtime.pk
    client.post(f"/crowdfunding/console/{slug}/pool/", {"participant_id": str(pool.pk)})
    assert Offering.objects.get(pk=offering.pk).pool_participant_id == pool.pk
    page = client.get(f"/crowdfunding/console/{slug}/").content.decode()
    assert 'data-testid="pool-received"' in page
    assert 'data-testid="pool-received"' in client.get(f"/crowdfunding/{slug}/").content.decode()
    key = _key(page)
    client.post(f"/crowdfunding/console/{slug}/returns/", {"idempotency_key": key})
    client.post(f"/crowdfunding/console/{slug}/returns/", {"idempotency_key": key})  # a double
    assert ReturnRun.objects.filter(offering=offering).count() == 1
    page = client.get(f"/crowdfunding/console/{slug}/").content.decode()
    assert page.count('data-testid="payout-row"') == 2
    assert page.count('data-testid="retry-payout"') == 1
    failed = Payout.objects.get(payee=bad)
    PayoutAccount.objects.filter(backer=bad).update(account_number="62220000")
    share = failed.pk and ReturnRun.objects.get(offering=offering).payouts.get(backer=bad)
    client.post(f"/crowdfunding/console/{slug}/payouts/{share.pk}/retry/")
    assert Payout.objects.get(pk=failed.pk).status == Payout.Status.PAID


def test_a_backer_claims_premiere_tickets_and_a_wrong_payout_account_is_refused(
    client_for, make_user
):
    world = build_world(make_user)
    showtime = make_showtime(world, starts_at=timezone.now() + dt.timedelta(days=12))
    backer = fan()
    offering = funded_offering(world.title, [(backer, 5)], premiere_min_units=5, premiere_tickets=2)
    Offering.objects.filter(pk=offering.pk).update(premiere_showtime=showtime)
    grant = PerkGrant.objects.get(backer=backer, kind="premiere")
    client = client_for(backer)
    mine = client.get("/crowdfunding/pledges/").content.decode()
    assert f"/crowdfunding/perks/{grant.pk}/premiere/" in mine
    page = client.get(f"/crowdfunding/perks/{grant.pk}/premiere/").content.decode()
    assert 'data-testid="seatmap-scroll"' in page
    done = client.post(
        f"/crowdfunding/perks/{grant.pk}/premiere/", {"count": "2", "idempotency_key": _key(page)}
    )
    assert done.status_code == 302 and "/orders/" in done["Location"]
    assert Ticket.objects.filter(order__user=backer).count() == 2
    again = client.post(
        f"/crowdfunding/perks/{grant.pk}/premiere/", {"count": "1", "idempotency_key": "x"}
    )
    assert again.status_code == 302
    assert Ticket.objects.filter(order__user=backer).count() == 2
    assert client_for(fan()).get(f"/crowdfunding/perks/{grant.pk}/premiere/").status_code == 404
    saved = client.post(
        "/crowdfunding/payout-account/",
        {"kind": "bank", "account_name": "陳大文", "bank_name": "HSBC", "account_number": "12"},
        follow=True,
    )
    assert "The payout destination is not valid" in saved.content.decode()
    assert not PayoutAccount.objects.filter(backer=backer).exists()


def test_the_admin_lists_payouts_and_masks_the_account_numbers(client_for):
    from tests.accounts.factories import UserFactory

    backer = fan()
    payouts.set_payout_account(
        user=backer,
        kind="bank",
        account_name="陈静",
        bank_name="ICBC",
        account_number="62220212345",
    )
    admin = client_for(UserFactory(username="cf-admin", superuser=True))
    accounts = admin.get("/admin/crowdfunding/payoutaccount/")
    assert accounts.status_code == 200
    html = accounts.content.decode()
    assert "•••••••2345" in html and "62220212345" not in html
    account = PayoutAccount.objects.get(backer=backer)
    detail = admin.get(f"/admin/crowdfunding/payoutaccount/{account.pk}/change/")
    assert detail.status_code == 200 and "62220212345" not in detail.content.decode()
    assert admin.get("/admin/payments/payout/").status_code == 200
    assert admin.get("/admin/crowdfunding/premiereclaim/").status_code == 200


def test_a_backer_fixes_the_account_and_sends_the_failed_payout_again(client_for, make_user):
    from marquee.crowdfunding.services import returns

    backer = fan()
    payouts.set_payout_account(
        user=backer, kind="bank", account_name="B", bank_name="BOC", account_number="40005555"
    )
    offering = funded_offering(build_world(make_user).title, [(backer, 5)])
    run = returns.pay_returns(
        actor=investment_staff(), offering=offering, as_of=timezone.now().date()
    )
    share = run.payouts.get(backer=backer)
    client = client_for(backer)
    page = client.get("/crowdfunding/pledges/").content.decode()
    assert page.count('data-testid="retry-my-payout"') == 1
    url = f"/crowdfunding/payouts/{share.pk}/retry/"
    stranger = client_for(fan()).post(url, {"idempotency_key": _key(page)}, follow=True)
    assert "No such payout of returns." in stranger.content.decode()
    client.post(
        "/crowdfunding/payout-account/",
        {"kind": "bank", "account_name": "B", "bank_name": "BOC", "account_number": "62225555"},
    )
    key = _key(client.get("/crowdfunding/pledges/").content.decode())
    done = client.post(url, {"idempotency_key": key}, follow=True)
    assert "Your payout was sent again." in done.content.decode()
    client.post(url, {"idempotency_key": key})  # a double submit sends nothing more
    payout = Payout.objects.get(payee=backer)
    assert (payout.status, payout.attempts, payout.account_number) == ("paid", 2, "62225555")
    page = client.get("/crowdfunding/pledges/").content.decode()
    assert 'data-testid="retry-my-payout"' not in page


def _new_offering_form(project, **extra) -> dict:
    return {
        "project": project.slug,
        "slug": "back-hong-kong-time",
        "name_en": "Back in Hong Kong time",
        "currency": "HKD",
        "unit_price": "500",
        "target_units": "400",
        "cap_units": "600",
        "max_units_per_backer": "50",
        "opens_at": "2027-01-10T20:00",
        "closes_at": "2027-02-10T20:00",
        **extra,
    }


def test_console_times_are_typed_and_shown_in_the_chosen_zone_not_the_servers(client_for):
    client = client_for(investment_staff())
    project = ProjectFactory()
    page = client.get("/crowdfunding/console/").content.decode()
    assert '<option value="Asia/Shanghai" selected>' in page  # the default
    assert 'value="Asia/Hong_Kong"' in page
    refused = client.post(
        "/crowdfunding/console/", _new_offering_form(project, zone="Europe/London"), follow=True
    )
    assert "Choose the time zone of the opening and closing times." in refused.content.decode()
    assert not Offering.objects.exists()
    made = client.post("/crowdfunding/console/", _new_offering_form(project, zone="Asia/Hong_Kong"))
    assert made.status_code == 302 and made["Location"].endswith("?zone=Asia/Hong_Kong")
    offering = Offering.objects.get(slug="back-hong-kong-time")
    assert offering.opens_at == dt.datetime(2027, 1, 10, 12, 0, tzinfo=dt.UTC)
    assert offering.closes_at == dt.datetime(2027, 2, 10, 12, 0, tzinfo=dt.UTC)
    with timezone.override("Europe/London"):  # the server's zone plays no part
        shown = client.get(made["Location"]).content.decode()
        in_shanghai = client.get("/crowdfunding/console/back-hong-kong-time/").content.decode()
    assert 'data-testid="opens-at">01/10/2027 8 p.m.<' in shown
    assert 'data-testid="opens-at">01/10/2027 8 p.m.<' in in_shanghai  # the same offset, UTC+8
    listing = client.get("/crowdfunding/console/?zone=Asia/Hong_Kong").content.decode()
    assert '<option value="Asia/Hong_Kong" selected>' in listing
    assert 'data-testid="closes-back-hong-kong-time">02/10/2027 8 p.m.<' in listing
