"""The HTTP API: assembles every domain's router under ``/api/v1``.

Errors leave here as RFC 9457 problem+json documents with a stable ``code``
and, as ``detail``, the error's sentence in the request's language; this module
is the one place where exceptions become responses.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from marquee.core.errors import CoreErrorCode, DomainError

logger = logging.getLogger("marquee.api")

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem(
    request: HttpRequest,
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    **extra: Any,
) -> HttpResponse:
    body = {
        "type": f"https://marquee.example/problems/{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "instance": request.path,
        **extra,
    }
    response = HttpResponse(
        json.dumps(body, default=str, ensure_ascii=False),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )
    if status == 429 and "retry_after" in extra:
        response["Retry-After"] = str(extra["retry_after"])
    if status == 503:
        response["Retry-After"] = "1"
    return response


api = NinjaAPI(
    title="Marquee API",
    version="1",
    description=(
        "The Marquee platform: catalog, venues and seat layouts, ticketing. "
        "Errors are RFC 9457 problem+json documents with a stable `code`. "
        "Authenticate with a session cookie (plus CSRF token) or `Authorization: Bearer mq_…`."
    ),
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return problem(
        request,
        status=exc.status,
        code=exc.code,
        title=exc.title,
        detail=exc.msg,
        **exc.detail,
    )


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"loc": list(e.get("loc", [])), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors
    ]
    return problem(
        request,
        status=422,
        code=CoreErrorCode.VALIDATION,
        title="Invalid request",
        detail=CoreErrorCode.VALIDATION.render({}),
        errors=errors,
    )


@api.exception_handler(AuthenticationError)
def _authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(
        request,
        status=401,
        code=CoreErrorCode.NOT_AUTHENTICATED,
        title="Not authenticated",
        detail=CoreErrorCode.NOT_AUTHENTICATED.render({}),
    )


@api.exception_handler(AuthorizationError)
@api.exception_handler(DjangoPermissionDenied)
def _forbidden(
    request: HttpRequest, exc: AuthorizationError | DjangoPermissionDenied
) -> HttpResponse:
    return problem(
        request,
        status=403,
        code=CoreErrorCode.FORBIDDEN,
        title="Forbidden",
        detail=str(exc) or "You may not do this.",
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(
        request,
        status=404,
        code=CoreErrorCode.NOT_FOUND,
        title="Not found",
        detail=str(exc) or "No such resource.",
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {
        400: "bad_request",
        401: CoreErrorCode.NOT_AUTHENTICATED,
        403: CoreErrorCode.FORBIDDEN,
        404: CoreErrorCode.NOT_FOUND,
        405: "method_not_allowed",
        429: CoreErrorCode.RATE_LIMITED,
    }.get(exc.status_code, "http_error")
    return problem(
        request,
        status=exc.status_code,
        code=str(code),
        title="Request refused",
        detail=str(exc.message),
    )


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return problem(
        request,
        status=413,
        code="payload_too_large",
        title="Request too large",
        detail="The request body exceeds the size limit.",
    )


@api.exception_handler(SuspiciousOperation)
def _suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    return problem(
        request,
        status=400,
        code="bad_request",
        title="Bad request",
        detail="The request could not be processed.",
    )


@api.exception_handler(DataError)
def _data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    # The last line of defence: input validation (core.text, schema maxLength)
    # should have refused the value; the database did. Logged to be fixed there.
    logger.warning("value refused by the database: %s", exc)
    return problem(
        request,
        status=400,
        code="invalid_value",
        title="Invalid value",
        detail="A value does not fit: text too long or a number out of range.",
    )


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def _database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.warning("database unavailable: %s", exc)
    return problem(
        request,
        status=503,
        code=CoreErrorCode.SERVICE_UNAVAILABLE,
        title="Service unavailable",
        detail="The database is briefly unavailable; retry shortly.",
    )


def _caused_by_outage(exc: BaseException) -> bool:
    """Did ``exc`` follow from a lost database connection?

    While the database restarts, the first failure (an ``OperationalError``)
    can surface as another error raised during clean-up — a rollback or a
    delete on the dead connection — with the outage as its context.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, OperationalError | InterfaceError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    if _caused_by_outage(exc):
        return _database_unavailable(request, exc)
    logger.exception("unhandled API error")
    return problem(
        request,
        status=500,
        code="internal_error",
        title="Internal error",
        detail="Something went wrong on our side; it has been logged.",
    )


def _mount_routers() -> None:
    # Each domain owns its router; this list is the whole API surface.
    from marquee.accounts.api import router as accounts_router
    from marquee.analytics.api import router as analytics_router
    from marquee.catalog.api import router as catalog_router
    from marquee.crowdfunding.api import router as crowdfunding_router
    from marquee.finance.api import router as finance_router
    from marquee.investment.api import router as investment_router
    from marquee.marketing.api import router as marketing_router
    from marquee.merch.api import router as merch_router
    from marquee.payments.api import router as payments_router
    from marquee.rights.api import router as rights_router
    from marquee.ticketing.api import router as ticketing_router
    from marquee.venues.api import router as venues_router

    api.add_router("/accounts", accounts_router)
    api.add_router("/catalog", catalog_router)
    api.add_router("/venues", venues_router)
    api.add_router("/ticketing", ticketing_router)
    api.add_router("/payments", payments_router)
    api.add_router("/finance", finance_router)
    api.add_router("/investment", investment_router)
    api.add_router("/crowdfunding", crowdfunding_router)
    api.add_router("/rights", rights_router)
    api.add_router("/merch", merch_router)
    api.add_router("/analytics", analytics_router)
    api.add_router("/marketing", marketing_router)


_mount_routers()
