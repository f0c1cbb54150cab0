"""Vouchers at checkout: the discount provider ticketing calls, and giving vouchers back.

A redemption claims three things inside the order's transaction, each a
conditional UPDATE whose row count decides (docs/conventions.md,
"Read-then-write claims"):

1. the voucher's ``uses`` below its ``max_uses`` (the per-account limit);
2. the campaign's ``committed_minor + discount ≤ budget_minor`` and
   ``redeemed_count < total_limit`` (one UPDATE: the budget and the total limit);
3. one :class:`Redemption` per order (a unique constraint: no discount twice).

A refusal raises and the order's transaction rolls back every claim. A
pending order's claim lapses with its hold: :func:`release_lapsed` gives
back the claims of orders that were cancelled or whose hold expired (run
before each claim of the campaign, so a flash sale reuses them at once).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from fractions import Fraction

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from marquee.core.money import Money, round_half_even
from marquee.marketing.errors import MarketingError, MarketingErrorCode, VoucherRefused
from marquee.marketing.models import Campaign, Redemption, Voucher
from marquee.ticketing.discounts import Discount
from marquee.ticketing.models import Order, OrderLine, Showtime

logger = logging.getLogger(__name__)

MAX_CODE = 40


def _refuse(code: MarketingErrorCode, message: str, **detail: object) -> VoucherRefused:
    return VoucherRefused(code, message, **detail)


def discount_lines(campaign: Campaign, prices: Sequence[int]) -> list[int]:
    """What ``campaign`` takes off each seat price (minor units; never more than the price).

    fixed: the amount off the seats' sum, spread over the seats by price
    (largest remainder, so the parts add up); percent: the percentage of the
    sum, rounded half-to-even once, at most the cap, spread the same way;
    price: each seat costs the set price (nothing off a cheaper seat).
    """
    subtotal = sum(prices)
    if campaign.discount_kind == Campaign.DiscountKind.PRICE:
        return [max(0, price - campaign.amount_minor) for price in prices]
    if campaign.discount_kind == Campaign.DiscountKind.FIXED:
        total = min(campaign.amount_minor, subtotal)
    else:
        total = round_half_even(Fraction(subtotal * campaign.percent_bp, 10_000))
        total = min(total, campaign.cap_minor, subtotal)
    return spread(total, prices, campaign.currency)


def spread(total: int, prices: Sequence[int], currency: str) -> list[int]:
    """``total`` over the seats by price, largest remainder (the parts add up; none above its price)."""
    if total == 0 or sum(prices) == 0:
        return [0] * len(prices)
    return [part.minor for part in Money(total, currency).allocate(list(prices))]


def check_valid_for(campaign: Campaign, order: Order, now: datetime) -> None:
    """Raise unless ``campaign``'s vouchers may be used on ``order`` now."""
    if campaign.kind != Campaign.Kind.VOUCHER:
        raise _refuse(MarketingErrorCode.VOUCHER_NOT_VALID_HERE, "Not a voucher campaign.")
    if now < campaign.starts_at:
        raise _refuse(MarketingErrorCode.VOUCHER_NOT_STARTED, "The campaign has not started.")
    if now >= campaign.ends_at:
        raise _refuse(MarketingErrorCode.VOUCHER_EXPIRED, "The campaign has ended.")
    reasons = reasons_not_valid(campaign, order.currency, order.showtime)
    if reasons:
        raise _refuse(
            MarketingErrorCode.VOUCHER_NOT_VALID_HERE,
            f"This voucher is not valid for this showtime ({', '.join(reasons)}).",
            reasons=reasons,
        )


def reasons_not_valid(campaign: Campaign, currency: str, showtime: Showtime) -> list[str]:
    """Which of ``campaign``'s rules ``showtime`` breaks: currency, title, cinema, showtime, day."""
    reasons = []
    if currency != campaign.currency:
        reasons.append("currency")
    if campaign.titles.exists() and not campaign.titles.filter(pk=showtime.title_id).exists():
        reasons.append("title")
    if campaign.venues.exists() and not campaign.venues.filter(pk=showtime.venue_id).exists():
        reasons.append("cinema")
    if campaign.showtimes.exists() and not campaign.showtimes.filter(pk=showtime.pk).exists():
        reasons.append("showtime")
    if campaign.weekdays and showtime.local_starts_at.isoweekday() not in campaign.weekdays:
        reasons.append("day")
    return reasons


