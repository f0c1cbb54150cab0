"""Box-office rollups, the synthetic history beside them, and the national totals.

``BoxOfficeFact`` is the one fact table every figure is read from: tickets and
gross (face value, fees excluded) of one showtime on one sale day, in the
cinema's currency. Live rows (``source = live``) are written only by the
outbox consumer (``consumers.py``) and can be rebuilt from the outbox at any
time (``marquee rebuild_box_office``); history rows (``source = history``)
are bulk-loaded by the demo world and never touched by the consumer or the
rebuild. The screening supply of live days (showtimes, seats offered) is read
from ticketing's own tables; that of history days is ``HistoricalScreening``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marquee.catalog.models import Title
from marquee.ticketing.models import Showtime
from marquee.venues.models import Venue


class Source(models.TextChoices):
    LIVE = "live", _("Live (from the outbox)")
    HISTORY = "history", _("History (synthetic, loaded in bulk)")


class BoxOfficeFact(models.Model):
    """Net tickets and gross of one showtime sold on one day (the grain of every rollup).

    ``show_day`` is the showtime's local day, ``sale_day`` the local day the
    tickets were bought (or given back): a refund subtracts on its own day,
    so the pre-sale curve shows net sales as they happened. ``chain_id`` and
    ``city_id`` are copied from the venue so the day's breakdowns need no joins.
    """

    source = models.CharField(max_length=8, choices=Source.choices, default=Source.LIVE)
    showtime = models.ForeignKey(
        Showtime, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="+")
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="+")
    chain_id = models.BigIntegerField()
    city_id = models.BigIntegerField()
    format = models.CharField(max_length=8)
    show_day = models.DateField()
    sale_day = models.DateField()
    currency = models.CharField(max_length=3)
    tickets = models.IntegerField(default=0)
    gross_minor = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["show_day", "title"], name="bo_fact_day_title"),
            models.Index(fields=["title", "sale_day"], name="bo_fact_title_sale"),
            models.Index(fields=["venue", "show_day"], name="bo_fact_venue_day"),
            # The facts changed since a snapshot was read (queries/history.py): a short range.
            models.Index(fields=["updated_at"], name="bo_fact_updated"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["showtime", "sale_day"],
                condition=Q(showtime__isnull=False),
                name="bo_fact_one_row_per_showtime_day",
            ),
            models.CheckConstraint(
                condition=Q(source="history") | Q(showtime__isnull=False),
                name="bo_fact_live_has_showtime",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title_id} · {self.show_day} · {self.tickets} · {self.gross_minor}"


class AppliedEvent(models.Model):
    """An outbox event the rollup has applied: its unique id makes a replay do nothing."""

    event_id = models.BigIntegerField(unique=True)
    applied_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"event {self.event_id}"


class HistoricalScreening(models.Model):
    """The screening supply of one title at one venue on one history day (synthetic)."""

    day = models.DateField()
    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="+")
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="+")
    chain_id = models.BigIntegerField()
    city_id = models.BigIntegerField()
    format = models.CharField(max_length=8)
    showtimes = models.IntegerField()
    seats = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "title"], name="hist_screening_day_title")]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "title", "venue", "format"], name="hist_screening_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} · {self.title_id} · {self.showtimes}"


class HistoricalTitle(models.Model):
    """A title's run in the synthetic history: its opening day and want-to-see count then."""

    title = models.OneToOneField(Title, on_delete=models.CASCADE, related_name="+")
    opening_day = models.DateField()
    want_to_see = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.title_id} opened {self.opening_day}"


class NationalDay(models.Model):
    """The national box office of one day as the trade publishes it (imported from CSV).

    In CNY fen; ``source`` names the file or upload it came from.
    """

    day = models.DateField(unique=True)
    gross_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="CNY")
    source = models.CharField(max_length=200, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.CheckConstraint(condition=Q(gross_minor__gte=0), name="national_day_gross_ge0")
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.gross_minor} {self.currency}"
