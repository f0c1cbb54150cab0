"""The shop's pieces on other pages: a film's official goods, the bundle after a ticket."""

from __future__ import annotations

from typing import Any

from django import template

from marquee.merch import queries

register = template.Library()

#: Goods shown on a film page or beside a ticket order.
SHOWN = 8


@register.inclusion_tag("web/merch/includes/goods.html")
def film_goods(film: Any, bundle_order: Any = None) -> dict[str, Any]:
    """The title's official goods on sale; with a paid ticket order, its bundle prices."""
    products = list(queries.products_on_sale(title_id=film.pk)[:SHOWN])
    return {
        "products": products,
        "bundle_order": bundle_order,
        "has_bundle": any(p.bundle_price_minor for p in products),
    }
