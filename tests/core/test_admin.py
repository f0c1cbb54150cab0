"""Admin for exchange rates and the outbox: read-only history, retry action, rate form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from marquee.accounts.models import User
from marquee.core import outbox
from marquee.core.models import EventDelivery, ExchangeRate, OutboxEvent
from marquee.core.services import set_rate
from tests.core.helpers import publish_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, settings):
    # Tests run before collectstatic: render {% static %} without the manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    user = User.objects.create_superuser("root", "root@example.com", "pw-root-123456")
    client.force_login(user)
    return client


@pytest.fixture
def failed_delivery(register_consumer, settings):
    settings.MARQUEE_OUTBOX_MODE = "worker"
    broken = {"on": True}

    def fragile(event):
        if broken["on"]:
            raise ValueError("broken")

    register_consumer("fragile", ["test.happened"], fragile, max_attempts=1)
    event = publish_now()
    outbox.drain()
    delivery = EventDelivery.objects.get(event=event)
    assert delivery.status == "failed"
    broken["on"] = False
    return delivery


def test_outbox_pages_render_and_filter(admin_client_, failed_delivery):
    event = failed_delivery.event
    pages = [
        reverse("admin:core_outboxevent_changelist"),
        reverse("admin:core_outboxevent_changelist") + "?type=test.happened",
        reverse("admin:core_outboxevent_change", args=[event.pk]),
        reverse("admin:core_eventdelivery_changelist") + "?status__exact=failed",
        reverse("admin:core_eventdelivery_change", args=[failed_delivery.pk]),
        reverse("admin:core_exchangerate_changelist"),
    ]
    for url in pages:
        r = admin_client_.get(url)
        assert r.status_code == 200, url
    failed_list = admin_client_.get(
        reverse("admin:core_eventdelivery_changelist") + "?status__exact=failed"
    )
    assert b"fragile" in failed_list.content


def test_events_are_read_only(admin_client_, failed_delivery):
    event = failed_delivery.event
    assert admin_client_.get(reverse("admin:core_outboxevent_add")).status_code == 403
    r = admin_client_.post(
        reverse("admin:core_outboxevent_change", args=[event.pk]), {"type": "tampered"}
    )
    assert r.status_code == 403
    assert (
        admin_client_.get(reverse("admin:core_outboxevent_delete", args=[event.pk])).status_code
        == 403
    )
    assert OutboxEvent.objects.get(pk=event.pk).type == "test.happened"


def test_retry_action_makes_a_failed_delivery_run_again(admin_client_, failed_delivery):
    r = admin_client_.post(
        reverse("admin:core_eventdelivery_changelist"),
        {"action": "retry_now", "_selected_action": [failed_delivery.pk]},
        follow=True,
    )
    assert r.status_code == 200
    failed_delivery.refresh_from_db()
    assert (failed_delivery.status, failed_delivery.attempts) == ("pending", 0)
    assert outbox.drain() == 1
    failed_delivery.refresh_from_db()
    assert failed_delivery.status == "done"


def test_adding_a_rate_goes_through_set_rate(admin_client_):
    url = reverse("admin:core_exchangerate_add")
    assert admin_client_.get(url).status_code == 200
    r = admin_client_.post(
        url,
        {
            "base": "USD",
            "quote": "CNY",
            "rate": "7.1234",
            "valid_from": "2025-01-01",
            "source": "x",
        },
    )
    assert r.status_code == 302, r.content
    rate = ExchangeRate.objects.get()
    assert (rate.base, rate.quote, rate.rate) == ("USD", "CNY", Decimal("7.1234"))
    assert OutboxEvent.objects.filter(type="core.exchange_rate_set").count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"base": "USD", "quote": "USD", "rate": "1", "valid_from": "2025-01-01"},
        {"base": "USD", "quote": "CNY", "rate": "-1", "valid_from": "2025-01-01"},
        {"base": "USD", "quote": "CNY", "rate": "0", "valid_from": "2025-01-01"},
        {"base": "USD", "quote": "XXX", "rate": "1", "valid_from": "2025-01-01"},
        {"base": "USD", "quote": "CNY", "rate": "1.123456789012", "valid_from": "2025-01-01"},
        {"base": "USD", "quote": "CNY", "rate": "abc", "valid_from": "2025-01-01"},
        {"base": "USD", "quote": "CNY", "rate": "7", "valid_from": "someday"},
    ],
)
def test_bad_rates_are_form_errors_and_change_nothing(admin_client_, data):
    r = admin_client_.post(reverse("admin:core_exchangerate_add"), data)
    assert r.status_code == 200  # the form again, with errors
    assert r.context["adminform"].form.errors
    assert not ExchangeRate.objects.exists()


def test_a_duplicate_day_is_a_form_error(admin_client_):
    set_rate(base="USD", quote="CNY", rate=Decimal(7), valid_from=dt.date(2025, 1, 1))
    r = admin_client_.post(
        reverse("admin:core_exchangerate_add"),
        {"base": "USD", "quote": "CNY", "rate": "8", "valid_from": "2025-01-01"},
    )
    assert r.status_code == 200
    assert r.context["adminform"].form.errors
    assert ExchangeRate.objects.get().rate == 7


def test_changing_a_rate_keeps_its_pair_and_day(admin_client_):
    rate = set_rate(base="USD", quote="CNY", rate=Decimal(7), valid_from=dt.date(2025, 1, 1))
    r = admin_client_.post(
        reverse("admin:core_exchangerate_change", args=[rate.pk]),
        {"rate": "7.25", "source": "fixed", "base": "HKD", "valid_from": "2030-01-01"},
    )
    assert r.status_code == 302, r.content
    rate.refresh_from_db()
    assert (rate.base, rate.valid_from, rate.rate, rate.source) == (
        "USD",
        dt.date(2025, 1, 1),
        Decimal("7.25"),
        "fixed",
    )
    assert ExchangeRate.objects.count() == 1
