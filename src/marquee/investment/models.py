"""The slate: projects the studio invests in, and the history of their stages."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marquee.accounts.models import Organisation
from marquee.catalog.models import Title
from marquee.core.localized import Localized
from marquee.core.money import MoneyAttribute


class Project(models.Model):
    """A film, series, concert or venue collaboration on the slate.

    Linked to a catalog title once one exists. The stage moves forward through
    the services only (each change is a :class:`StageChange`).
    """

    class Kind(models.TextChoices):
        FILM = "film", _("Film")
        SERIES = "series", _("TV series")
        CONCERT = "concert", _("Concert")
        VENUE = "venue", _("Venue collaboration")

    class Stage(models.TextChoices):
        DEVELOPMENT = "development", _("Development")
        PRE_PRODUCTION = "pre_production", _("Pre-production")
        PRODUCTION = "production", _("Production")
        POST_PRODUCTION = "post_production", _("Post-production")
        RELEASE = "release", _("Release")
        CANCELLED = "cancelled", _("Cancelled")

    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.FILM)
    name_en = models.CharField(_("name (English)"), max_length=300)
    name_zh_hans = models.CharField(_("name (简体)"), max_length=300, blank=True)
    name_zh_hant = models.CharField(_("name (繁體)"), max_length=300, blank=True)
    title = models.ForeignKey(
        Title,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        help_text=_("The catalog title, once one exists."),
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.DEVELOPMENT
    )
    #: The currency the budget is reported in (lines may be in any currency).
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    #: Σ of the participants' stakes in basis points; claimed by a conditional UPDATE.
    stakes_bp = models.PositiveIntegerField(default=0)
    logline = models.CharField(_("logline"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name_en"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stakes_bp__lte=10000), name="investment_project_stakes_le_100"
            )
        ]

    def __str__(self) -> str:
        return self.name_en

    name = Localized("name")


class StageChange(models.Model):
    """One move of a project from a stage to the next: who and when."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=20, choices=Project.Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Project.Stage.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField()
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["project_id", "changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.from_stage} → {self.to_stage}"


class BudgetCategory(models.TextChoices):
    """The categories a production budget is drawn up in."""

    ABOVE_THE_LINE = "above_the_line", _("Above the line")
    BELOW_THE_LINE = "below_the_line", _("Below the line")
    POST = "post", _("Post-production")
    PRINTS_AND_ADVERTISING = "p_and_a", _("Prints and advertising")
    CONTINGENCY = "contingency", _("Contingency")


class BudgetLine(models.Model):
    """What a project plans to spend in one category, in one currency.

    A category may have lines in several currencies (a Hollywood shoot in US$,
    post-production in Hong Kong in HK$). For the variance each line is worth
    its amount in the project currency at the rate of ``as_of`` (the day the
    budget was set).
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(_("category"), max_length=20, choices=BudgetCategory.choices)
    currency = models.CharField(_("currency"), max_length=3)
    amount_minor = models.BigIntegerField(_("amount"))
    as_of = models.DateField(_("as of"))
    amount = MoneyAttribute("amount_minor")

    class Meta:
        ordering = ["project_id", "category", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "category", "currency"], name="investment_budget_line_unique"
            ),
            models.CheckConstraint(
                condition=Q(amount_minor__gte=0), name="investment_budget_line_amount"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.category} {self.amount_minor} {self.currency}"


class CostEntry(models.Model):
    """An actual cost of a project, posted to the ledger in the same transaction.

    ``idempotency_key`` (unique per project when given) makes a retried request
    record the cost once, whichever door it came through.
    """

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="costs")
    category = models.CharField(_("category"), max_length=20, choices=BudgetCategory.choices)
    date = models.DateField(_("date"))
    currency = models.CharField(_("currency"), max_length=3)
    amount_minor = models.BigIntegerField(_("amount"))
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    journal_entry = models.ForeignKey(
        "finance.JournalEntry", on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    amount = MoneyAttribute("amount_minor")

    class Meta:
        ordering = ["project_id", "date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="investment_cost_idempotency",
            ),
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="investment_cost_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.category} {self.amount_minor} {self.currency}"


class Participant(models.Model):
    """Someone paid by a project's waterfall: the studio, a partner, a crowdfunding pool, talent.

    ``stake_bp`` is the share of the residual in basis points (10000 = 100 %);
    the project's stakes never add up to more than 100 % (a conditional UPDATE
    of :attr:`Project.stakes_bp` decides). Partner accounts read the
    statements of the participants linked to their organisation.
    """

    class Kind(models.TextChoices):
        STUDIO = "studio", _("The studio")
        PARTNER = "partner", _("Partner")
        CROWDFUNDING = "crowdfunding", _("Crowdfunding pool")
        TALENT = "talent", _("Talent")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="participants")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stake_bp = models.PositiveIntegerField(_("stake (basis points)"), default=0)
    #: What the waterfall has paid it (Σ payouts) and what has been paid out of the
    #: payable since, in the waterfall currency; a payment is claimed against the two.
    earned_minor = models.BigIntegerField(default=0)
    paid_minor = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["project_id", "-stake_bp", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="investment_participant_name"),
            models.CheckConstraint(
                condition=Q(stake_bp__lte=10000), name="investment_participant_stake"
            ),
            models.CheckConstraint(
                condition=Q(paid_minor__gte=0, paid_minor__lte=models.F("earned_minor")),
                name="investment_participant_paid_le_earned",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def stake_percent(self) -> str:
        """The stake as a per cent string ("37.5")."""
        return format_bp(self.stake_bp)


class Waterfall(models.Model):
    """A project's waterfall: its currency and how far each tier has been filled.

    The tiers live in :class:`WaterfallVersion` rows; ``state`` is the engine's
    running state (gross received, and per tier key what flowed in and what it
    paid). Receipts lock this row, so they apply one at a time, in order.
    """

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="waterfall")
    currency = models.CharField(_("currency"), max_length=3)
    version = models.PositiveIntegerField(_("current version"), default=0)
    state = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"Waterfall of {self.project_id} v{self.version}"


class WaterfallVersion(models.Model):
    """One version of a waterfall's tiers: data, validated by the engine before it is stored."""

    waterfall = models.ForeignKey(Waterfall, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    tiers = models.JSONField()
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["waterfall_id", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["waterfall", "version"], name="investment_waterfall_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.waterfall_id} v{self.version}"


class Receipt(models.Model):
    """Revenue received into a waterfall: a day's box-office share, a licence fee, or typed in.

    ``source_key`` is unique: the outbox event (and title) it came from, so a
    replayed event adds nothing. ``amount_minor`` is in the waterfall currency
    (converted at ``received_on``'s rate); the original is kept beside it.
    """

    class Source(models.TextChoices):
        BOX_OFFICE = "box_office", _("Box office")
        LICENCE = "licence", _("Licence fee")
        MANUAL = "manual", _("Other revenue")

    waterfall = models.ForeignKey(Waterfall, on_delete=models.PROTECT, related_name="receipts")
    version = models.PositiveIntegerField()
    source = models.CharField(max_length=20, choices=Source.choices)
    source_key = models.CharField(max_length=200, unique=True)
    received_on = models.DateField()
    description = models.CharField(max_length=300, blank=True)
    original_currency = models.CharField(max_length=3)
    original_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    amount_minor = models.BigIntegerField()
    journal_entry = models.ForeignKey(
        "finance.JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    amount = MoneyAttribute("amount_minor")
    original = MoneyAttribute("original_minor", currency="original_currency")

    class Meta:
        ordering = ["waterfall_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__gte=0), name="investment_receipt_amount"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.amount_minor} {self.currency}"


class Payout(models.Model):
    """What one receipt paid one participant at one tier. Σ over a receipt = its amount."""

    receipt = models.ForeignKey(Receipt, on_delete=models.PROTECT, related_name="payouts")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="payouts")
    tier_key = models.CharField(max_length=60)
    tier_label = models.CharField(max_length=200)
    amount_minor = models.BigIntegerField()
    amount = MoneyAttribute("amount_minor", currency="receipt.currency")

    class Meta:
        ordering = ["receipt_id", "id"]
        indexes = [models.Index(fields=["participant", "receipt"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="investment_payout_amount")
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.tier_key} {self.amount_minor}"


class ParticipantPayment(models.Model):
    """Money paid to a participant out of what the waterfall owes it (Dr 2610 / Cr 1010).

    ``idempotency_key`` (unique per participant when given) pays once per key.
    """

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="payments")
    date = models.DateField()
    currency = models.CharField(max_length=3)
    amount_minor = models.BigIntegerField()
    journal_entry = models.ForeignKey(
        "finance.JournalEntry", on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    amount = MoneyAttribute("amount_minor")

    class Meta:
        ordering = ["participant_id", "date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="investment_participant_payment_key",
            ),
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0), name="investment_participant_payment_amount"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.amount_minor} {self.currency}"


def format_bp(bp: int) -> str:
    """Basis points as a per cent string: 3750 → "37.5", 10000 → "100"."""
    whole, frac = divmod(bp, 100)
    return f"{whole}.{frac:02d}".rstrip("0").rstrip(".")
