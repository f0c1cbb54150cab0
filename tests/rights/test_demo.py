"""The demo rights desk: SCI and Gossip High licensed to iQiyi and Youku, loaded once."""

from __future__ import annotations

import datetime as dt

import pytest

from marquee.accounts.models import Role
from marquee.core.models import OutboxEvent
from marquee.demo.rights import SLUGS, WAN, load_demo_rights
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
    assert first.received == 5
    assert first.reports == 6  # the first three quarters of 2026: Youku's, the studio's own
    deals = Deal.objects.count()
    again = load_demo_rights(today=TODAY)
    assert Deal.objects.count() == deals
    assert (again.received, again.reports) == (0, 0)
    assert OutboxEvent.objects.filter(type="rights.licence_fee_received").count() == 3
    youku = Deal.objects.get(idempotency_key="demo-rights-sci-youku")
    # Shares 1.12m + 1.4m + 1.68m = 4.2m against the 3m guarantee: 1.2m booked above it.
    assert youku.share_booked_minor == 120 * WAN
    assert youku.instalments.filter(report__isnull=False).count() == 1
    emperor = Deal.objects.get(idempotency_key="demo-rights-the-last-dance-in")
    # The licensor's 30 %: 2.7m + 3.3m + 2.4m = 8.4m against a 6.5m guarantee: 1.9m owed.
    assert emperor.share_booked_minor == 190 * WAN
    assert emperor.instalments.get(report__isnull=False).amount_minor == 190 * WAN

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
