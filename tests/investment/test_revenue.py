"""Revenue flows into the waterfall by itself, exactly once, and the payouts reach the ledger."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from marquee.accounts.models import Role
from marquee.core import outbox
from marquee.core.models import EventDelivery, OutboxEvent
from marquee.core.money import Money
from marquee.finance.models import JournalLine
from marquee.investment import consumers, events, queries, services
from marquee.investment.models import Payout, Project, Receipt
from marquee.ticketing.services.settlement import mark_settlement_paid
from tests.investment.conftest import DAY, deal_tiers
from tests.ticketing.buying import buy

pytestmark = pytest.mark.django_db


def _drain() -> None:
    outbox.drain()
    stuck = EventDelivery.objects.filter(consumer__startswith="investment.").exclude(
        status=EventDelivery.Status.DONE
    )
    assert not stuck.exists(), list(stuck.values("consumer", "last_error"))


def test_a_receipt_pays_every_participant_and_posts_the_outside_shares(with_waterfall, talent):
    d = with_waterfall
    receipt = services.receive(
        project=d.project,
        source=Receipt.Source.MANUAL,
        source_key="manual:test:1",
        received_on=DAY,
        money=Money(12_000_000, "CNY"),
    )
    paid = {p.participant_id: 0 for p in receipt.payouts.all()}
    for p in receipt.payouts.all():
        paid[p.participant_id] += p.amount_minor
    assert sum(paid.values()) == 12_000_000
    assert paid[d.paramount.pk] == 1_320_000 + 1_225_500
    assert paid[talent.pk] == 715_000
    # The studio's own share stays home; everybody else's is a participation owed.
    lines = JournalLine.objects.filter(entry=receipt.journal_entry)
    owed = {line.reference: line.credit_minor for line in lines if line.account.code == "2610"}
    assert owed == {
        f"participant:{d.paramount.pk}": paid[d.paramount.pk],
        f"participant:{d.skydance.pk}": paid[d.skydance.pk],
        f"participant:{d.pool.pk}": paid[d.pool.pk],
        f"participant:{talent.pk}": paid[talent.pk],
    }
    debits = sum(line.debit_minor for line in lines if line.account.code == "5110")
    assert debits == 12_000_000 - paid[d.studio.pk]
    assert {line.project for line in lines} == {d.project.slug}
    # The same key again: the same receipt, nothing paid twice.
    again = services.receive(
        project=d.project,
        source=Receipt.Source.MANUAL,
        source_key="manual:test:1",
        received_on=DAY,
        money=Money(12_000_000, "CNY"),
    )
    assert again.pk == receipt.pk
    assert Payout.objects.count() == receipt.payouts.count()


def test_a_receipt_in_another_currency_is_converted_at_the_days_rate(with_waterfall):
    receipt = services.receive(
        project=with_waterfall.project,
        source=Receipt.Source.MANUAL,
        source_key="manual:usd",
        received_on=DAY,
        money=Money(100_000, "USD"),
    )
    assert (receipt.currency, receipt.amount_minor) == ("CNY", 712_340)
    assert (receipt.original_currency, receipt.original_minor) == ("USD", 100_000)
    assert sum(p.amount_minor for p in receipt.payouts.all()) == 712_340


def test_settled_box_office_flows_into_the_titles_waterfall_once(
    world, showtime, buyer, make_user, with_waterfall
):
    d = with_waterfall
    Project.objects.filter(pk=d.project.pk).update(title=world.title)
    buy(showtime, buyer, "3-4", "3-5")
    finance = make_user(role=Role.FINANCE)
    day = showtime.starts_at.astimezone(ZoneInfo(showtime.venue.time_zone)).date()
    payload = mark_settlement_paid(venue=world.venue, day=day, actor=finance)
    _drain()
    share = payload["titles"][0]["distributor_share_minor"]
    (receipt,) = Receipt.objects.all()
    assert receipt.source == "box_office"
    assert receipt.amount_minor == share > 0
    assert sum(p.amount_minor for p in receipt.payouts.all()) == share
    # A replay of the same event adds nothing.
    event = OutboxEvent.objects.get(type="ticketing.settlement_paid")
    consumers.box_office_into_waterfalls(event)
    assert Receipt.objects.count() == 1
    # Each partner's statement shows it, nobody else's.
    statement = queries.statement(d.paramount)
    assert statement.total_minor == sum(
        p.amount_minor for p in receipt.payouts.filter(participant=d.paramount)
    )


def test_a_licence_fee_event_flows_into_the_waterfall_once(world, with_waterfall):
    d = with_waterfall
    Project.objects.filter(pk=d.project.pk).update(title=world.title)
    outbox.publish(
        events.LICENCE_FEE_RECEIVED,
        aggregate="rights.deal",
        aggregate_id=7,
        payload={
            "title_id": world.title.pk,
            "deal_id": 7,
            "amount_minor": 3_000_000,
            "currency": "HKD",
            "received_on": "2026-05-20",
            "licensee": "iQiyi",
        },
    )
    _drain()
    (receipt,) = Receipt.objects.all()
    assert (receipt.source, receipt.received_on) == ("licence", dt.date(2026, 5, 20))
    assert receipt.amount_minor == 2_737_500  # HK$30,000 at 0.9125
    assert "iQiyi" in receipt.description
    event = OutboxEvent.objects.get(type=events.LICENCE_FEE_RECEIVED)
    consumers.licence_fees_into_waterfalls(event)
    assert Receipt.objects.count() == 1


def test_revenue_of_a_title_without_a_waterfall_is_ignored(world, deal):
    Project.objects.filter(pk=deal.project.pk).update(title=world.title)
    outbox.publish(
        events.LICENCE_FEE_RECEIVED,
        aggregate="rights.deal",
        aggregate_id=8,
        payload={
            "title_id": world.title.pk,
            "deal_id": 8,
            "amount_minor": 100,
            "currency": "CNY",
            "received_on": "2026-05-20",
            "licensee": "Youku",
        },
    )
    _drain()
    assert not Receipt.objects.exists()


def test_a_new_version_keeps_what_each_tier_already_absorbed(with_waterfall, talent):
    d = with_waterfall
    services.receive(
        project=d.project,
        source=Receipt.Source.MANUAL,
        source_key="manual:v1",
        received_on=DAY,
        money=Money(12_000_000, "CNY"),
    )
    tiers = deal_tiers(d, talent)
    tiers[0]["percent"] = "10"  # a lower fee from now on
    services.set_waterfall(project=d.project.slug, tiers=tiers, note="Fee renegotiated")
    second = services.receive(
        project=d.project,
        source=Receipt.Source.MANUAL,
        source_key="manual:v2",
        received_on=DAY,
        money=Money(3_000_000, "CNY"),
    )
    by_tier = {p.tier_key for p in second.payouts.all()}
    assert second.version == 2
    # 10 % of the 15,000,000 received is 1,500,000 < the 1,800,000 paid: no fee now;
    # expenses, the negative cost and the deferment stay recouped.
    assert by_tier == {"corridor", "residual"}
    summary = queries.waterfall_summary(d.project.waterfall)
    assert summary["received_minor"] == 15_000_000
    assert sum(t.paid_minor for t in summary["tiers"]) == 15_000_000
