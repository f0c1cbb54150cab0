"""Showtimes and their prices."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marquee.catalog.models import Title
from marquee.core.models import actor_field
from marquee.core.money import MoneyAttribute
from marquee.venues.models import Hall, SeatType, Venue


class ShowtimeFormat(models.TextChoices):
    TWO_D = "2D", "2D"
    THREE_D = "3D", "3D"
    IMAX = "IMAX", "IMAX"
    DOLBY = "DOLBY", _("Dolby Cinema")


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
    created_by = actor_field()
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

    service_fee = MoneyAttribute("service_fee_minor")

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

    #: In the showtime's currency (read it with ``select_related("showtime")``).
    price = MoneyAttribute("price_minor", currency="showtime.currency")

    class Meta:
        ordering = ["seat_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["showtime", "seat_type"], name="showtime_price_unique_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.showtime_id} · {self.seat_type} {self.price_minor}"
