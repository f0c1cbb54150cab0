"""Door scans, refunds and exchanges."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marquee.core.models import actor_field
from marquee.core.money import MoneyAttribute
from marquee.ticketing.models.sales import Order, Ticket
from marquee.ticketing.models.showtimes import Showtime
from marquee.venues.models import Venue


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
    actor = actor_field()
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


class _AfterSale(models.Model):
    """Who asked for an after-sale step, when, and under which idempotency key."""

    idempotency_key = models.CharField(max_length=255, blank=True)
    actor = actor_field()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]

    @staticmethod
    def key_unique_per_order(name: str) -> models.UniqueConstraint:
        """A key names one step of one order (blank keys are not checked)."""
        return models.UniqueConstraint(
            fields=["order", "idempotency_key"], condition=~Q(idempotency_key=""), name=name
        )


class OrderRefund(_AfterSale):
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

    amount = MoneyAttribute("amount_minor")
    fee = MoneyAttribute("fee_minor")

    class Meta(_AfterSale.Meta):
        constraints = [
            _AfterSale.key_unique_per_order("order_refund_idempotency_key_unique"),
        ]

    def __str__(self) -> str:
        return f"refund {self.pk} of order {self.order_id} · {self.amount_minor} {self.currency}"


class TicketExchange(_AfterSale):
    """Tickets of ``order`` given up for the tickets of ``new_order`` (another showtime)."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="exchanges")
    new_order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="exchanged_from")
    currency = models.CharField(max_length=3)
    old_value_minor = models.PositiveIntegerField()
    new_value_minor = models.PositiveIntegerField()
    refund = models.OneToOneField(
        OrderRefund, on_delete=models.PROTECT, null=True, blank=True, related_name="exchange"
    )

    old_value = MoneyAttribute("old_value_minor")
    new_value = MoneyAttribute("new_value_minor")

    class Meta(_AfterSale.Meta):
        constraints = [
            _AfterSale.key_unique_per_order("ticket_exchange_idempotency_key_unique"),
            models.CheckConstraint(
                condition=Q(new_value_minor__lte=models.F("old_value_minor")),
                name="exchange_never_costs_more",
            ),
        ]

    def __str__(self) -> str:
        return f"exchange {self.pk}: order {self.order_id} → {self.new_order_id}"
