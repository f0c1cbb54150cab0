"""Reports as tables: one header row and rows of cells, written as CSV or XLSX.

Money cells are decimals of major units (``Decimal``, never floats) so a
spreadsheet shows 1,526,012.34 and sums exactly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal

import xlsxwriter
from django.http import HttpResponse
from django.utils.translation import gettext as _

from marquee.core.money import get_currency
from marquee.finance.reports.income_statement import IncomeStatement, Line
from marquee.finance.reports.statements import BalanceSheet, TrialBalance

Table = tuple[list[str], list[list[object]]]


def major(minor: int | None, currency: str) -> Decimal | None:
    if minor is None:
        return None
    return Decimal(minor) / get_currency(currency).minor_per_major


def _rates_rows(rates: list[dict]) -> list[list[object]]:
    return [
        [_("Rate"), f"1 {r['currency']} = {r['rate']} {r['functional_currency']}", r["on"]]
        for r in rates
        if r["currency"] != r["functional_currency"]
    ]


def income_statement_table(statement: IncomeStatement) -> Table:
    cur, conv = statement.currency, statement.convenience
    header = [_("Segment"), _("Line"), f"{statement.period.label} ({cur})"]
    if statement.comparative:
        header += [f"{statement.comparative.label} ({cur})", _("Change"), _("Change %")]
    if conv:
        header.append(f"{statement.period.label} ({conv.currency})")

    def cells(segment: str, line: Line) -> list[object]:
        row: list[object] = [segment, line.label, major(line.current, cur)]
        if statement.comparative:
            row += [major(line.prior, cur), major(line.change, cur), line.change_pct]
        if conv:
            row.append(major(line.convenience_current, conv.currency))
        return row

    rows = [cells(_("Total"), line) for line in statement.lines]
    for segment in statement.segments:
        rows += [cells(segment.name, line) for line in segment.lines]
    return header, rows + _rates_rows(statement.rates)


def trial_balance_table(report: TrialBalance) -> Table:
    cur, conv = report.currency, report.convenience
    header = [_("Account"), _("Name"), _("Type"), f"{_('Debit')} ({cur})", f"{_('Credit')} ({cur})"]
    if conv:
        header += [f"{_('Debit')} ({conv.currency})", f"{_('Credit')} ({conv.currency})"]
    rows: list[list[object]] = []
    for r in report.rows:
        row: list[object] = [r.code, r.name, r.type, major(r.debit, cur), major(r.credit, cur)]
        if conv:
            row += [
                major(r.convenience_debit, conv.currency),
                major(r.convenience_credit, conv.currency),
            ]
        rows.append(row)
    rows.append(
        ["", _("Total"), "", major(report.total_debit, cur), major(report.total_credit, cur)]
    )
    return header, rows + _rates_rows(report.rates)


def balance_sheet_table(sheet: BalanceSheet) -> Table:
    cur, conv = sheet.currency, sheet.convenience
    header = [_("Section"), _("Account"), _("Name"), f"{sheet.date_to.isoformat()} ({cur})"]
    if sheet.compare_to:
        header.append(f"{sheet.compare_to.isoformat()} ({cur})")
    if conv:
        header.append(f"{sheet.date_to.isoformat()} ({conv.currency})")
    rows: list[list[object]] = []
    for section in sheet.sections:
        for r in (*section.rows, None):
            code, name = (r.code, r.name) if r else ("", _("Total"))
            row: list[object] = [section.label, code, name]
            row.append(major(r.amount if r else section.total, cur))
            if sheet.compare_to:
                row.append(major(r.prior if r else section.prior_total, cur))
            if conv:
                row.append(major(r.convenience if r else section.convenience_total, conv.currency))
            rows.append(row)
    return header, rows + _rates_rows(sheet.rates)


def to_csv(table: Table) -> bytes:
    header, rows = table
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    # A byte-order mark so spreadsheet programs read the Chinese names as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: Table, *, sheet_name: str = "Report") -> bytes:
    header, rows = table
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = workbook.add_worksheet(sheet_name[:31])
    bold = workbook.add_format({"bold": True})
    money = workbook.add_format({"num_format": "#,##0.00"})
    sheet.write_row(0, 0, header, bold)
    for index, row in enumerate(rows, start=1):
        for column, cell in enumerate(row):
            if isinstance(cell, Decimal):
                # xlsx stores numbers as IEEE doubles; the cell is the decimal's exact text value.
                sheet.write_number(index, column, cell, money)
            elif cell is not None:
                sheet.write(index, column, str(cell))
    sheet.set_column(0, max(len(header) - 1, 0), 18)
    workbook.close()
    return out.getvalue()


def download_name(kind: str, suffix: str, parts: Sequence[object]) -> str:
    stem = "-".join([kind, *(str(p) for p in parts if p)])
    return f"{stem}.{suffix}".replace(" ", "_")


def download(table: Table, fmt: str, name: str) -> HttpResponse:
    """``table`` as the CSV or XLSX attachment ``name.fmt`` (private: never cached)."""
    if fmt == "csv":
        content, content_type = to_csv(table), "text/csv; charset=utf-8"
    else:
        content = to_xlsx(table, sheet_name=name)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
