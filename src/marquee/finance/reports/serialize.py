"""Reports as JSON-ready dicts: integers of minor units, per cents as decimal strings."""

from __future__ import annotations

from marquee.finance.calendar import FiscalPeriod
from marquee.finance.reports.income_statement import IncomeStatement
from marquee.finance.reports.statements import BalanceSheet, TrialBalance
from marquee.finance.reports.summary import InterimSummary


def _period(period: FiscalPeriod | None) -> dict | None:
    if period is None:
        return None
    return {"from": period.start.isoformat(), "to": period.end.isoformat(), "label": period.label}


def _common(report) -> dict:
    convenience = report.convenience
    return {
        "currency": report.currency,
        "convenience_currency": convenience.currency if convenience else None,
        "rates": report.rates,
    }


def income_statement_out(report: IncomeStatement) -> dict:
    return {
        "period": _period(report.period),
        "comparative": _period(report.comparative),
        **_common(report),
        "lines": [line.as_dict() for line in report.lines],
        "segments": [
            {"code": s.code, "name": s.name, "lines": [line.as_dict() for line in s.lines]}
            for s in report.segments
        ],
    }


def trial_balance_out(report: TrialBalance) -> dict:
    return {
        "from": report.date_from.isoformat() if report.date_from else None,
        "to": report.date_to.isoformat(),
        **_common(report),
        "rows": [row.as_dict() for row in report.rows],
        "total_debit": report.total_debit,
        "total_credit": report.total_credit,
        "balanced": report.balanced,
    }


def balance_sheet_out(report: BalanceSheet) -> dict:
    return {
        "to": report.date_to.isoformat(),
        "compare_to": report.compare_to.isoformat() if report.compare_to else None,
        **_common(report),
        "sections": [
            {
                "key": s.key,
                "label": s.label,
                "rows": [row.as_dict() for row in s.rows],
                "total": s.total,
                "prior_total": s.prior_total,
                "convenience_total": s.convenience_total,
            }
            for s in report.sections
        ],
        "balanced": report.balanced,
    }


def summary_out(summary: InterimSummary) -> dict:
    return {
        "title": summary.title,
        "paragraphs": list(summary.paragraphs),
        "statement": income_statement_out(summary.statement),
    }
