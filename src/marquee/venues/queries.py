"""Reads of the venues domain, shared by the API, the admin and the web pages.

Visibility: everyone (anonymous included) browses *active* venues; a cinema
operator also sees its own chain's inactive venues. Management is narrower:
:func:`manageable_venues` is the venues of chains whose organisation the user
operates (``Role.CINEMA_OPERATOR``), or every venue for administrators and
distribution staff, who read all of them (only admins and the chain's own
operators may *change* one: :func:`can_manage_chain`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from marquee.accounts.models import Role
from marquee.accounts.permissions import AnyUser, has_role, is_admin, organisation_ids
from marquee.core.errors import NotFound
from marquee.places.models import City
from marquee.venues.errors import VenuesErrorCode
from marquee.venues.layouts import export_hall
from marquee.venues.models import Chain, Hall, Seat, Venue

#: Roles that may read every venue's management data (read-only unless admin).
OVERSEER_ROLES = (Role.ADMIN, Role.DISTRIBUTION)


def operated_organisation_ids(user: AnyUser | None) -> frozenset[int]:
    """Organisations in which ``user`` is a cinema operator."""
    if user is None:
        return frozenset()
    return organisation_ids(user, Role.CINEMA_OPERATOR)


def sees_all_venues(user: AnyUser | None) -> bool:
    """Admins and distribution staff read every venue, active or not."""
    return user is not None and has_role(user, *OVERSEER_ROLES)


def can_manage_chain(user: AnyUser | None, chain: Chain | int) -> bool:
    """May ``user`` change venues, halls and layouts of ``chain``?

    True for administrators and for cinema operators of the chain's
    organisation; distribution staff read but do not change.
    """
    if user is None or not user.is_authenticated:
        return False
    if is_admin(user):
        return True
    org_id = (
        chain.organisation_id
        if isinstance(chain, Chain)
        else Chain.objects.filter(pk=chain).values_list("organisation_id", flat=True).first()
    )
    return org_id is not None and org_id in operated_organisation_ids(user)


def can_manage_venue(user: AnyUser | None, venue: Venue) -> bool:
    """May ``user`` change ``venue`` (and its halls)? One query at most (the chain)."""
    if user is None or not user.is_authenticated:
        return False
    if is_admin(user):
        return True
    return venue.chain.organisation_id in operated_organisation_ids(user)


def cities() -> QuerySet[City]:
    """Every city, with ``active_venue_count`` annotated."""
    return City.objects.annotate(
        active_venue_count=Count("venues", filter=Q(venues__is_active=True))
    ).order_by("name_en")


def city_by_code(code: str) -> City:
    city = City.objects.filter(code=code).first()
    if city is None:
        raise NotFound(VenuesErrorCode.CITY_NOT_FOUND, f"No city with code {code!r}.")
    return city


def visible_venues(user: AnyUser | None) -> QuerySet[Venue]:
    """Venues ``user`` may browse: active ones, plus every one it may manage."""
    qs = Venue.objects.select_related("city", "chain")
    if sees_all_venues(user):
        return qs
    orgs = operated_organisation_ids(user)
    if orgs:
        return qs.filter(Q(is_active=True) | Q(chain__organisation_id__in=orgs))
    return qs.filter(is_active=True)


def manageable_venues(user: AnyUser | None) -> QuerySet[Venue]:
    """Venues whose management data ``user`` reads (the admin, ``/manage`` endpoints).

    Operators get their own chains' venues; admins and distribution staff get all;
    anyone else none.
    """
    qs = Venue.objects.select_related("city", "chain")
    if sees_all_venues(user):
        return qs
    orgs = operated_organisation_ids(user)
    if not orgs:
        return qs.none()
    return qs.filter(chain__organisation_id__in=orgs)


def manageable_chains(user: AnyUser | None) -> QuerySet[Chain]:
    """Chains ``user`` may act for: admins all, operators their own, others none."""
    if user is not None and is_admin(user):
        return Chain.objects.all()
    orgs = operated_organisation_ids(user)
    return Chain.objects.filter(organisation_id__in=orgs) if orgs else Chain.objects.none()


def manageable_halls(user: AnyUser | None) -> QuerySet[Hall]:
    """Halls of :func:`manageable_venues`, with venue, city and chain joined."""
    return Hall.objects.filter(venue__in=manageable_venues(user)).select_related(
        "venue", "venue__city", "venue__chain"
    )


def manageable_seats(user: AnyUser | None) -> QuerySet[Seat]:
    return Seat.objects.filter(hall__venue__in=manageable_venues(user)).select_related(
        "hall", "hall__venue", "partner"
    )


def venues_in_city(city_code: str, *, user: AnyUser | None = None) -> QuerySet[Venue]:
    """Visible venues of the city ``city_code``; :class:`NotFound` for an unknown city."""
    city = city_by_code(city_code)
    return visible_venues(user).filter(city=city).order_by("name_en")


#: The longest search text a visitor may send (longer is cut, never an error).
MAX_SEARCH = 100


def search_venues(q: str | None, *, user: AnyUser | None = None) -> QuerySet[Venue]:
    """Visible venues whose name, district, address or chain matches ``q`` in any language.

    Case-insensitive substring match; an empty ``q`` (after trimming; a NUL
    is dropped) matches nothing.
    """
    text = (q or "").replace("\x00", "").strip()[:MAX_SEARCH]
    if not text:
        return Venue.objects.none()
    match = Q()
    for field in (
        "name_en",
        "name_zh_hans",
        "name_zh_hant",
        "district_en",
        "district_zh_hans",
        "district_zh_hant",
        "address_en",
        "address_zh_hans",
        "address_zh_hant",
        "chain__name_en",
        "chain__name_zh_hans",
        "chain__name_zh_hant",
        "city__name_en",
        "city__name_zh_hans",
        "city__name_zh_hant",
    ):
        match |= Q(**{f"{field}__icontains": text})
    return visible_venues(user).filter(match).order_by("city__name_en", "name_en")


def venue_with_halls(slug: str, *, user: AnyUser | None = None) -> Venue:
    """One visible venue by slug with its halls prefetched (two queries).

    Raises :class:`NotFound` (``venue_not_found``) when it does not exist or is
    not visible to ``user``.
    """
    venue = (
        visible_venues(user)
        .prefetch_related(Prefetch("halls", queryset=Hall.objects.order_by("name")))
        .filter(slug=slug)
        .first()
    )
    if venue is None:
        raise NotFound(VenuesErrorCode.VENUE_NOT_FOUND, f"No cinema {slug!r}.")
    return venue


def visible_hall(hall_id: int, *, user: AnyUser | None = None) -> Hall:
    """A hall of a venue visible to ``user``; :class:`NotFound` otherwise."""
    hall = (
        Hall.objects.select_related("venue", "venue__chain", "venue__city")
        .filter(pk=hall_id, venue__in=visible_venues(user))
        .first()
    )
    if hall is None:
        raise NotFound(VenuesErrorCode.HALL_NOT_FOUND, f"No hall {hall_id}.")
    return hall


def hall_layout(hall_id: int, *, user: AnyUser | None = None) -> dict[str, Any]:
    """The hall's layout in the explicit JSON form, ready to serialise.

    Every seat carries ``code`` (``"5-8"``), ``label`` (``"5排8座"``), ``row``,
    ``column``, ``type`` and, for couple seats, ``pair`` (the partner's code).
    Read-only extras ``hall_id``, ``venue``, ``layout_version``, ``seat_count``
    and ``layout_locked`` sit at the top level; an import ignores them.
    Raises :class:`NotFound` unless the hall's venue is visible to ``user``
    (anonymous callers see active venues). Three queries.
    """
    hall = visible_hall(hall_id, user=user)
    return layout_document(hall)


def layout_document(hall: Hall) -> dict[str, Any]:
    """:func:`hall_layout` for an already-fetched hall (no visibility check)."""
    doc = export_hall(hall)
    doc.update(
        hall_id=hall.pk,
        venue=hall.venue.slug,
        layout_version=hall.layout_version,
        seat_count=hall.seat_count,
        layout_locked=hall.layout_locked,
    )
    return doc
