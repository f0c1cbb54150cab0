"""Titles (films and series), companies and their credits."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from marquee.accounts.models import Organisation
from marquee.core.localized import Localized
from marquee.places.models import Territory


class Company(models.Model):
    class Role(models.TextChoices):
        STUDIO = "studio", _("Studio")
        DISTRIBUTOR = "distributor", _("Distributor")
        EXHIBITOR = "exhibitor", _("Exhibitor")
        CO_FINANCIER = "co_financier", _("Co-financier")
        PLATFORM = "platform", _("Platform")
        MERCHANT = "merchant", _("Merchant")

    name_en = models.CharField(_("name (English)"), max_length=200, unique=True)
    name_zh_hans = models.CharField(_("name (简体)"), max_length=200, blank=True)
    name_zh_hant = models.CharField(_("name (繁體)"), max_length=200, blank=True)
    slug = models.SlugField(max_length=80, unique=True)
    country = models.CharField(max_length=2, blank=True)
    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="company",
        help_text=_("The organisation that acts for this company on the platform, if any."),
    )

    class Meta:
        ordering = ["name_en"]
        verbose_name_plural = _("companies")

    def __str__(self) -> str:
        return self.name_en

    name = Localized("name")


class CompanyRole(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Company.Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "role"], name="company_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.role}"


class Genre(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name_en = models.CharField(max_length=60)
    name_zh_hans = models.CharField(max_length=60, blank=True)
    name_zh_hant = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_en

    name = Localized("name")


class Title(models.Model):
    class Kind(models.TextChoices):
        FILM = "film", _("Film")
        SERIES = "series", _("Series")

    class HKClassification(models.TextChoices):
        I = "I", "I"  # noqa: E741
        IIA = "IIA", "IIA"
        IIB = "IIB", "IIB"
        III = "III", "III"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FILM)
    slug = models.SlugField(max_length=120, unique=True)
    original_title = models.CharField(max_length=300)
    original_language = models.CharField(max_length=10, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_zh_hans = models.CharField(_("title (简体)"), max_length=300, blank=True)
    title_zh_hant = models.CharField(_("title (繁體)"), max_length=300, blank=True)
    synopsis_en = models.TextField(blank=True)
    synopsis_zh_hans = models.TextField(blank=True)
    synopsis_zh_hant = models.TextField(blank=True)
    runtime_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    episodes = models.PositiveSmallIntegerField(null=True, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    genres = models.ManyToManyField(Genre, blank=True, related_name="titles")
    languages = models.JSONField(default=list, blank=True, help_text=_("Spoken language codes"))
    hk_classification = models.CharField(max_length=3, choices=HKClassification.choices, blank=True)
    poster = models.ImageField(upload_to="posters/", blank=True)
    trailer_url = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("An https link to the trailer; shown as a link."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title_en"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(runtime_minutes__isnull=True) | models.Q(runtime_minutes__gt=0),
                name="title_runtime_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(episodes__isnull=True) | models.Q(episodes__gt=0),
                name="title_episodes_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title_en

    title = Localized("title")

    synopsis = Localized("synopsis")


class ReleaseDate(models.Model):
    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="release_dates")
    territory = models.CharField(max_length=2, choices=Territory.choices)
    date = models.DateField()

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["title", "territory"], name="release_unique_territory")
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.territory} {self.date}"


class Credit(models.Model):
    class Role(models.TextChoices):
        PRODUCER = "producer", _("Producer")
        CO_PRODUCER = "co_producer", _("Co-producer")
        CO_FINANCIER = "co_financier", _("Co-financier")
        DISTRIBUTOR = "distributor", _("Distributor")

    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="credits")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="credits")
    role = models.CharField(max_length=20, choices=Role.choices)
    territory = models.CharField(max_length=2, choices=Territory.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["title", "company", "role", "territory"], name="credit_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.company} · {self.role} · {self.title}"
