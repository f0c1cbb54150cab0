"""HTTP API of the venues domain (mounted by ``marquee.api`` at ``/api/v1/venues``).

Reads are public (active venues; an identified operator also sees its own
inactive ones); writes need ``AUTH`` and a manager of the venue's chain.
Layout bodies are the JSON format of ``docs/layouts.md``; they are validated by
``venues.layouts.parse_layout`` so a bad layout is answered with one
``invalid_layout`` problem listing every seat at fault.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from ninja import Body, Field, Router, Schema, Status

from marquee.accounts.auth import AUTH, acting_user
from marquee.accounts.models import Role
from marquee.accounts.permissions import require_role
from marquee.places.models import City
from marquee.venues import queries, services
from marquee.venues.layouts import FORMAT
from marquee.venues.models import Hall, Venue

router = Router(tags=["venues"])

_LAYOUT_EXAMPLE = {
    "format": FORMAT,
    "name": "Hall 7",
    "screen": "top",
    "rows": 3,
    "columns": 6,
    "aisles_after_rows": [],
    "aisles_after_columns": [2],
    "formats": ["2D", "3D"],
    "seats": [
        {"row": 0, "column": 0, "row_label": "1", "number": "1", "type": "wheelchair"},
        {"row": 0, "column": 1, "row_label": "1", "number": "2", "type": "companion"},
        {"row": 1, "column": 2, "row_label": "2", "number": "1", "type": "vip"},
        {"row": 2, "column": 0, "row_label": "3", "number": "1", "type": "couple", "pair": "3-2"},
        {"row": 2, "column": 1, "row_label": "3", "number": "2", "type": "couple", "pair": "3-1"},
    ],
}
_LAYOUT_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "description": (
                        "A seat layout in the marquee.layout/1 format (explicit `seats` "
                        "or compact `grid` form); see docs/layouts.md."
                    ),
                },
                "example": _LAYOUT_EXAMPLE,
            }
        },
    }
}


class CityOut(Schema):
    code: str
    name: str
    name_en: str
    name_zh_hans: str
    name_zh_hant: str
    territory: str
    time_zone: str
    currency: str
    cinema_count: int


class HallSummaryOut(Schema):
    id: int
    name: str
    rows: int
    columns: int
    seat_count: int
    screen: str
    formats: list[str]
    layout_version: int


class VenueOut(Schema):
    id: int = Field(..., description="The venue's id (check-in and settlements also take the slug)")
    slug: str
    kind: str
    name: str
    name_en: str
    name_zh_hans: str
    name_zh_hant: str
    address: str
    address_en: str
    address_zh_hans: str
    address_zh_hant: str
    district: str = ""
    latitude: str | None = Field(None, description="WGS 84 degrees, as a decimal string")
    longitude: str | None = Field(None, description="WGS 84 degrees, as a decimal string")
    city: str
    city_name: str
    chain: str
    chain_name: str
    time_zone: str
    currency: str
    is_active: bool
    hall_count: int


class VenueDetailOut(VenueOut):
    refund_cutoff_minutes: int
    refund_fee_minor: int
    exchange_allowed: bool
    halls: list[HallSummaryOut]


class SeatOut(Schema):
    row: int
    column: int
    row_label: str
    number: str
    type: str
    pair: str | None = None
    code: str
    label: str


class LayoutOut(Schema):
    format: str
    name: str
    screen: str
    rows: int
    columns: int
    aisles_after_rows: list[int]
    aisles_after_columns: list[int]
    formats: list[str]
    seats: list[SeatOut]
    hall_id: int
    venue: str
    layout_version: int
    seat_count: int
    layout_locked: bool


class ManagedHallOut(Schema):
    id: int
    name: str
    venue_id: int
    venue: str
    venue_name: str
    chain: str
    city: str
    seat_count: int
    formats: list[str]
    layout_version: int
    layout_locked: bool


def _city_out(city: City) -> CityOut:
    return CityOut(
        code=city.code,
        name=city.name,
        name_en=city.name_en,
        name_zh_hans=city.name_zh_hans,
        name_zh_hant=city.name_zh_hant,
        territory=city.territory,
        time_zone=city.time_zone,
        currency=city.currency,
        cinema_count=getattr(city, "active_venue_count", 0),
    )


def _hall_summary(hall: Hall) -> HallSummaryOut:
    return HallSummaryOut(
        id=hall.pk,
        name=hall.name,
        rows=hall.rows,
        columns=hall.columns,
        seat_count=hall.seat_count,
        screen=hall.screen_side,
        formats=list(hall.formats or []),
        layout_version=hall.layout_version,
    )


def _venue_fields(venue: Venue, hall_count: int) -> dict[str, Any]:
    return {
        "id": venue.pk,
        "slug": venue.slug,
        "kind": venue.kind,
        "name": venue.name,
        "name_en": venue.name_en,
        "name_zh_hans": venue.name_zh_hans,
        "name_zh_hant": venue.name_zh_hant,
        "address": venue.address,
        "address_en": venue.address_en,
        "address_zh_hans": venue.address_zh_hans,
        "address_zh_hant": venue.address_zh_hant,
        "district": venue.district,
        "latitude": None if venue.latitude is None else str(venue.latitude),
        "longitude": None if venue.longitude is None else str(venue.longitude),
        "city": venue.city.code,
        "city_name": venue.city.name,
        "chain": venue.chain.slug,
        "chain_name": venue.chain.name,
        "time_zone": venue.time_zone,
        "currency": venue.currency,
        "is_active": venue.is_active,
        "hall_count": hall_count,
    }


@router.get("/cities", response=list[CityOut], auth=None, summary="Cities with cinemas")
def list_cities(request: HttpRequest):
    return [_city_out(city) for city in queries.cities()]


@router.get(
    "/cinemas",
    response=list[VenueOut],
    auth=None,
    summary="Cinemas, optionally of one city (?city=<code>) or matching ?q= in any language",
)
def list_cinemas(request: HttpRequest, city: str | None = None, q: str | None = None):
    user = acting_user(request)
    qs = (
        queries.venues_in_city(city, user=user)
        if city
        else queries.visible_venues(user).order_by("city__name_en", "name_en")
    )
    if q is not None:
        qs = qs.filter(pk__in=queries.search_venues(q, user=user).values("pk"))
    qs = qs.annotate(hall_total=Count("halls"))
    return [VenueOut(**_venue_fields(v, v.hall_total)) for v in qs]


@router.get(
    "/cinemas/{slug}", response=VenueDetailOut, auth=None, summary="One cinema and its halls"
)
def get_cinema(request: HttpRequest, slug: str):
    venue = queries.venue_with_halls(slug, user=acting_user(request))
    halls = list(venue.halls.all())
    return VenueDetailOut(
        **_venue_fields(venue, len(halls)),
        refund_cutoff_minutes=venue.refund_cutoff_minutes,
        refund_fee_minor=venue.refund_fee_minor,
        exchange_allowed=venue.exchange_allowed,
        halls=[_hall_summary(h) for h in halls],
    )


@router.get(
    "/halls/{hall_id}/layout",
    response=LayoutOut,
    auth=None,
    exclude_none=True,
    summary="A hall's seat layout (marquee.layout/1)",
)
def get_hall_layout(request: HttpRequest, hall_id: int):
    return queries.hall_layout(hall_id, user=acting_user(request))


@router.post(
    "/cinemas/{slug}/halls",
    response={201: LayoutOut},
    auth=AUTH,
    exclude_none=True,
    summary="Create a hall from a layout (operators of the cinema's chain)",
    openapi_extra=_LAYOUT_BODY_DOC,
)
def create_hall(request: HttpRequest, slug: str, layout: Body[dict[str, Any]]):
    venue = queries.venue_with_halls(slug, user=request.user)
    hall = services.create_hall(venue=venue, layout=layout, actor=request.user)
    return Status(201, queries.layout_document(hall))


@router.put(
    "/halls/{hall_id}/layout",
    response=LayoutOut,
    auth=AUTH,
    exclude_none=True,
    summary="Replace a hall's layout (operators of the cinema's chain)",
    openapi_extra=_LAYOUT_BODY_DOC,
)
def replace_hall_layout(request: HttpRequest, hall_id: int, layout: Body[dict[str, Any]]):
    hall = queries.visible_hall(hall_id, user=request.user)
    hall = services.replace_hall_layout(hall=hall, layout=layout, actor=request.user)
    return queries.layout_document(hall)


@router.get(
    "/manage/halls",
    response=list[ManagedHallOut],
    auth=AUTH,
    summary="Halls I manage (operators: their chain's; admins and distribution: all)",
)
def list_managed_halls(request: HttpRequest, venue: str | None = None):
    require_role(request.user, Role.CINEMA_OPERATOR, Role.DISTRIBUTION)
    qs = queries.manageable_halls(request.user).order_by("venue__name_en", "name")
    if venue:
        qs = qs.filter(venue__slug=venue)
    return [
        ManagedHallOut(
            id=h.pk,
            name=h.name,
            venue_id=h.venue_id,
            venue=h.venue.slug,
            venue_name=h.venue.name,
            chain=h.venue.chain.slug,
            city=h.venue.city.code,
            seat_count=h.seat_count,
            formats=list(h.formats or []),
            layout_version=h.layout_version,
            layout_locked=h.layout_locked,
        )
        for h in qs
    ]
