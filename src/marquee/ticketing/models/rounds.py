"""Pre-sale rounds, invitation codes, allowances and "want to see" interest."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marquee.catalog.models import Title
from marquee.core.models import actor_field
from marquee.places.models import City
from marquee.venues.models import Venue


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
    created_by = actor_field()
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
