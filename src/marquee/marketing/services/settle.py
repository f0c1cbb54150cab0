"""What the outbox tells marketing: an order with a voucher was paid, or a ticket refunded.

Each effect is keyed by the event id (:class:`RedemptionEvent`, unique), so a
replay changes nothing; the ledger entry carries ``marketing:<event id>`` as
its ``source_event_id`` for the same reason. The entry moves the discount out
of the voucher clearing account (debited by finance when the order was paid)
to whoever funds the campaign:

- ``platform``: Dr 6050 voucher subsidies (an expense of the promotion &
  distribution segment);
- ``distributor``: Dr 1100 trade receivables (the distributor owes it);
- ``cinema``: Dr 1100 trade receivables against the cinema (``venue_id``).

A refund runs the same entry backwards for the refunded seat's discount; when
every ticket of the order was refunded the voucher's use and the campaign's
redemption come back too.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from marquee.finance.services import LineSpec, post_entry
from marquee.marketing.models import Campaign, Redemption, RedemptionEvent, Voucher

logger = logging.getLogger(__name__)

VOUCHER_CLEARING = "2690"
VOUCHER_SUBSIDIES = "6050"
TRADE_RECEIVABLES = "1100"
SEGMENT = "promotion_distribution"


def funder_account(payer: str) -> str:
    """The account a campaign's discount is charged to (see the module docstring)."""
    return VOUCHER_SUBSIDIES if payer == Campaign.Payer.PLATFORM else TRADE_RECEIVABLES


def _record(event_id: int, redemption: Redemption, kind: str, amount: int, tickets: int) -> bool:
    """Note that ``event_id`` was applied; False when it had been (a replay)."""
    try:
        with transaction.atomic():
            RedemptionEvent.objects.create(
                event_id=event_id,
                redemption=redemption,
                kind=kind,
                amount_minor=amount,
                tickets=tickets,
            )
    except IntegrityError:
        return False
    return True


def _post(
    *, event_id: int, day: dt.date, redemption: Redemption, payload: dict[str, Any], amount: int
) -> None:
    """Dr the funder / Cr voucher clearing for ``amount`` (a refund passes a negative one)."""
    if amount == 0:
        return
    campaign = redemption.campaign
    dims = {
        "title_id": payload.get("title_id"),
        "venue_id": payload.get("venue_id"),
        "reference": f"campaign:{campaign.slug}",
    }
    currency = redemption.currency
    funder = funder_account(campaign.payer)
    size = abs(amount)
    if amount > 0:
        lines = [
            LineSpec(funder, SEGMENT, currency, debit_minor=size, **dims),
            LineSpec(VOUCHER_CLEARING, SEGMENT, currency, credit_minor=size, **dims),
        ]
        memo = f"Voucher {campaign.slug} on order {redemption.order_id} ({campaign.payer})"
    else:
        lines = [
            LineSpec(VOUCHER_CLEARING, SEGMENT, currency, debit_minor=size, **dims),
            LineSpec(funder, SEGMENT, currency, credit_minor=size, **dims),
        ]
        memo = f"Voucher {campaign.slug} given back on order {redemption.order_id}"
    post_entry(
        date=day,
        memo=memo,
        lines=lines,
        source_event_id=f"marketing:{event_id}",
        source="marketing.voucher",
    )


def _redemption_of(order_id: Any) -> Redemption | None:
    from marquee.marketing.services.exchange import redemption_of_order

    return redemption_of_order(order_id)


def order_paid(*, event_id: int, day: dt.date, payload: dict[str, Any], now: dt.datetime) -> None:
    """The order with a voucher was paid: the redemption is final and its funder charged."""
    redemption = _redemption_of(payload.get("order_id"))
    if redemption is None:
        return
    if not _record(event_id, redemption, "paid", redemption.amount_minor, redemption.tickets):
        return
    moved = Redemption.objects.filter(pk=redemption.pk, status=Redemption.Status.RESERVED).update(
        status=Redemption.Status.REDEEMED, redeemed_at=now
    )
    if not moved and redemption.status == Redemption.Status.RELEASED:
        # Released as lapsed, yet paid: claim it again (the constraints stand behind the
        # budget and limits; an IntegrityError here retries the event and shows in the admin).
        logger.warning("Redemption %s was paid after its release; claiming again", redemption.pk)
        Redemption.objects.filter(pk=redemption.pk).update(
            status=Redemption.Status.REDEEMED, redeemed_at=now
        )
        Voucher.objects.filter(pk=redemption.voucher_id).update(uses=F("uses") + 1)
        Campaign.objects.filter(pk=redemption.campaign_id).update(
            committed_minor=F("committed_minor") + redemption.amount_minor,
            redeemed_count=F("redeemed_count") + 1,
        )
    _post(
        event_id=event_id,
        day=day,
        redemption=redemption,
        payload=payload,
        amount=int(payload.get("discount_minor") or 0),
    )


def ticket_refunded(
    *, event_id: int, day: dt.date, payload: dict[str, Any], now: dt.datetime
) -> None:
    """A ticket of a voucher order was refunded: its discount goes back to the budget.

    The last ticket's refund gives back the voucher's use and the campaign's
    redemption, so the buyer may use the voucher again.
    """
    redemption = _redemption_of(payload.get("order_id"))
    if redemption is None or redemption.status != Redemption.Status.REDEEMED:
        return
    back = int(payload.get("discount_minor") or 0)
    if not _record(event_id, redemption, "refunded", back, 1):
        return
    Redemption.objects.filter(pk=redemption.pk).update(
        returned_minor=F("returned_minor") + back, returned_tickets=F("returned_tickets") + 1
    )
    Campaign.objects.filter(pk=redemption.campaign_id).update(
        committed_minor=F("committed_minor") - back
    )
    redemption.refresh_from_db(fields=["returned_tickets", "tickets", "returned_minor"])
    if redemption.returned_tickets >= redemption.tickets:
        Redemption.objects.filter(pk=redemption.pk, status=Redemption.Status.REDEEMED).update(
            status=Redemption.Status.RETURNED
        )
        Voucher.objects.filter(pk=redemption.voucher_id).update(uses=F("uses") - 1)
        rest = redemption.amount_minor - redemption.returned_minor
        Campaign.objects.filter(pk=redemption.campaign_id).update(
            redeemed_count=F("redeemed_count") - 1, committed_minor=F("committed_minor") - rest
        )
    _post(event_id=event_id, day=day, redemption=redemption, payload=payload, amount=-back)


def ticket_exchanged(*, event_id: int, day: dt.date, payload: dict[str, Any]) -> None:
    """A voucher ticket was exchanged: the change of its discount moves to (or from) the funder.

    The budget and the redemption's amount changed in the exchange's own
    transaction (``services/exchange.py``); this posts the ledger's side.
    """
    change = int(payload.get("new_discount_minor") or 0) - int(
        payload.get("old_discount_minor") or 0
    )
    if change == 0:
        return
    redemption = _redemption_of(payload.get("order_id"))
    if redemption is None or not _record(event_id, redemption, "exchanged", abs(change), 0):
        return
    _post(event_id=event_id, day=day, redemption=redemption, payload=payload, amount=change)
