"""Crowdfunding fixtures: the seeded chart (the ledger consumer posts to 2630/2640/5130)."""

from __future__ import annotations

import pytest

from marquee.finance.chart import ensure_chart


@pytest.fixture(autouse=True)
def _chart(db):
    ensure_chart()
