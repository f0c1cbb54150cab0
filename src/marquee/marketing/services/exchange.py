"""Vouchers on exchanged tickets: the discount moves to the new seats if the campaign covers them.

An exchange is not a new redemption: the voucher's use and the campaign's
redemption count stay as they are. The campaign's rules are checked again
against the new showtime (currency, titles, cinemas, showtimes, weekdays;
not the campaign's dates, which bound when a voucher may be redeemed, and it
was). If the new showtime breaks one, the exchange is refused with
``exchange_voucher_not_valid`` naming which; the buyer may choose another
showtime or refund the tickets.

What the new seats carry, recomputed on their list prices:

- ``price``: each new seat costs the set price (nothing off a cheaper seat);
- ``fixed``: the part of the amount the given-up tickets carried, spread over
  the new seats by price, at most their sum;
- ``percent``: the percentage of the new seats, rounded half-to-even once,
  at most what the given-up tickets carried (their part of the cap).

The change (new − old) is claimed from the budget with the same conditional
UPDATE a redemption uses (``redemption.claim_budget``, with no redemption
counted), so an exchange never pushes a campaign over its budget
(``campaign_over_budget``), or given back when it is negative. The
redemption's amount follows, so a later refund returns what the seat carries.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from fractions import Fraction
from typing import Any

from django.db.models import F

from marquee.core.money import round_half_even
from marquee.marketing.errors import MarketingErrorCode, VoucherRefused
from marquee.marketing.models import Campaign, Redemption
from marquee.marketing.services import redemption as redemptions
from marquee.ticketing.discounts import Discount
from marquee.ticketing.models import Order, OrderLine, Showtime, TicketExchange

#: How many exchanges back a ticket's order is followed to its voucher.
MAX_CHAIN = 20


def redemption_of_order(order_id: Any) -> Redemption | None:
    """The redemption of ``order_id``, or of the order its tickets were exchanged from."""
    for _ in range(MAX_CHAIN):
        if not isinstance(order_id, int):
            return None
        found = Redemption.objects.select_related("campaign").filter(order_id=order_id).first()
        if found is not None:
            return found
        order_id = (
            TicketExchange.objects.filter(new_order_id=order_id)
            .values_list("order_id", flat=True)
            .first()
        )
    return None


def carried_lines(
    campaign: Campaign, old_discounts: Sequence[int], new_prices: Sequence[int]
) -> list[int]:
    """What the new seats carry (see the module docstring); never more than a seat's price."""
    if campaign.discount_kind == Campaign.DiscountKind.PRICE:
        return redemptions.discount_lines(campaign, new_prices)
    subtotal = sum(new_prices)
    old = sum(old_discounts)
    if campaign.discount_kind == Campaign.DiscountKind.FIXED:
        total = min(old, subtotal)
    else:
        total = min(round_half_even(Fraction(subtotal * campaign.percent_bp, 10_000)), old)
    return redemptions.spread(total, new_prices, campaign.currency)


def _quote(
    order: Order, old_lines: Sequence[OrderLine], new_prices: Sequence[int], showtime: Showtime
) -> tuple[Redemption, list[int], int]:
    redemption = redemption_of_order(order.pk)
    if redemption is None or redemption.status not in (
        Redemption.Status.RESERVED,
        Redemption.Status.REDEEMED,
    ):
        raise VoucherRefused(
            MarketingErrorCode.VOUCHER_NOT_FOUND, "This order's voucher is no longer standing."
        )
    campaign = redemption.campaign
    reasons = redemptions.reasons_not_valid(campaign, order.currency, showtime)
    if reasons:
        raise VoucherRefused(
            MarketingErrorCode.EXCHANGE_VOUCHER_NOT_VALID,
            f"The voucher does not cover the new showtime ({', '.join(reasons)}).",
            reasons=reasons,
        )
    old = [line.discount_minor for line in old_lines]
    per_line = carried_lines(campaign, old, new_prices)
    return redemption, per_line, sum(per_line) - sum(old)


def exchange_discount(
    *,
    order: Order,
    old_lines: Sequence[OrderLine],
    new_prices: Sequence[int],
    showtime: Showtime,
    now: datetime,
    claim: bool,
) -> Discount:
    """What the voucher of ``order`` takes off the new seats of an exchange.

    Raises ``exchange_voucher_not_valid`` (409, ``reasons``) when the new
    showtime breaks one of the campaign's rules. With ``claim`` (inside the
    exchange's transaction) the change is claimed from the budget or given
    back: ``campaign_over_budget`` (409) when the budget cannot cover it, and
    the caller rolls the exchange back. Without, nothing is written.
    """
    redemption, per_line, change = _quote(order, old_lines, new_prices, showtime)
    campaign = redemption.campaign
    if claim and change > 0:
        redemptions.release_lapsed(campaign_id=campaign.pk, now=now)
        if not redemptions.claim_budget(campaign_id=campaign.pk, amount=change, redemptions=0):
            raise VoucherRefused(
                MarketingErrorCode.CAMPAIGN_OVER_BUDGET,
                "The campaign's budget cannot cover the new seats' discount.",
            )
    if claim and change < 0:
        Campaign.objects.filter(pk=campaign.pk).update(
            committed_minor=F("committed_minor") + change
        )
    if claim and change:
        Redemption.objects.filter(pk=redemption.pk).update(amount_minor=F("amount_minor") + change)
    return Discount(per_line_minor=tuple(per_line), code=order.discount_code, payer=campaign.payer)
