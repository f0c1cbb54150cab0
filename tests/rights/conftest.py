"""Rights fixtures: the chart (flushed databases lose the seed), a title, rights staff."""

from __future__ import annotations

import pytest

from marquee.accounts.models import Role
from marquee.finance.chart import ensure_chart
from tests.catalog.factories import TitleFactory


@pytest.fixture
def chart(db):
    ensure_chart()


@pytest.fixture
def title(db):
    return TitleFactory(title_en="SCI", slug="sci-series")


@pytest.fixture
def rights_user(make_user):
    return make_user(role=Role.RIGHTS)
