"""The admin is scoped by role: an operator sees and changes only its own chain's venues."""

from __future__ import annotations

import json

import pytest

from marquee.accounts.models import Role
from marquee.venues.models import Hall, Venue
from tests.venues.conftest import small_layout

pytestmark = pytest.mark.django_db

HALLS = "/admin/venues/hall/"
VENUES = "/admin/venues/venue/"
SEATS = "/admin/venues/seat/"


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # The manifest storage needs `collectstatic` to have run; admin pages only need URLs.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def change_url(base: str, pk: int) -> str:
    return f"{base}{pk}/change/"


def test_operator_sees_only_own_halls_in_the_changelist(two_chains, client_for):
    c = client_for(two_chains["op_a"])
    r = c.get(HALLS)
    assert r.status_code == 200
    content = r.content.decode()
    assert "Alpha Hall" in content
    assert "Beta Hall" not in content
    assert list(r.context["cl"].queryset) == [two_chains["hall_a"]]


def test_operator_cannot_open_or_change_another_chains_hall(two_chains, client_for):
    d = two_chains
    c = client_for(d["op_a"])
    assert c.get(change_url(HALLS, d["hall_b"].pk)).status_code == 404
    r = c.post(
        change_url(HALLS, d["hall_b"].pk),
        {"layout": json.dumps(small_layout("Hijacked"))},
    )
    assert r.status_code == 404
    assert c.post(f"{HALLS}{d['hall_b'].pk}/delete/", {"post": "yes"}).status_code == 404
    assert c.get(f"{HALLS}{d['hall_b'].pk}/history/").status_code == 404
    d["hall_b"].refresh_from_db()
    assert d["hall_b"].name == "Beta Hall" and d["hall_b"].layout_version == 1


def test_operator_changes_its_own_hall_layout(two_chains, client_for):
    d = two_chains
    c = client_for(d["op_a"])
    page = c.get(change_url(HALLS, d["hall_a"].pk))
    assert page.status_code == 200
    assert "list the 8 seats" in page.content.decode()
    new = small_layout("Alpha Hall Renamed")
    new["seats"] = new["seats"][:6]
    r = c.post(change_url(HALLS, d["hall_a"].pk), {"layout": json.dumps(new)})
    assert r.status_code == 302, r.context["adminform"].form.errors if r.context else r
    d["hall_a"].refresh_from_db()
    assert d["hall_a"].name == "Alpha Hall Renamed"
    assert d["hall_a"].seat_count == 6 and d["hall_a"].layout_version == 2


def test_admin_form_shows_every_layout_problem(two_chains, client_for):
    d = two_chains
    c = client_for(d["op_a"])
    bad = small_layout("Alpha Hall")
    bad["seats"][0]["type"] = "throne"
    del bad["seats"][6]["pair"]
    r = c.post(change_url(HALLS, d["hall_a"].pk), {"layout": json.dumps(bad)})
    assert r.status_code == 200
    errors = r.context["adminform"].form.non_field_errors()
    assert any("throne" in e for e in errors)
    assert any("3-1 has no partner" in e for e in errors)
    d["hall_a"].refresh_from_db()
    assert d["hall_a"].layout_version == 1


def test_locked_hall_is_refused_in_the_admin(two_chains, client_for):
    from marquee.venues.services import lock_hall_layout

    d = two_chains
    lock_hall_layout(hall_id=d["hall_a"].pk)
    c = client_for(d["op_a"])
    r = c.post(
        change_url(HALLS, d["hall_a"].pk), {"layout": json.dumps(small_layout("Alpha Hall"))}
    )
    assert r.status_code == 200
    assert "locked" in str(r.context["adminform"].form.non_field_errors())
    assert c.post(f"{HALLS}{d['hall_a'].pk}/delete/", {"post": "yes"}).status_code == 403
    assert Hall.objects.filter(pk=d["hall_a"].pk).exists()


def test_operator_adds_a_hall_only_to_its_own_venues(two_chains, client_for):
    d = two_chains
    c = client_for(d["op_a"])
    page = c.get(f"{HALLS}add/")
    assert page.status_code == 200
    choices = list(page.context["adminform"].form.fields["venue"].queryset)
    assert choices == [d["venue_a"]]
    r = c.post(
        f"{HALLS}add/",
        {"venue": d["venue_b"].pk, "layout": json.dumps(small_layout("Planted"))},
    )
    assert r.status_code == 200  # the form refuses the foreign venue
    assert "venue" in r.context["adminform"].form.errors
    assert not Hall.objects.filter(name="Planted").exists()
    r = c.post(
        f"{HALLS}add/",
        {"venue": d["venue_a"].pk, "layout": json.dumps(small_layout("Built"))},
    )
    assert r.status_code == 302
    hall = Hall.objects.get(name="Built")
    assert hall.venue == d["venue_a"] and hall.seat_count == 8 == hall.seats.count()


