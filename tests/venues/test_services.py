"""Writes: halls from layouts, layout replacement and its lock, venues; all permission-checked."""

from __future__ import annotations

import pytest

from marquee.accounts.models import Role
from marquee.core.errors import Conflict, DomainError, PermissionDenied
from marquee.venues import services
from marquee.venues.layouts import InvalidLayout, export_hall, parse_layout
from marquee.venues.models import Hall, Seat, Venue
from tests.venues.conftest import small_layout

pytestmark = pytest.mark.django_db


def test_create_hall_bulk_creates_seats_and_links_couples(two_chains):
    d = two_chains
    hall = services.create_hall(venue=d["venue_a"], layout=small_layout("Hall 9"), actor=d["op_a"])
    assert hall.name == "Hall 9"
    assert hall.seat_count == 8 == Seat.objects.filter(hall=hall).count()
    assert (hall.rows, hall.columns, hall.aisles_after_columns) == (3, 6, [2])
    left = Seat.objects.get(hall=hall, row_label="3", number="1")
    right = Seat.objects.get(hall=hall, row_label="3", number="2")
    assert left.partner_id == right.pk and right.partner_id == left.pk
    assert left.label == "3排1座" and left.code == "3-1"
    assert Seat.objects.filter(hall=hall, partner__isnull=False).count() == 2


def test_create_hall_is_refused_for_another_chains_operator(two_chains):
    d = two_chains
    with pytest.raises(PermissionDenied) as info:
        services.create_hall(venue=d["venue_b"], layout=small_layout("X"), actor=d["op_a"])
    assert info.value.code == "not_venue_manager"
    assert not Hall.objects.filter(name="X").exists()


def test_create_hall_refused_for_staff_without_operator_role(two_chains, make_user):
    d = two_chains
    distribution = make_user(role=Role.DISTRIBUTION)
    with pytest.raises(PermissionDenied):
        services.create_hall(venue=d["venue_a"], layout=small_layout("X"), actor=distribution)
    admin = make_user(role=Role.ADMIN)
    assert services.create_hall(venue=d["venue_a"], layout=small_layout("X"), actor=admin).pk


def test_invalid_layout_changes_nothing(two_chains):
    d = two_chains
    bad = small_layout("Broken")
    bad["seats"][0]["type"] = "throne"
    before = Seat.objects.count()
    with pytest.raises(InvalidLayout):
        services.create_hall(venue=d["venue_a"], layout=bad, actor=d["op_a"])
    assert Seat.objects.count() == before
    assert not Hall.objects.filter(name="Broken").exists()


def test_hall_names_are_unique_per_venue(two_chains):
    d = two_chains
    with pytest.raises(Conflict) as info:
        services.create_hall(venue=d["venue_a"], layout=small_layout("Alpha Hall"), actor=d["op_a"])
    assert info.value.code == "hall_name_taken"
    # the same name in another venue is fine
    assert services.create_hall(
        venue=d["venue_b"], layout=small_layout("Alpha Hall"), actor=d["op_b"]
    ).pk


def test_replace_layout_bumps_version_and_replaces_seats(two_chains):
    d = two_chains
    hall = d["hall_a"]
    old_ids = set(hall.seats.values_list("pk", flat=True))
    grid = {"format": "marquee.layout/1", "name": "Alpha Hall", "grid": ["SSSS", "CCCC"]}
    services.replace_hall_layout(hall=hall, layout=grid, actor=d["op_a"])
    hall.refresh_from_db()
    assert hall.layout_version == 2
    assert hall.seat_count == 8 == hall.seats.count()
    assert (hall.rows, hall.columns, hall.aisles_after_columns) == (2, 4, [])
    assert old_ids.isdisjoint(hall.seats.values_list("pk", flat=True))
    assert export_hall(hall) == parse_layout(grid).to_dict()


def test_replace_layout_may_rename_but_not_onto_a_sibling(two_chains, make_hall):
    d = two_chains
    make_hall(d["venue_a"], "Other")
    with pytest.raises(Conflict) as info:
        services.replace_hall_layout(
            hall=d["hall_a"], layout=small_layout("Other"), actor=d["op_a"]
        )
    assert info.value.code == "hall_name_taken"
    hall = services.replace_hall_layout(
        hall=d["hall_a"], layout=small_layout("Renamed"), actor=d["op_a"]
    )
    assert hall.name == "Renamed"
    assert Hall.objects.get(pk=hall.pk).name == "Renamed"


