"""Holds, the waiting room, seat inventory, orders and tickets (invariants 1 and 2)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marquee.core.money import MoneyAttribute
from marquee.ticketing.models.rounds import PresaleRound
from marquee.ticketing.models.showtimes import Showtime
from marquee.venues.models import Seat, SeatType


class Hold(models.Model):
    """Seats of one showtime reserved for one account until ``expires_at``.

    ``status`` stays ``active`` after ``expires_at`` until something notices; use
    :meth:`is_live` (or the inventory's ``hold_expires_at``) for the truth.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        RELEASED = "released", _("Released")
        EXPIRED = "expired", _("Expired")
        COMPLETED = "completed", _("Completed (sold)")
        CANCELLED = "cancelled", _("Cancelled with the showtime")

    showtime = models.ForeignKey(Showtime, on_delete=models.PROTECT, related_name="holds")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(
        PresaleRound, on_delete=models.PROTECT, null=True, blank=True, related_name="holds"
    )
    seats = models.ManyToManyField(Seat, through="HoldSeat", related_name="+")
    seat_count = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "status"]),
            models.Index(fields=["round", "user", "status"]),
            models.Index(fields=["showtime", "status"]),
        ]

    def __str__(self) -> str:
        return f"hold {self.pk} · {self.seat_count} seats · {self.status}"

    def is_live(self, now: datetime | None = None) -> bool:
        return self.status == self.Status.ACTIVE and self.expires_at > (now or timezone.now())

    def current_status(self, now: datetime | None = None) -> str:
        if self.status == self.Status.ACTIVE and not self.is_live(now):
            return self.Status.EXPIRED
        return self.status


class HoldSeat(models.Model):
    hold = models.ForeignKey(Hold, on_delete=models.CASCADE, related_name="hold_seats")
    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hold", "seat"], name="hold_seat_unique")]

    def __str__(self) -> str:
        return f"{self.hold_id} · {self.seat_id}"


class WaitingRoomEntry(models.Model):
    """A buyer in a showtime's waiting room (``services/waiting_room.py``).

    Waiting while ``admitted_until`` is empty; admitted to hold seats until
    then. ``seen_at`` is the buyer's last knock: a waiting buyer who stops
    asking leaves the line.
    """

    showtime = models.ForeignKey(Showtime, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField()
    seen_at = models.DateTimeField()
    admitted_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["showtime", "user"], name="waiting_room_once")
        ]
        indexes = [models.Index(fields=["showtime", "admitted_until"])]

    def __str__(self) -> str:
        return f"{self.showtime_id} · {self.user_id}"


class HoldQuota(models.Model):
    """One account's holds of one showtime: the row that queues them (``services/holds.py``).

    A hold writes this row (one upsert, which locks it) before counting the
    account's active held seats of the showtime, so two holds of one account
    cannot both pass ``MARQUEE_MAX_HELD_SEATS_PER_SHOWTIME``.
    """

    showtime = models.ForeignKey(Showtime, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_hold_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["showtime", "user"], name="hold_quota_once")]

    def __str__(self) -> str:
        return f"{self.showtime_id} · {self.user_id} · {self.last_hold_at:%Y-%m-%d %H:%M}"


