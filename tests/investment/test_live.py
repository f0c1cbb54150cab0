"""The live statement: tickets sold since the last settlement, provisional, then settled."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from marquee.accounts.models import Role
from marquee.core import outbox
from marquee.core.models import OutboxEvent
from marquee.investment import consumers, queries
from marquee.investment import waterfall as engine
from marquee.investment.models import Participant, Project, Waterfall
from marquee.investment.services.financing import stakes_of
from marquee.ticketing.services.refunds import refund_tickets
from marquee.ticketing.services.settlement import compute_settlement, mark_settlement_paid
from tests.investment.conftest import DAY, Deal
from tests.ticketing.buying import buy
from tests.ticketing.conftest import make_showtime

pytestmark = pytest.mark.django_db


@pytest.fixture
def fed(world, with_waterfall) -> Deal:
    """The deal's film is the ticketing world's title, and its waterfall has settled revenue."""
    d = with_waterfall
    Project.objects.filter(pk=d.project.pk).update(title=world.title)
    d.project.refresh_from_db()
    from marquee.investment import services

    services.receive_manual(
        project=d.project.slug,
        received_on=DAY,
        currency="CNY",
        amount_minor=9_000_000,
        description="Earlier revenue",
        key="earlier",
    )
    return d


def _day(showtime):
    return showtime.starts_at.astimezone(ZoneInfo(showtime.venue.time_zone)).date()


def _share(world, showtime) -> int:
    """The distributor's share the settlement computes for the day (the only title)."""
    (line,) = compute_settlement(venue=world.venue, day=_day(showtime)).lines
    return line.distributor_share.minor


def _engine_answer(d: Deal, *amounts: int) -> dict[int, int]:
    """What the engine pays each participant for ``amounts`` on top of the stored state."""
    waterfall = Waterfall.objects.get(project=d.project)
    tiers = engine.parse_tiers(queries.current_tiers(waterfall), stakes_of(d.project))
    periods, _ = engine.run(tiers, [a for a in amounts if a], "CNY", state=waterfall.state)
    return engine.totals([s for shares in periods for s in shares])


def _provisional(participant: Participant) -> int:
    fresh = Participant.objects.select_related("project").get(pk=participant.pk)
    return queries.statement(fresh).provisional["amount"]["amount_minor"]


def _settled(participant: Participant) -> int:
    fresh = Participant.objects.select_related("project").get(pk=participant.pk)
    return queries.statement(fresh).total_minor


def test_a_sale_moves_the_provisional_figure_by_the_engines_answer(
    world, showtime, buyer, fed, talent
):
    d = fed
    everyone = [d.studio, d.paramount, d.skydance, d.pool, talent]
    assert [_provisional(p) for p in everyone] == [0] * 5
    settled_before = {p.pk: _settled(p) for p in everyone}
    buy(showtime, buyer, "3-4", "3-5")
    first = _share(world, showtime)
    assert first > 0
    expected = _engine_answer(d, first)
    assert {p.pk: _provisional(p) for p in everyone} == {
        p.pk: expected.get(p.pk, 0) for p in everyone
    }
    assert sum(expected.values()) == first
    # Nothing is posted or stored: the settled part has not moved.
    assert {p.pk: _settled(p) for p in everyone} == settled_before
    statement = queries.statement(Participant.objects.get(pk=d.paramount.pk)).as_dict()
    assert statement["provisional"]["distributor_share"] == {
        "amount_minor": first,
        "currency": "CNY",
    }
    assert statement["provisional"]["tickets"] == 2
    assert statement["provisional"]["days"] == [
        {
            "day": _day(showtime).isoformat(),
            "tickets": 2,
            "distributor_share": {"amount_minor": first, "currency": "CNY"},
        }
    ]
    assert statement["settled"]["earned"]["amount_minor"] == settled_before[d.paramount.pk]

    # A second sale the same day: the day's share is split again as the settlement will.
    second_order = buy(showtime, buyer, "4-4")
    both = _share(world, showtime)
    assert both > first
    expected = _engine_answer(d, both)
    assert _provisional(d.paramount) == expected[d.paramount.pk]

    # The refund takes it back out: the provisional figure is the first sale's again.
    refund_tickets(order=second_order, actor=buyer)
    assert _share(world, showtime) == first
    assert _provisional(d.paramount) == _engine_answer(d, first)[d.paramount.pk]


def test_settling_moves_the_day_from_provisional_to_settled_with_the_sum_unchanged(
    world, showtime, buyer, make_user, fed, talent
):
    d = fed
    everyone = [d.studio, d.paramount, d.skydance, d.pool, talent]
    buy(showtime, buyer, "3-4", "3-5", "3-6")
    later = make_showtime(world, starts_at=showtime.starts_at + timedelta(days=1))
    buy(later, buyer, "2-2")
    before = {p.pk: (_settled(p), _provisional(p)) for p in everyone}
    assert all(prov > 0 for _, prov in before.values() if prov) and before[d.paramount.pk][1] > 0

    mark_settlement_paid(venue=world.venue, day=_day(showtime), actor=make_user(role=Role.FINANCE))
    outbox.drain()
    after = {p.pk: (_settled(p), _provisional(p)) for p in everyone}
    for p in everyone:
        assert sum(after[p.pk]) == sum(before[p.pk]), p.name
    assert after[d.paramount.pk][0] > before[d.paramount.pk][0]
    # What is left provisional is the later day alone, on top of the new settled state.
    assert _provisional(d.paramount) == _engine_answer(d, _share(world, later))[d.paramount.pk]
    statement = queries.statement(Participant.objects.get(pk=d.paramount.pk)).as_dict()
    assert [day["day"] for day in statement["provisional"]["days"]] == [_day(later).isoformat()]

    mark_settlement_paid(venue=world.venue, day=_day(later), actor=make_user(role=Role.FINANCE))
    outbox.drain()
    for p in everyone:
        assert _provisional(p) == 0
        assert _settled(p) == sum(before[p.pk])


