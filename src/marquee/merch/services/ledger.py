"""Posting rules: what each merchandise event posts to the ledger (segment merchandising).

The platform sells the goods as the merchants' agent: the merchant is the
seller of record, the platform collects the price through the gateway and owes
it to the merchant less its commission. The studio's income from the goods is
the royalty, posted when a quarter's statement is issued.

======================== ===============================================================
Event                    Entry
======================== ===============================================================
merch.licence_signed     Dr 1010 bank / Cr 2671 royalty advances received (the advance)
merch.order_paid         Dr 1020 gateway receivable (total) / Cr 2670 payable to merchants
                         (total − commission) / Cr 4150 merchandise commission
merch.order_refunded     the mirror image of the sale
merch.statement_issued   Dr 2671 (advance recouped) / Dr 2670 (royalty withheld) /
                         Cr 4151 royalties; at term end also Dr 2671 / Cr 4151 (advance
                         forfeited) and Dr 1310 royalties receivable / Cr 4151 (MG shortfall)
======================== ===============================================================

Each entry's ``source_event_id`` is the outbox event's id: a replay posts nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from marquee.finance.services import EntryRequest, LineSpec
from marquee.merch import events

BANK = "1010"
GATEWAY_RECEIVABLE = "1020"
ROYALTY_RECEIVABLE = "1310"
MERCHANT_PAYABLE = "2670"
ADVANCES_RECEIVED = "2671"
COMMISSION = "4150"
ROYALTIES = "4151"
SEGMENT = "merchandising"


def _line(account: str, amount: int, currency: str, **kw: Any) -> LineSpec | None:
    """A debit for a positive amount, a credit for a negative one, nothing for zero."""
    if amount == 0:
        return None
    if amount > 0:
        return LineSpec(account, SEGMENT, currency, debit_minor=amount, **kw)
    return LineSpec(account, SEGMENT, currency, credit_minor=-amount, **kw)


def _entry(
    lines: list[LineSpec | None], *, day: dt.date, memo: str, event_id: int, source: str
) -> EntryRequest | None:
    kept = [line for line in lines if line is not None]
    if not kept:
        return None
    return EntryRequest(
        date=day, memo=memo, lines=kept, source_event_id=str(event_id), source=source
    )


def sale_entry(*, event_id: int, day: dt.date, payload: dict[str, Any], sign: int) -> Any:
    currency, total = payload["currency"], payload["total_minor"] * sign
    commission = payload["commission_minor"] * sign
    ref = {"reference": f"merch-order:{payload['order_id']}"}
    lines = [
        _line(GATEWAY_RECEIVABLE, total, currency, **ref),
        _line(MERCHANT_PAYABLE, -(total - commission), currency, **ref),
        _line(COMMISSION, -commission, currency, **ref),
    ]
    what = "paid" if sign > 0 else "refunded"
    return _entry(
        lines,
        day=day,
        memo=f"Merchandise order {payload['order_id']} {what}",
        event_id=event_id,
        source="merch.order_paid" if sign > 0 else "merch.order_refunded",
    )


def advance_entry(*, event_id: int, day: dt.date, payload: dict[str, Any]) -> Any:
    amount, currency = payload["advance_minor"], payload["currency"]
    kw = {"reference": f"licence:{payload['licence_id']}", "title_id": payload["title_id"]}
    return _entry(
        [_line(BANK, amount, currency, **kw), _line(ADVANCES_RECEIVED, -amount, currency, **kw)],
        day=day,
        memo=f"Royalty advance on licence {payload['licence_id']}",
        event_id=event_id,
        source=events.LICENCE_SIGNED,
    )


def statement_entry(*, event_id: int, day: dt.date, payload: dict[str, Any]) -> Any:
    p, currency = payload, payload["currency"]
    kw = {"reference": f"royalty-statement:{p['statement_id']}", "title_id": p["title_id"]}
    lines = [
        _line(
            ADVANCES_RECEIVED,
            p["advance_recouped_minor"] + p["advance_forfeited_minor"],
            currency,
            **kw,
        ),
        _line(MERCHANT_PAYABLE, p["payable_minor"], currency, **kw),
        _line(ROYALTY_RECEIVABLE, p["mg_shortfall_minor"], currency, **kw),
        _line(
            ROYALTIES,
            -(p["royalty_minor"] + p["advance_forfeited_minor"] + p["mg_shortfall_minor"]),
            currency,
            **kw,
        ),
    ]
    return _entry(
        lines,
        day=day,
        memo=f"Royalty statement {p['statement_id']} (licence {p['licence_id']})",
        event_id=event_id,
        source=events.STATEMENT_ISSUED,
    )


def entry_for(event_type: str, *, event_id: int, day: dt.date, payload: dict[str, Any]) -> Any:
    """The entry one merchandise event posts (None when no money moved)."""
    if event_type == events.ORDER_PAID:
        return sale_entry(event_id=event_id, day=day, payload=payload, sign=1)
    if event_type == events.ORDER_REFUNDED:
        return sale_entry(event_id=event_id, day=day, payload=payload, sign=-1)
    if event_type == events.LICENCE_SIGNED:
        return advance_entry(event_id=event_id, day=day, payload=payload)
    return statement_entry(event_id=event_id, day=day, payload=payload)
