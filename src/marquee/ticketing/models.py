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

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marquee.catalog.models import Territory, Title
from marquee.venues.models import City, Hall, Seat, SeatType, Venue


class ShowtimeFormat(models.TextChoices):
    TWO_D = "2D", "2D"
    THREE_D = "3D", "3D"
    IMAX = "IMAX", "IMAX"
    DOLBY = "DOLBY", "Dolby Cinema"


class Showtime(models.Model):
    """One screening of a title in a hall.

    ``ends_at`` is ``starts_at`` plus the runtime and is what the overlap rule and
    ticket validity use. ``venue`` and ``currency`` are copied from the hall's venue
    so that listings filter without joins and the money of a showtime never changes.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.ForeignKey(Title, on_delete=models.PROTECT, related_name="showtimes")
    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="showtimes")
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="showtimes")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    runtime_minutes = models.PositiveSmallIntegerField()
    format = models.CharField(
        max_length=8, choices=ShowtimeFormat.choices, default=ShowtimeFormat.TWO_D
    )
    audio_language = models.CharField(max_length=16, blank=True)
    subtitle_language = models.CharField(max_length=16, blank=True)
    currency = models.CharField(max_length=3)
    service_fee_minor = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    sales_open_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("General sale opens here; before it only open pre-sale rounds sell."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    waiting_room_size = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_(
            "For a rush: how many buyers may choose seats at once; the others wait in "
            "line (empty: no waiting room)."
        ),
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["hall", "starts_at"]),
            models.Index(fields=["venue", "starts_at"]),
            models.Index(fields=["title", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="showtime_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.hall} · {self.starts_at:%Y-%m-%d %H:%M} UTC"

    @property
    def local_starts_at(self) -> datetime:
        return self.starts_at.astimezone(ZoneInfo(self.venue.time_zone))


class ShowtimePrice(models.Model):
    """The ticket price of one seat type at one showtime, in the showtime's currency."""

    showtime = models.ForeignKey(Showtime, on_delete=models.CASCADE, related_name="prices")
    seat_type = models.CharField(max_length=12, choices=SeatType.choices)
    price_minor = models.PositiveIntegerField()

    class Meta:
        ordering = ["seat_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["showtime", "seat_type"], name="showtime_price_unique_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.showtime_id} · {self.seat_type} {self.price_minor}"


class PresaleRound(models.Model):
    """An advance-sale window for a title, optionally limited to some venues or cities.

    Before a showtime's ``sales_open_at`` only an open round covering it sells.
    ``per_account_limit`` counts held and paid seats across the whole round
    (:class:`RoundAllowance`). A price override applies only to showtimes in the
    round's ``currency``: a per-seat-type price in ``price_overrides`` wins over
    the flat ``price_override_minor``.
    """

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        WANT_TO_SEE = "want_to_see", _("Accounts that registered “want to see”")
        INVITATION = "invitation", _("Holders of an invitation code")

    title = models.ForeignKey(Title, on_delete=models.PROTECT, related_name="presale_rounds")
    name = models.CharField(max_length=120)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    audience = models.CharField(max_length=12, choices=Audience.choices, default=Audience.EVERYONE)
    per_account_limit = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Seats per account across the round; empty = no limit")
    )
    currency = models.CharField(max_length=3, blank=True)
    price_override_minor = models.PositiveIntegerField(null=True, blank=True)
    price_overrides = models.JSONField(
        default=dict, blank=True, help_text=_("{seat_type: price_minor}; wins over the flat price")
    )
    venues = models.ManyToManyField(Venue, blank=True, related_name="presale_rounds")
    cities = models.ManyToManyField(City, blank=True, related_name="presale_rounds")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["opens_at", "pk"]
        indexes = [models.Index(fields=["title", "opens_at", "closes_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="round_closes_after_open"
            ),
            models.CheckConstraint(
                condition=Q(per_account_limit__isnull=True) | Q(per_account_limit__gt=0),
                name="round_limit_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.name}"

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def override_for(self, seat_type: str, currency: str) -> int | None:
        """The round's price for ``seat_type`` at a showtime in ``currency``, if any."""
        if not self.currency or currency != self.currency:
            return None
        value = (self.price_overrides or {}).get(seat_type)
        if value is not None:
            return int(value)
        return self.price_override_minor


class InvitationCode(models.Model):
    """A code that makes accounts eligible for an invitation round.

    Up to ``max_uses`` distinct accounts may redeem it; when ``user`` is set only
    that account may. Redeeming once is enough for the whole round.
    """

    round = models.ForeignKey(PresaleRound, on_delete=models.CASCADE, related_name="invitations")
    code = models.CharField(max_length=32, unique=True)
    max_uses = models.PositiveIntegerField(default=1)
    uses = models.PositiveIntegerField(default=0)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Only this account may redeem the code."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(uses__lte=models.F("max_uses")), name="invitation_uses_within_max"
            ),
            models.CheckConstraint(condition=Q(max_uses__gt=0), name="invitation_max_positive"),
        ]

    def __str__(self) -> str:
        return self.code


class InvitationRedemption(models.Model):
    invitation = models.ForeignKey(
        InvitationCode, on_delete=models.CASCADE, related_name="redemptions"
    )
    round = models.ForeignKey(PresaleRound, on_delete=models.CASCADE, related_name="redemptions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "user"], name="invitation_redeemed_once_per_user"
            )
        ]
        indexes = [models.Index(fields=["round", "user"])]

    def __str__(self) -> str:
        return f"{self.invitation} · {self.user_id}"