class SeatInventory(models.Model):
    """The sale state of one seat at one showtime.

    ``held`` rows carry the hold and its expiry; a ``held`` row whose
    ``hold_expires_at`` has passed is free for every reader and every claim.
    ``sold`` rows keep the hold that bought them. ``closed`` seats are off sale
    for good (the showtime was cancelled).
    """

    class State(models.TextChoices):
        FREE = "free", _("Free")
        HELD = "held", _("Held")
        SOLD = "sold", _("Sold")
        CLOSED = "closed", _("Closed (showtime cancelled)")

    showtime = models.ForeignKey(Showtime, on_delete=models.CASCADE, related_name="inventory")
    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=6, choices=State.choices, default=State.FREE)
    hold = models.ForeignKey(
        Hold, on_delete=models.SET_NULL, null=True, blank=True, related_name="inventory"
    )
    hold_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = _("seat inventory")
        constraints = [
            models.UniqueConstraint(fields=["showtime", "seat"], name="inventory_unique_seat"),
            models.CheckConstraint(
                condition=(
                    Q(state="held", hold__isnull=False, hold_expires_at__isnull=False)
                    | ~Q(state="held")
                ),
                name="inventory_held_has_hold",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.showtime_id} · {self.seat_id}: {self.state}"


class Order(models.Model):
    """An order for the seats of one hold.

    States: ``pending`` → ``paid`` → ``refunded`` / ``partially_refunded`` /
    ``exchanged``; ``pending`` → ``expired`` (its hold expired) / ``cancelled``.
    A pending order whose hold has expired *is* expired even before the row says
    so: read :meth:`current_status`.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending payment")
        PAID = "paid", _("Paid")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
        EXCHANGED = "exchanged", _("Exchanged")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    showtime = models.ForeignKey(Showtime, on_delete=models.PROTECT, related_name="orders")
    hold = models.OneToOneField(Hold, on_delete=models.PROTECT, related_name="order")
    round = models.ForeignKey(
        PresaleRound, on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    currency = models.CharField(max_length=3)
    subtotal_minor = models.PositiveIntegerField()
    fees_minor = models.PositiveIntegerField()
    total_minor = models.PositiveIntegerField()
    discount_minor = models.PositiveIntegerField(
        default=0, help_text=_("Taken off the seat prices by a voucher (ticketing/discounts.py).")
    )
    discount_code = models.CharField(max_length=40, blank=True, default="")
    discount_payer = models.CharField(
        max_length=12, blank=True, default="", help_text=_("platform, distributor or cinema")
    )
    refunded_minor = models.PositiveIntegerField(default=0)
    payment_id = models.UUIDField(
        null=True, blank=True, help_text=_("The payment that paid this order.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    subtotal = MoneyAttribute("subtotal_minor")
    fees = MoneyAttribute("fees_minor")
    total = MoneyAttribute("total_minor")
    discount = MoneyAttribute("discount_minor")
    refunded = MoneyAttribute("refunded_minor")

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "created_at"]),
            models.Index(fields=["showtime", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    total_minor=models.F("subtotal_minor")
                    + models.F("fees_minor")
                    - models.F("discount_minor")
                ),
                name="order_total_is_sum",
            ),
            models.CheckConstraint(
                condition=Q(discount_minor__lte=models.F("subtotal_minor")),
                name="order_discount_within_subtotal",
            ),
            models.CheckConstraint(
                condition=Q(refunded_minor__lte=models.F("total_minor")),
                name="order_refund_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"order {self.pk} · {self.status} · {self.total_minor} {self.currency}"

    def current_status(self, now: datetime | None = None) -> str:
        if self.status == self.Status.PENDING and not self.hold.is_live(now):
            return self.Status.EXPIRED
        return self.status


class OrderLine(models.Model):
    """One seat of an order, priced when the order was created."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="+")
    seat_type = models.CharField(max_length=12, choices=SeatType.choices)
    price_minor = models.PositiveIntegerField()
    fee_minor = models.PositiveIntegerField()
    #: What a voucher took off this seat's price (the buyer paid price − discount + fee).
    discount_minor = models.PositiveIntegerField(default=0)

    #: In the order's currency (read it with ``select_related("order")``).
    price = MoneyAttribute("price_minor", currency="order.currency")
    fee = MoneyAttribute("fee_minor", currency="order.currency")
    discount = MoneyAttribute("discount_minor", currency="order.currency")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "seat"], name="order_line_unique_seat"),
            models.CheckConstraint(
                condition=Q(discount_minor__lte=models.F("price_minor")),
                name="order_line_discount_within_price",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} · {self.seat_id}"


class Ticket(models.Model):
    """An admission for one seat at one showtime; ``code`` is the signed QR payload."""

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        USED = "used", _("Used")
        REFUNDED = "refunded", _("Refunded")
        EXCHANGED = "exchanged", _("Exchanged")

    ACTIVE_STATUSES = (Status.VALID, Status.USED)

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="tickets")
    line = models.OneToOneField(OrderLine, on_delete=models.PROTECT, related_name="ticket")
    showtime = models.ForeignKey(Showtime, on_delete=models.PROTECT, related_name="tickets")
    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VALID)
    code = models.TextField(blank=True)
    # NULL, not "", until issued: the unique (showtime, pickup_code) must not count blanks.
    pickup_code = models.CharField(  # noqa: DJ001
        max_length=10,
        null=True,
        blank=True,
        help_text=_("Short digits for manual check-in and kiosks; unique per showtime."),
    )
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField()
    issued_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When it was refunded or exchanged.")
    )
    replaced_by = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
        help_text=_("The ticket this one was exchanged for."),
    )

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["showtime", "status"]),
            # The kiosk's look-up: a code at a venue, whichever of its showtimes.
            models.Index(fields=["pickup_code"], name="ticket_pickup_code_idx"),
        ]
        constraints = [
            # The last line of defence of invariant 1: one live ticket per seat.
            models.UniqueConstraint(
                fields=["showtime", "seat"],
                condition=Q(status__in=["valid", "used"]),
                name="ticket_one_active_per_seat",
            ),
            # The last line of defence behind issue_tickets' collision retry.
            models.UniqueConstraint(
                fields=["showtime", "pickup_code"], name="ticket_pickup_code_unique_per_showtime"
            ),
        ]

    def __str__(self) -> str:
        return f"ticket {self.pk} · {self.status}"

    @property
    def pickup_code_display(self) -> str:
        """The pickup code in groups of four digits, as people read it out."""
        from marquee.ticketing.pickup import grouped

        return grouped(self.pickup_code)
