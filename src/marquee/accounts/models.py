"""Users, organisations, memberships with roles, and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a member may do on behalf of an organisation.

    A moviegoer needs no membership: every signed-up account is one.
    """

    MOVIEGOER = "moviegoer", _("Moviegoer")
    CINEMA_OPERATOR = "cinema_operator", _("Cinema operator")
    DISTRIBUTION = "distribution", _("Distribution & marketing staff")
    INVESTMENT = "investment", _("Investment & production staff")
    RIGHTS = "rights", _("Rights staff")
    FINANCE = "finance", _("Finance staff")
    MERCHANT = "merchant", _("Merchant")
    PARTNER = "partner", _("Partner / investor")
    ADMIN = "admin", _("Administrator")


STAFF_ROLES = frozenset({Role.DISTRIBUTION, Role.INVESTMENT, Role.RIGHTS, Role.FINANCE, Role.ADMIN})


class User(AbstractUser):
    """A person. Email is the login's second key and must be unique when set."""

    email = models.EmailField(_("email address"), unique=True, null=True, blank=True)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    preferred_language = models.CharField(max_length=10, blank=True)
    home_city = models.CharField(max_length=50, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    def clean(self) -> None:
        super().clean()
        # AbstractUser.clean() normalises a missing email to "", which would
        # collide on the unique index with the next account without one.
        self.email = self.email or None


class Organisation(models.Model):
    class Kind(models.TextChoices):
        STUDIO = "studio", _("Studio")
        EXHIBITOR = "exhibitor", _("Exhibitor chain")
        MERCHANT = "merchant", _("Merchant")
        PARTNER = "partner", _("Partner")
        PLATFORM = "platform", _("Platform")

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    slug = models.SlugField(max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role within an organisation; one user may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            ),
            models.CheckConstraint(
                condition=~models.Q(role="moviegoer"), name="membership_not_moviegoer"
            ),
        ]
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} @ {self.organisation}"


class ApiToken(models.Model):
    """A per-user API token. Only a SHA-256 digest is stored; revoke by timestamp."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
