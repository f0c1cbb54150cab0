"""Shared tables: dated exchange rates, the outbox (events and their deliveries) and
the idempotency records of requests that move money (``core.idempotency``)."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def actor_field(**options: object) -> models.ForeignKey:
    """The account that did something (kept when the account goes: the row stays, the link empties)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        **options,
    )


class ExchangeRate(models.Model):
    """One ``base`` unit buys ``rate`` ``quote`` units from ``valid_from`` on.

    ``USD → CNY 7.1`` means US$1 = ¥7.10. A rate holds until the next
    ``valid_from`` of the same pair. Write through ``core.services.set_rate``.
    """

    base = models.CharField(_("base currency"), max_length=3)
    quote = models.CharField(_("quote currency"), max_length=3)
    rate = models.DecimalField(_("rate"), max_digits=20, decimal_places=10)
    valid_from = models.DateField(_("valid from"))
    source = models.CharField(_("source"), max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["base", "quote", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["base", "quote", "valid_from"], name="core_exchangerate_unique_pair_day"
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="core_exchangerate_rate_positive"),
            models.CheckConstraint(
                condition=~Q(base=F("quote")), name="core_exchangerate_distinct_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.base}→{self.quote} {self.rate} from {self.valid_from}"


class OutboxEvent(models.Model):
    """Something happened that another domain may care about.

    Written by ``core.outbox.publish`` in the same transaction as the change
    itself, so an event exists if and only if the change committed. Events
    are append-only.
    """

    id = models.BigAutoField(primary_key=True)
    type = models.CharField(_("type"), max_length=100)
    aggregate = models.CharField(_("aggregate"), max_length=50)
    aggregate_id = models.CharField(_("aggregate id"), max_length=64)
    payload = models.JSONField(_("payload"), default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["type", "created_at"], name="core_outbox_type_created"),
            models.Index(fields=["aggregate", "aggregate_id"], name="core_outbox_aggregate"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.type} {self.aggregate}:{self.aggregate_id}"


class EventDelivery(models.Model):
    """The progress of one consumer on one event: processed exactly once.

    Created with the event (one row per subscribed consumer). A worker claims
    a due ``pending`` row under a row lock, runs the consumer and marks the
    row ``done`` in the same transaction; a failure schedules a retry with
    backoff, and after the consumer's last attempt the row is ``failed``.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    consumer = models.CharField(_("consumer"), max_length=100)
    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("event delivery")
        verbose_name_plural = _("event deliveries")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consumer", "event"], name="core_eventdelivery_once_per_consumer"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                name="core_delivery_due",
                condition=Q(status="pending"),
            ),
            models.Index(fields=["status", "consumer"], name="core_delivery_status_consumer"),
        ]

    def __str__(self) -> str:
        return f"{self.consumer} ← event #{self.event_id} ({self.status})"


class IdempotencyRecord(models.Model):
    """The first response to an ``Idempotency-Key``, replayed for retries (Stripe semantics)."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idempotency_records"
    )
    scope = models.CharField(max_length=100)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(max_length=20, choices=State.choices, default=State.IN_PROGRESS)
    lock_token = models.CharField(max_length=32)
    locked_at = models.DateTimeField()
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    #: A replayable DomainError: {"class", "code", "message", "status", "detail"}.
    error = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "scope", "key"], name="idempotency_unique_user_scope_key"
            )
        ]
        indexes = [models.Index(fields=["expires_at"], name="core_idempotency_expires")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key} ({self.state})"


class PeriodicJobLease(models.Model):
    """The schedule and lease of one periodic job (``core.periodic``), shared by every worker.

    A worker runs the job only after one conditional UPDATE moved
    ``locked_until`` into the future on a row that was due and unleased, so two
    workers never run the same job at once; a worker that dies leaves a lease
    that simply runs out.
    """

    name = models.CharField(max_length=100, unique=True)
    next_run_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(default=timezone.now)
    holder = models.CharField(max_length=64, blank=True)
    runs = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} (next {self.next_run_at:%Y-%m-%d %H:%M:%S})"