def test_a_paid_day_the_waterfall_has_not_taken_in_yet_stays_provisional(
    world, showtime, buyer, make_user, fed, settings
):
    d = fed
    buy(showtime, buyer, "3-4")
    provisional = _provisional(d.paramount)
    assert provisional > 0
    settings.MARQUEE_OUTBOX_MODE = "worker"
    mark_settlement_paid(venue=world.venue, day=_day(showtime), actor=make_user(role=Role.FINANCE))
    # Paid, but its event still waits for the consumer: not lost between the two parts.
    assert _provisional(d.paramount) == provisional
    settled = _settled(d.paramount)
    # The consumer run by hand (as the demo loader does) before the worker comes round:
    # the receipt is there, so the day is settled, and not counted twice.
    event = OutboxEvent.objects.get(type="ticketing.settlement_paid")
    consumers.box_office_into_waterfalls(event)
    assert _provisional(d.paramount) == 0
    assert _settled(d.paramount) == settled + provisional
    outbox.drain()
    assert (_provisional(d.paramount), _settled(d.paramount)) == (0, settled + provisional)


def test_the_statement_reads_in_a_bounded_number_of_queries(
    world, showtime, buyer, fed, django_assert_max_num_queries
):
    d = fed
    for n in range(4):
        extra = make_showtime(world, starts_at=showtime.starts_at + timedelta(days=n + 1))
        buy(extra, buyer, f"2-{n + 1}", f"3-{n + 1}")
    buy(showtime, buyer, "3-4")
    participant = Participant.objects.select_related("project").get(pk=d.paramount.pk)
    # The waterfall, the title's project, the tickets summed, the cinemas, the settled days,
    # the territory's rates (2), the version, the stakes, the payouts and their tier totals:
    # the same eleven for one day or five, for two tickets or two million.
    with django_assert_max_num_queries(11):
        statement = queries.statement(participant).as_dict()
    assert len(statement["provisional"]["days"]) == 5
    assert statement["provisional"]["amount"]["amount_minor"] > 0


def test_the_partner_statement_endpoint_returns_its_own_settled_and_provisional_parts(
    world, showtime, buyer, fed, make_user, client_for
):
    d = fed
    paramount = client_for(make_user(role=Role.PARTNER, org=d.paramount_org))
    url = f"/api/v1/investment/participants/{d.paramount.pk}/statement"
    before = paramount.get(url).json()
    assert before["provisional"]["amount"] == {"amount_minor": 0, "currency": "CNY"}
    buy(showtime, buyer, "3-4", "3-5")
    body = paramount.get(url).json()
    expected = _engine_answer(d, _share(world, showtime))[d.paramount.pk]
    assert body["provisional"]["amount"] == {"amount_minor": expected, "currency": "CNY"}
    assert body["settled"] == before["settled"]
    assert body["settled"]["earned"]["amount_minor"] == body["total_minor"] > 0
    # Nobody else's: Skydance's statement is as absent to Paramount as a made-up one.
    other = paramount.get(f"/api/v1/investment/participants/{d.skydance.pk}/statement")
    assert other.status_code == 404
    assert other["Content-Type"] == "application/problem+json"
    stakes = paramount.get("/api/v1/investment/me/stakes").json()
    assert [s["id"] for s in stakes] == [d.paramount.pk]
    assert stakes[0]["provisional_minor"] == expected


@pytest.mark.parametrize("lang", ["en", "zh-hant"])
def test_the_statement_page_shows_both_parts_and_its_live_part_moves_with_a_sale(
    world, showtime, buyer, fed, make_user, client_for, lang
):
    from marquee.core.money import Money, format_money

    d = fed
    paramount = client_for(make_user(role=Role.PARTNER, org=d.paramount_org))
    headers = {"HTTP_ACCEPT_LANGUAGE": lang}
    page = paramount.get(f"/investment/statements/{d.paramount.pk}/", **headers).content.decode()
    assert 'data-testid="provisional"' in page
    assert f'data-live-url="/investment/statements/{d.paramount.pk}/live/"' in page
    assert ("provisional" if lang == "en" else "暫估") in page
    live_url = f"/investment/statements/{d.paramount.pk}/live/"
    buy(showtime, buyer, "3-4", "3-5")
    fragment = paramount.get(live_url, **headers)
    assert fragment.status_code == 200
    assert fragment["Cache-Control"] == "no-store"
    expected = _engine_answer(d, _share(world, showtime))[d.paramount.pk]
    shown = re.search(r'data-testid="provisional-amount">([^<]+)<', fragment.content.decode())
    assert shown is not None
    assert shown.group(1) == format_money(Money(expected, "CNY"), locale=lang)
    # Another partner's live part is as absent as its statement.
    assert paramount.get(f"/investment/statements/{d.skydance.pk}/live/").status_code == 404