class RoundAllowance(models.Model):
    """Seats an account holds or bought in a round: the per-account limit's counter.

    Raised with one conditional ``UPDATE … SET tickets = tickets + n WHERE
    tickets + n <= limit`` inside the hold transaction, given back when a hold is
    released or expires and when a ticket is refunded.
    """

    round = models.ForeignKey(PresaleRound, on_delete=models.CASCADE, related_name="allowances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    tickets = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="round_allowance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.round_id} · {self.user_id}: {self.tickets}"


class WantToSee(models.Model):
    """An account's registered interest in a title (public count, pre-sale eligibility)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="want_to_see"
    )
    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="want_to_see")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("want to see")
        verbose_name_plural = _("want to see")
        constraints = [models.UniqueConstraint(fields=["user", "title"], name="want_to_see_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.title_id}"


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
    refunded_minor = models.PositiveIntegerField(default=0)
    payment_id = models.UUIDField(
        null=True, blank=True, help_text=_("The payment that paid this order.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "created_at"]),
            models.Index(fields=["showtime", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_minor=models.F("subtotal_minor") + models.F("fees_minor")),
                name="order_total_is_sum",
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

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "seat"], name="order_line_unique_seat")
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
        indexes = [models.Index(fields=["showtime", "status"])]
        constraints = [
            # The last line of defence of invariant 1: one live ticket per seat.
            models.UniqueConstraint(
                fields=["showtime", "seat"],
                condition=Q(status__in=["valid", "used"]),
                name="ticket_one_active_per_seat",
            ),
        ]

    def __str__(self) -> str:
        return f"ticket {self.pk} · {self.status}"


class Scan(models.Model):
    """One scan of a code at a venue's door, whatever its verdict (every scan is recorded).

    ``ticket`` is the scanned ticket when the code was genuine; ``showtime`` is
    that ticket's showtime, ``door_showtime`` the showtime the door was
    admitting (when it admits only one). The code itself is not kept, only its
    SHA-256 (``code_digest``), so the scan log cannot be replayed at a door.
    """

    class Verdict(models.TextChoices):
        VALID = "valid", _("Valid: admitted")
        ALREADY_USED = "already_used", _("Already used")
        WRONG_VENUE = "wrong_venue", _("Wrong venue")
        WRONG_SHOWTIME = "wrong_showtime", _("Wrong showtime")
        NOT_YET_OPEN = "not_yet_open", _("Doors not open yet")
        EXPIRED = "expired", _("Expired")
        REFUNDED = "refunded", _("Refunded or exchanged")
        FORGED = "forged", _("Forged")

    ticket = models.ForeignKey(
        Ticket, on_delete=models.PROTECT, null=True, blank=True, related_name="scans"
    )
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="scans")
    showtime = models.ForeignKey(
        Showtime, on_delete=models.PROTECT, null=True, blank=True, related_name="scans"
    )
    door_showtime = models.ForeignKey(
        Showtime, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    door = models.CharField(max_length=40, blank=True)
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    at = models.DateTimeField()
    code_digest = models.CharField(max_length=64)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["venue", "at"]),
            models.Index(fields=["ticket", "verdict"]),
        ]

    def __str__(self) -> str:
        return f"scan {self.pk} · {self.verdict} · {self.door or '-'}"


class OrderRefund(models.Model):
    """Money given back on an order: a buyer's refund, a cancellation, an exchange's difference.

    ``amount_minor`` went back to the buyer (through ``payment_refund`` when
    the order was paid through a provider); ``fee_minor`` is what the venue's
    refund fee kept. ``ticket_ids`` are the tickets it refunded (for an
    exchange difference: the tickets given up). ``idempotency_key`` makes a
    repeated request return the first refund.
    """

    class Reason(models.TextChoices):
        CUSTOMER = "customer", _("Refunded at the buyer's request")
        SHOWTIME_CANCELLED = "showtime_cancelled", _("The showtime was cancelled")
        EXCHANGE_DIFFERENCE = "exchange_difference", _("Exchanged for cheaper seats")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    reason = models.CharField(max_length=24, choices=Reason.choices)
    currency = models.CharField(max_length=3)
    amount_minor = models.PositiveIntegerField()
    fee_minor = models.PositiveIntegerField(default=0)
    ticket_ids = models.JSONField(default=list, blank=True)
    payment_refund = models.ForeignKey(
        "payments.Refund", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    idempotency_key = models.CharField(max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="order_refund_idempotency_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"refund {self.pk} of order {self.order_id} · {self.amount_minor} {self.currency}"


class TicketExchange(models.Model):
    """Tickets of ``order`` given up for the tickets of ``new_order`` (another showtime)."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="exchanges")
    new_order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="exchanged_from")
    currency = models.CharField(max_length=3)
    old_value_minor = models.PositiveIntegerField()
    new_value_minor = models.PositiveIntegerField()
    refund = models.OneToOneField(
        OrderRefund, on_delete=models.PROTECT, null=True, blank=True, related_name="exchange"
    )
    idempotency_key = models.CharField(max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="ticket_exchange_idempotency_key_unique",
            ),
            models.CheckConstraint(
                condition=Q(new_value_minor__lte=models.F("old_value_minor")),
                name="exchange_never_costs_more",
            ),
        ]

    def __str__(self) -> str:
        return f"exchange {self.pk}: order {self.order_id} → {self.new_order_id}"


