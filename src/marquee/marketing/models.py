"""Audience profiles, segments, campaigns, vouchers and their redemptions.

A campaign's counters (``committed_minor``, ``redeemed_count``) are claimed with
one conditional UPDATE each whose row count decides (services/redemption.py);
the check constraints below are the last line of defence behind them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from marquee.catalog.models import Title
from marquee.core.money import MoneyAttribute
from marquee.ticketing.models import Order, PresaleRound, Showtime
from marquee.venues.models import Venue


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", _("Under 18")
    A18_24 = "18_24", _("18–24")
    A25_34 = "25_34", _("25–34")
    A35_44 = "35_44", _("35–44")
    A45_54 = "45_54", _("45–54")
    A55_PLUS = "55_plus", _("55 and over")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class AudienceProfile(models.Model):
    """What a moviegoer chose to tell about themselves; every field optional."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="audience_profile"
    )
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True, default="")
    gender = models.CharField(max_length=10, choices=Gender.choices, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id} · {self.age_band or '-'} · {self.gender or '-'}"


class Segment(models.Model):
    """An audience defined by a rule (docs/marketing.md, "The rule language")."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    rule_text = models.TextField(max_length=2000)
    #: The parsed rule tree (rules.py), stored so a segment is evaluated without re-parsing.
    rule = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    """A segment targeted with vouchers or with pre-sale invitations."""

    class Kind(models.TextChoices):
        VOUCHER = "voucher", _("Vouchers")
        INVITATION = "invitation", _("Pre-sale invitations")

    class DiscountKind(models.TextChoices):
        FIXED = "fixed", _("A fixed amount off")
        PERCENT = "percent", _("A percentage off, with a cap")
        PRICE = "price", _("A set price per ticket")

    class Payer(models.TextChoices):
        PLATFORM = "platform", _("The platform (subsidy)")
        DISTRIBUTOR = "distributor", _("The distributor")
        CINEMA = "cinema", _("The cinema")

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, related_name="campaigns")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.VOUCHER)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    currency = models.CharField(max_length=3)
    payer = models.CharField(max_length=12, choices=Payer.choices, default=Payer.PLATFORM)
    discount_kind = models.CharField(
        max_length=8, choices=DiscountKind.choices, default=DiscountKind.FIXED
    )
    #: fixed: off the order; price: the price each ticket costs; percent: unused (0).
    amount_minor = models.PositiveIntegerField(default=0)
    percent_bp = models.PositiveIntegerField(default=0, help_text=_("Basis points: 2500 = 25 %"))
    cap_minor = models.PositiveIntegerField(default=0, help_text=_("percent: the most off"))
    per_account_limit = models.PositiveIntegerField(default=1)
    total_limit = models.PositiveIntegerField(default=0, help_text=_("0: no limit but the budget"))
    budget_minor = models.PositiveBigIntegerField(default=0)
    #: Discounts granted and not given back (reserved by pending orders, or paid).
    committed_minor = models.PositiveBigIntegerField(default=0)
    redeemed_count = models.PositiveIntegerField(default=0)
    titles = models.ManyToManyField(Title, blank=True, related_name="+")
    venues = models.ManyToManyField(Venue, blank=True, related_name="+")
    showtimes = models.ManyToManyField(Showtime, blank=True, related_name="+")
    #: ISO weekdays (1 = Monday … 7 = Sunday) in the venue's time zone; empty: every day.
    weekdays = models.JSONField(default=list, blank=True)
    presale_round = models.ForeignKey(
        PresaleRound, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    amount = MoneyAttribute("amount_minor")
    cap = MoneyAttribute("cap_minor")
    budget = MoneyAttribute("budget_minor")
    committed = MoneyAttribute("committed_minor")

    class Meta:
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(committed_minor__lte=F("budget_minor")),
                name="campaign_within_budget",
            ),
            models.CheckConstraint(
                condition=Q(total_limit=0) | Q(redeemed_count__lte=F("total_limit")),
                name="campaign_within_total_limit",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="campaign_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def percent_text(self) -> str:
        """The percentage off as people write it: 2500 basis points → ``"25"``, 1250 → ``"12.5"``."""
        return format(Decimal(self.percent_bp) / 100, "f").rstrip("0").rstrip(".") or "0"


class Voucher(models.Model):
    """One account's voucher of one campaign; ``uses`` never passes the per-account limit."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="vouchers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=40, unique=True)
    uses = models.PositiveIntegerField(default=0)
    max_uses = models.PositiveIntegerField(default=1)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], name="voucher_once_per_account"),
            models.CheckConstraint(
                condition=Q(uses__lte=F("max_uses")), name="voucher_within_uses"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Redemption(models.Model):
    """A voucher used on one order: at most one per order (no discount twice).

    ``reserved`` while the order awaits payment (until ``expires_at``, the
    hold's end), ``redeemed`` once paid, ``released`` when the order lapsed or
    was cancelled, ``returned`` when every ticket was refunded.
    """

    class Status(models.TextChoices):
        RESERVED = "reserved", _("Reserved")
        REDEEMED = "redeemed", _("Redeemed")
        RELEASED = "released", _("Released")
        RETURNED = "returned", _("Returned (refunded)")

    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="redemptions")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="redemptions")
    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RESERVED)
    amount_minor = models.PositiveIntegerField()
    returned_minor = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3)
    tickets = models.PositiveSmallIntegerField()
    returned_tickets = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    redeemed_at = models.DateTimeField(null=True, blank=True)

    amount = MoneyAttribute("amount_minor")
    returned = MoneyAttribute("returned_minor")

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["campaign", "status", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(returned_minor__lte=F("amount_minor")),
                name="redemption_return_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(returned_tickets__lte=F("tickets")),
                name="redemption_return_within_tickets",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.voucher_id} → order {self.order_id} · {self.status}"


class RedemptionEvent(models.Model):
    """An outbox event applied to a redemption: its id is unique, so a replay does nothing."""

    event_id = models.BigIntegerField(unique=True)
    redemption = models.ForeignKey(Redemption, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=10)  # "paid" or "refunded"
    amount_minor = models.PositiveIntegerField()
    tickets = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"event {self.event_id} · {self.kind}"


class CampaignInvitation(models.Model):
    """A pre-sale invitation code sent to one account of an invitation campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=40)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], name="invitation_once_per_account")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} → {self.user_id}"
