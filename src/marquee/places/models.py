"""Territories and cities.

:class:`Territory` lists the codes a place is stored under (release dates,
settlement rules, a city's territory). :class:`TerritoryNode` arranges them in a
small tree — the world at the root, mainland China, the Hong Kong and Macao SARs,
Taiwan and the United States under it, the cities under their territory — so a
right or a release for a territory can be asked what it covers
(:func:`marquee.places.queries.territory_codes_within`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from marquee.core.localized import Localized


class Territory(models.TextChoices):
    CN = "CN", _("Mainland China")
    HK = "HK", _("Hong Kong")
    MO = "MO", _("Macau")
    TW = "TW", _("Taiwan")
    US = "US", _("United States")
    WW = "WW", _("Worldwide")


class TerritoryNode(models.Model):
    """One territory in the tree; ``parent`` is empty only for the world.

    ``iso_code`` is the ISO 3166-1 alpha-2 code of a country or region (``""``
    for the world, which ISO 3166 has none for); ``code`` is what other tables
    store and matches :class:`Territory`.
    """

    code = models.CharField(max_length=2, choices=Territory.choices, unique=True)
    iso_code = models.CharField(max_length=2, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    name_en = models.CharField(max_length=80)
    name_zh_hans = models.CharField(max_length=80, blank=True)
    name_zh_hant = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(parent__isnull=False) | models.Q(code="WW"),
                name="territory_node_only_world_is_root",
            ),
        ]

    def __str__(self) -> str:
        return self.name_en

    name = Localized("name")


class City(models.Model):
    """A city of the territory tree's leaves; venues and pre-sale rounds point here.

    The table is still ``venues_city`` (the model moved here from ``venues``
    without moving its rows).
    """

    code = models.SlugField(max_length=40, unique=True)
    name_en = models.CharField(max_length=80)
    name_zh_hans = models.CharField(max_length=80, blank=True)
    name_zh_hant = models.CharField(max_length=80, blank=True)
    territory = models.CharField(max_length=2, choices=Territory.choices)
    time_zone = models.CharField(max_length=64)
    currency = models.CharField(max_length=3)

    class Meta:
        db_table = "venues_city"
        ordering = ["name_en"]
        verbose_name_plural = _("cities")

    def __str__(self) -> str:
        return self.name_en

    name = Localized("name")