def _rate_range(field: str) -> Q:
    return Q(**{f"{field}__gte": Decimal(0)}) & Q(**{f"{field}__lte": Decimal(1)})


class SettlementRule(models.Model):
    """How a territory splits a day's box office (rates are fractions: 0.05 is 5 %).

    Film fund and taxes come off the gross; the rest (net box office) is
    shared: ``cinema_share`` to the cinema, the remainder to the distributor.
    """

    territory = models.CharField(max_length=2, choices=Territory.choices, unique=True)
    film_fund_rate = models.DecimalField(max_digits=6, decimal_places=5)
    tax_rate = models.DecimalField(max_digits=6, decimal_places=5)
    cinema_share = models.DecimalField(max_digits=6, decimal_places=5)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["territory"]
        constraints = [
            models.CheckConstraint(
                condition=_rate_range("film_fund_rate")
                & _rate_range("tax_rate")
                & _rate_range("cinema_share")
                & Q(film_fund_rate__lte=Decimal(1) - models.F("tax_rate")),
                name="settlement_rule_rates_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.territory}: fund {self.film_fund_rate}, tax {self.tax_rate}, cinema {self.cinema_share}"


class TitleSettlementRule(models.Model):
    """A title's own terms, field by field over its territory's rule.

    ``territory`` empty means every territory; a territory's own row wins over
    it. A rate left empty keeps the territory's.
    """

    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="settlement_rules")
    territory = models.CharField(max_length=2, choices=Territory.choices, blank=True)
    film_fund_rate = models.DecimalField(max_digits=6, decimal_places=5, null=True, blank=True)
    tax_rate = models.DecimalField(max_digits=6, decimal_places=5, null=True, blank=True)
    cinema_share = models.DecimalField(max_digits=6, decimal_places=5, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "territory"]
        constraints = [
            models.UniqueConstraint(
                fields=["title", "territory"], name="title_settlement_rule_unique"
            ),
            models.CheckConstraint(
                condition=(Q(film_fund_rate__isnull=True) | _rate_range("film_fund_rate"))
                & (Q(tax_rate__isnull=True) | _rate_range("tax_rate"))
                & (Q(cinema_share__isnull=True) | _rate_range("cinema_share")),
                name="title_settlement_rule_rates_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.territory or 'all territories'}"
