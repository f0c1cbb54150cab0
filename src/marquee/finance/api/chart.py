"""The chart of accounts and the reporting segments."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from marquee.accounts.auth import AUTH
from marquee.finance import queries
from marquee.finance.api._common import require_finance
from marquee.finance.schemas import AccountOut, SegmentOut

router = Router(tags=["finance"])


@router.get("/accounts", response=list[AccountOut], auth=AUTH, summary="Chart of accounts")
def list_accounts(request: HttpRequest) -> list:
    require_finance(request)
    return list(queries.accounts())


@router.get("/segments", response=list[SegmentOut], auth=AUTH, summary="Reporting segments")
def list_segments(request: HttpRequest) -> list:
    require_finance(request)
    return list(queries.segments())
