"""Posting rules for the ticketing and payments events (called by ``finance.consumers``).

The platform sells tickets as the cinemas' agent: the seat price belongs to
the cinema (a payable to it, per venue), and only the service fee is the
platform's revenue (segment ``promotion_distribution``). Money collected
through the gateway is a receivable from the gateway until it settles.

Every rule builds one entry (an :class:`EntryRequest`, or None when nothing
moved) whose ``source_event_id`` is the outbox event's id, so a redelivered
event posts nothing; ``finance.consumers`` posts them in batches. Amounts are in the order's
currency; the posting service converts to CNY at the day's rate.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from functools import partial
from typing import Any

from django.conf import settings

from marquee.core.money import round_half_even
from marquee.finance.services.posting import EntryRequest, LineSpec

# Account codes (see marquee.finance.chart).
BANK = "1010"
GATEWAY_RECEIVABLE = "1020"
TRADE_RECEIVABLES = "1100"
DISTRIBUTION_RECEIVABLE = "1110"
CINEMA_PAYABLE = "2010"
SERVICE_FEES = "4010"
DISTRIBUTION_REVENUE = "4020"
PAYMENT_FEES = "5020"
#: Vouchers: what buyers did not pay, until the campaign's funder is charged (marketing).
VOUCHER_CLEARING = "2690"

PLATFORM = "promotion_distribution"
CONTENT = "content"
CORPORATE = "corporate"

#: The payment purpose ticket orders are paid under (payments' ``purpose``).
TICKET_PURPOSE = "ticket_order"

#: The segment whose gateway fees a payment purpose bears (anything else: corporate).
#: The pillars above the ledger add theirs from their ``AppConfig.ready``.
_FEE_SEGMENTS: dict[str, str] = {TICKET_PURPOSE: PLATFORM}


def register_fee_segment(purpose: str, segment: str) -> None:
    """Book the gateway fee of ``purpose`` payments to ``segment``."""
    _FEE_SEGMENTS[purpose] = segment


def fee_segment(purpose: str | None) -> str:
    """The segment the gateway fee of a ``purpose`` payment posts to."""
    return _FEE_SEGMENTS.get(purpose or "", CORPORATE)


def event_day(created_at: dt.datetime) -> dt.date:
    """The UTC day an event happened: the books keep UTC days."""
    return created_at.astimezone(dt.UTC).date()


def signed(account: str, amount: int, *, currency: str, segment: str, **kw: Any) -> LineSpec:
    """A debit for a positive ``amount``, a credit for a negative one."""
    if amount >= 0:
        return LineSpec(account, segment, currency, debit_minor=amount, **kw)
    return LineSpec(account, segment, currency, credit_minor=-amount, **kw)


def _entry(
    lines: list[LineSpec | None], *, day: dt.date, memo: str, event_id: int, source: str
) -> EntryRequest | None:
    kept = [line for line in lines if line is not None and line.amount_minor]
    if not kept:
        return None  # nothing moved (a free order, an even exchange)
    return EntryRequest(
        date=day, memo=memo, lines=kept, source_event_id=str(event_id), source=source
    )


def _platform_line(payload: dict[str, Any], ref: str) -> Any:
    """``line(account, amount)`` in the payload's currency for segment promotion_distribution."""
    return partial(
        signed,
        currency=payload["currency"],
        segment=PLATFORM,
        reference=ref,
        venue_id=payload["venue_id"],
        title_id=payload["title_id"],
    )


def order_paid_entry(
    *, event_id: int, day: dt.date, payload: dict[str, Any]
) -> EntryRequest | None:
    """Dr gateway receivable (total) / Cr payable to the cinema (seats), Cr service fees.

    A voucher's discount (``discount_minor``) is debited to the voucher
    clearing account: the cinema is still owed the list price; the marketing
    domain moves the discount from clearing to whoever funds the campaign.
    """
    line = _platform_line(payload, f"order:{payload['order_id']}")
    lines = [
        line(GATEWAY_RECEIVABLE, payload["total_minor"]),
        line(VOUCHER_CLEARING, payload.get("discount_minor", 0)),
        line(CINEMA_PAYABLE, -payload["subtotal_minor"]),
        line(SERVICE_FEES, -payload["fees_minor"]),
    ]
    return _entry(
        lines,
        day=day,
        memo=f"Ticket order {payload['order_id']} paid",
        event_id=event_id,
        source="ticketing.order_paid",
    )


def ticket_refunded_entry(
    *, event_id: int, day: dt.date, payload: dict[str, Any]
) -> EntryRequest | None:
    """Give back the fee and the cinema's part of the price; the cinema keeps its refund fee.

    Dr service fees (fee), Dr payable to the cinema (price − kept), Cr gateway
    receivable (what went back to the buyer), Cr voucher clearing (the seat's
    discount, which the buyer never paid): price + fee = back + kept + discount.
    """
    line = _platform_line(payload, f"ticket:{payload['ticket_id']}")
    lines = [
        line(SERVICE_FEES, payload["fee_minor"]),
        line(CINEMA_PAYABLE, payload["price_minor"] - payload["venue_fee_minor"]),
        line(GATEWAY_RECEIVABLE, -payload["refund_minor"]),
        line(VOUCHER_CLEARING, -payload.get("discount_minor", 0)),
    ]
    return _entry(
        lines,
        day=day,
        memo=f"Ticket {payload['ticket_id']} refunded ({payload.get('reason', '')})",
        event_id=event_id,
        source="ticketing.ticket_refunded",
    )


