"""Schema pieces shared by several ticketing resources: ids, languages, refs to titles, seats and showtimes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from ninja import Field, Schema
from pydantic import model_validator

from marquee.ticketing.models import Showtime
from marquee.venues.models import Seat

Lang = Field("", max_length=16, description="Language code, e.g. yue, cmn, en")
#: A database id: positive and within a 64-bit signed integer.


Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
#: A venue as the venues API names it (``/venues/cinemas/{slug}``).
VenueSlug = Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[-a-zA-Z0-9_]+$")]


class TitleRef(Schema):
    slug: str
    name: str


class SeatRef(Schema):
    code: str
    label: str
    seat_type: str


def seat_ref(seat: Seat) -> SeatRef:
    return SeatRef(code=seat.code, label=seat.label, seat_type=seat.kind)


class ShowtimeBrief(Schema):
    id: int
    title: TitleRef
    venue: str
    hall: str
    starts_at: datetime
    local_starts_at: datetime
    time_zone: str


def showtime_brief(showtime: Showtime) -> ShowtimeBrief:
    zone = ZoneInfo(showtime.venue.time_zone)
    return ShowtimeBrief(
        id=showtime.pk,
        title=TitleRef(slug=showtime.title.slug, name=showtime.title.title),
        venue=showtime.venue.name,
        hall=showtime.hall.name,
        starts_at=showtime.starts_at,
        local_starts_at=showtime.starts_at.astimezone(zone),
        time_zone=showtime.venue.time_zone,
    )


class AtVenue(Schema):
    """A request about one venue, named by its slug (as the venues API lists it) or its id."""

    venue_id: Id | None = Field(None, description="The venue's id; or give venue")
    venue: VenueSlug | None = Field(None, description="The venue's slug (a cinema); or venue_id")

    @model_validator(mode="after")
    def _one_venue(self) -> AtVenue:
        if (self.venue_id is None) == (self.venue is None):
            raise ValueError("Name one venue: venue (its slug) or venue_id.")
        return self
