"""What every page view shares: domain errors as pages, safe redirects, small parsers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from marquee.core.errors import NotFound
from marquee.core.errors import PermissionDenied as DomainPermissionDenied
from marquee.core.idempotency import form_key, new_form_key

#: Ids in URLs and forms are positive and fit a 64-bit column.
MAX_ID = 2**63 - 1


def domain_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turn the domain's NotFound / PermissionDenied into the 404 / 403 pages."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.msg) from exc
        except DomainPermissionDenied as exc:
            raise DjangoPermissionDenied(exc.msg) from exc

    return wrapper


def parse_id(value: Any) -> int | None:
    """A positive id from form or query input, or ``None`` for anything else."""
    text = str(value or "").strip()
    if not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


#: Dates a page may be asked about (beyond them day arithmetic would overflow).
MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2100, 12, 31)


def parse_date(value: Any) -> date | None:
    """An ISO date (``2025-05-01``) from query input between 2000 and 2100, or ``None``."""
    text = str(value or "").strip()
    if len(text) != 10:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if MIN_DATE <= day <= MAX_DATE else None


def safe_next(request: HttpRequest, url: str | None, default: str = "/") -> str:
    """``url`` if it points back into this site, else ``default``."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


#: The form's one-time key (a UUID rendered into the form), if it is well formed;
#: a double-submitted form repeats it, so the service runs once (core.idempotency).
idempotency_key = form_key
new_idempotency_key = new_form_key


def message_page(
    request: HttpRequest,
    *,
    title: str,
    message: str,
    status: int = 200,
    tone: str = "info",
    links: list[tuple[str, str]] | None = None,
) -> HttpResponse:
    """A page with one clear message and where to go next."""
    return render(
        request,
        "web/message.html",
        {"heading": title, "message": message, "tone": tone, "links": links or []},
        status=status,
    )