def ticket_exchanged_entry(
    *, event_id: int, day: dt.date, payload: dict[str, Any]
) -> EntryRequest | None:
    """One old ticket for one new: the price and fee differences, refunded through the gateway.

    Summed over an exchange's tickets the gateway line is the difference the
    buyer got back (``difference_refunded_minor`` is the exchange's total and
    repeats on every ticket's event, so it is not used here).
    """
    line = _platform_line(payload, f"ticket:{payload['ticket_id']}")
    price = payload["old_price_minor"] - payload["new_price_minor"]
    fee = payload["old_fee_minor"] - payload["new_fee_minor"]
    # A voucher that stays on the new seat: the clearing account takes the change of its
    # discount (marketing moves it on to the funder); the buyer gets back only what they paid.
    off = payload.get("old_discount_minor", 0) - payload.get("new_discount_minor", 0)
    lines = [
        line(SERVICE_FEES, fee),
        line(CINEMA_PAYABLE, price),
        line(GATEWAY_RECEIVABLE, -(price + fee - off)),
        line(VOUCHER_CLEARING, -off),
    ]
    return _entry(
        lines,
        day=day,
        memo=f"Ticket {payload['ticket_id']} exchanged for {payload['new_ticket_id']}",
        event_id=event_id,
        source="ticketing.ticket_exchanged",
    )


def gateway_fee_rate() -> Fraction:
    """``settings.MARQUEE_FINANCE_GATEWAY_FEE_RATE`` (a decimal string; 0.006 = 0.6 %)."""
    return Fraction(Decimal(str(getattr(settings, "MARQUEE_FINANCE_GATEWAY_FEE_RATE", "0.006"))))


def gateway_fee_entry(
    *, event_id: int, day: dt.date, payload: dict[str, Any]
) -> EntryRequest | None:
    """The gateway keeps its fee out of what it settles: Dr payment fees / Cr gateway receivable.

    The payments domain records no fee, so it is the configured rate of the
    captured amount, rounded half-to-even once.
    """
    fee = round_half_even(payload["amount_minor"] * gateway_fee_rate())
    segment = fee_segment(payload.get("purpose"))
    ref = f"payment:{payload['payment_id']}"
    currency = payload["currency"]
    lines = [
        signed(PAYMENT_FEES, fee, currency=currency, segment=segment, reference=ref),
        signed(GATEWAY_RECEIVABLE, -fee, currency=currency, segment=segment, reference=ref),
    ]
    return _entry(
        lines,
        day=day,
        memo=f"Gateway fee on payment {payload['payment_id']}",
        event_id=event_id,
        source="payments.gateway_fee",
    )


def settlement_paid_entry(
    *, event_id: int, day: dt.date, payload: dict[str, Any], studio_titles: set[int]
) -> EntryRequest | None:
    """A cinema's day settled: Dr payable to the cinema / Cr bank, plus the studio's share.

    The voucher discounts the cinema and the distributor fund were charged
    to them as trade receivables (marketing); they are settled here by
    paying out that much less: Cr trade receivables, Cr bank the rest
    (``paid_out_minor``). For every title the studio distributes in the venue's territory, the
    distributor's share of that day's box office is content revenue, owed by
    the cinema: Dr distribution receivable / Cr distribution revenue.
    """
    currency = payload["currency"]
    venue = payload["venue_id"]
    ref = f"settlement:{venue}:{payload['day']}"
    line = partial(signed, currency=currency, segment=PLATFORM, venue_id=venue, reference=ref)
    lines: list[LineSpec | None] = [
        line(CINEMA_PAYABLE, payload["amount_minor"]),
        line(BANK, -payload.get("paid_out_minor", payload["amount_minor"])),
        line(TRADE_RECEIVABLES, -payload.get("voucher_cinema_minor", 0)),
        line(TRADE_RECEIVABLES, -payload.get("voucher_distributor_minor", 0)),
    ]
    for title in payload.get("titles", []):
        if title["title_id"] not in studio_titles:
            continue
        share = title["distributor_share_minor"]
        party = {"venue_id": venue, "title_id": title["title_id"], "reference": ref}
        lines.append(
            signed(DISTRIBUTION_RECEIVABLE, share, currency=currency, segment=CONTENT, **party)
        )
        lines.append(
            signed(DISTRIBUTION_REVENUE, -share, currency=currency, segment=CONTENT, **party)
        )
    return _entry(
        lines,
        day=day,
        memo=f"Settlement paid to venue {venue} for {payload['day']}",
        event_id=event_id,
        source="ticketing.settlement_paid",
    )
