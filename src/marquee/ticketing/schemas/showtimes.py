"""Showtimes and their seat maps."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ninja import Field, Schema

from marquee.ticketing.models import Showtime
from marquee.ticketing.queries import sale_state
from marquee.ticketing.schemas._common import Lang, TitleRef
from marquee.ticketing.seatmap import SeatMap, seat_map_body


class ShowtimeFilters(Schema):
    title: str | None = Field(None, max_length=120, description="Title slug")
    city: str | None = Field(None, max_length=40, description="City code")
    venue: str | None = Field(None, max_length=120, description="Venue slug")
    date: dt.date | None = Field(None, description="A calendar day in each venue's own time zone")
    status: str | None = Field(
        "published", description="published (default), cancelled, or draft (schedulers)"
    )
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=100_000)


class ShowtimeIn(Schema):
    title: str = Field(..., max_length=120, description="Title slug")
    hall_id: int
    starts_at: datetime = Field(..., description="With a UTC offset")
    format: str = Field("2D", max_length=8, description="2D, 3D, IMAX or DOLBY")
    audio_language: str = Lang
    subtitle_language: str = Lang
    prices: dict[str, int] = Field(
        ..., description='Price per seat type in minor units, e.g. {"standard": 4500}'
    )
    service_fee_minor: int = Field(0, description="Platform service fee per ticket")
    sales_open_at: datetime | None = Field(
        None, description="General sale opens here; before it only pre-sale rounds sell"
    )
    runtime_minutes: int | None = Field(None, description="Defaults to the title's runtime")


class ShowtimePatch(Schema):
    starts_at: datetime | None = None
    runtime_minutes: int | None = None
    format: str | None = Field(None, max_length=8)
    audio_language: str | None = Field(None, max_length=16)
    subtitle_language: str | None = Field(None, max_length=16)
    prices: dict[str, int] | None = None
    service_fee_minor: int | None = None
    sales_open_at: datetime | None = None
    waiting_room_size: int | None = Field(
        None,
        description="For a rush: buyers who may hold seats at once, the rest wait in line "
        "(null or 0: no waiting room). Editable after publication.",
    )


class CancelIn(Schema):
    reason: str = Field("", max_length=300)


class PriceOut(Schema):
    seat_type: str
    price_minor: int


class VenueRef(Schema):
    slug: str
    name: str
    city: str
    time_zone: str


class HallRef(Schema):
    id: int
    name: str


class ShowtimeOut(Schema):
    id: int
    status: str
    title: TitleRef
    venue: VenueRef
    hall: HallRef
    starts_at: datetime
    ends_at: datetime
    local_starts_at: datetime
    local_ends_at: datetime
    runtime_minutes: int
    format: str
    audio_language: str
    subtitle_language: str
    currency: str
    service_fee_minor: int
    prices: list[PriceOut]
    sales_open_at: datetime | None
    general_sale_open: bool
    waiting_room_size: int | None = Field(
        None, description="Buyers who may hold seats at once in a rush (null: no waiting room)"
    )


class ShowtimePage(Schema):
    items: list[ShowtimeOut]
    count: int


class CancellationOut(Schema):
    showtime: ShowtimeOut
    cancelled_hold_ids: list[int]
    cancelled_order_ids: list[int]
    paid_order_ids: list[int]


def showtime_out(showtime: Showtime, *, now: datetime) -> ShowtimeOut:
    venue = showtime.venue
    zone = ZoneInfo(venue.time_zone)
    return ShowtimeOut(
        id=showtime.pk,
        status=showtime.status,
        title=TitleRef(slug=showtime.title.slug, name=showtime.title.title),
        venue=VenueRef(
            slug=venue.slug, name=venue.name, city=venue.city.code, time_zone=venue.time_zone
        ),
        hall=HallRef(id=showtime.hall_id, name=showtime.hall.name),
        starts_at=showtime.starts_at,
        ends_at=showtime.ends_at,
        local_starts_at=showtime.starts_at.astimezone(zone),
        local_ends_at=showtime.ends_at.astimezone(zone),
        runtime_minutes=showtime.runtime_minutes,
        format=showtime.format,
        audio_language=showtime.audio_language,
        subtitle_language=showtime.subtitle_language,
        currency=showtime.currency,
        service_fee_minor=showtime.service_fee_minor,
        prices=[
            PriceOut(seat_type=p.seat_type, price_minor=p.price_minor)
            for p in showtime.prices.all()
        ],
        sales_open_at=showtime.sales_open_at,
        general_sale_open=sale_state(showtime, now).general_sale_open,
        waiting_room_size=showtime.waiting_room_size,
    )


class SeatStateOut(Schema):
    code: str = Field(..., description="row_label-number, e.g. 5-8")
    label: str = Field(..., description="Display label, e.g. 5排8座")
    row: int
    column: int
    seat_type: str
    partner: str | None = Field(None, description="The other half of a couple pair")
    state: str = Field(..., description="free, held, sold or closed")
    price_minor: int | None


class SeatMapOut(Schema):
    """The body of ``seat_map_body``: the hall's grid and every seat's sale state."""

    showtime_id: int
    status: str = Field(..., description="The showtime's status: scheduled, on_sale, …")
    hall_id: int
    hall_name: str
    rows: int = Field(..., description="Grid rows, the screen side first")
    columns: int = Field(..., description="Grid columns, left to right from the audience")
    screen_side: str = Field(..., description="Where the screen is drawn: top or bottom")
    aisles_after_rows: list[int] = Field(..., description="Aisles follow these grid rows")
    aisles_after_columns: list[int] = Field(..., description="Aisles follow these grid columns")
    currency: str = Field(..., description="ISO 4217 code of every price below")
    service_fee_minor: int = Field(..., description="Service fee per ticket, minor units")
    prices: dict[str, int] = Field(..., description="Seat type → price in minor units")
    counts: dict[str, int] = Field(..., description="State → number of seats")
    seats: list[SeatStateOut]


def seat_map_out(seat_map: SeatMap) -> dict[str, Any]:
    # A plain dict: building hundreds of seat models through pydantic twice is waste.
    return seat_map_body(seat_map)
