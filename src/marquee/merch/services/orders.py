"""Checkout: a cart's goods of one merchant become an order whose stock is claimed at once.

Stock is claimed like seats: one conditional ``UPDATE … SET stock = stock - n
WHERE id = … AND stock >= n`` per variant (in id order, so two checkouts never
deadlock) whose row count decides; a check constraint (stock ≥ 0) stands
behind it. An order then waits ``MERCH_ORDER_MINUTES`` for its payment; an
expired one gives its stock back. The ``merch_order`` payment purpose's
handler (:func:`fulfil_paid_order`) marks the order paid and issues the units
and their authenticity codes, or returns False (expired, cancelled, amount
mismatch) and payments refunds the money: no payment is ever kept without goods.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from marquee.accounts.models import User
from marquee.core.money import round_half_even
from marquee.core.text import clean_text
from marquee.merch import events
from marquee.merch.errors import MerchConflict, MerchError, MerchErrorCode, MerchNotFound
from marquee.merch.models import CartItem, Order, OrderLine, Product, Unit, Variant
from marquee.merch.services._common import whole
from marquee.merch.services.licences import licence_covers

if TYPE_CHECKING:
    from marquee.payments.models import Payment

logger = logging.getLogger(__name__)

PAYMENT_PURPOSE = "merch_order"
#: Orders that hold their goods (and any bundle they used).
LIVE = (Order.Status.PENDING, Order.Status.PAID, Order.Status.SHIPPED, Order.Status.DELIVERED)


def order_minutes() -> int:
    """How long an unpaid order keeps its stock (``MARQUEE_MERCH_ORDER_MINUTES``, default 15)."""
    return int(getattr(settings, "MARQUEE_MERCH_ORDER_MINUTES", 15))


@dataclass(frozen=True)
class Address:
    recipient: str
    phone: str
    address: str
    city: str
    territory: str
    postcode: str = ""

    def cleaned(self) -> Address:
        values = {
            "recipient": clean_text(self.recipient, field="recipient", max_length=100),
            "phone": clean_text(self.phone, field="phone", max_length=30),
            "address": clean_text(self.address, field="address", max_length=300),
            "city": clean_text(self.city, field="city", max_length=80),
            "territory": clean_text(self.territory, field="territory", max_length=2).upper(),
            "postcode": clean_text(self.postcode, field="postcode", max_length=20),
        }
        if not all(v for k, v in values.items() if k != "postcode"):
            raise MerchError(MerchErrorCode.INVALID_ADDRESS, "Incomplete address.")
        return Address(**values)


def claim_stock(variant_id: int, quantity: int) -> bool:
    """Take ``quantity`` units of a variant's stock: the row count decides (1 = claimed)."""
    return (
        Variant.objects.filter(pk=variant_id, stock__gte=quantity).update(
            stock=F("stock") - quantity, sold=F("sold") + quantity
        )
        == 1
    )


def release_stock(variant_id: int, quantity: int) -> None:
    """Give ``quantity`` units back (an order expired, cancelled or returned)."""
    Variant.objects.filter(pk=variant_id).update(
        stock=F("stock") + quantity, sold=F("sold") - quantity
    )


def _bundle_allowance(user: User, ticket_order_id: Any) -> tuple[int, int]:
    """(title id, tickets left to bundle) of the buyer's own paid ticket order, or
    ``invalid_bundle``. Call inside the checkout's transaction: the ticket order's row is
    locked, so two checkouts cannot both spend the same tickets' bundle."""
    from marquee.ticketing.models import Order as TicketOrder
    from marquee.ticketing.models import Ticket

    ticket_order = (
        TicketOrder.objects.select_for_update(of=("self",))
        .select_related("showtime")
        .filter(
            pk=ticket_order_id,
            user=user,
            status__in=[TicketOrder.Status.PAID, TicketOrder.Status.PARTIALLY_REFUNDED],
        )
        .first()
        if whole(ticket_order_id)
        else None
    )
    if ticket_order is None:
        raise MerchError(MerchErrorCode.INVALID_BUNDLE, "No paid ticket order of yours.")
    tickets = Ticket.objects.filter(order=ticket_order, status__in=Ticket.ACTIVE_STATUSES).count()
    spent = (
        OrderLine.objects.filter(
            order__ticket_order=ticket_order, order__status__in=LIVE
        ).aggregate(n=Sum("bundled_units"))["n"]
        or 0
    )
    return ticket_order.showtime.title_id, tickets - spent


def _price_lines(items: list[CartItem], *, bundle: tuple[int, int] | None) -> list[dict[str, Any]]:
    """Each cart item priced; bundled units (at most one per ticket) at the bundle price."""
    left = bundle[1] if bundle else 0
    priced = []
    for item in items:
        product: Product = item.variant.product
        discount = bundled = 0
        if bundle and product.licence.title_id == bundle[0] and product.bundle_price_minor:
            bundled = min(left, item.quantity)
            discount = bundled * max(0, item.variant.price_minor - product.bundle_price_minor)
            left -= bundled
        priced.append(
            {
                "variant": item.variant,
                "product": product,
                "quantity": item.quantity,
                "unit_price_minor": item.variant.price_minor,
                "discount_minor": discount,
                "amount_minor": item.quantity * item.variant.price_minor - discount,
                "bundled_units": bundled,
            }
        )
    if bundle and not any(p["discount_minor"] for p in priced):
        raise MerchError(MerchErrorCode.INVALID_BUNDLE, "Nothing in the cart is bundled.")
    return priced


