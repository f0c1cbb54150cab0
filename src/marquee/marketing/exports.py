"""A campaign report as a table for CSV and XLSX downloads (finance's writers)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from marquee.finance.reports.export import Table, major
from marquee.marketing.queries import CampaignReport


def report_table(report: CampaignReport) -> Table:
    """Headline figures, then one row per day of redemptions; money in major units."""
    cur = report.campaign.currency
    header = [_("Figure"), _("Value"), _("Currency")]
    rows: list[list[object]] = [
        [_("Reached"), report.reached, ""],
        [_("Redeemed"), report.redeemed, ""],
        [_("Tickets"), report.tickets, ""],
        [_("Gross"), major(report.gross_minor, cur), cur],
        [_("Cost"), major(report.cost_minor, cur), cur],
        [_("Cost per ticket"), major(report.cost_per_ticket_minor, cur), cur],
        [_("Budget left"), major(report.budget_left_minor, cur), cur],
        [_("Cost in the ledger"), major(report.ledger_cost_minor, cur), cur],
    ]
    rows.append([])
    rows.append([_("Day"), _("Redeemed"), _("Tickets"), _("Cost")])
    for day in report.days:
        rows.append([day.day.isoformat(), day.redeemed, day.tickets, major(day.cost_minor, cur)])
    return header, rows
