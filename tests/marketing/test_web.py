"""The marketing pages: staff console, a moviegoer's vouchers and profile, the voucher at checkout."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from marquee.marketing.models import Campaign, Segment
from marquee.ticketing.models import Order
from tests.conftest import PASSWORD
from tests.marketing.helpers import buy


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_staff_preview_a_rule_then_save_the_segment(staff, buyer, showtime):
    client = _client(staff)
    page = client.post(
        "/marketing/segments/",
        {"slug": "s1", "name": "Fans", "rule": "tickets(at_least=1)", "action": "preview"},
    )
    assert page.status_code == 200
    assert b'data-testid="preview-members"' in page.content
    bad = client.post(
        "/marketing/segments/", {"slug": "s1", "name": "Fans", "rule": "bought(", "action": "save"}
    )
    assert bad.status_code == 400
    assert b"character 8" in bad.content
    assert not Segment.objects.filter(slug="s1").exists()
    saved = client.post(
        "/marketing/segments/",
        {"slug": "s1", "name": "Fans", "rule": "tickets(at_least=1)", "action": "save"},
    )
    assert saved.status_code == 302
    assert Segment.objects.get(slug="s1").rule == {"pred": "tickets", "args": {"at_least": 1}}


def test_staff_create_a_campaign_and_read_its_report(staff, everyone):
    client = _client(staff)
    page = client.post(
        "/marketing/campaigns/new/",
        {
            "slug": "spring",
            "name": "Spring",
            "segment": everyone.slug,
            "kind": "voucher",
            "starts_at": f"{timezone.localtime() - timedelta(days=1):%Y-%m-%dT%H:%M}",
            "ends_at": f"{timezone.localtime() + timedelta(days=30):%Y-%m-%dT%H:%M}",
            "discount_kind": "fixed",
            "amount": "12.50",
            "budget": "1000",
            "currency": "CNY",
            "payer": "distributor",
        },
    )
    assert page.status_code == 302, page.content[:500]
    campaign = Campaign.objects.get(slug="spring")
    assert (campaign.amount_minor, campaign.budget_minor, campaign.payer) == (
        1250,
        100_000,
        "distributor",
    )
    sent = client.post("/marketing/campaigns/spring/")
    assert sent.status_code == 302
    report = client.get("/marketing/campaigns/spring/")
    assert report.status_code == 200
    assert b'data-testid="no-redemptions"' in report.content
    csv = client.get("/marketing/campaigns/spring/report.csv")
    assert csv.status_code == 200 and b"Reached" in csv.content
    xlsx = client.get("/marketing/campaigns/spring/report.xlsx")
    assert xlsx.content[:2] == b"PK"


def test_a_moviegoer_cannot_open_the_console(buyer):
    client = _client(buyer)
    assert client.get("/marketing/").status_code == 403
    assert client.get("/marketing/segments/").status_code == 403


def test_a_moviegoer_sees_own_vouchers_and_redeems_one_at_checkout(
    showtime, buyer, voucher, make_user
):
    client = _client(buyer)
    page = client.get("/account/vouchers/")
    assert voucher.code.encode() in page.content
    stranger = _client(make_user())
    assert voucher.code.encode() not in stranger.get("/account/vouchers/").content
    response = client.post(
        f"/showtimes/{showtime.pk}/seats/", {"seats": ["2-3"], "voucher_code": voucher.code}
    )
    assert response.status_code == 302
    order = Order.objects.get(user=buyer)
    assert order.discount_minor == 1000
    checkout = client.get(response["Location"])
    assert b'data-testid="order-discount"' in checkout.content


def test_an_unknown_voucher_at_checkout_holds_nothing(showtime, buyer, voucher):
    client = _client(buyer)
    response = client.post(
        f"/showtimes/{showtime.pk}/seats/", {"seats": ["2-3"], "voucher_code": "NOPE"}
    )
    assert response.status_code == 400
    assert not Order.objects.filter(user=buyer).exists()


def test_the_profile_form_saves_the_answers(buyer, showtime, voucher):
    buy(showtime, buyer, ["2-3"], voucher.code)
    client = _client(buyer)
    assert (
        client.post("/account/profile/", {"age_band": "25_34", "gender": "female"}).status_code
        == 302
    )
    page = client.get("/account/profile/")
    assert b'value="25_34" selected' in page.content
    assert client.post("/account/profile/", {"age_band": "old"}).status_code == 400


@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
def test_pages_render_in_three_languages(staff, campaign, language):
    client = _client(staff)
    client.cookies["django_language"] = language
    for path in (
        "/marketing/",
        "/marketing/segments/",
        "/marketing/campaigns/new/",
        f"/marketing/campaigns/{campaign.slug}/",
    ):
        assert client.get(path, HTTP_ACCEPT_LANGUAGE=language).status_code == 200


def test_the_report_charts_redemptions_by_day(staff, showtime, buyer, voucher, campaign):
    buy(showtime, buyer, ["2-3", "2-4"], voucher.code)
    page = _client(staff).get(f"/marketing/campaigns/{campaign.slug}/")
    assert b'data-testid="chart"' in page.content
    assert b'data-testid="tickets">2<' in page.content
