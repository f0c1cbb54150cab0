"""Request and response shapes of the analytics API (money in integer minor units, shares in
basis points)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

Format = Literal["json", "csv", "xlsx"]


class DayFilters(Schema):
    day: dt.date | None = Field(None, description="A local day (default: today)")
    format: Format = "json"


class RangeFilters(Schema):
    date_from: dt.date | None = Field(
        None, alias="from", description="First day (default: 29 days before `to`)"
    )
    date_to: dt.date | None = Field(None, alias="to", description="Last day (default: today)")
    format: Format = "json"


class BreakdownFilters(RangeFilters):
    by: Literal["city", "cinema", "chain", "format"] = "city"
    title: str | None = Field(None, max_length=120, description="A title's slug (default: all)")


class BreakdownRowOut(Schema):
    key: str
    name: str
    gross_minor: int
    tickets: int = Field(..., description="Tickets sold, net of refunds")
    showtimes: int = Field(..., description="Showtimes screened that day")
    seats: int = Field(..., description="Seats offered by those showtimes")
    local_currency: str | None
    local_gross_minor: int | None
    gross_share_bp: int | None = Field(..., description="Share of the day's gross, basis points")
    attendance_bp: int | None = Field(..., description="Seats sold ÷ seats offered, basis points")
    average_price_minor: int | None = Field(..., description="Gross ÷ tickets, minor units")


class BreakdownOut(Schema):
    by: str
    currency: str = "CNY"
    date_from: dt.date = Field(..., alias="from")
    date_to: dt.date = Field(..., alias="to")
    rows: list[BreakdownRowOut]


class _DayFiguresOut(Schema):
    """One day's figures of a title: gross (CNY), tickets, supply and the trade's ratios."""

    gross_minor: int
    tickets: int = Field(..., description="Tickets sold, net of refunds")
    showtimes: int = Field(..., description="Showtimes screened that day")
    seats: int = Field(..., description="Seats offered by those showtimes")
    showtime_share_bp: int | None = Field(
        ..., description="Share of the day's showtimes, basis points"
    )
    seat_share_bp: int | None = Field(..., description="Share of the day's seats, basis points")
    attendance_bp: int | None = Field(..., description="Seats sold ÷ seats offered, basis points")
    average_price_minor: int | None = Field(..., description="Gross ÷ tickets, minor units")


class BoardRowOut(_DayFiguresOut):
    rank: int
    previous_rank: int | None
    rank_change: int | None
    title_id: int
    slug: str
    name: str
    gross_share_bp: int | None = Field(..., description="Share of the day's gross, basis points")
    cumulative_minor: int
    release_day: dt.date | None
    days_in_release: int | None


class BoardOut(Schema):
    day: dt.date
    currency: str
    gross_minor: int
    tickets: int = Field(..., description="Tickets sold, net of refunds")
    showtimes: int = Field(..., description="Showtimes screened that day")
    seats: int = Field(..., description="Seats offered by those showtimes")
    national_minor: int | None
    platform_share_bp: int | None
    updated_at: dt.datetime | None
    history_as_of: dt.datetime | None = Field(
        None,
        description="When the DuckDB snapshot that answered the history (the cumulative gross, "
        "a past day's sales) was written; null when the database answered alone",
    )
    as_of: dt.datetime
    rows: list[BoardRowOut]


class _TitleRangeOut(Schema):
    """A title's figures over ``from``–``to``, in ``currency``."""

    slug: str
    currency: str = "CNY"
    date_from: dt.date = Field(..., alias="from")
    date_to: dt.date = Field(..., alias="to")


class DayRowOut(_DayFiguresOut):
    day: dt.date


class TitleDaysOut(_TitleRangeOut):
    days: list[DayRowOut]


class CityRowOut(Schema):
    city_id: int
    code: str
    name: str
    gross_minor: int
    tickets: int = Field(..., description="Tickets sold, net of refunds")
    share_bp: int | None
    average_price_minor: int | None = Field(..., description="Gross ÷ tickets, minor units")


class TitleCitiesOut(_TitleRangeOut):
    cities: list[CityRowOut]


class CurvePointOut(Schema):
    days_before: int
    tickets: int = Field(..., description="Tickets sold, net of refunds")
    gross_minor: int


class PresaleCurveOut(Schema):
    title_id: int
    slug: str
    name: str
    release_day: dt.date | None
    currency: str = "CNY"
    points: list[CurvePointOut]


class ForecastOut(Schema):
    slug: str
    currency: str = "CNY"
    release_day: dt.date | None
    presale_minor: int
    want_to_see: int
    comparables: list[str]
    gross_minor: int
    low_minor: int
    high_minor: int
    interval_pct: int
    naive_minor: int
    trained_on: int
    method: str


class TitleRefOut(Schema):
    title_id: int
    slug: str
    name: str
    score: str


class ShowtimeSuggestionOut(Schema):
    showtime_id: int
    title_id: int
    slug: str
    name: str
    venue: str
    starts_at: dt.datetime
    score: str


class RecommendationsOut(Schema):
    titles: list[TitleRefOut]
    showtimes: list[ShowtimeSuggestionOut]


class NationalDayOut(Schema):
    day: dt.date
    gross_minor: int
    currency: str
    source: str


class NationalImportOut(Schema):
    days: int
    created: int
    updated: int


class NationalUpload(Schema):
    csv: str = Field(..., max_length=1_000_000, description="day,gross_cny lines (yuan)")
    source: str = Field("", max_length=200, description="Where the figures come from")
