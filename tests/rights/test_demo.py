"""The demo rights desk: SCI and Gossip High licensed to iQiyi and Youku, loaded once."""

from __future__ import annotations

import datetime as dt

import pytest

from marquee.accounts.models import Role
from marquee.core.models import OutboxEvent
from marquee.demo.rights import SLUGS, load_demo_rights
from marquee.rights import queries
from marquee.rights.models import Deal
from tests.catalog.factories import TitleFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 2)


def test_demo_deals_load_once_and_answer_avails(chart, make_user):
    make_user(role=Role.RIGHTS, username="rights")
    titles = {slug: TitleFactory(slug=slug) for slug in SLUGS}
    first = load_demo_rights(today=TODAY)
    assert first.deals == 12
    assert first.received == 4
    deals = Deal.objects.count()
    again = load_demo_rights(today=TODAY)
    assert Deal.objects.count() == deals
    assert again.received == 0
    assert OutboxEvent.objects.filter(type="rights.licence_fee_received").count() == 2

    sci = titles["sci"]
    counterparties = set(
        Deal.objects.filter(title=sci, direction="out").values_list("counterparty", flat=True)
    )
    assert {"iQiyi", "Youku"} <= counterparties
    q = queries.question(
        media=["svod"],
        territory="GCN",
        start_on=dt.date(2027, 1, 1),
        end_on=dt.date(2027, 12, 31),
        exclusive=True,
    )
    answer = queries.title_avails(sci.pk, q)
    free = {t for part in answer.free for t in part.territories}
    assert free == {"HK", "MO", "TW"}  # mainland SVOD went to iQiyi
    assert [d.counterparty for d in answer.deals.values()] == ["iQiyi"]