def redeem_voucher(
    *, code: str, order: Order, lines: Sequence[OrderLine], now: datetime | None = None
) -> Discount:
    """Claim ``code`` for ``order`` (saved, at full price) inside the caller's transaction.

    Raises (409 unless said): ``voucher_not_found`` (400: no such voucher of
    the order's buyer), ``voucher_not_started``, ``voucher_expired``,
    ``voucher_not_valid_here``, ``voucher_nothing_off``, ``voucher_used_up``,
    ``campaign_limit_reached``, ``campaign_over_budget``. The caller rolls
    back on any of them.
    """
    now = now or timezone.now()
    code = (code or "").strip().upper()
    voucher = (
        Voucher.objects.select_related("campaign")
        .filter(code=code[:MAX_CODE], user_id=order.user_id)
        .first()
        if code and len(code) <= MAX_CODE and "\x00" not in code
        else None
    )
    if voucher is None:
        raise MarketingError(
            MarketingErrorCode.VOUCHER_NOT_FOUND,
            "No such voucher of yours.",
            voucher=code[:MAX_CODE],
        )
    campaign = voucher.campaign
    check_valid_for(campaign, order, now)
    per_line = discount_lines(campaign, [line.price_minor for line in lines])
    total = sum(per_line)
    if total == 0:
        raise _refuse(MarketingErrorCode.VOUCHER_NOTHING_OFF, "Nothing to take off these seats.")
    release_lapsed(campaign_id=campaign.pk, now=now)
    if not Voucher.objects.filter(pk=voucher.pk, uses__lt=F("max_uses")).update(uses=F("uses") + 1):
        raise _refuse(MarketingErrorCode.VOUCHER_USED_UP, "This voucher is used up.")
    if not claim_budget(campaign_id=campaign.pk, amount=total):
        current = Campaign.objects.filter(pk=campaign.pk).values("redeemed_count", "total_limit")[0]
        if current["total_limit"] and current["redeemed_count"] >= current["total_limit"]:
            raise _refuse(MarketingErrorCode.CAMPAIGN_LIMIT_REACHED, "The campaign is sold out.")
        raise _refuse(MarketingErrorCode.CAMPAIGN_OVER_BUDGET, "The campaign's budget is spent.")
    Redemption.objects.create(
        voucher=voucher,
        campaign=campaign,
        order=order,
        amount_minor=total,
        currency=order.currency,
        tickets=len(lines),
        expires_at=order.hold.expires_at,
    )
    return Discount(per_line_minor=tuple(per_line), code=voucher.code, payer=campaign.payer)


def claim_budget(*, campaign_id: int, amount: int, redemptions: int = 1) -> bool:
    """Add ``amount`` and ``redemptions`` (1, or 0 for an exchange) to the campaign if both
    stay within its limits.

    One conditional UPDATE; its row count decides (the check constraints
    ``campaign_within_budget`` and ``campaign_within_total_limit`` stand behind it).
    """
    claim = Campaign.objects.filter(pk=campaign_id, committed_minor__lte=F("budget_minor") - amount)
    if redemptions:
        claim = claim.filter(Q(total_limit=0) | Q(redeemed_count__lt=F("total_limit")))
    return bool(
        claim.update(
            committed_minor=F("committed_minor") + amount,
            redeemed_count=F("redeemed_count") + redemptions,
        )
    )


def _give_back(redemption: Redemption, *, to: str, now: datetime) -> bool:
    """Move a reserved redemption to ``to`` and return its claims (True if this call did)."""
    moved = Redemption.objects.filter(pk=redemption.pk, status=Redemption.Status.RESERVED).update(
        status=to
    )
    if not moved:
        return False
    Voucher.objects.filter(pk=redemption.voucher_id).update(uses=F("uses") - 1)
    Campaign.objects.filter(pk=redemption.campaign_id).update(
        committed_minor=F("committed_minor") - redemption.amount_minor,
        redeemed_count=F("redeemed_count") - 1,
    )
    return True


def release_lapsed(*, campaign_id: int | None = None, now: datetime | None = None) -> int:
    """Give back the claims of unpaid orders that were cancelled or whose hold ran out.

    A paid order is never touched (its payment completes only while the hold
    is live). Each claim is returned by the one caller whose conditional
    UPDATE moved it, so two sweeps never return it twice. Returns how many.
    """
    now = now or timezone.now()
    lapsed = Redemption.objects.filter(status=Redemption.Status.RESERVED).filter(
        Q(order__status__in=[Order.Status.CANCELLED, Order.Status.EXPIRED])
        | Q(order__status=Order.Status.PENDING, order__hold__expires_at__lte=now)
    )
    if campaign_id is not None:
        lapsed = lapsed.filter(campaign_id=campaign_id)
    released = 0
    with transaction.atomic():
        for redemption in lapsed.order_by("pk")[:500]:
            released += _give_back(redemption, to=Redemption.Status.RELEASED, now=now)
    return released
