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
    # Vouchers by who funds them (docs/marketing.md, "In the cinema's settlement").
    voucher_platform_minor: int = 0
    voucher_distributor_minor: int = 0
    voucher_cinema_minor: int = 0
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


#: The settlement line's voucher figures, each as ``<name>_minor``.
VOUCHER_LINES = (
    "voucher_platform",
    "voucher_distributor",
    "voucher_cinema",
    "paid_by_buyers",
    "cinema_net",
    "distributor_net",
)


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
        **{f"{name}_minor": getattr(line, name).minor for name in VOUCHER_LINES},
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
