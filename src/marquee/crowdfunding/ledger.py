"""Posting rules: what each crowdfunding money event posts to the ledger (segment ``content``).

| event | entry |
|---|---|
| ``pledge_paid`` | Dr 1020 gateway receivable / Cr 2630 crowdfunding escrow |
| ``pledge_refunded`` | Dr 2630 escrow / Cr 1020 (the gateway pays the backer back) |
| ``offering_succeeded`` | Dr 2630 escrow / Cr 2640 crowdfunding funding raised (the project's) |
| ``returns_paid`` | Dr 2640 (principal) + Dr 5130 returns to backers (the return) / Cr 2650 payable |
| ``payments.payout_paid`` (a backer's share) | Dr 2650 returns payable / Cr 1010 bank |

Each entry carries the outbox event's id as ``source_event_id``: posted once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from marquee.crowdfunding import events
from marquee.finance.services import EntryRequest, LineSpec

SEGMENT = "content"
GATEWAY = "1020"
BANK = "1010"
ESCROW = "2630"
FUNDING = "2640"
PAYABLE = "2650"
RETURNS = "5130"


def _line(account: str, payload: dict[str, Any], *, debit: int = 0, credit: int = 0) -> LineSpec:
    return LineSpec(
        account,
        SEGMENT,
        payload["currency"],
        debit_minor=debit,
        credit_minor=credit,
        title_id=payload.get("title_id"),
        project=payload["project"],
        reference=_reference(payload),
    )


def _reference(payload: dict[str, Any]) -> str:
    if "pledge_id" in payload:
        return f"crowdfunding-pledge:{payload['pledge_id']}"
    return f"crowdfunding-offering:{payload['offering_id']}"


def entry_for(*, event_type: str, event_id: int, day: dt.date, payload: dict) -> EntryRequest:
    """The balanced entry one crowdfunding money event posts."""
    amount = payload.get("amount_minor", 0)
    if event_type == events.PLEDGE_PAID:
        memo = f"Crowdfunding pledge {payload['pledge_id']} paid into escrow"
        lines = [_line(GATEWAY, payload, debit=amount), _line(ESCROW, payload, credit=amount)]
    elif event_type == events.PLEDGE_REFUNDED:
        memo = f"Crowdfunding pledge {payload['pledge_id']} refunded from escrow"
        lines = [_line(ESCROW, payload, debit=amount), _line(GATEWAY, payload, credit=amount)]
    elif event_type == events.OFFERING_SUCCEEDED:
        memo = f"Crowdfunding offering {payload['offering_id']} succeeded: escrow released"
        lines = [_line(ESCROW, payload, debit=amount), _line(FUNDING, payload, credit=amount)]
    elif event_type == events.RETURNS_PAID:
        memo = f"Crowdfunding offering {payload['offering_id']}: returns paid to backers"
        lines = [_line(FUNDING, payload, debit=payload["principal_minor"])]
        if payload["return_minor"]:
            lines.append(_line(RETURNS, payload, debit=payload["return_minor"]))
        lines.append(_line(PAYABLE, payload, credit=payload["total_minor"]))
    else:
        raise ValueError(f"{event_type} moves no money")
    return EntryRequest(
        date=day,
        memo=memo,
        lines=lines,
        source_event_id=str(event_id),
        source=event_type,
    )


def payout_paid_entry(
    *, event_id: int, day: dt.date, payload: dict, project: str, title_id: int | None, share_id: int
) -> EntryRequest:
    """A backer's share left the bank: Dr 2650 returns payable / Cr 1010 bank."""
    ref = f"crowdfunding-return-payout:{share_id}"
    amount = payload["amount_minor"]
    lines = [
        LineSpec(
            PAYABLE,
            SEGMENT,
            payload["currency"],
            debit_minor=amount,
            title_id=title_id,
            project=project,
            reference=ref,
        ),
        LineSpec(
            BANK,
            SEGMENT,
            payload["currency"],
            credit_minor=amount,
            title_id=title_id,
            project=project,
            reference=ref,
        ),
    ]
    return EntryRequest(
        date=day,
        memo=f"Crowdfunding returns paid out to a backer (payout {payload['payout_id']})",
        lines=lines,
        source_event_id=str(event_id),
        source="crowdfunding.return_payout_paid",
    )
