"""Template helpers of the people-facing pages: money, venue-local time, names in the visitor's language."""

from __future__ import annotations

import base64
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from django import template
from django.templatetags.tz import do_timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from marquee.core.errors import DomainError
from marquee.core.money import Money, babel_locale, format_money

register = template.Library()

#: Language codes Babel has no name for.
_EXTRA_LANGUAGE_NAMES = {"cmn": _("Mandarin"), "zh-cmn": _("Mandarin")}


@register.filter
def money(amount: int | Money | None, currency: str = "") -> str:
    """``{{ 4500|money:"CNY" }}`` or ``{{ some_money|money }}`` → ``CN¥45.00`` / ``¥45.00``.

    Formatted for the active language (Babel, through :func:`format_money`).
    """
    if isinstance(amount, Money):
        return format_money(amount, get_language())
    if amount is None or not currency:
        return ""
    try:
        return format_money(Money(int(amount), currency), get_language())
    except (DomainError, TypeError, ValueError):
        return f"{amount} {currency}"


@register.filter
def percent(rate) -> str:
    """A Decimal rate as a percentage in the active language (``0.033`` → ``3.3%``)."""
    from babel.numbers import format_percent

    try:
        return format_percent(rate, format="#,##0.###%", locale=babel_locale(get_language()))
    except (TypeError, ValueError, ArithmeticError):
        return ""


@register.filter
def in_zone(value: datetime | None, zone: str):
    """An aware datetime shown in ``zone`` (the venue's), however the page's zone is set.

    Chain it into ``date``: ``{{ showtime.starts_at|in_zone:venue.time_zone|date:"H:i" }}``.
    """
    if value is None:
        return ""
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return value
    return do_timezone(value, zone)


@register.filter
def language_name(code: str | None) -> str:
    """An ISO 639 language code as a name in the visitor's language (``yue`` → 粤语)."""
    if not code:
        return ""
    if code.lower() in _EXTRA_LANGUAGE_NAMES:
        return str(_EXTRA_LANGUAGE_NAMES[code.lower()])
    try:
        names = babel_locale(get_language()).languages
    except (ValueError, TypeError):
        names = Locale("en").languages
    base = code.replace("-", "_")
    return names.get(base) or names.get(base.split("_")[0]) or code


@register.filter
def skeleton(value, pattern: str = "MMMd") -> str:
    """A date in the visitor's language from a CLDR skeleton (``MMMd``: Nov 22 / 11月22日)."""
    from babel.dates import format_skeleton

    if value is None:
        return ""
    try:
        return format_skeleton(pattern, value, locale=babel_locale(get_language()))
    except (TypeError, ValueError, KeyError):
        return str(value)


@register.filter
def minutes_seconds(seconds: int | None) -> str:
    """``125`` → ``2:05`` (for the hold countdown)."""
    total = max(int(seconds or 0), 0)
    return f"{total // 60}:{total % 60:02d}"


@register.filter
def data_uri(payload: bytes | None, mime: str = "image/svg+xml") -> str:
    """Bytes as a ``data:`` URI (QR codes drawn on the server, no extra request)."""
    if not payload:
        return ""
    return f"data:{mime};base64,{base64.b64encode(payload).decode()}"


@register.filter
def get_item(mapping, key):
    """``{{ prices|get_item:seat_type }}``."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


_STAFF_TOOLS = (
    "console",
    "scanner",
    "finance",
    "investment",
    "statements",
    "rights",
    "analytics",
    "marketing",
)


@register.simple_tag(takes_context=True)
def staff_access(context) -> dict[str, bool]:
    """Which staff tools the signed-in user may open (one cached membership query)."""
    from marquee.accounts.models import Role
    from marquee.accounts.permissions import has_role

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return dict.fromkeys(_STAFF_TOOLS, False)
    operator = has_role(user, Role.CINEMA_OPERATOR)
    return {
        "console": operator or has_role(user, Role.DISTRIBUTION),
        "scanner": operator,
        "finance": has_role(user, Role.FINANCE),
        "investment": has_role(user, Role.INVESTMENT),
        "statements": has_role(user, Role.PARTNER) and not has_role(user, Role.INVESTMENT),
        "rights": has_role(user, Role.RIGHTS),
        "analytics": operator or has_role(user, Role.DISTRIBUTION),
        "marketing": has_role(user, Role.DISTRIBUTION),
    }
