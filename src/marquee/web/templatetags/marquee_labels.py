"""Template helpers that put stored names into the visitor's language.

Seat labels are stored in the Chinese cinema convention ("5排8座"), hall names
as their operators typed them ("Hall 3", "IMAX Hall"), formats as codes
("DOLBY") and time zones as IANA names ("Asia/Shanghai"). A page shows each in
the visitor's language: "Row 5 Seat 8", "3号厅", "Dolby Cinema" → "杜比影院",
"China Time (GMT+08:00)".
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import template
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from marquee.core.money import babel_locale
from marquee.ticketing.models import ShowtimeFormat
from marquee.venues.models import display_seat_label

register = template.Library()

_LABEL = re.compile(r"^(?P<row>.+)排(?P<number>.+)座$")
_CODE = re.compile(r"^(?P<row>[^-\s]+)-(?P<number>[^-\s]+)$")
#: "Hall 3", "House 1", "Screen 2", "Hall A": a numbered hall.
_NUMBERED_HALL = re.compile(
    r"^(?:Hall|House|Screen|Cinema|Theatre|Theater)\s+(?P<n>\w{1,4})$", re.I
)
#: "IMAX Hall", "VIP Hall", "Dolby Cinema Hall": a hall named after its kind.
_KIND_HALL = re.compile(r"^(?P<kind>[\w ]+?)\s+Hall$", re.I)
#: Kinds of hall named after a format, by how operators write them in English.
_HALL_KINDS = {
    "imax": ShowtimeFormat.IMAX,
    "dolby": ShowtimeFormat.DOLBY,
    "dolby cinema": ShowtimeFormat.DOLBY,
    "3d": ShowtimeFormat.THREE_D,
    "2d": ShowtimeFormat.TWO_D,
}


@register.filter
def seat_name(value) -> str:
    """A seat (or its stored label "5排8座", or its code "5-8") in the page's language."""
    if value is None or value == "":
        return ""
    row = getattr(value, "row_label", None)
    number = getattr(value, "number", None)
    if row is not None and number is not None:
        return display_seat_label(str(row), str(number))
    text = str(value)
    match = _LABEL.match(text) or _CODE.match(text)
    if match is None:
        return text
    return display_seat_label(match["row"], match["number"])


def _format_label(code: str) -> str:
    try:
        return str(ShowtimeFormat(code).label)
    except ValueError:
        return code


@register.filter
def format_name(code: str | None) -> str:
    """A showtime or hall format code ("DOLBY", "IMAX") as its name in the page's language."""
    return _format_label(code) if code else ""


@register.filter
def format_names(codes) -> str:
    """A hall's list of formats, named in the page's language and joined with commas."""
    return ", ".join(_format_label(str(c)) for c in (codes or []))


@register.filter
def hall_name(name: str | None) -> str:
    """A hall's name in the page's language: "Hall 3" → "3号厅", "IMAX Hall" → "IMAX厅".

    Names that follow the usual English patterns are translated; any other name
    is shown as its operator wrote it (it may already be Chinese).
    """
    if not name:
        return ""
    if (get_language() or "en").startswith("en"):
        return name
    match = _NUMBERED_HALL.match(name.strip())
    if match:
        return _("Hall %(number)s") % {"number": match["n"]}
    match = _KIND_HALL.match(name.strip())
    if match:
        kind = match["kind"]
        known = _HALL_KINDS.get(kind.lower())
        if known is not None:
            kind = str(known.label)
        return _("%(kind)s Hall") % {"kind": kind}
    if name.strip().lower() == "screening room":
        return _("Screening Room")
    return name


@register.filter
def zone_name(zone: str | None, when: datetime | None = None) -> str:
    """An IANA time zone as people name it, with its offset: "China Time (GMT+08:00)"."""
    from babel.dates import get_timezone_gmt, get_timezone_name

    if not zone:
        return ""
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return zone
    moment = (when or timezone.now()).astimezone(tz)
    locale = babel_locale(get_language())
    try:
        name = get_timezone_name(tz, width="long", locale=locale)
        offset = get_timezone_gmt(moment, width="long", locale=locale)
    except (LookupError, ValueError, TypeError):
        return zone
    return _("%(name)s (%(offset)s)") % {"name": name, "offset": offset}
