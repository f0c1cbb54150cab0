"""The simulated gateway's HTML payment page and the delivery command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from marquee.payments.models import Payment

pytestmark = pytest.mark.django_db


def _page(payment) -> str:
    return reverse("payments:sim-page", kwargs={"payment_id": payment.pk})


def test_payment_page_shows_amount_and_choices_to_the_payer(client_for, new_payment):
    payment = new_payment(amount_minor=8800, description="2 tickets · 流浪地球")
    assert _page(payment) == payment.redirect_url
    r = client_for(payment.payer).get(payment.redirect_url)
    assert r.status_code == 200
    html = r.content.decode()
    assert "88.00" in html and "2 tickets · 流浪地球" in html
    for outcome in ["succeed", "decline", "timeout", "duplicate", "delay", "forged"]:
        assert f'value="{outcome}"' in html
    assert "csrfmiddlewaretoken" in html
    assert "<script" not in html and "http://" not in html and "https://" not in html


def test_payment_page_is_for_the_payer_only(client, client_for, new_payment, make_user):
    payment = new_payment()
    assert client_for(make_user()).get(payment.redirect_url).status_code == 404
    anonymous = client.get(payment.redirect_url)
    assert anonymous.status_code in (302, 403)
    assert client_for(payment.payer).get("/payments/sim/not-a-uuid/").status_code == 404


def test_paying_on_the_page_redirects_back_to_the_shop(client_for, new_payment, shop):
    payment = new_payment(return_url="/orders/42?paid=1")
    r = client_for(payment.payer).post(payment.redirect_url, {"outcome": "succeed"})
    assert r.status_code == 302 and r["Location"] == "/orders/42?paid=1"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED and shop.succeeded == [payment.pk]


def test_foreign_return_urls_land_on_the_gateways_result_page(client_for, new_payment, shop):
    payment = new_payment(return_url="https://evil.example/phish")
    c = client_for(payment.payer)
    r = c.post(payment.redirect_url, {"outcome": "decline"})
    done = reverse("payments:sim-done", kwargs={"payment_id": payment.pk})
    assert r.status_code == 302 and r["Location"] == done
    page = c.get(done)
    assert page.status_code == 200 and "Failed" in page.content.decode()


def test_timeout_on_the_page_leaves_the_payment_pending(client_for, new_payment, shop):
    payment = new_payment()
    c = client_for(payment.payer)
    r = c.post(payment.redirect_url, {"outcome": "timeout"})
    assert r.status_code == 302
    payment.refresh_from_db()
    assert payment.status == "pending"
    done = c.get(reverse("payments:sim-done", kwargs={"payment_id": payment.pk}))
    assert "has not been told yet" in done.content.decode()


def test_bad_choice_re_renders_with_an_error_and_changes_nothing(client_for, new_payment):
    payment = new_payment()
    r = client_for(payment.payer).post(payment.redirect_url, {"outcome": "steal"})
    assert r.status_code == 422
    assert 'role="alert"' in r.content.decode()
    payment.refresh_from_db()
    assert payment.status == "pending" and not payment.attempts.exists()


def test_a_paid_payment_offers_no_more_choices(client_for, paid_payment):
    payment = paid_payment()
    c = client_for(payment.payer)
    html = c.get(payment.redirect_url).content.decode()
    assert 'name="outcome"' not in html and "no longer pending" in html
    again = c.post(payment.redirect_url, {"outcome": "succeed"})
    assert again.status_code == 409


def test_page_posts_need_csrf(new_payment):
    from django.test import Client

    payment = new_payment()
    c = Client(enforce_csrf_checks=True)
    c.force_login(payment.payer)
    assert c.post(payment.redirect_url, {"outcome": "succeed"}).status_code == 403
    payment.refresh_from_db()
    assert payment.status == "pending"


def test_delivery_command_sends_delayed_callbacks(client_for, new_payment, shop):
    payment = new_payment()
    client_for(payment.payer).post(payment.redirect_url, {"outcome": "delay"})
    payment.refresh_from_db()
    assert payment.status == "pending"
    out = StringIO()
    call_command("deliver_sim_callbacks", "--payment", str(payment.pk), stdout=out)
    assert "HTTP 200 ok" in out.getvalue() and "delivered 1 callback" in out.getvalue()
    payment.refresh_from_db()
    assert payment.status == "succeeded"
    out = StringIO()
    call_command("deliver_sim_callbacks", stdout=out)
    assert "delivered 0 callback" in out.getvalue()


def test_delivery_command_refuses_bad_ids():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("deliver_sim_callbacks", "--payment", "nope")
    with pytest.raises(CommandError):
        call_command("deliver_sim_callbacks", "--payment", "00000000-0000-0000-0000-000000000000")
