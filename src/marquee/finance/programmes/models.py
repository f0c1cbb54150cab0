"""Programme, budget lines, commitments and disbursements (written by programme services only)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    FILM = "film_production_distribution", _("Film production and distribution")
    RIGHTS = "rights_acquisition", _("Rights acquisition")
    TV_SERIES = "tv_series", _("TV series")
    CONCERTS = "concerts", _("Concerts")
    VENUES = "venue_collaborations", _("Venue collaborations")
    TALENT = "talent_development", _("Talent development")
    SCHOLARSHIPS = "scholarships", _("Scholarships")


class Programme(models.Model):
    """A fund of ``total_minor`` in ``currency`` over ``years`` fiscal years from ``first_year``."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh_hans = models.CharField(_("name (Simplified Chinese)"), max_length=200)
    name_zh_hant = models.CharField(_("name (Traditional Chinese)"), max_length=200)
    currency = models.CharField(_("currency"), max_length=3)
    total_minor = models.BigIntegerField(_("total"))
    first_year = models.PositiveIntegerField(_("first fiscal year"))
    years = models.PositiveSmallIntegerField(_("years"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(total_minor__gt=0), name="finance_programme_total"),
            models.CheckConstraint(condition=Q(years__gte=1), name="finance_programme_years"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def fiscal_years(self) -> range:
        return range(self.first_year, self.first_year + self.years)


class ProgrammeBudget(models.Model):
    """What one category may commit in one fiscal year, in the programme's currency."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="budgets")
    category = models.CharField(_("category"), max_length=40, choices=Category.choices)
    fiscal_year = models.PositiveIntegerField(_("fiscal year"))
    amount_minor = models.BigIntegerField(_("amount"))

    class Meta:
        verbose_name = _("programme budget")
        verbose_name_plural = _("programme budgets")
        ordering = ["programme_id", "category", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "category", "fiscal_year"], name="finance_budget_unique"
            ),
            models.CheckConstraint(condition=Q(amount_minor__gte=0), name="finance_budget_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}/{self.category}/FY{self.fiscal_year}"


class _Recorded(models.Model):
    """Who recorded a commitment or a payment, and when."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        abstract = True


class Commitment(_Recorded):
    """Part of a category's year reserved for what it funds (a title, a concert, students…).

    ``amount_minor`` is in ``currency``; ``programme_amount_minor`` is the same
    in the programme's currency at the rate of ``date`` (``rate``: programme
    currency per unit), and is what counts against the budget.
    """

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="commitments")
    category = models.CharField(_("category"), max_length=40, choices=Category.choices)
    fiscal_year = models.PositiveIntegerField(_("fiscal year"))
    date = models.DateField(_("date"))
    currency = models.CharField(_("currency"), max_length=3)
    amount_minor = models.BigIntegerField(_("amount"))
    programme_amount_minor = models.BigIntegerField(_("amount (programme currency)"))
    rate = models.DecimalField(_("rate"), max_digits=30, decimal_places=16)
    # What it funds: any row (a title, a venue…) and a label for what is not a row.
    funded_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    funded_id = models.CharField(_("funded object id"), max_length=64, blank=True)
    funded = GenericForeignKey("funded_type", "funded_id")
    funded_label = models.CharField(_("what it funds"), max_length=200)
    memo = models.CharField(_("memo"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0), name="finance_commitment_amount"
            ),
            models.CheckConstraint(
                condition=Q(programme_amount_minor__gt=0),
                name="finance_commitment_programme_amount",
            ),
        ]
        indexes = [models.Index(fields=["programme", "category", "fiscal_year"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category} {self.funded_label}"


class Disbursement(_Recorded):
    """A payment against a commitment, posted to the ledger as ``entry``."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, related_name="disbursements"
    )
    date = models.DateField(_("date"))
    amount_minor = models.BigIntegerField(_("amount"))
    programme_amount_minor = models.BigIntegerField(_("amount (programme currency)"))
    entry = models.OneToOneField(
        "finance.JournalEntry", on_delete=models.PROTECT, related_name="disbursement"
    )

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0), name="finance_disbursement_amount"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} of commitment #{self.commitment_id}"
