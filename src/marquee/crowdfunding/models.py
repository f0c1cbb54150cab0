"""Film crowdfunding: offerings, pledges held in escrow, perks and returns.

An :class:`Offering` sells *units* of a project at ``unit_price_minor`` each,
all-or-nothing: it succeeds when the paid units reach ``target_units`` by
``closes_at``; ``cap_units`` (the hard cap) and the per-backer bounds are in
units too, so every limit is an integer comparison and money is
``units × unit price`` (exact). The cap is claimed when a pledge is created
(``reserved_units``, one conditional UPDATE), confirmed on payment
(``paid_units``) and given back when the reservation lapses. Check
constraints stand behind the services: ``paid_units ≤ reserved_units ≤
cap_units``.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marquee.core.localized import Localized
from marquee.core.money import MoneyAttribute
from marquee.investment.models import Participant, Project
from marquee.payments.models import Payout
from marquee.ticketing.models import InvitationCode, Order, PresaleRound, Showtime


class Offering(models.Model):
    """A crowdfunding offering for one project: units, cap, window, promise and perks."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="offerings")
    slug = models.SlugField(max_length=120, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh_hans = models.CharField(_("name (简体)"), max_length=200, blank=True)
    name_zh_hant = models.CharField(_("name (繁體)"), max_length=200, blank=True)
    currency = models.CharField(max_length=3)
    unit_price_minor = models.PositiveBigIntegerField()
    target_units = models.PositiveIntegerField()
    cap_units = models.PositiveIntegerField()
    min_units_per_backer = models.PositiveIntegerField(default=1)
    max_units_per_backer = models.PositiveIntegerField()
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    #: The minimum return promised on the principal, in basis points (500 = 5 %).
    min_return_bp = models.PositiveIntegerField(default=0)
    #: Perk: backers holding at least this many units get ``premiere_tickets`` premiere tickets.
    premiere_min_units = models.PositiveIntegerField(null=True, blank=True)
    premiere_tickets = models.PositiveSmallIntegerField(default=0)
    #: The showtime the premiere tickets are for (investment staff pick one of the title's).
    premiere_showtime = models.ForeignKey(
        Showtime, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    #: The project's "crowdfunding pool" participant in its waterfall: what the pool earns.
    pool_participant = models.OneToOneField(
        Participant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="crowdfunding_offering",
    )
    #: Perk: every backer of a successful offering is invited to this pre-sale round.
    presale_round = models.ForeignKey(
        PresaleRound, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    #: The distribution staff member who linked the round (the invitations are issued as them).
    presale_granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    reserved_units = models.PositiveIntegerField(default=0)
    paid_units = models.PositiveIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    unit_price = MoneyAttribute("unit_price_minor")

    class Meta:
        ordering = ["closes_at", "pk"]
        indexes = [models.Index(fields=["status", "closes_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_price_minor__gt=0), name="offering_unit_price_positive"
            ),
            models.CheckConstraint(
                condition=Q(target_units__gt=0) & Q(cap_units__gte=F("target_units")),
                name="offering_cap_covers_target",
            ),
            models.CheckConstraint(
                condition=Q(min_units_per_backer__gt=0)
                & Q(max_units_per_backer__gte=F("min_units_per_backer"))
                & Q(max_units_per_backer__lte=F("cap_units")),
                name="offering_backer_bounds",
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="offering_closes_after_open"
            ),
            models.CheckConstraint(
                condition=Q(reserved_units__lte=F("cap_units"))
                & Q(paid_units__lte=F("reserved_units")),
                name="offering_within_cap",
            ),
        ]

    def __str__(self) -> str:
        return self.name_en

    name = Localized("name")

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.ACTIVE and self.opens_at <= now < self.closes_at

    def phase(self, now: datetime | None = None) -> str:
        """``upcoming``, ``open``, ``closing`` (past its close, not yet settled) or the status."""
        now = now or timezone.now()
        if self.status != self.Status.ACTIVE:
            return self.status
        if now < self.opens_at:
            return "upcoming"
        return "open" if now < self.closes_at else "closing"

    @property
    def target_minor(self) -> int:
        return self.target_units * self.unit_price_minor

    @property
    def cap_minor(self) -> int:
        return self.cap_units * self.unit_price_minor

    @property
    def raised_minor(self) -> int:
        return self.paid_units * self.unit_price_minor

    @property
    def available_units(self) -> int:
        return self.cap_units - self.reserved_units

    @property
    def progress_bp(self) -> int:
        """Paid units as basis points of the target (10000 = the target reached)."""
        return self.paid_units * 10_000 // self.target_units


class BonusTier(models.Model):
    """A bonus on the return once the title's box office reaches ``threshold_minor``."""

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="bonus_tiers")
    #: Gross box office in the offering's currency.
    threshold_minor = models.PositiveBigIntegerField()
    bonus_bp = models.PositiveIntegerField()

    class Meta:
        ordering = ["offering_id", "threshold_minor"]
        constraints = [
            models.UniqueConstraint(
                fields=["offering", "threshold_minor"], name="bonus_tier_unique_threshold"
            ),
            models.CheckConstraint(condition=Q(bonus_bp__gt=0), name="bonus_tier_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.offering_id}: ≥{self.threshold_minor} +{self.bonus_bp}bp"


class BackerAllowance(models.Model):
    """Units one account holds in an offering (reserved or paid): the per-backer cap's counter."""

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="allowances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    units = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["offering", "user"], name="backer_allowance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.offering_id} · {self.user_id}: {self.units}"


class Pledge(models.Model):
    """A backer's pledge of ``units``: reserved, then paid (in escrow), then refunded or kept.

    ``reserved`` → ``paid`` (payment succeeded) | ``lapsed`` (payment failed,
    reservation expired, or the offering closed first); ``paid`` →
    ``refunded`` when the offering fails. A paid pledge of a successful
    offering stays ``paid``: its money was released to the project.
    """

    class Status(models.TextChoices):
        RESERVED = "reserved", _("Awaiting payment")
        PAID = "paid", _("Paid")
        LAPSED = "lapsed", _("Lapsed")
        REFUNDED = "refunded", _("Refunded")

    offering = models.ForeignKey(Offering, on_delete=models.PROTECT, related_name="pledges")
    backer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pledges"
    )
    units = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    amount_minor = models.PositiveBigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RESERVED)
    expires_at = models.DateTimeField()
    payment_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    amount = MoneyAttribute("amount_minor")

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["offering", "status"]),
            models.Index(fields=["backer", "-created_at"]),
            models.Index(fields=["status", "expires_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(units__gt=0), name="pledge_units_positive"),
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="pledge_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"pledge {self.pk}: {self.units} units of {self.offering_id} ({self.status})"


class PerkGrant(models.Model):
    """A perk earned by a backer of a successful offering."""

    class Kind(models.TextChoices):
        PREMIERE = "premiere", _("Premiere tickets")
        PRESALE = "presale", _("Pre-sale invitation")

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="perks")
    backer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    quantity = models.PositiveSmallIntegerField(default=1)
    invitation = models.ForeignKey(
        InvitationCode, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: Premiere tickets claimed so far: raised by one conditional UPDATE, never past ``quantity``.
    claimed = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["offering_id", "backer_id", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["offering", "backer", "kind"], name="perk_grant_once_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(claimed__lte=F("quantity")), name="perk_grant_claimed_within"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ×{self.quantity} for {self.backer_id} ({self.offering_id})"

    @property
    def unclaimed(self) -> int:
        return self.quantity - self.claimed


class ReturnRun(models.Model):
    """The returns paid to an offering's backers, computed from the title's box office (once)."""

    offering = models.OneToOneField(Offering, on_delete=models.PROTECT, related_name="return_run")
    currency = models.CharField(max_length=3)
    box_office_minor = models.PositiveBigIntegerField()
    rate_bp = models.PositiveIntegerField()
    principal_minor = models.PositiveBigIntegerField()
    total_minor = models.PositiveBigIntegerField()
    as_of = models.DateField()
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    box_office = MoneyAttribute("box_office_minor")
    principal = MoneyAttribute("principal_minor")
    total = MoneyAttribute("total_minor")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(total_minor__gte=F("principal_minor")), name="return_total_covers"
            )
        ]

    def __str__(self) -> str:
        return f"returns of {self.offering_id}: {self.total_minor} {self.currency}"


class ReturnPayout(models.Model):
    """One backer's share of a :class:`ReturnRun` (principal and return, in minor units)."""

    run = models.ForeignKey(ReturnRun, on_delete=models.CASCADE, related_name="payouts")
    backer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    units = models.PositiveIntegerField()
    amount_minor = models.PositiveBigIntegerField()
    #: The money sent (``payments.Payout``, purpose ``crowdfunding_return``).
    payout = models.OneToOneField(
        Payout, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    amount = MoneyAttribute("amount_minor", currency="run.currency")

    class Meta:
        ordering = ["run_id", "backer_id"]
        constraints = [models.UniqueConstraint(fields=["run", "backer"], name="return_payout_once")]

    def __str__(self) -> str:
        return f"{self.backer_id}: {self.amount_minor}"


class PremiereClaim(models.Model):
    """Complimentary premiere tickets a backer claimed on a :class:`PerkGrant`: one zero-priced order.

    ``idempotency_key`` (unique per grant when given) claims once per key.
    """

    grant = models.ForeignKey(PerkGrant, on_delete=models.PROTECT, related_name="claims")
    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="+")
    tickets = models.PositiveSmallIntegerField()
    idempotency_key = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["grant_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="premiere_claim_idempotency",
            ),
            models.CheckConstraint(condition=Q(tickets__gt=0), name="premiere_claim_tickets"),
        ]

    def __str__(self) -> str:
        return f"{self.tickets} premiere tickets on grant {self.grant_id}"


class PayoutAccount(models.Model):
    """Where a backer's returns are paid: a bank account, or back to the method they paid with."""

    class Kind(models.TextChoices):
        BANK = "bank", _("Bank account")
        ORIGINAL = "original", _("Original payment method")

    backer = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    account_name = models.CharField(max_length=100, blank=True)
    bank_name = models.CharField(max_length=100, blank=True)
    account_number = models.CharField(max_length=34, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="original") | Q(account_number__gt=""),
                name="payout_account_bank_number",
            )
        ]

    def __str__(self) -> str:
        return f"{self.backer_id}: {self.kind}"

    @property
    def masked_number(self) -> str:
        """The account number with all but its last four characters hidden."""
        return "•" * max(len(self.account_number) - 4, 0) + self.account_number[-4:]
