"""The profile a moviegoer gives: an age band and a gender, both optional."""

from __future__ import annotations

from django.db import transaction

from marquee.accounts.models import User
from marquee.marketing.errors import MarketingError, MarketingErrorCode
from marquee.marketing.models import AgeBand, AudienceProfile, Gender


def set_profile(*, user: User, age_band: str = "", gender: str = "") -> AudienceProfile:
    """Save ``user``'s own answers ("" = rather not say); ``invalid_profile`` for others."""
    age_band, gender = age_band or "", gender or ""
    if age_band not in ("", *AgeBand.values) or gender not in ("", *Gender.values):
        raise MarketingError(
            MarketingErrorCode.INVALID_PROFILE,
            "Choose an age band and a gender from the lists, or leave them empty.",
        )
    with transaction.atomic():
        profile, _ = AudienceProfile.objects.update_or_create(
            user=user, defaults={"age_band": age_band, "gender": gender}
        )
    return profile
