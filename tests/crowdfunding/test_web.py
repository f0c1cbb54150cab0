"""The fans' crowdfunding pages: the list, an offering with progress, pledging, my pledges."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from marquee.crowdfunding.models import Pledge
from marquee.payments.simulator.gateway import authorize_sim_payment
from tests.crowdfunding.factories import ProjectFactory, fan, make_offering, pledge_and_pay


@pytest.fixture
def offering():
    return make_offering(premiere_min_units=10, premiere_tickets=2)


def test_the_offering_page_shows_progress_and_terms(client_for, offering):
    pledge_and_pay(offering, fan(), 15)
    page = client_for(None).get(f"/crowdfunding/{offering.slug}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="raised">CN¥1,500.00' in html
    assert "25%" in html  # 15 of a 60-unit target
    assert "Log in to pledge" in html
    listing = client_for(None).get("/crowdfunding/").content.decode()
    assert offering.name_en in listing


def test_the_film_page_has_the_crowdfunding_box(client_for, offering):
    film = offering.project.title
    html = client_for(None).get(f"/films/{film.slug}/").content.decode()
    assert 'data-testid="film-crowdfunding"' in html
    assert f"/crowdfunding/{offering.slug}/" in html
    other = ProjectFactory().title
    assert "film-crowdfunding" not in client_for(None).get(f"/films/{other.slug}/").content.decode()


def test_pledge_pay_and_see_my_pledges(client_for, offering):
    backer = fan()
    client = client_for(backer)
    form = client.get(f"/crowdfunding/{offering.slug}/").content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', form).group(1)
    response = client.post(
        f"/crowdfunding/{offering.slug}/pledge/", {"units": "3", "idempotency_key": key}
    )
    assert response.status_code == 302
    again = client.post(
        f"/crowdfunding/{offering.slug}/pledge/", {"units": "3", "idempotency_key": key}
    )
    assert again["Location"] == response["Location"]
    pledge = Pledge.objects.get()
    authorize_sim_payment(payment_id=pledge.payment_id, user=backer, outcome="succeed")
    mine = client.get("/crowdfunding/pledges/").content.decode()
    assert "CN¥300.00" in mine and "Paid" in mine


def test_a_refused_pledge_shows_the_reason_in_the_visitors_language(client_for, offering):
    client = client_for(fan())
    response = client.post(
        f"/crowdfunding/{offering.slug}/pledge/",
        {"units": "0"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Pledge a whole number of units, at least one." in response.content.decode()
    assert not Pledge.objects.exists()
    with translation.override("zh-hans"):
        response = client.post(
            f"/crowdfunding/{offering.slug}/pledge/",
            {"units": "500"},
            follow=True,
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    assert response.status_code == 200
    assert not Pledge.objects.exists()


def test_anonymous_pledges_go_to_log_in(client_for, offering):
    response = client_for(None).post(f"/crowdfunding/{offering.slug}/pledge/", {"units": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client_for(None).get("/crowdfunding/pledges/").status_code == 302
    assert client_for(None).get("/crowdfunding/no-such/").status_code == 404
