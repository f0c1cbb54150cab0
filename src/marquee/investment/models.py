"""The slate: projects the studio invests in, and the history of their stages."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marquee.catalog.models import Title
from marquee.core.localized import pick_localized


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
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name_en"]

    def __str__(self) -> str:
        return self.name_en

    @property
    def name(self) -> str:
        return pick_localized(self, "name")


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