def test_replace_layout_of_another_chain_is_refused(two_chains):
    d = two_chains
    with pytest.raises(PermissionDenied):
        services.replace_hall_layout(
            hall=d["hall_b"], layout=small_layout("Beta Hall"), actor=d["op_a"]
        )
    d["hall_b"].refresh_from_db()
    assert d["hall_b"].layout_version == 1


def test_locked_layout_cannot_be_replaced(two_chains, make_user):
    d = two_chains
    hall = d["hall_a"]
    services.lock_hall_layout(hall_id=hall.pk)
    services.lock_hall_layout(hall_id=hall.pk)  # idempotent
    hall.refresh_from_db()
    assert hall.layout_locked
    before = list(hall.seats.values_list("pk", flat=True))
    with pytest.raises(Conflict) as info:
        services.replace_hall_layout(hall=hall, layout=small_layout("Alpha Hall"), actor=d["op_a"])
    assert info.value.code == "layout_locked"
    assert list(hall.seats.values_list("pk", flat=True)) == before
    # only an administrator unlocks
    with pytest.raises(PermissionDenied):
        services.unlock_hall_layout(hall=hall, actor=d["op_a"])
    services.unlock_hall_layout(hall=hall, actor=make_user(role=Role.ADMIN))
    hall.refresh_from_db()
    assert not hall.layout_locked
    services.replace_hall_layout(hall=hall, layout=small_layout("Alpha Hall"), actor=d["op_a"])
    assert Hall.objects.get(pk=hall.pk).layout_version == 2


def test_create_venue_defaults_zone_and_currency_from_city(two_chains, city):
    d = two_chains
    venue = services.create_venue(
        chain=d["chain_a"], city=city, slug="alpha-two", name_en=" Alpha Two ", actor=d["op_a"]
    )
    assert (venue.name_en, venue.time_zone, venue.currency) == ("Alpha Two", "Asia/Shanghai", "CNY")
    with pytest.raises(Conflict) as info:
        services.create_venue(
            chain=d["chain_a"], city=city, slug="alpha-two", name_en="Again", actor=d["op_a"]
        )
    assert info.value.code == "venue_slug_taken"


def test_create_venue_checks_chain_and_fields(two_chains, city):
    d = two_chains
    with pytest.raises(PermissionDenied):
        services.create_venue(
            chain=d["chain_b"], city=city, slug="sneaky", name_en="Sneaky", actor=d["op_a"]
        )
    for kwargs in (
        {"slug": "Bad Slug"},
        {"name_en": "  "},
        {"time_zone": "Mars/Olympus"},
        {"currency": "yuan"},
        {"currency": "XYZ"},  # three capitals, but no currency Marquee knows
        {"currency": "cny"},
        {"kind": "stadium"},
        {"refund_fee_minor": -1},
    ):
        args = {"slug": "ok-slug", "name_en": "Fine", **kwargs}
        with pytest.raises(DomainError) as info:
            services.create_venue(chain=d["chain_a"], city=city, actor=d["op_a"], **args)
        assert info.value.code == "invalid_venue", kwargs
    assert not Venue.objects.filter(slug__in=["sneaky", "ok-slug"]).exists()


def test_update_venue(two_chains):
    d = two_chains
    venue = services.update_venue(
        venue=d["venue_a"], actor=d["op_a"], name_zh_hans="阿尔法", is_active=False
    )
    venue.refresh_from_db()
    assert venue.name_zh_hans == "阿尔法" and not venue.is_active
    with pytest.raises(PermissionDenied):
        services.update_venue(venue=d["venue_b"], actor=d["op_a"], is_active=False)
    with pytest.raises(DomainError) as info:
        services.update_venue(venue=d["venue_a"], actor=d["op_a"], slug="new-slug")
    assert info.value.code == "invalid_venue"
    with pytest.raises(DomainError):
        services.update_venue(venue=d["venue_a"], actor=d["op_a"], refund_cutoff_minutes=-5)
    d["venue_b"].refresh_from_db()
    assert d["venue_b"].is_active


def test_anonymous_actor_is_refused(two_chains):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.create_hall(
            venue=two_chains["venue_a"], layout=small_layout("Anon"), actor=AnonymousUser()
        )
