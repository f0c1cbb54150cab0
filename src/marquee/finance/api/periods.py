"""Monthly periods of the books: list, close, reopen."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router

from marquee.accounts.auth import AUTH
from marquee.finance import queries, services
from marquee.finance.api._common import require_finance
from marquee.finance.errors import FinanceError, FinanceErrorCode
from marquee.finance.schemas import PeriodOut

router = Router(tags=["finance"])


def _month(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m").replace(tzinfo=dt.UTC).date()
    except ValueError:
        raise FinanceError(
            FinanceErrorCode.PERIOD_NOT_FOUND, f"{text!r} is not a month (YYYY-MM)."
        ) from None


@router.get("/periods", response=list[PeriodOut], auth=AUTH, summary="Periods")
def list_periods(request: HttpRequest) -> list:
    require_finance(request)
    return list(queries.periods())


@router.post("/periods/{month}/close", response=PeriodOut, auth=AUTH, summary="Close a period")
def close_period(request: HttpRequest, month: str):
    require_finance(request)
    return services.close_period(month=_month(month), closed_by=request.user)


@router.post("/periods/{month}/reopen", response=PeriodOut, auth=AUTH, summary="Reopen a period")
def reopen_period(request: HttpRequest, month: str):
    require_finance(request)
    return services.reopen_period(month=_month(month), reopened_by=request.user)
