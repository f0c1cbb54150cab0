"""Finance reports: trial balance, income statement by segment, balance sheet, interim summary.

Every report reads the running rollup (:class:`~marquee.finance.models.Balance`),
never every journal line, states the rates it used, and offers a convenience
translation column. Reads only; visibility is checked by the callers.
"""

from marquee.finance.reports.income_statement import IncomeStatement, income_statement
from marquee.finance.reports.statements import (
    BalanceSheet,
    TrialBalance,
    balance_sheet,
    trial_balance,
)
from marquee.finance.reports.summary import InterimSummary, interim_summary

__all__ = [
    "BalanceSheet",
    "IncomeStatement",
    "InterimSummary",
    "TrialBalance",
    "balance_sheet",
    "income_statement",
    "interim_summary",
    "trial_balance",
]