def place_order(
    *,
    user: User,
    merchant_id: int,
    currency: str,
    address: Address,
    ticket_order_id: int | None = None,
    now: dt.datetime | None = None,
) -> Order:
    """Check out the cart's items of one merchant in one currency: claim the stock, create the
    order (awaiting payment) and empty those cart lines, all in one transaction.

    Refuses (nothing written): ``empty_cart``, ``invalid_address``,
    ``not_on_sale``, ``category_not_licensed`` / ``outside_licence_term`` /
    ``territory_not_licensed`` (the goods may not be sold to that address
    today), ``invalid_bundle`` and ``sold_out`` (detail: the product).
    """
    now = now or timezone.now()
    address = address.cleaned()
    items = [
        i
        for i in CartItem.objects.filter(user=user)
        .select_related("variant__product__licence", "variant__product__merchant")
        .order_by("variant_id")
        if i.variant.product.merchant_id == merchant_id and i.variant.product.currency == currency
    ]
    if not items:
        raise MerchError(MerchErrorCode.EMPTY_CART, "Nothing to check out.")
    today = timezone.localdate(now)
    for item in items:
        product = item.variant.product
        if product.status != Product.Status.APPROVED:
            raise MerchConflict(MerchErrorCode.NOT_ON_SALE, f"{product.pk} not on sale.")
        licence_covers(
            product.licence, category=product.category, territory=address.territory, on=today
        )
    with transaction.atomic():
        bundle = _bundle_allowance(user, ticket_order_id) if ticket_order_id is not None else None
        priced = _price_lines(items, bundle=bundle)
        subtotal = sum(p["quantity"] * p["unit_price_minor"] for p in priced)
        discount = sum(p["discount_minor"] for p in priced)
        for p in priced:  # variant id order: the lock order of every checkout
            if not claim_stock(p["variant"].pk, p["quantity"]):
                raise MerchConflict(
                    MerchErrorCode.SOLD_OUT,
                    f"Variant {p['variant'].pk} sold out.",
                    product=p["product"].name,
                    variant_id=p["variant"].pk,
                )
        order = Order.objects.create(
            user=user,
            merchant_id=merchant_id,
            currency=currency,
            subtotal_minor=subtotal,
            discount_minor=discount,
            total_minor=subtotal - discount,
            ticket_order_id=ticket_order_id,
            expires_at=now + dt.timedelta(minutes=order_minutes()),
            **address.__dict__,
        )
        OrderLine.objects.bulk_create(
            [
                OrderLine(
                    order=order,
                    variant=p["variant"],
                    product=p["product"],
                    licence_id=p["product"].licence_id,
                    category=p["product"].category,
                    quantity=p["quantity"],
                    unit_price_minor=p["unit_price_minor"],
                    discount_minor=p["discount_minor"],
                    amount_minor=p["amount_minor"],
                    bundled_units=p["bundled_units"],
                )
                for p in priced
            ]
        )
        CartItem.objects.filter(pk__in=[i.pk for i in items]).delete()
    return order


def buy_now(
    *, user: User, variant_id: int, quantity: int, address: Address, now: dt.datetime | None = None
) -> Order:
    """One variant straight to an order (the flash-sale path): the cart line and checkout."""
    from marquee.merch.services.cart import set_cart_item

    with transaction.atomic():
        item = set_cart_item(user=user, variant_id=variant_id, quantity=quantity)
        product = item.variant.product
        return place_order(
            user=user,
            merchant_id=product.merchant_id,
            currency=product.currency,
            address=address,
            now=now,
        )


def own_order(user: User, order_id: Any, *, lock: bool = False) -> Order:
    qs = Order.objects.select_for_update() if lock else Order.objects.all()
    order = qs.filter(pk=order_id, user=user).first() if whole(order_id) else None
    if order is None:
        raise MerchNotFound(MerchErrorCode.ORDER_NOT_FOUND, f"No order {order_id} of yours.")
    return order


def pay_order(*, user: User, order_id: int, return_url: str = "") -> Payment:
    """Open the payment of the buyer's pending order (at the configured provider)."""
    from marquee.payments.services import start_payment

    order = own_order(user, order_id)
    if order.status != Order.Status.PENDING:
        raise MerchConflict(MerchErrorCode.ORDER_NOT_PENDING, f"Order is {order.status}.")
    if order.expires_at <= timezone.now():
        expire_order(order_id=order.pk)
        raise MerchConflict(MerchErrorCode.ORDER_EXPIRED, "Order expired.")
    return start_payment(
        purpose=PAYMENT_PURPOSE,
        reference=str(order.pk),
        amount_minor=order.total_minor,
        currency=order.currency,
        payer=user,
        return_url=return_url or f"/shop/orders/{order.pk}/",
        description=f"Marquee shop order {order.pk}",
    )


