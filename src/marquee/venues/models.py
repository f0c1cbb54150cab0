"""Chains, venues (cinemas and live venues), halls and their seats.

A hall's layout is a grid of ``rows`` × ``columns`` cells; each :class:`Seat`
occupies one cell. Cells without a seat are gaps; ``aisles_after_rows`` and
``aisles_after_columns`` mark the walkways drawn between cells. The JSON
format that imports and exports a layout is documented in ``docs/layouts.md``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marquee.accounts.models import Organisation
from marquee.core.localized import Localized
from marquee.core.money import MoneyAttribute
from marquee.places.models import City


class Chain(models.Model):
    """A cinema chain (exhibitor) or a live-venue operator; owned by one organisation."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="chain"
    )
    name_en = models.CharField(max_length=200, unique=True)
    name_zh_hans = models.CharField(max_length=200, blank=True)
    name_zh_hant = models.CharField(max_length=200, blank=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name_en"]

    def __str__(self) -> str:
        return self.name_en

    name = Localized("name")


class Venue(models.Model):
    class Kind(models.TextChoices):
        CINEMA = "cinema", _("Cinema")
        LIVE = "live", _("Live venue")

    chain = models.ForeignKey(Chain, on_delete=models.PROTECT, related_name="venues")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CINEMA)
    slug = models.SlugField(max_length=120, unique=True)
    name_en = models.CharField(max_length=200)
    name_zh_hans = models.CharField(max_length=200, blank=True)
    name_zh_hant = models.CharField(max_length=200, blank=True)
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="venues")
    address_en = models.CharField(max_length=300, blank=True)
    address_zh_hans = models.CharField(max_length=300, blank=True)
    address_zh_hant = models.CharField(max_length=300, blank=True)
    district_en = models.CharField(max_length=100, blank=True)
    district_zh_hans = models.CharField(max_length=100, blank=True)
    district_zh_hant = models.CharField(max_length=100, blank=True)
    # WGS 84 degrees, for "cinemas near me" (distances are computed, never stored).
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    time_zone = models.CharField(max_length=64)
    currency = models.CharField(max_length=3)
    # Refund and exchange rule of the venue (ticketing reads these).
    refund_cutoff_minutes = models.PositiveIntegerField(default=60)
    refund_fee_minor = models.PositiveIntegerField(default=0)
    exchange_allowed = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)

    refund_fee = MoneyAttribute("refund_fee_minor")

    class Meta:
        ordering = ["city__name_en", "name_en"]
        indexes = [models.Index(fields=["city", "is_active"])]

    def __str__(self) -> str:
        return self.name_en

    name = Localized("name")

    address = Localized("address")

    district = Localized("district")


class Hall(models.Model):
    class ScreenSide(models.TextChoices):
        TOP = "top", _("Top (screen above row 1)")
        BOTTOM = "bottom", _("Bottom")
        LEFT = "left", _("Left")
        RIGHT = "right", _("Right")

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="halls")
    name = models.CharField(max_length=100)
    rows = models.PositiveSmallIntegerField()
    columns = models.PositiveSmallIntegerField()
    screen_side = models.CharField(
        max_length=10, choices=ScreenSide.choices, default=ScreenSide.TOP
    )
    aisles_after_rows = models.JSONField(default=list, blank=True)
    aisles_after_columns = models.JSONField(default=list, blank=True)
    formats = models.JSONField(default=list, blank=True, help_text=_("e.g. 2D, 3D, IMAX, DOLBY"))
    seat_count = models.PositiveIntegerField(default=0)
    layout_version = models.PositiveIntegerField(default=1)
    # Set by ticketing (``venues.services.lock_hall_layout``) once seat inventory
    # refers to this hall's seats; a locked layout can no longer be replaced.
    layout_locked = models.BooleanField(
        default=False,
        help_text=_("Set once tickets can be sold for this hall; the layout is then frozen."),
    )

    class Meta:
        ordering = ["venue", "name"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "name"], name="hall_unique_name"),
            models.CheckConstraint(
                condition=models.Q(rows__gte=1) & models.Q(columns__gte=1),
                name="hall_grid_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.venue} · {self.name}"


class SeatType(models.TextChoices):
    STANDARD = "standard", _("Standard")
    COUPLE = "couple", _("Couple")
    VIP = "vip", _("VIP")
    WHEELCHAIR = "wheelchair", _("Wheelchair space")
    COMPANION = "companion", _("Companion")


#: The longest row label or seat number a seat code may carry.
MAX_SEAT_PART = 10


def seat_code(row_label: str, number: str) -> str:
    """The compact, language-neutral seat code: ``"5-8"`` (the one formula; see :func:`parse_seat_code`)."""
    return f"{row_label}-{number}"


def seat_label(row_label: str, number: str) -> str:
    """The label audiences see, in the Chinese cinema convention: ``"5排8座"``."""
    return f"{row_label}排{number}座"


def display_seat_label(row_label: str, number: str) -> str:
    """The seat as a person reads it in the active language: "Row 5 Seat 8" / "5排8座".

    :func:`seat_label` stays the one stored, language-neutral label (APIs, the
    door's records); pages show this one.
    """
    return gettext("Row %(row)s Seat %(number)s") % {"row": row_label, "number": number}


def parse_seat_code(code: object) -> tuple[str, str] | None:
    """``"5-8"`` → ``("5", "8")``; ``None`` for anything that is not a seat code."""
    if not isinstance(code, str):
        return None
    row_label, sep, number = code.strip().rpartition("-")
    if (
        not sep
        or not row_label
        or not number
        or len(row_label) > MAX_SEAT_PART
        or len(number) > MAX_SEAT_PART
    ):
        return None
    return row_label, number


class Seat(models.Model):
    """One seat of a hall's layout at grid cell (``row``, ``column``), both 0-based."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="seats")
    row = models.PositiveSmallIntegerField()
    column = models.PositiveSmallIntegerField()
    row_label = models.CharField(max_length=10)
    number = models.CharField(max_length=10)
    kind = models.CharField(max_length=12, choices=SeatType.choices, default=SeatType.STANDARD)
    partner = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The other half of a couple pair."),
    )

    class Meta:
        ordering = ["hall", "row", "column"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "row", "column"], name="seat_unique_cell"),
            models.UniqueConstraint(
                fields=["hall", "row_label", "number"], name="seat_unique_label"
            ),
            models.CheckConstraint(
                condition=~models.Q(partner=models.F("pk")), name="seat_not_own_partner"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The label audiences see, in the Chinese cinema convention: 5排8座."""
        return seat_label(self.row_label, self.number)

    @property
    def display_label(self) -> str:
        """The label in the active language (:func:`display_seat_label`)."""
        return display_seat_label(self.row_label, self.number)

    @property
    def code(self) -> str:
        """A compact, language-neutral seat code: ``5-8``."""
        return seat_code(self.row_label, self.number)
