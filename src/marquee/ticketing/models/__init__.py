"""Ticketing tables: showtimes and prices, seat inventory, pre-sale rounds, holds, orders, tickets,
door scans, refunds and exchanges, settlement rules.

The invariants these tables carry (ARCHITECTURE.md invariants 1–3):

* :class:`SeatInventory` has one row per seat per published showtime. Every claim
  on a seat is a single conditional ``UPDATE`` of these rows whose row count
  decides (``services/holds.py``); an expired hold counts as free, so expiry
  needs no background job.
* :class:`Ticket` has a partial unique constraint on (showtime, seat) over the
  active statuses: the database refuses a second live ticket for a seat even if
  every check above it failed.
* Money is integer minor units beside an ISO 4217 code; times are UTC.

Writes go through ``marquee.ticketing.services``; nothing here has behaviour
beyond small, read-only helpers.
"""

from marquee.ticketing.models.aftersale import OrderRefund, Scan, TicketExchange
from marquee.ticketing.models.audience import Review, WaitlistEntry
from marquee.ticketing.models.rounds import (
    InvitationCode,
    InvitationRedemption,
    PresaleRound,
    RoundAllowance,
    WantToSee,
)
from marquee.ticketing.models.sales import (
    Hold,
    HoldQuota,
    HoldSeat,
    Order,
    OrderLine,
    SeatInventory,
    Ticket,
    WaitingRoomEntry,
)
from marquee.ticketing.models.settlement import SettlementRule, TitleSettlementRule
from marquee.ticketing.models.showtimes import Showtime, ShowtimeFormat, ShowtimePrice

__all__ = [
    "Hold",
    "HoldQuota",
    "HoldSeat",
    "InvitationCode",
    "InvitationRedemption",
    "Order",
    "OrderLine",
    "OrderRefund",
    "PresaleRound",
    "Review",
    "RoundAllowance",
    "Scan",
    "SeatInventory",
    "SettlementRule",
    "Showtime",
    "ShowtimeFormat",
    "ShowtimePrice",
    "Ticket",
    "TicketExchange",
    "TitleSettlementRule",
    "WaitingRoomEntry",
    "WaitlistEntry",
    "WantToSee",
]