def expire_order(*, order_id: int, now: dt.datetime | None = None) -> bool:
    """Expire one unpaid order past its time and give its stock back (True if it expired)."""
    now = now or timezone.now()
    with transaction.atomic():
        if not Order.objects.filter(
            pk=order_id, status=Order.Status.PENDING, expires_at__lte=now
        ).update(status=Order.Status.EXPIRED, closed_at=now):
            return False
        for variant_id, quantity in _line_quantities(order_id):
            release_stock(variant_id, quantity)
    return True


def expire_stale_orders(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Expire every unpaid order past its time (the worker and the pages call it)."""
    now = now or timezone.now()
    ids = list(
        Order.objects.filter(status=Order.Status.PENDING, expires_at__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(expire_order(order_id=i, now=now) for i in ids)


def expire_all_stale_orders() -> int:
    """:func:`expire_stale_orders` batch after batch until none is left (the periodic job)."""
    total = 0
    while expired := expire_stale_orders():
        total += expired
    return total


def _line_quantities(order_id: int) -> list[tuple[int, int]]:
    return list(
        OrderLine.objects.filter(order_id=order_id)
        .order_by("variant_id")
        .values_list("variant_id", "quantity")
    )


# --- the payment purpose ----------------------------------------------------------------


def fulfil_paid_order(payment: Payment) -> bool:
    """Mark the order ``payment`` paid for as paid and issue its units; False refunds it.

    Runs inside the payment's transaction, once per payment. The order moves
    ``pending`` → ``paid`` with one conditional UPDATE (unexpired, same
    amount, currency and payer): an expired or cancelled order has already
    given its stock back, so the money goes back instead.
    """
    try:
        order_id = int(payment.reference)
    except (TypeError, ValueError):
        return False
    now = timezone.now()
    with transaction.atomic():
        paid = Order.objects.filter(
            pk=order_id,
            status=Order.Status.PENDING,
            expires_at__gt=now,
            total_minor=payment.amount_minor,
            currency=payment.currency,
            user_id=payment.payer_id,
        ).update(status=Order.Status.PAID, paid_at=now, payment_id=payment.pk)
        if not paid:
            logger.warning("merch order %s cannot take payment %s", order_id, payment.pk)
            return False
        order = Order.objects.select_related("merchant").get(pk=order_id)
        issue_units(order, now)
        publish_money_event(events.ORDER_PAID, order, sign=1)
    return True


def issue_units(order: Order, now: dt.datetime) -> list[Unit]:
    """One numbered unit per item sold, each with its signed authenticity code."""
    from marquee.merch import codes

    issued_at = now.replace(microsecond=0)
    units: list[Unit] = []
    lines = list(order.lines.select_related("product").order_by("product_id", "pk"))
    for line in lines:
        Product.objects.filter(pk=line.product_id).update(
            units_issued=F("units_issued") + line.quantity
        )
        last = Product.objects.values_list("units_issued", flat=True).get(pk=line.product_id)
        units.extend(
            Unit(line=line, product_id=line.product_id, serial=serial, issued_at=issued_at)
            for serial in range(last - line.quantity + 1, last + 1)
        )
    units = Unit.objects.bulk_create(units)
    editions = {line.product_id: line.product.edition_size or 0 for line in lines}
    licences = {line.product_id: line.licence_id for line in lines}
    for unit in units:
        unit.code = codes.sign_unit(
            codes.UnitClaims(
                unit_id=unit.pk,
                product_id=unit.product_id,
                licence_id=licences[unit.product_id],
                serial=unit.serial,
                edition_size=editions[unit.product_id],
                issued_at=issued_at,
            )
        )
    Unit.objects.bulk_update(units, ["code"])
    return units


def commission_of(order: Order) -> int:
    """The platform's commission on the order: the merchant's rate of the total, half-to-even."""
    from fractions import Fraction

    return round_half_even(Fraction(order.total_minor * order.merchant.commission_bp, 10_000))


def publish_money_event(event_type: str, order: Order, *, sign: int) -> None:
    """``merch.order_paid`` / ``merch.order_refunded``: the totals, and per licence and category
    the net amount and units (what the ledger and the royalty sub-ledger need)."""
    per: dict[tuple[int, str], dict[str, Any]] = {}
    for line in order.lines.select_related("licence").order_by("pk"):
        key = (line.licence_id, line.category)
        row = per.setdefault(
            key,
            {
                "licence_id": line.licence_id,
                "title_id": line.licence.title_id,
                "category": line.category,
                "units": 0,
                "amount_minor": 0,
            },
        )
        row["units"] += line.quantity
        row["amount_minor"] += line.amount_minor
    events.publish(
        event_type,
        aggregate="merch.order",
        aggregate_id=order.pk,
        payload={
            "order_id": order.pk,
            "merchant_id": order.merchant_id,
            "user_id": order.user_id,
            "currency": order.currency,
            "total_minor": order.total_minor,
            "commission_minor": commission_of(order),
            "payment_id": str(order.payment_id) if order.payment_id else None,
            "sign": sign,
            "lines": list(per.values()),
        },
    )
