"""A royalty statement as CSV and as PDF (embedded CJK font, like the e-ticket)."""

from __future__ import annotations

import csv
import io

from django.utils.translation import pgettext

from marquee.core.money import Money, format_money
from marquee.merch.models import Category, RoyaltyStatement
from marquee.ticketing import pdffont


def _rows(statement: RoyaltyStatement) -> list[tuple[str, str]]:
    """The statement's summary, (label, amount) in the active language."""

    def m(minor: int) -> str:
        return format_money(Money(minor, statement.currency))

    rows = [
        (pgettext("merch", "Net sales"), m(statement.net_sales_minor)),
        (pgettext("merch", "Royalty earned"), m(statement.royalty_minor)),
        (pgettext("merch", "Advance recouped"), m(statement.advance_recouped_minor)),
        (pgettext("merch", "Advance still to recoup"), m(statement.advance_remaining_minor)),
        (pgettext("merch", "Royalty withheld from sales"), m(statement.payable_minor)),
    ]
    if statement.final:
        rows += [
            (
                pgettext("merch", "Unrecouped advance kept by the licensor"),
                m(statement.advance_forfeited_minor),
            ),
            (pgettext("merch", "Minimum guarantee shortfall due"), m(statement.mg_shortfall_minor)),
        ]
    return rows


def statement_csv(statement: RoyaltyStatement) -> str:
    """One row per category (amounts in minor units), then the totals: machine-readable."""
    out = io.StringIO()
    writer = csv.writer(out)
    licence = statement.licence
    writer.writerow(
        ["licence", licence.reference, "quarter", f"{statement.year}Q{statement.quarter}"]
    )
    writer.writerow(
        ["category", "units", "net_sales_minor", "royalty_bp", "royalty_minor", "currency"]
    )
    for line in statement.lines:
        writer.writerow(
            [
                line["category"],
                line["units"],
                line["net_sales_minor"],
                line["royalty_bp"],
                line["royalty_minor"],
                statement.currency,
            ]
        )
    for name in (
        "net_sales_minor",
        "royalty_minor",
        "advance_recouped_minor",
        "advance_remaining_minor",
        "payable_minor",
        "advance_forfeited_minor",
        "mg_shortfall_minor",
    ):
        writer.writerow([name, "", getattr(statement, name), "", "", statement.currency])
    return out.getvalue()


def statement_pdf(statement: RoyaltyStatement) -> bytes:
    """An A4 page: licence, quarter, the categories and the summary, every line embedded."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    licence = statement.licence
    heading = [
        pgettext("merch", "Royalty statement"),
        f"{licence.title.title_en} · {licence.merchant.name}",
        f"{pgettext('merch', 'Licence')} {licence.reference} · {statement.year} Q{statement.quarter} "
        f"({statement.period_start} – {statement.period_end})",
    ]
    categories = [
        (
            f"{Category(line['category']).label}  ×{line['units']}",
            format_money(Money(line["net_sales_minor"], statement.currency)),
            f"{line['royalty_bp'] / 100:.2f} %",
            format_money(Money(line["royalty_minor"], statement.currency)),
        )
        for line in statement.lines
    ]
    summary = _rows(statement)
    texts = heading + [c for row in categories for c in row] + [c for row in summary for c in row]
    buf = io.BytesIO()
    with pdffont.document_font(texts) as font:
        canvas = Canvas(buf, pagesize=A4, pageCompression=1)
        canvas.setTitle(
            f"Royalty statement {licence.reference} {statement.year}Q{statement.quarter}"
        )
        _width, height = A4
        y = height - 20 * mm
        for i, text in enumerate(heading):
            canvas.setFont(font, 16 if i == 0 else 11)
            canvas.drawString(20 * mm, y, text)
            y -= 9 * mm if i == 0 else 6 * mm
        y -= 4 * mm
        for row in categories:
            canvas.setFont(font, 10)
            canvas.drawString(20 * mm, y, row[0])
            canvas.drawRightString(120 * mm, y, row[1])
            canvas.drawRightString(150 * mm, y, row[2])
            canvas.drawRightString(190 * mm, y, row[3])
            y -= 6 * mm
        y -= 4 * mm
        for label, amount in summary:
            canvas.setFont(font, 11)
            canvas.drawString(20 * mm, y, label)
            canvas.drawRightString(190 * mm, y, amount)
            y -= 7 * mm
        canvas.showPage()
        canvas.save()
    return buf.getvalue()
