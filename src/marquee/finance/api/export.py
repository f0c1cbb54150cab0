"""The ledger exported for other tools: Beancount."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Field, Query, Router, Schema

from marquee.accounts.auth import AUTH
from marquee.finance.api._common import require_finance
from marquee.finance.beancount_export import export_lines

router = Router(tags=["finance"])


class Range(Schema):
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")


@router.get(
    "/export.beancount",
    auth=AUTH,
    summary="The ledger as a Beancount file",
    response={200: None},
    openapi_extra={
        "responses": {200: {"description": "A Beancount file", "content": {"text/plain": {}}}}
    },
)
def export_beancount(request: HttpRequest, period: Query[Range]):
    require_finance(request)
    response = StreamingHttpResponse(
        (f"{line}\n" for line in export_lines(date_from=period.date_from, date_to=period.date_to)),
        content_type="text/plain; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="marquee.beancount"'
    return response
