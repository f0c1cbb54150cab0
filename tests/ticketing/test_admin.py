"""The ticketing admin: read-only, scoped to the operator's chain, actions through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib import admin
from django.utils import timezone

from marquee.accounts.models import Role
from marquee.ticketing.models import Hold, Order, PresaleRound, SeatInventory, Showtime, WantToSee
from marquee.ticketing.services import holds, orders

from .conftest import build_world, make_showtime

pytestmark = pytest.mark.django_db

#: Bookkeeping of the services that nobody reads in the admin: the per-account hold
#: lock and the waiting room's queue.
UNREGISTERED = {"HoldQuota", "WaitingRoomEntry"}


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # The admin's templates name static files; the manifest exists only after collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def url(model, view: str = "changelist", *args) -> str:
    return (
        f"/admin/ticketing/{model._meta.model_name}/"
        + {
            "changelist": "",
            "change": f"{args[0]}/change/" if args else "",
        }[view]
    )


def test_every_ticketing_model_is_registered():
    models = apps.get_app_config("ticketing").get_models()
    assert {m.__name__ for m in models if not admin.site.is_registered(m)} == UNREGISTERED


@pytest.fixture
def two_chains(world, make_user, buyer):
    mine = make_showtime(world)
    other_world = build_world(make_user)
    theirs = make_showtime(other_world)
    for st in (mine, theirs):
        hold = holds.place_hold(showtime=st, seat_codes=["2-1"], user=buyer).hold
        orders.place_order(hold=hold, user=buyer)
    return mine, theirs


def test_operator_sees_only_its_chains_rows(world, two_chains, client_for):
    mine, theirs = two_chains
    client = client_for(world.operator)
    listing = client.get(url(Showtime))
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 1
    assert list(listing.context["cl"].queryset) == [mine]
    assert client.get(url(Showtime, "change", mine.pk)).status_code == 200
    # another chain's showtime: not found (the admin redirects away with a message)
    assert client.get(url(Showtime, "change", theirs.pk)).status_code in (302, 404)
    for model in (Order, Hold, SeatInventory):
        rows = client.get(url(model)).context["cl"].queryset
        assert {r.showtime_id for r in rows} == {mine.pk}
    # planning tables are for distribution staff
    assert client.get(url(PresaleRound)).status_code == 403
    assert client.get(url(WantToSee)).status_code == 403


def test_distribution_staff_see_everything_and_nobody_edits(two_chains, make_user, client_for):
    staff = client_for(make_user(role=Role.DISTRIBUTION))
    assert staff.get(url(Showtime)).context["cl"].result_count == 2
    assert staff.get(url(PresaleRound)).status_code == 200
    assert staff.get(f"{url(Showtime)}add/").status_code == 403
    change = staff.get(url(Order, "change", Order.objects.first().pk))
    assert change.status_code == 200
    assert not change.context["has_change_permission"]


def test_moviegoers_have_no_admin(two_chains, buyer, client_for):
    client = client_for(buyer)
    assert client.get(url(Showtime)).status_code == 302  # to the admin login


def test_publish_action_goes_through_the_service(world, client_for):
    draft = make_showtime(world, publish=False, starts_at=timezone.now() + timedelta(days=6))
    client = client_for(world.operator)
    r = client.post(
        url(Showtime),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert r.status_code == 200
    assert Showtime.objects.get(pk=draft.pk).status == "published"
    assert SeatInventory.objects.filter(showtime=draft).count() == 40
    again = client.post(
        url(Showtime), {"action": "publish_selected", "_selected_action": [draft.pk]}, follow=True
    )
    assert "Only a draft can be published" in again.content.decode()
