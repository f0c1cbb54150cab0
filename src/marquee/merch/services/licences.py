"""Merchants and licences: who may sell which goods of which title, where, and until when."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from marquee.accounts.models import Organisation, User
from marquee.catalog.models import Title
from marquee.core.errors import CoreErrorCode, PermissionDenied
from marquee.core.text import clean_text
from marquee.merch import events, permissions
from marquee.merch.errors import MerchError, MerchErrorCode, MerchNotFound
from marquee.merch.models import Licence, LicenceCategory, Merchant
from marquee.merch.services._common import MAX_AMOUNT_MINOR, check_category, check_currency, whole
from marquee.places.models import Territory
from marquee.places.queries import territory_codes_within


def create_merchant(
    *,
    organisation: Organisation,
    names: Sequence[str],
    currencies: Sequence[str],
    commission_bp: int = 800,
    slug: str = "",
) -> Merchant:
    """Register ``organisation`` as a merchant selling in ``currencies`` (platform set-up)."""
    en, hans, hant = ([*list(names), "", "", ""])[:3]
    en = clean_text(en, field="name_en", max_length=120)
    if not en or not currencies:
        raise MerchError(
            MerchErrorCode.INVALID_LICENCE,
            "A merchant needs a name and a currency.",
            reason="name and currencies",
        )
    codes = sorted({check_currency(c) for c in currencies})
    if not whole(commission_bp) or not 0 <= commission_bp <= 10_000:
        raise MerchError(MerchErrorCode.INVALID_ROYALTY_RATE, "Invalid commission.")
    return Merchant.objects.create(
        organisation=organisation,
        slug=slug or slugify(organisation.slug)[:80],
        name_en=en,
        name_zh_hans=clean_text(hans, field="name_zh_hans", max_length=120),
        name_zh_hant=clean_text(hant, field="name_zh_hant", max_length=120),
        currencies=codes,
        commission_bp=commission_bp,
    )


def _check_terms(
    *,
    territory: str,
    starts_on: Any,
    ends_on: Any,
    minimum_guarantee_minor: Any,
    advance_minor: Any,
    categories: Mapping[str, Any],
) -> dict[str, int]:
    if territory not in Territory.values:
        raise MerchError(MerchErrorCode.UNKNOWN_TERRITORY, f"Unknown territory {territory!r}.")
    if (
        not isinstance(starts_on, dt.date)
        or not isinstance(ends_on, dt.date)
        or ends_on < starts_on
    ):
        raise MerchError(
            MerchErrorCode.INVALID_LICENCE, "The term ends before it starts.", reason="term"
        )
    for name, value in (("minimum guarantee", minimum_guarantee_minor), ("advance", advance_minor)):
        if not whole(value) or not 0 <= value <= MAX_AMOUNT_MINOR:
            raise MerchError(
                MerchErrorCode.INVALID_LICENCE, f"Invalid {name} {value!r}.", reason=name
            )
    if not categories:
        raise MerchError(
            MerchErrorCode.INVALID_LICENCE,
            "A licence covers at least one category.",
            reason="categories",
        )
    rates = {}
    for category, bp in categories.items():
        check_category(category)
        if not whole(bp) or not 0 <= bp <= 10_000:
            raise MerchError(MerchErrorCode.INVALID_ROYALTY_RATE, f"Invalid rate {bp!r}.")
        rates[category] = bp
    return rates


def grant_licence(
    *,
    actor: User | None,
    title: Title,
    merchant: Merchant,
    territory: str,
    starts_on: dt.date,
    ends_on: dt.date,
    currency: str,
    categories: Mapping[str, int],
    minimum_guarantee_minor: int = 0,
    advance_minor: int = 0,
    reference: str = "",
) -> Licence:
    """The studio licenses ``title`` to ``merchant``: categories with their royalty rates
    (basis points of net sales), a territory, a term, a minimum guarantee and an advance.

    Rights staff and admins only (``actor=None`` is the platform itself: demo, set-up).
    Publishes ``merch.licence_signed``; the advance the merchant pays is posted from it.
    """
    if actor is not None and not permissions.is_licensor(actor):
        raise PermissionDenied(CoreErrorCode.FORBIDDEN, "Only the licensor grants licences.")
    currency = check_currency(currency)
    if currency not in merchant.currencies:
        raise MerchError(MerchErrorCode.CURRENCY_NOT_SOLD, "The merchant does not sell in it.")
    rates = _check_terms(
        territory=territory,
        starts_on=starts_on,
        ends_on=ends_on,
        minimum_guarantee_minor=minimum_guarantee_minor,
        advance_minor=advance_minor,
        categories=categories,
    )
    reference = clean_text(reference, field="reference", max_length=40)
    with transaction.atomic():
        licence = Licence.objects.create(
            reference=reference or f"pending-{uuid.uuid4().hex[:16]}",
            title=title,
            merchant=merchant,
            territory=territory,
            starts_on=starts_on,
            ends_on=ends_on,
            currency=currency,
            minimum_guarantee_minor=minimum_guarantee_minor,
            advance_minor=advance_minor,
            created_by=actor,
        )
        if not reference:
            licence.reference = f"LIC-{starts_on:%Y}-{licence.pk:05d}"
            licence.save(update_fields=["reference"])
        LicenceCategory.objects.bulk_create(
            [LicenceCategory(licence=licence, category=c, royalty_bp=bp) for c, bp in rates.items()]
        )
        events.publish(
            events.LICENCE_SIGNED,
            aggregate="merch.licence",
            aggregate_id=licence.pk,
            payload={
                "licence_id": licence.pk,
                "merchant_id": merchant.pk,
                "title_id": title.pk,
                "currency": currency,
                "advance_minor": advance_minor,
                "day": starts_on.isoformat(),
            },
        )
    return licence


def licence_covers(licence: Licence, *, category: str, territory: str, on: dt.date) -> None:
    """Raise unless ``licence`` covers selling a ``category`` good in ``territory`` on ``on``."""
    if not LicenceCategory.objects.filter(licence=licence, category=category).exists():
        raise MerchError(MerchErrorCode.CATEGORY_NOT_LICENSED, f"{category} is not licensed.")
    if not licence.starts_on <= on <= licence.ends_on:
        raise MerchError(MerchErrorCode.OUTSIDE_TERM, f"Licence not in force on {on}.")
    if territory and territory not in territory_codes_within(licence.territory):
        raise MerchError(MerchErrorCode.TERRITORY_NOT_LICENSED, f"{territory} is not licensed.")


def get_licence(licence_id: int) -> Licence:
    licence = Licence.objects.select_related("merchant", "title").filter(pk=licence_id).first()
    if licence is None:
        raise MerchNotFound(MerchErrorCode.LICENCE_NOT_FOUND, f"No licence {licence_id}.")
    return licence
