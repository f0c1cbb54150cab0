"""Request-level guards that hold for every view, API and HTML alike.

``RejectNulMiddleware`` refuses a NUL character in the path, the query string
or a JSON / form body of an API request (``/api/…``) with 400 problem+json
``invalid_text`` before any view or query runs: PostgreSQL cannot store or
compare a NUL, so such a value used to end as a 500 wherever it reached the
database. The HTML pages are left to their forms, whose fields refuse a NUL
(Django's ``ProhibitNullCharactersValidator``) with a message on the form, and
whose query parameters fall back to defaults (``tests/web/test_robustness.py``).

``ApiProblemMiddleware`` makes the API's own 404 (an unknown ``/api/v1/…``
route) and 405 (a known route, another method) answer in problem+json like
every other API error, instead of Django's HTML pages.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from marquee.core.text import NUL, TextErrorCode, contains_nul

API_PREFIX = "/api/"
_JSON_TYPES = ("application/json", "application/problem+json")


def _problem(request: HttpRequest, **kwargs) -> HttpResponse:
    from marquee.api import problem  # the one place errors become problem+json

    return problem(request, **kwargs)


def _body_has_nul(request: HttpRequest) -> bool:
    content_type = request.content_type or ""
    if content_type not in ("application/json", "application/x-www-form-urlencoded"):
        return False  # multipart bodies carry files, where a NUL byte is data
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    if not 0 < length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        return False
    body = request.body
    if content_type == "application/json":
        # A raw NUL byte makes the JSON malformed: that is the parser's to refuse
        # (and a signed webhook's adapter's), so only decoded text is checked.
        if b"\\u0000" not in body.lower():
            return False  # the cheap test decides for nearly every body
        try:
            return contains_nul(json.loads(body))
        except ValueError:
            return False
    return b"\x00" in body or b"\x00" in unquote_to_bytes(body.replace(b"+", b" "))


def _has_nul(request: HttpRequest) -> bool:
    if NUL in request.path or NUL in request.path_info:
        return True
    return any(NUL in key or any(NUL in v for v in values) for key, values in request.GET.lists())


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX) and (_has_nul(request) or _body_has_nul(request)):
            return _problem(
                request,
                status=400,
                code=TextErrorCode.INVALID_TEXT,
                title="Invalid text",
                detail="The request contains a NUL character, which no text may hold.",
            )
        return self.get_response(request)


class ApiProblemMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code in (404, 405)
            and request.path.startswith(API_PREFIX)
            and not response.get("Content-Type", "").startswith(_JSON_TYPES)
        ):
            if response.status_code == 404:
                return _problem(
                    request,
                    status=404,
                    code="not_found",
                    title="Not found",
                    detail=f"No API route {request.path}; see /api/v1/docs.",
                )
            allowed = response.get("Allow", "")
            problem = _problem(
                request,
                status=405,
                code="method_not_allowed",
                title="Method not allowed",
                detail=f"{request.method} is not allowed here; allowed: {allowed}.",
                allowed=[m.strip() for m in allowed.split(",") if m.strip()],
            )
            if allowed:
                problem["Allow"] = allowed
            return problem
        return response
