"""Files browsers ask for by a fixed path: ``/favicon.ico``.

Browsers request ``/favicon.ico`` on every site whatever the page links, so it
is served at that path (and linked from the pages), cached for a day, not
answered with a 404.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

FAVICON = Path(__file__).resolve().parents[1] / "static" / "web" / "favicon.ico"


@cache
def _favicon() -> bytes:
    return FAVICON.read_bytes()


@require_safe
@cache_control(public=True, max_age=86400)
def favicon(request: HttpRequest) -> HttpResponse:
    """The site's icon (a marquee "M"), in 16, 32, 48 and 64 px."""
    return HttpResponse(_favicon(), content_type="image/vnd.microsoft.icon")
