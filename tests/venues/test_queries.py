"""Reads: who sees which venues and halls."""

from __future__ import annotations

import pytest

from marquee.accounts.models import Role
from marquee.core.errors import NotFound
from marquee.venues import queries, services

from .conftest import small_layout

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_b(two_chains):
    services.update_venue(venue=two_chains["venue_b"], actor=services.SYSTEM, is_active=False)
    return two_chains


def slugs(qs) -> set[str]:
    return set(qs.values_list("slug", flat=True))


def test_public_sees_only_active_venues(closed_b, make_user):
    assert slugs(queries.visible_venues(None)) == {"alpha-one"}
    assert slugs(queries.visible_venues(make_user())) == {"alpha-one"}


def test_operator_also_sees_its_own_inactive_venue(closed_b):
    d = closed_b
    assert slugs(queries.visible_venues(d["op_b"])) == {"alpha-one", "beta-one"}
    assert slugs(queries.visible_venues(d["op_a"])) == {"alpha-one"}


def test_manageable_venues_by_role(closed_b, make_user):
    d = closed_b
    assert slugs(queries.manageable_venues(d["op_a"])) == {"alpha-one"}
    assert slugs(queries.manageable_venues(d["op_b"])) == {"beta-one"}
    assert slugs(queries.manageable_venues(make_user())) == set()
    assert slugs(queries.manageable_venues(None)) == set()
    both = {"alpha-one", "beta-one"}
    assert slugs(queries.manageable_venues(make_user(role=Role.ADMIN))) == both
    assert slugs(queries.manageable_venues(make_user(role=Role.DISTRIBUTION))) == both
    assert set(queries.manageable_halls(d["op_a"]).values_list("name", flat=True)) == {"Alpha Hall"}


def test_operator_of_two_chains_manages_both(two_chains, make_user):
    from marquee.accounts.services import grant_role

    d = two_chains
    user = make_user(role=Role.CINEMA_OPERATOR, org=d["chain_a"].organisation)
    grant_role(user=user, organisation=d["chain_b"].organisation, role=Role.CINEMA_OPERATOR)
    assert slugs(queries.manageable_venues(user)) == {"alpha-one", "beta-one"}
    assert queries.can_manage_chain(user, d["chain_b"].pk)


def test_can_manage(two_chains, make_user):
    d = two_chains
    assert queries.can_manage_venue(d["op_a"], d["venue_a"])
    assert not queries.can_manage_venue(d["op_a"], d["venue_b"])
    assert not queries.can_manage_venue(make_user(role=Role.DISTRIBUTION), d["venue_a"])
    assert queries.can_manage_venue(make_user(role=Role.ADMIN), d["venue_b"])
    assert not queries.can_manage_chain(None, d["chain_a"])


def test_venues_in_city(closed_b, make_venue, make_chain):
    from marquee.places.models import City

    other = City.objects.create(
        code="elsewhere",
        name_en="Elsewhere",
        territory="HK",
        time_zone="Asia/Hong_Kong",
        currency="HKD",
    )
    make_venue(closed_b["chain_a"], slug="alpha-hk", city=other)
    assert slugs(queries.venues_in_city("testville")) == {"alpha-one"}
    assert slugs(queries.venues_in_city("elsewhere")) == {"alpha-hk"}
    assert queries.venues_in_city("elsewhere").get().currency == "HKD"
    with pytest.raises(NotFound) as info:
        queries.venues_in_city("atlantis")
    assert info.value.code == "city_not_found"


def test_hall_layout_document(two_chains):
    hall = two_chains["hall_a"]
    doc = queries.hall_layout(hall.pk)
    assert doc["hall_id"] == hall.pk and doc["venue"] == "alpha-one"
    assert doc["seat_count"] == 8 and doc["layout_version"] == 1
    seats = {s["code"]: s for s in doc["seats"]}
    # the seat as the layout gave it (a couple seat paired with 3-2), plus its code and label
    given = next(s for s in small_layout()["seats"] if (s["row_label"], s["number"]) == ("3", "1"))
    assert given["pair"] == "3-2"
    assert seats["3-1"] == {**given, "code": "3-1", "label": "3排1座"}
    assert "pair" not in seats["1-1"]


def test_hall_layout_hides_inactive_venues_from_the_public(closed_b):
    hall = closed_b["hall_b"]
    with pytest.raises(NotFound):
        queries.hall_layout(hall.pk)
    with pytest.raises(NotFound):
        queries.hall_layout(hall.pk, user=closed_b["op_a"])
    assert queries.hall_layout(hall.pk, user=closed_b["op_b"])["hall_id"] == hall.pk
    with pytest.raises(NotFound):
        queries.hall_layout(999_999)
