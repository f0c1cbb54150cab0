"""Verifying a unit's authenticity code: genuine or forged, what it is, how often it was checked.

The first check registers the code (``first_checked_at``); every check is
counted with one ``UPDATE … SET check_count = check_count + 1`` and recorded
with a digest of where it came from (the network of the checking device, or
the place it names). A code checked from ``LIKELY_COPY_PLACES`` or more
distinct places is flagged as a likely copy: a genuine tag is scanned where
its one owner is; a copied one everywhere its copies went.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from marquee.merch import codes
from marquee.merch.errors import ForgedCode
from marquee.merch.models import CodeCheck, Unit

#: Distinct places from which a code is checked before it is flagged as a likely copy.
LIKELY_COPY_PLACES = 3


@dataclass(frozen=True)
class Verification:
    unit: Unit
    claims: codes.UnitClaims
    previous_checks: int
    distinct_places: int
    first_checked_at: dt.datetime
    likely_copy: bool


def place_digest(place: str) -> str:
    """What is stored about where a check came from: a digest, never the address itself."""
    return hashlib.sha256(place.encode("utf-8", "replace")).hexdigest()[:32]


def verify_code(*, code: str, place: str, now: dt.datetime | None = None) -> Verification:
    """Check ``code`` from ``place`` (an IP network or a named place) and register the check.

    Raises :class:`ForgedCode` (``forged_code``, 400) for a code we did not sign,
    and for a signed code whose unit is unknown or was refunded (its tag is void).
    """
    claims = codes.verify_unit(code)
    now = now or timezone.now()
    digest = place_digest(place or "unknown")
    with transaction.atomic():
        unit = (
            Unit.objects.select_related("product__licence__title", "product__merchant")
            .filter(pk=claims.unit_id, product_id=claims.product_id, void=False)
            .first()
        )
        if unit is None or unit.code != code.strip():
            raise ForgedCode("The code's unit is unknown or void.")
        previous = unit.check_count
        Unit.objects.filter(pk=unit.pk).update(check_count=F("check_count") + 1)
        Unit.objects.filter(pk=unit.pk, first_checked_at__isnull=True).update(first_checked_at=now)
        CodeCheck.objects.create(unit=unit, place=digest, checked_at=now)
        places = CodeCheck.objects.filter(unit=unit).values("place").distinct().count()
        first = Unit.objects.values_list("first_checked_at", flat=True).get(pk=unit.pk)
    return Verification(
        unit=unit,
        claims=claims,
        previous_checks=previous,
        distinct_places=places,
        first_checked_at=first,
        likely_copy=places >= LIKELY_COPY_PLACES,
    )


def request_place(meta: dict, declared: str = "") -> str:
    """The place of a check: what the client declares, else its /24 (IPv4) or /48 (IPv6)."""
    if declared:
        return "declared:" + declared[:100]
    ip = str(meta.get("REMOTE_ADDR", "") or "")
    if ":" in ip:
        return "ip6:" + ":".join(ip.split(":")[:3])
    return "ip4:" + ".".join(ip.split(".")[:3])
