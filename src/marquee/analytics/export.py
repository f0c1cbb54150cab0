"""The console's tables as CSV/XLSX downloads (money as Decimal yuan, shares as percents)."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _

from marquee.analytics.queries.board import Board
from marquee.analytics.queries.breakdown import BreakdownRow
from marquee.analytics.queries.titles import CityRow, DayRow
from marquee.finance.reports import export

Table = export.Table


def yuan(minor: int | None) -> Decimal | None:
    return export.major(minor, "CNY")


def percent(bp: int | None) -> Decimal | None:
    return None if bp is None else Decimal(bp) / 100


def _sales_header() -> list[str]:
    """Gross, tickets and showtimes: the first figures of every table of showtimes."""
    return [_("Gross (CNY)"), _("Tickets"), _("Showtimes")]


def _sales_cells(row: object) -> list:
    return [yuan(row.gross_minor), row.tickets, row.showtimes]  # type: ignore[attr-defined]


def board_table(board: Board) -> Table:
    header = [
        _("Rank"),
        _("Change"),
        _("Title"),
        *_sales_header(),
        _("Showtime share %"),
        _("Seat share %"),
        _("Attendance %"),
        _("Average price (CNY)"),
        _("Cumulative (CNY)"),
        _("Days in release"),
    ]
    rows = [
        [
            r.rank,
            r.rank_change,
            r.name,
            *_sales_cells(r),
            percent(r.showtime_share_bp),
            percent(r.seat_share_bp),
            percent(r.attendance_bp),
            yuan(r.average_price_minor),
            yuan(r.cumulative_minor),
            r.days_in_release,
        ]
        for r in board.rows
    ]
    return header, rows


def days_table(days: list[DayRow]) -> Table:
    header = [
        _("Day"),
        *_sales_header(),
        _("Showtime share %"),
        _("Seat share %"),
        _("Attendance %"),
        _("Average price (CNY)"),
    ]
    rows = [
        [
            d.day.isoformat(),
            *_sales_cells(d),
            percent(d.showtime_share_bp),
            percent(d.seat_share_bp),
            percent(d.attendance_bp),
            yuan(d.average_price_minor),
        ]
        for d in days
    ]
    return header, rows


def cities_table(cities: list[CityRow]) -> Table:
    header = [_("City"), _("Gross (CNY)"), _("Tickets"), _("Share %"), _("Average price (CNY)")]
    rows = [
        [c.name, yuan(c.gross_minor), c.tickets, percent(c.share_bp), yuan(c.average_price_minor)]
        for c in cities
    ]
    return header, rows


def breakdown_table(rows: list[BreakdownRow]) -> Table:
    header = [
        _("Name"),
        *_sales_header(),
        _("Share %"),
        _("Attendance %"),
        _("Average price (CNY)"),
    ]
    body = [
        [
            r.name,
            *_sales_cells(r),
            percent(r.gross_share_bp),
            percent(r.attendance_bp),
            yuan(r.average_price_minor),
        ]
        for r in rows
    ]
    return header, body


def download(table: Table, fmt: str, name: str) -> HttpResponse:
    """``table`` as the CSV or XLSX file ``name.fmt``."""
    return export.download(table, fmt, name)
