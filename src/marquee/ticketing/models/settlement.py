"""Settlement rules: the rates per territory and per title."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q

from marquee.catalog.models import Title
from marquee.places.models import Territory


def _rate_range(field: str) -> Q:
    return Q(**{f"{field}__gte": Decimal(0)}) & Q(**{f"{field}__lte": Decimal(1)})


class SettlementRule(models.Model):
    """How a territory splits a day's box office (rates are fractions: 0.05 is 5 %).

    Film fund and taxes come off the gross; the rest (net box office) is
    shared: ``cinema_share`` to the cinema, the remainder to the distributor.
    """

    territory = models.CharField(max_length=2, choices=Territory.choices, unique=True)
    film_fund_rate = models.DecimalField(max_digits=6, decimal_places=5)
    tax_rate = models.DecimalField(max_digits=6, decimal_places=5)
    cinema_share = models.DecimalField(max_digits=6, decimal_places=5)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["territory"]
        constraints = [
            models.CheckConstraint(
                condition=_rate_range("film_fund_rate")
                & _rate_range("tax_rate")
                & _rate_range("cinema_share")
                & Q(film_fund_rate__lte=Decimal(1) - models.F("tax_rate")),
                name="settlement_rule_rates_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.territory}: fund {self.film_fund_rate}, tax {self.tax_rate}, cinema {self.cinema_share}"


class TitleSettlementRule(models.Model):
    """A title's own terms, field by field over its territory's rule.

    ``territory`` empty means every territory; a territory's own row wins over
    it. A rate left empty keeps the territory's.
    """

    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="settlement_rules")
    territory = models.CharField(max_length=2, choices=Territory.choices, blank=True)
    film_fund_rate = models.DecimalField(max_digits=6, decimal_places=5, null=True, blank=True)
    tax_rate = models.DecimalField(max_digits=6, decimal_places=5, null=True, blank=True)
    cinema_share = models.DecimalField(max_digits=6, decimal_places=5, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "territory"]
        constraints = [
            models.UniqueConstraint(
                fields=["title", "territory"], name="title_settlement_rule_unique"
            ),
            models.CheckConstraint(
                condition=(Q(film_fund_rate__isnull=True) | _rate_range("film_fund_rate"))
                & (Q(tax_rate__isnull=True) | _rate_range("tax_rate"))
                & (Q(cinema_share__isnull=True) | _rate_range("cinema_share")),
                name="title_settlement_rule_rates_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.territory or 'all territories'}"