def test_venue_admin_is_scoped(two_chains, client_for):
    d = two_chains
    c = client_for(d["op_a"])
    r = c.get(VENUES)
    assert list(r.context["cl"].queryset) == [d["venue_a"]]
    assert c.get(change_url(VENUES, d["venue_b"].pk)).status_code == 404
    page = c.get(change_url(VENUES, d["venue_a"].pk))
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if k in form.fields and v is not None}
    data.update(name_zh_hans="阿尔法一号", city=d["venue_a"].city_id)
    r = c.post(change_url(VENUES, d["venue_a"].pk), data)
    assert r.status_code == 302, r.context["adminform"].form.errors
    assert Venue.objects.get(pk=d["venue_a"].pk).name_zh_hans == "阿尔法一号"
    add = c.get(f"{VENUES}add/")
    assert list(add.context["adminform"].form.fields["chain"].queryset) == [d["chain_a"]]


def test_operator_adds_a_venue_to_its_own_chain_only(two_chains, client_for):
    d = two_chains
    c = client_for(d["op_a"])
    data = {
        "kind": "cinema",
        "slug": "alpha-new",
        "name_en": "Alpha New",
        "city": d["venue_a"].city_id,
        "time_zone": "Asia/Shanghai",
        "currency": "CNY",
        "refund_cutoff_minutes": 60,
        "refund_fee_minor": 0,
        "exchange_allowed": "on",
        "is_active": "on",
    }
    r = c.post(f"{VENUES}add/", {**data, "chain": d["chain_b"].pk})
    assert r.status_code == 200 and "chain" in r.context["adminform"].form.errors
    r = c.post(f"{VENUES}add/", {**data, "chain": d["chain_a"].pk})
    assert r.status_code == 302, r.context and r.context["adminform"].form.errors
    venue = Venue.objects.get(slug="alpha-new")
    assert venue.chain == d["chain_a"] and venue.name_en == "Alpha New"
    assert r["Location"].endswith(VENUES)


def test_venue_admin_rejects_a_bad_time_zone(two_chains, client_for):
    d = two_chains
    c = client_for(d["op_a"])
    page = c.get(change_url(VENUES, d["venue_a"].pk))
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if k in form.fields and v is not None}
    data.update(time_zone="Mars/Olympus", city=d["venue_a"].city_id)
    r = c.post(change_url(VENUES, d["venue_a"].pk), data)
    assert r.status_code == 200
    assert "Mars/Olympus" in str(r.context["adminform"].form.non_field_errors())


def test_seat_admin_is_scoped_and_read_only(two_chains, client_for):
    d = two_chains
    c = client_for(d["op_a"])
    r = c.get(SEATS)
    halls = {s.hall_id for s in r.context["cl"].queryset}
    assert halls == {d["hall_a"].pk}
    seat_b = d["hall_b"].seats.first()
    assert c.get(change_url(SEATS, seat_b.pk)).status_code == 404
    seat_a = d["hall_a"].seats.first()
    assert c.get(change_url(SEATS, seat_a.pk)).status_code == 200  # a read-only view
    r = c.post(change_url(SEATS, seat_a.pk), {"kind": "vip"})
    assert r.status_code == 403


def test_distribution_staff_read_everything_and_change_nothing(two_chains, make_user, client_for):
    d = two_chains
    c = client_for(make_user(role=Role.DISTRIBUTION))
    r = c.get(HALLS)
    assert set(r.context["cl"].queryset) == {d["hall_a"], d["hall_b"]}
    page = c.get(change_url(HALLS, d["hall_b"].pk))
    assert page.status_code == 200
    assert "marquee.layout/1" in page.content.decode()  # the layout, read-only
    r = c.post(change_url(HALLS, d["hall_b"].pk), {"layout": json.dumps(small_layout("X"))})
    assert r.status_code == 403
    assert c.get(f"{HALLS}add/").status_code == 403


def test_admin_role_sees_and_changes_all(two_chains, make_user, client_for):
    d = two_chains
    c = client_for(make_user(role=Role.ADMIN))
    assert set(c.get(HALLS).context["cl"].queryset) == {d["hall_a"], d["hall_b"]}
    r = c.post(change_url(HALLS, d["hall_b"].pk), {"layout": json.dumps(small_layout("B2"))})
    assert r.status_code == 302
    assert Hall.objects.get(pk=d["hall_b"].pk).name == "B2"


def test_users_without_a_venue_role_see_no_venues_module(make_user, client_for, two_chains):
    c = client_for(make_user(role=Role.FINANCE))
    assert c.get("/admin/").status_code == 200
    assert c.get(HALLS).status_code == 403
    assert "/admin/venues/" not in c.get("/admin/").content.decode()
    operator = client_for(two_chains["op_a"])
    assert "/admin/venues/hall/" in operator.get("/admin/").content.decode()
