"""A venue's settlement of a day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from ninja import Field, Schema

from marquee.ticketing.schemas._common import AtVenue

if TYPE_CHECKING:
    from marquee.ticketing.services.settlement import Settlement, SettlementLine


class SettlementFilters(AtVenue):
    date: dt.date | None = Field(None, description="Local day at the venue (default: today)")


class SettlementLineOut(Schema):
    title_slug: str | None = Field(None, description="None on the venue total")
    title: str
    showtimes: int
    tickets: int
    gross_minor: int = Field(..., description="Seat prices of the tickets that admit")
    film_fund_minor: int
    taxes_minor: int
    net_minor: int
    cinema_share_minor: int
    distributor_share_minor: int
    service_fees_minor: int = Field(..., description="Platform fees, not box office")
    refund_fees_minor: int = Field(..., description="Venue refund fees kept, outside the split")
    film_fund_rate: str | None = Field(None, description='Exact fraction, e.g. "0.05"')
    tax_rate: str | None = None
    cinema_share_rate: str | None = None
    voucher_platform_minor: int = Field(0, description="Voucher discounts the platform funds")
    voucher_distributor_minor: int = Field(0, description="Voucher discounts the distributor funds")
    voucher_cinema_minor: int = Field(0, description="Voucher discounts the cinema funds")
    paid_by_buyers_minor: int = Field(0, description="Gross less every voucher discount")
    cinema_net_minor: int = Field(0, description="Cinema share less cinema-funded discounts")
    distributor_net_minor: int = Field(0, description="Distributor share less its discounts")


class SettlementOut(Schema):
    venue_id: int
    venue: str
    territory: str
    date: dt.date
    time_zone: str
    currency: str
    lines: list[SettlementLineOut]
    total: SettlementLineOut


def _rate(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _settlement_line_out(line: SettlementLine) -> SettlementLineOut:
    rates = line.rates
    return SettlementLineOut(
        title_slug=line.title_slug or None,
        title=line.title,
        showtimes=line.showtimes,
        tickets=line.tickets,
        gross_minor=line.gross.minor,
        film_fund_minor=line.film_fund.minor,
        taxes_minor=line.taxes.minor,
        net_minor=line.net.minor,
        cinema_share_minor=line.cinema_share.minor,
        distributor_share_minor=line.distributor_share.minor,
        service_fees_minor=line.service_fees.minor,
        refund_fees_minor=line.refund_fees.minor,
        film_fund_rate=_rate(rates.film_fund_rate) if rates else None,
        tax_rate=_rate(rates.tax_rate) if rates else None,
        cinema_share_rate=_rate(rates.cinema_share) if rates else None,
        voucher_platform_minor=line.voucher_platform.minor,
        voucher_distributor_minor=line.voucher_distributor.minor,
        voucher_cinema_minor=line.voucher_cinema.minor,
        paid_by_buyers_minor=line.paid_by_buyers.minor,
        cinema_net_minor=line.cinema_net.minor,
        distributor_net_minor=line.distributor_net.minor,
    )


def settlement_out(settlement: Settlement) -> SettlementOut:
    return SettlementOut(
        venue_id=settlement.venue_id,
        venue=settlement.venue_name,
        territory=settlement.territory,
        date=settlement.day,
        time_zone=settlement.time_zone,
        currency=settlement.currency,
        lines=[_settlement_line_out(line) for line in settlement.lines],
        total=_settlement_line_out(settlement.total),
    )
