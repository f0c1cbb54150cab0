"""A venue's settlement of a day, as JSON or CSV (its operators and distribution staff)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from marquee.accounts.auth import AUTH
from marquee.ticketing import downloads, queries
from marquee.ticketing.api._common import binary_openapi, file_response
from marquee.ticketing.schemas.settlement import SettlementFilters, SettlementOut, settlement_out
from marquee.ticketing.services import settlement

router = Router()


@router.get(
    "/settlements",
    response=SettlementOut,
    auth=AUTH,
    summary="A venue's settlement for one local day (its operators, distribution staff)",
)
def get_settlement(request: HttpRequest, filters: Query[SettlementFilters]):
    venue = queries.venue_by_ref(venue_id=filters.venue_id, slug=filters.venue)
    day = filters.date or queries.local_today(venue.time_zone)
    return settlement_out(settlement.settlement_for(venue=venue, day=day, actor=request.user))


@router.get(
    "/settlements.csv",
    auth=AUTH,
    summary="The same settlement as a CSV download",
    openapi_extra=binary_openapi("text/csv"),
)
def get_settlement_csv(request: HttpRequest, filters: Query[SettlementFilters]):
    venue = queries.venue_by_ref(venue_id=filters.venue_id, slug=filters.venue)
    day = filters.date or queries.local_today(venue.time_zone)
    result = settlement.settlement_for(venue=venue, day=day, actor=request.user)
    return file_response(
        downloads.Download(
            settlement.settlement_csv(result).encode("utf-8-sig"),
            "text/csv; charset=utf-8",
            f"settlement-{venue.slug}-{day.isoformat()}.csv",
        )
    )
