"""The ledger as a Beancount file (https://beancount.github.io/docs/).

Each Marquee account becomes ``<Root>:<code>`` (Assets, Liabilities, Equity,
Income, Expenses by type), opened on the first day exported. Each entry is
a transaction dated on its day, its id in the metadata; each line a posting
in its own currency with the segment and party in the posting's metadata.
A line in another currency than CNY carries its CNY amount as a total price
(``@@``), so every transaction balances in CNY exactly as in Marquee, and
Beancount's units per account and currency equal Marquee's trial balance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from marquee.core.money import get_currency
from marquee.finance.models import FUNCTIONAL_CURRENCY, Account, JournalLine

ROOTS = {
    Account.Type.ASSET: "Assets",
    Account.Type.LIABILITY: "Liabilities",
    Account.Type.EQUITY: "Equity",
    Account.Type.REVENUE: "Income",
    Account.Type.EXPENSE: "Expenses",
}


def account_name(account: Account) -> str:
    return f"{ROOTS[account.type]}:{account.code}"


def amount_text(minor: int, currency: str) -> str:
    """Minor units as a decimal with the currency's digits: ``-12345, CNY`` → ``-123.45``."""
    exponent = get_currency(currency).exponent
    sign = "-" if minor < 0 else ""
    whole, part = divmod(abs(minor), 10**exponent)
    return f"{sign}{whole}.{part:0{exponent}d}" if exponent else f"{sign}{whole}"


def _quote(text: str) -> str:
    cleaned = " ".join(text.split())  # no newlines inside a string
    return '"' + cleaned.replace("\\", "\\\\").replace('"', '\\"') + '"'


def export_lines(
    *, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> Iterator[str]:
    """The Beancount file, line by line, for the entries dated in [date_from, date_to]."""
    lines = JournalLine.objects.select_related("entry").order_by("entry__date", "entry_id", "id")
    if date_from is not None:
        lines = lines.filter(entry__date__gte=date_from)
    if date_to is not None:
        lines = lines.filter(entry__date__lte=date_to)
    first = lines.values_list("entry__date", flat=True).first() or date_from or dt.date(2000, 1, 1)
    accounts = {a.pk: a for a in Account.objects.all()}
    segments = dict(JournalLine.segment.field.related_model.objects.values_list("pk", "code"))
    yield "; Marquee ledger export"
    yield 'option "title" "Marquee"'
    yield f'option "operating_currency" "{FUNCTIONAL_CURRENCY}"'
    yield ""
    for account in sorted(accounts.values(), key=lambda a: a.code):
        yield f"{first.isoformat()} open {account_name(account)}"
        yield f"  name: {_quote(account.name_en)}"
    current = None
    for line in lines.iterator(chunk_size=2000):
        entry = line.entry
        if entry.pk != current:
            current = entry.pk
            yield ""
            yield f"{entry.date.isoformat()} * {_quote(entry.memo)}"
            yield f"  entry: {entry.pk}"
            yield f"  source: {_quote(entry.source)}"
        units = line.debit_minor - line.credit_minor
        text = (
            f"  {account_name(accounts[line.account_id])}  "
            f"{amount_text(units, line.currency)} {line.currency}"
        )
        if line.currency != FUNCTIONAL_CURRENCY:
            functional = line.functional_debit_minor or line.functional_credit_minor
            text += f" @@ {amount_text(functional, FUNCTIONAL_CURRENCY)} {FUNCTIONAL_CURRENCY}"
        yield text
        yield f"    segment: {_quote(segments[line.segment_id])}"
        if line.venue_id is not None:
            yield f"    venue: {line.venue_id}"
        if line.title_id is not None:
            yield f"    title: {line.title_id}"


def export_text(*, date_from: dt.date | None = None, date_to: dt.date | None = None) -> str:
    return "\n".join(export_lines(date_from=date_from, date_to=date_to)) + "\n"
