"""The one-page interim summary: the sentences an analyst would write, from the same figures.

Every number in a sentence comes from :func:`income_statement`, so the prose
and the tables can never disagree. Sentences are gettext messages (en,
zh-Hans, zh-Hant); amounts are written in millions with one decimal the way
each language's listed-company reports write them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from django.utils import translation
from django.utils.translation import gettext as _

from marquee.core.money import get_currency
from marquee.finance.calendar import FiscalPeriod, fiscal_year_of
from marquee.finance.reports.income_statement import IncomeStatement, Line, income_statement

#: How each language writes "1,526.0 million" of a currency: (prefix, suffix) per code.
_MILLIONS = {
    "en": {"CNY": ("RMB", "m"), "USD": ("US$", "m"), "HKD": ("HK$", "m")},
    "zh-hans": {"CNY": ("人民币", "百万元"), "USD": ("", "百万美元"), "HKD": ("港币", "百万元")},
    "zh-hant": {"CNY": ("人民幣", "百萬元"), "USD": ("", "百萬美元"), "HKD": ("港幣", "百萬元")},
}


def _language() -> str:
    language = (translation.get_language() or "en").lower()
    if language.startswith("zh-hant") or language in {"zh-hk", "zh-tw", "zh-mo"}:
        return "zh-hant"
    return "zh-hans" if language.startswith("zh") else "en"


def millions(minor: int, currency: str) -> str:
    """``minor`` units written in millions with one decimal: ``RMB1,526.0m``, ``人民币1,526.0百万元``."""
    per_major = get_currency(currency).minor_per_major
    with localcontext() as ctx:
        ctx.prec = 60
        value = (Decimal(abs(minor)) / per_major / 1_000_000).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_EVEN
        )
    prefix, suffix = _MILLIONS[_language()].get(currency, (currency + " ", "m"))
    return f"{prefix}{value:,}{suffix}"


def percent(value: Decimal | None) -> str:
    return "" if value is None else f"{abs(value)}%"


def period_name(period: FiscalPeriod) -> str:
    """``H1 FY2026`` in the active language (``2026财年上半年`` …)."""
    label = period.label
    year = fiscal_year_of(period.start)
    if label.startswith("H1"):
        return _("H1 FY%(year)s") % {"year": year}
    if label.startswith("H2"):
        return _("H2 FY%(year)s") % {"year": year}
    if label.startswith("Q"):
        return _("Q%(number)s FY%(year)s") % {"number": label[1], "year": year}
    if label.startswith("FY"):
        return _("FY%(year)s") % {"year": year}
    return label


def _amount(statement: IncomeStatement, line: Line, *, prior: bool = False) -> str:
    value = line.prior if prior else line.current
    text = millions(value or 0, statement.currency)
    if statement.convenience is None or prior:
        return text
    converted = millions(line.convenience_current or 0, statement.convenience.currency)
    return _("%(amount)s (%(converted)s)") % {"amount": text, "converted": converted}


def _revenue_sentence(statement: IncomeStatement, period: str) -> str:
    line = statement.line("revenue")
    values = {
        "pct": percent(line.change_pct),
        "amount": _amount(statement, line),
        "prior": _amount(statement, line, prior=True),
        "period": period,
    }
    if line.change_pct is None or line.change_pct == 0:
        return _("Revenue was %(amount)s in %(period)s (%(prior)s a year before).") % values
    if line.change_pct > 0:
        return _("Revenue rose %(pct)s to %(amount)s in %(period)s, from %(prior)s.") % values
    return _("Revenue fell %(pct)s to %(amount)s in %(period)s, from %(prior)s.") % values


def _segment_sentence(statement: IncomeStatement, segment) -> str:
    line = segment.line("revenue")
    values = {
        "segment": segment.name,
        "pct": percent(line.change_pct),
        "amount": millions(line.current, statement.currency),
        "prior": millions(line.prior or 0, statement.currency),
    }
    if line.change_pct is None or line.change_pct == 0:
        return _("%(segment)s: revenue of %(amount)s (%(prior)s a year before).") % values
    if line.change_pct > 0:
        return _("%(segment)s: revenue rose %(pct)s to %(amount)s.") % values
    return _("%(segment)s: revenue fell %(pct)s to %(amount)s.") % values


def _result_messages(key: str) -> dict[str, str]:
    # Spelled out per measure so each language can phrase it naturally.
    if key == "operating_result":
        return {
            "profit_up": _("Operating profit rose %(pct)s to %(amount)s, from %(prior)s."),
            "profit_down": _("Operating profit fell %(pct)s to %(amount)s, from %(prior)s."),
            "to_profit": _(
                "The operating result turned to a profit of %(amount)s, from a loss of %(prior)s."
            ),
            "to_loss": _(
                "The operating result turned to a loss of %(amount)s, from a profit of %(prior)s."
            ),
            "loss_narrowed": _("The operating loss narrowed to %(amount)s, from %(prior)s."),
            "loss_widened": _("The operating loss widened to %(amount)s, from %(prior)s."),
            "flat": _("The operating result was %(amount)s (%(prior)s a year before)."),
        }
    return {
        "profit_up": _("Net profit rose %(pct)s to %(amount)s, from %(prior)s."),
        "profit_down": _("Net profit fell %(pct)s to %(amount)s, from %(prior)s."),
        "to_profit": _(
            "The net result turned to a profit of %(amount)s, from a loss of %(prior)s."
        ),
        "to_loss": _("The net result turned to a loss of %(amount)s, from a profit of %(prior)s."),
        "loss_narrowed": _("The net loss narrowed to %(amount)s, from %(prior)s."),
        "loss_widened": _("The net loss widened to %(amount)s, from %(prior)s."),
        "flat": _("The net result was %(amount)s (%(prior)s a year before)."),
    }


def result_case(current: int, prior: int) -> str:
    """Which of the seven ways a result moved: profit up/down, turned, loss narrowed/widened."""
    if current == prior or current == 0 or prior == 0:
        return "flat"
    if current > 0 and prior > 0:
        return "profit_up" if current > prior else "profit_down"
    if current > 0:
        return "to_profit"
    if prior > 0:
        return "to_loss"
    return "loss_narrowed" if current > prior else "loss_widened"


def _result_sentence(statement: IncomeStatement, key: str) -> str:
    line = statement.line(key)
    case = result_case(line.current, line.prior or 0)
    values = {
        "pct": percent(line.change_pct),
        "amount": _amount(statement, line),
        "prior": _amount(statement, line, prior=True),
    }
    if case == "flat":
        values["amount"] = _signed(statement, line.current)
        values["prior"] = _signed(statement, line.prior or 0)
    return _result_messages(key)[case] % values


def _signed(statement: IncomeStatement, minor: int) -> str:
    text = millions(minor, statement.currency)
    return text if minor >= 0 else _("a loss of %(amount)s") % {"amount": text}


def _financial_sentence(statement: IncomeStatement) -> str:
    line = statement.line("net_financial_income")
    values = {
        "amount": millions(line.current, statement.currency),
        "prior": millions(line.prior or 0, statement.currency),
    }
    if line.current >= 0:
        return _("Net financial income was %(amount)s (%(prior)s a year before).") % values
    return _("Net financial costs were %(amount)s (%(prior)s a year before).") % values


def _rate_sentence(statement: IncomeStatement) -> str | None:
    if statement.convenience is None:
        return None
    conv = statement.convenience
    return _("Convenience translations use %(currency)s1 = RMB%(rate)s, the rate of %(day)s.") % {
        "currency": _MILLIONS["en"].get(conv.currency, (conv.currency, ""))[0],
        "rate": conv.rate_decimal(4),
        "day": conv.on.isoformat(),
    }


@dataclass(frozen=True, slots=True)
class InterimSummary:
    statement: IncomeStatement
    title: str
    paragraphs: tuple[str, ...]


def interim_summary(
    *,
    date_from: dt.date,
    date_to: dt.date,
    compare_from: dt.date | None = None,
    compare_to: dt.date | None = None,
    convenience_currency: str | None = "USD",
    language: str | None = None,
) -> InterimSummary:
    """The summary of ``date_from … date_to`` against its comparative period, in ``language``.

    Amounts are in RMB (the books' currency) with the convenience currency
    beside the headline figures. Raises what :func:`income_statement` raises.
    """
    with translation.override(language or translation.get_language()):
        statement = income_statement(
            date_from=date_from,
            date_to=date_to,
            compare_from=compare_from,
            compare_to=compare_to,
            convenience_currency=convenience_currency,
            by_segment=True,
        )
        period = period_name(statement.period)
        paragraphs = [_revenue_sentence(statement, period)]
        paragraphs += [
            _segment_sentence(statement, s)
            for s in statement.segments
            if s.line("revenue").current or s.line("revenue").prior
        ]
        paragraphs.append(_result_sentence(statement, "operating_result"))
        paragraphs.append(_financial_sentence(statement))
        paragraphs.append(_result_sentence(statement, "net_result"))
        if (rate := _rate_sentence(statement)) is not None:
            paragraphs.append(rate)
        title = _("Interim summary, %(period)s") % {"period": period}
    return InterimSummary(statement=statement, title=title, paragraphs=tuple(paragraphs))
