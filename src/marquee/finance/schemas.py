"""API schemas of the finance domain. Ids and money are integers, rates strings: never floats."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema
from pydantic import StrictInt, StrictStr


class AccountOut(Schema):
    code: str
    name_en: str
    name_zh_hans: str
    name_zh_hant: str
    type: str
    statement_line: str
    active: bool


class SegmentOut(Schema):
    code: str
    name_en: str
    name_zh_hans: str
    name_zh_hant: str
    active: bool


class LineIn(Schema):
    account: StrictStr = Field(..., max_length=20)
    segment: StrictStr = Field(..., max_length=40)
    currency: StrictStr = Field(..., min_length=3, max_length=3)
    debit_minor: StrictInt = Field(0, ge=0)
    credit_minor: StrictInt = Field(0, ge=0)
    venue_id: StrictInt | None = None
    title_id: StrictInt | None = None
    project: StrictStr = Field("", max_length=100)
    reference: StrictStr = Field("", max_length=100)


class EntryIn(Schema):
    date: dt.date
    memo: StrictStr = Field(..., min_length=1, max_length=500)
    lines: list[LineIn] = Field(..., min_length=2, max_length=500)


class ReverseIn(Schema):
    date: dt.date | None = None
    memo: StrictStr | None = Field(None, max_length=500)


class LineOut(Schema):
    id: int
    account: str = Field(..., alias="account.code")
    segment: str = Field(..., alias="segment.code")
    currency: str
    debit_minor: int
    credit_minor: int
    functional_debit_minor: int
    functional_credit_minor: int
    rate: str
    venue_id: int | None
    title_id: int | None
    project: str
    reference: str

    @staticmethod
    def resolve_rate(obj) -> str:
        return format(obj.rate.normalize(), "f")


class EntryOut(Schema):
    id: int
    date: dt.date
    memo: str
    source: str
    source_event_id: str | None
    reverses_id: int | None
    period: str
    posted_by_id: int | None
    created_at: dt.datetime
    lines: list[LineOut]

    @staticmethod
    def resolve_period(obj) -> str:
        return f"{obj.date:%Y-%m}"

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())


class RateIn(Schema):
    base: StrictStr = Field(..., min_length=3, max_length=3)
    quote: StrictStr = Field("CNY", min_length=3, max_length=3)
    rate: StrictStr = Field(..., max_length=40, description='A decimal string, e.g. "7.1234".')
    valid_from: dt.date
    source: StrictStr = Field("", max_length=100)


class RateOut(Schema):
    base: str
    quote: str
    rate: str
    valid_from: dt.date
    source: str

    @staticmethod
    def resolve_rate(obj) -> str:
        return format(obj.rate.normalize(), "f")


class PeriodOut(Schema):
    month: str
    start: dt.date
    end: dt.date
    fiscal_year: int
    status: str
    closed_at: dt.datetime | None
    closed_by_id: int | None

    @staticmethod
    def resolve_month(obj) -> str:
        return f"{obj.start:%Y-%m}"

    @staticmethod
    def resolve_fiscal_year(obj) -> int:
        from marquee.finance.calendar import fiscal_year_of

        return fiscal_year_of(obj.start)
