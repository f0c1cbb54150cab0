"""Payments: the payment, every callback received, refunds.

(Idempotency records are ``marquee.core.models.IdempotencyRecord``.)

A :class:`Payment` is created by :func:`marquee.payments.services.start_payment`
and only ever moved by the services: ``pending`` → ``succeeded`` | ``failed``;
``succeeded`` → ``partially_refunded`` → ``refunded``. ``refunded_minor`` can
never exceed ``amount_minor``: the refund service increments it with one
conditional UPDATE and a check constraint stands behind it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from marquee.core.money import MoneyAttribute


class Payment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        REFUNDED = "refunded", _("Refunded")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")

    #: Statuses in which money has been captured and part of it may still be refunded.
    REFUNDABLE = (Status.SUCCEEDED, Status.PARTIALLY_REFUNDED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    purpose = models.CharField(max_length=50)
    reference = models.CharField(max_length=100)
    description = models.CharField(max_length=200, blank=True)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    provider = models.CharField(max_length=30, default="sim")
    provider_ref = models.CharField(max_length=100, blank=True)
    #: The provider's payment page for this payment (what start() returned); a
    #: signed Alipay page-pay URL runs to about 1,500 characters.
    checkout_url = models.CharField(max_length=4000, blank=True)
    return_url = models.CharField(max_length=500, blank=True)
    refunded_minor = models.BigIntegerField(default=0)
    failure_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    amount = MoneyAttribute("amount_minor")
    refunded = MoneyAttribute("refunded_minor")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_minor__gte=0) & Q(refunded_minor__lte=F("amount_minor")),
                name="payment_refund_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "succeeded", "failed"])
                | Q(refunded_minor__gt=0),
                name="payment_refunded_status_has_refund",
            ),
        ]
        indexes = [
            models.Index(fields=["purpose", "reference"]),
            models.Index(fields=["payer", "-created_at"]),
            models.Index(fields=["provider", "provider_ref"]),
        ]

    def __str__(self) -> str:
        return (
            f"{self.purpose}:{self.reference} {self.amount_minor} {self.currency} ({self.status})"
        )

    @property
    def redirect_url(self) -> str:
        """The provider's payment page the buyer is sent to."""
        return self.checkout_url

    @property
    def refundable_minor(self) -> int:
        if self.status not in self.REFUNDABLE:
            return 0
        return self.amount_minor - self.refunded_minor

    @property
    def is_final(self) -> bool:
        return self.status != self.Status.PENDING


class PaymentAttempt(models.Model):
    """One authorisation attempt at the provider (for the simulator: the buyer's choice)."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="attempts")
    outcome = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.payment_id} {self.outcome}"


class CallbackLog(models.Model):
    """Every provider callback that reached the webhook, with the verdict given."""

    class Verdict(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        DUPLICATE = "duplicate", _("Duplicate (already processed)")
        IGNORED = "ignored", _("Ignored (payment already final)")
        INVALID_SIGNATURE = "invalid_signature", _("Invalid signature")
        STALE = "stale", _("Stale timestamp")
        MALFORMED = "malformed", _("Malformed body")
        MISMATCH = "mismatch", _("Amount or currency mismatch")
        UNKNOWN_PAYMENT = "unknown_payment", _("Unknown payment")

    provider = models.CharField(max_length=30)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="callbacks"
    )
    event_id = models.CharField(max_length=100, blank=True)
    event_type = models.CharField(max_length=50, blank=True)
    signature_header = models.CharField(max_length=500, blank=True)
    #: The body as received, cut to its first 2 KiB unless the signature verified.
    body = models.TextField(blank=True)
    #: The whole body's length in bytes and SHA-256 (hex), whatever was kept of it.
    body_length = models.PositiveIntegerField(default=0)
    body_sha256 = models.CharField(max_length=64, blank=True)
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    detail = models.CharField(max_length=300, blank=True)
    #: The payment's status after this callback (what the webhook answered).
    status_after = models.CharField(max_length=20, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["provider", "event_id"])]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id or '?'} → {self.verdict}"


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=100)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    provider_ref = models.CharField(max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    amount = MoneyAttribute("amount_minor")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="refund_amount_positive"),
            models.UniqueConstraint(
                fields=["payment", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="refund_unique_idempotency_key",
            ),
        ]

    def __str__(self) -> str:
        return f"refund {self.amount_minor} {self.currency} of {self.payment_id} ({self.reason})"


class SimulatedCallback(models.Model):
    """A callback the simulated gateway has to send (or has sent) for a payment.

    Stored unsigned: like a real gateway, each delivery attempt is signed with
    the time of that attempt, so a delayed callback is not stale on arrival.
    """

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="sim_callbacks")
    event_id = models.CharField(max_length=100)
    body = models.TextField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["delivered_at"])]

    def __str__(self) -> str:
        state = "delivered" if self.delivered_at else "pending"
        return f"{self.event_id} for {self.payment_id} ({state})"


class Payout(models.Model):
    """Money sent out to someone (a backer's returns, …): once per (purpose, reference).

    ``requested`` → ``sent`` (the provider or the bank batch has it) → ``paid``
    | ``failed``; a failed payout may be requested again (``retry_payout``),
    which keeps the row, so (purpose, reference) pays at most once. A provider
    that settles at once (the simulator) moves it straight through ``sent``.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        SENT = "sent", _("Sent")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")

    class Destination(models.TextChoices):
        BANK = "bank", _("Bank account")
        ORIGINAL = "original", _("Original payment method")

    purpose = models.CharField(max_length=50)
    reference = models.CharField(max_length=100)
    payee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payouts"
    )
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    destination = models.CharField(max_length=10, choices=Destination.choices)
    #: Bank transfers: the account holder, the bank and the account number.
    account_name = models.CharField(max_length=100, blank=True)
    bank_name = models.CharField(max_length=100, blank=True)
    account_number = models.CharField(max_length=34, blank=True)
    #: The original method: the payment whose method is paid back into.
    original_payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    provider = models.CharField(max_length=30)
    provider_ref = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    failure_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    amount = MoneyAttribute("amount_minor")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "provider"])]
        constraints = [
            models.UniqueConstraint(fields=["purpose", "reference"], name="payout_once"),
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="payout_amount_positive"),
            models.CheckConstraint(
                condition=Q(destination="original", original_payment__isnull=False)
                | Q(destination="bank", account_number__gt=""),
                name="payout_destination_given",
            ),
        ]

    def __str__(self) -> str:
        return f"payout {self.purpose}:{self.reference} {self.amount_minor} {self.currency}"
