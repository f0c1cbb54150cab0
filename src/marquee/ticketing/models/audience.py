"""What moviegoers add beyond buying: the waiting list of a sold-out showtime, and reviews."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marquee.catalog.models import Title
from marquee.ticketing.models.sales import Hold
from marquee.ticketing.models.showtimes import Showtime

#: The most seats one waiter may ask for (a party, not a block booking).
MAX_PARTY = 4
#: The longest review text, in characters.
MAX_REVIEW_TEXT = 500


class WaitlistEntry(models.Model):
    """One account waiting for ``party_size`` seats of a sold-out showtime.

    ``waiting`` → ``offered`` (seats freed by a refund, an exchange or a lapsed
    hold were held for this waiter by ``hold``, until ``offer_expires_at``) →
    ``accepted`` (an order was opened for them) — or ``lapsed`` (the offer ran
    out; the seats go to the next waiter), ``declined``, ``left``, ``closed``
    (the showtime started or was cancelled). Every transition is a conditional
    UPDATE on ``status`` (``services/waitlist.py``); an offer's seats are
    claimed by the seat inventory's own conditional UPDATE, so one freed seat
    is never offered to two waiters.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OFFERED = "offered", _("Seats offered")
        ACCEPTED = "accepted", _("Accepted")
        LAPSED = "lapsed", _("Offer lapsed")
        DECLINED = "declined", _("Declined")
        LEFT = "left", _("Left the list")
        CLOSED = "closed", _("Closed")

    OPEN_STATUSES = (Status.WAITING, Status.OFFERED)

    showtime = models.ForeignKey(Showtime, on_delete=models.CASCADE, related_name="waitlist")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    party_size = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    joined_at = models.DateTimeField()
    hold = models.OneToOneField(
        Hold, on_delete=models.SET_NULL, null=True, blank=True, related_name="waitlist_offer"
    )
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["joined_at", "pk"]
        verbose_name_plural = _("waiting list entries")
        indexes = [models.Index(fields=["showtime", "status", "joined_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["showtime", "user"],
                condition=Q(status__in=["waiting", "offered"]),
                name="waitlist_one_open_entry",
            ),
            models.CheckConstraint(
                condition=Q(party_size__gte=1) & Q(party_size__lte=MAX_PARTY),
                name="waitlist_party_size_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(hold__isnull=False),
                name="waitlist_offer_has_hold",
            ),
        ]

    def __str__(self) -> str:
        return f"waitlist {self.pk} · {self.showtime_id} · {self.status}"

    def current_status(self, now: datetime | None = None) -> str:
        """``lapsed`` for an offer whose time ran out before anyone noticed."""
        now = now or timezone.now()
        if (
            self.status == self.Status.OFFERED
            and self.offer_expires_at is not None
            and self.offer_expires_at <= now
        ):
            return self.Status.LAPSED
        return self.status


class Review(models.Model):
    """A moviegoer's rating (1–5 stars) and short text about a film they saw.

    One per account per title; only an account holding a USED (checked-in)
    ticket of the title may write one (``services/reviews.py``). ``hidden`` is
    the moderation flag: a hidden review counts in no average and is shown to
    nobody but its author.
    """

    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="reviews")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    stars = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=MAX_REVIEW_TEXT, blank=True)
    hidden = models.BooleanField(default=False, help_text=_("Hidden by a moderator."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["title", "hidden"])]
        constraints = [
            models.UniqueConstraint(fields=["title", "user"], name="review_one_per_account"),
            models.CheckConstraint(
                condition=Q(stars__gte=1) & Q(stars__lte=5), name="review_stars_range"
            ),
        ]

    def __str__(self) -> str:
        return f"review {self.pk} · {self.title_id} · {self.stars}★"
