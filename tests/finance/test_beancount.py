"""The Beancount export: bean-check accepts it, and Beancount's trial balance is Marquee's."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import convert, data

from marquee.finance.beancount_export import amount_text, export_text
from marquee.finance.models import Account
from marquee.finance.queries import account_balances
from marquee.finance.services import post_entry, reverse_entry
from tests.finance.conftest import cr, dr

pytestmark = pytest.mark.django_db

BEAN_CHECK = Path(sys.executable).parent / "bean-check"


def _book() -> None:
    post_entry(
        date=dt.date(2026, 4, 2),
        memo='Capital "seed"',
        lines=[dr("1010", 5_000_000_00), cr("3000", 5_000_000_00)],
    )
    post_entry(
        date=dt.date(2026, 4, 9),
        memo="HK production costs",
        lines=[
            dr("1400", 1_000_000_00, currency="HKD", segment="content"),
            cr("1010", 1_000_000_00, currency="HKD", segment="content"),
        ],
    )
    post_entry(
        date=dt.date(2026, 5, 3),
        memo="Licence sold in USD, paid in CNY",
        lines=[
            dr("1010", 7_123_40, currency="CNY", segment="content"),
            cr("4030", 1_000_00, currency="USD", segment="content", functional_minor=7_123_40),
        ],
    )
    odd = post_entry(
        date=dt.date(2026, 5, 9),
        memo="Three USD fees \\ rounding",
        lines=[
            dr("6120", 333, currency="USD"),
            dr("6010", 333, currency="USD", segment="promotion_distribution"),
            dr("6110", 334, currency="USD"),
            cr("1010", 1000, currency="USD"),
        ],
    )
    reverse_entry(entry_id=odd.pk, date=dt.date(2026, 6, 1))
    post_entry(
        date=dt.date(2026, 6, 30),
        memo="Ticket sale",
        lines=[
            dr("1020", 4800, segment="promotion_distribution"),
            cr("2010", 4500, segment="promotion_distribution", venue_id=3),
            cr("4010", 300, segment="promotion_distribution", venue_id=3),
        ],
    )


def test_amount_text_uses_the_currencys_digits():
    assert amount_text(-12345, "CNY") == "-123.45"
    assert amount_text(5, "USD") == "0.05"
    assert amount_text(1200, "JPY") == "1200"
    assert amount_text(1, "KWD") == "0.001"


def test_bean_check_accepts_the_export(chart, rates, tmp_path):
    _book()
    path = tmp_path / "marquee.beancount"
    path.write_text(export_text(), encoding="utf-8")
    result = subprocess.run(  # noqa: S603 - the dev dependency's own checker
        [str(BEAN_CHECK), str(path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "" and result.stderr.strip() == ""


def test_beancounts_trial_balance_is_marquees(chart, rates):
    _book()
    entries, errors, _options = loader.load_string(export_text())
    assert errors == []
    units: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    weights: dict[str, Decimal] = defaultdict(Decimal)
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        for posting in entry.postings:
            code = posting.account.split(":")[-1]
            units[(code, posting.units.currency)] += posting.units.number
            weight = convert.get_weight(posting)
            assert weight.currency == "CNY"
            weights[code] += weight.number

    ours_units: dict[tuple[str, str], Decimal] = {}
    ours_weights: dict[str, Decimal] = defaultdict(Decimal)
    for row in account_balances():
        ours_units[(row.account, row.currency)] = Decimal(row.net_minor).scaleb(-2)
        ours_weights[row.account] += Decimal(row.functional_net_minor).scaleb(-2)
    assert dict(units) == ours_units
    assert dict(weights) == dict(ours_weights)
    # Both sides balance: the trial balance sums to zero in CNY.
    assert sum(weights.values()) == 0
    assert len(ours_units) >= 10
    assert Account.objects.filter(code="4030").exists()
