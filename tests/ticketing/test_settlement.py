"""Settlement: the split adds up exactly, the day is cut in the venue's zone, rules, visibility."""

from __future__ import annotations

import csv
import io
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from marquee.accounts.models import Role
from marquee.catalog.models import Title
from marquee.core.errors import DomainError, PermissionDenied
from marquee.core.money import Money
from marquee.ticketing.models import SettlementRule, TitleSettlementRule
from marquee.ticketing.services.refunds import refund_tickets
from marquee.ticketing.services.settlement import (
    DEFAULT_RATES,
    Rates,
    set_settlement_rule,
    set_title_settlement_rule,
    settlement_csv,
    settlement_for,
    split_gross,
)
from marquee.ticketing.services.showtimes import cancel_showtime

from .buying import buy, tickets
from .conftest import FEE, PRICES, build_hall, build_world, make_showtime

SHANGHAI = ZoneInfo("Asia/Shanghai")


# --- the split, as a property ----------------------------------------------------

rates_strategy = st.tuples(
    st.integers(min_value=0, max_value=100_000),
    st.integers(min_value=0, max_value=100_000),
    st.integers(min_value=0, max_value=100_000),
).filter(lambda t: t[0] + t[1] <= 100_000)


@settings(max_examples=400, deadline=None)
@given(
    prices=st.lists(st.integers(min_value=0, max_value=10_000_000), max_size=60),
    rates=rates_strategy,
)
def test_the_parts_always_add_up_to_the_gross(prices, rates):
    fund, tax, share = (Decimal(r) / Decimal(100_000) for r in rates)
    gross = Money(sum(prices), "CNY")
    split = split_gross(gross, Rates(fund, tax, share))
    parts = [split.film_fund, split.taxes, split.cinema_share, split.distributor_share]
    assert sum(p.minor for p in parts) == gross.minor
    assert all(p.minor >= 0 for p in parts)
    assert split.net == split.cinema_share + split.distributor_share
    assert split.net.minor == gross.minor - split.film_fund.minor - split.taxes.minor
    # each part is within one minor unit of its exact share
    net_ratio = 1 - fund - tax
    exact = [fund, tax, net_ratio * share, net_ratio * (1 - share)]
    for part, ratio in zip(parts, exact, strict=True):
        assert abs(Decimal(part.minor) - gross.minor * ratio) < 1


def test_worked_example_from_the_docs():
    split = split_gross(Money(10_000, "CNY"), DEFAULT_RATES["CN"])
    assert [
        split.film_fund.minor,
        split.taxes.minor,
        split.net.minor,
        split.cinema_share.minor,
        split.distributor_share.minor,
    ] == [500, 330, 9170, 5227, 3943]


# --- the day's settlement ----------------------------------------------------------

pytestmark = pytest.mark.django_db


@pytest.fixture
def evening(world):
    """A showtime at 23:30 Shanghai time: its local day is not its UTC day."""
    local = datetime.combine(timezone.localdate() + timedelta(days=3), time.min, SHANGHAI)
    return make_showtime(world, starts_at=local.replace(hour=23, minute=30))


def test_a_day_per_title_with_refunds_netted_out(world, evening, make_user):
    day = evening.local_starts_at.date()
    morning = make_showtime(world, starts_at=evening.starts_at - timedelta(hours=13))
    assert morning.local_starts_at.date() == day
    fan = make_user()
    order = buy(evening, fan, "2-1", "2-2", "3-1")
    buy(morning, fan, "1-1")  # wheelchair
    refund_tickets(order=order, ticket_ids=[tickets(order)["2-1"].pk], actor=fan)
    result = settlement_for(venue=world.venue, day=day, actor=world.operator)
    [line] = result.lines
    assert (line.title_slug, line.showtimes, line.tickets) == (world.title.slug, 2, 3)
    gross = PRICES["standard"] + PRICES["vip"] + PRICES["wheelchair"]
    assert line.gross == Money(gross, "CNY")
    assert line.service_fees == Money(3 * FEE, "CNY")
    assert line.film_fund.minor + line.taxes.minor + line.net.minor == gross
    assert line.cinema_share + line.distributor_share == line.net
    assert (
        line.film_fund
        == Money(gross, "CNY").allocate(
            [
                Decimal("0.05"),
                Decimal("0.033"),
                Decimal("0.917") * Decimal("0.57"),
                Decimal("0.917") * Decimal("0.43"),
            ]
        )[0]
    )
    assert result.total.gross == line.gross
    assert (result.currency, result.territory, result.time_zone) == ("CNY", "CN", "Asia/Shanghai")


def test_the_day_is_cut_in_the_venues_zone(world, evening, make_user):
    # 00:30 in Shanghai is 16:30 UTC the day before: a UTC cut would misplace it
    hall_2, _ = build_hall(world.venue, name="Hall 2")
    midnight = make_showtime(world, hall=hall_2, starts_at=evening.starts_at + timedelta(hours=1))
    buy(evening, make_user(), "2-5")
    buy(midnight, make_user(), "2-5", "2-6")
    evening_day = evening.local_starts_at.date()
    midnight_day = midnight.local_starts_at.date()
    assert midnight_day == evening_day + timedelta(days=1)
    assert midnight.starts_at.astimezone(ZoneInfo("UTC")).date() == evening_day

    def sold_on(day):
        return settlement_for(venue=world.venue, day=day, actor=world.operator).total.tickets

    assert sold_on(evening_day) == 1
    assert sold_on(midnight_day) == 2
    assert sold_on(evening_day - timedelta(days=1)) == 0


def test_cancelled_showtimes_count_for_nothing(world, evening, make_user):
    buy(evening, make_user(), "2-5")
    cancel_showtime(actor=world.operator, showtime=evening)
    result = settlement_for(
        venue=world.venue, day=evening.local_starts_at.date(), actor=world.operator
    )
    assert result.lines == []
    assert result.total.gross == Money(0, "CNY")


def test_territory_rules_and_title_overrides(world, evening, make_user, make_org):
    buy(evening, make_user(), "3-1", "3-2")
    staff = make_user(role=Role.DISTRIBUTION)
    set_settlement_rule(
        actor=staff, territory="CN", film_fund_rate="0.05", tax_rate="0.03", cinema_share="0.5"
    )
    set_title_settlement_rule(actor=staff, title=world.title, territory="CN", cinema_share="0.6")
    day = evening.local_starts_at.date()
    [line] = settlement_for(venue=world.venue, day=day, actor=staff).lines
    assert line.rates == Rates(Decimal("0.05"), Decimal("0.03"), Decimal("0.6"))
    gross = 2 * PRICES["vip"]
    assert line.film_fund.minor == gross * 5 // 100
    assert line.taxes.minor == gross * 3 // 100
    net = gross - line.film_fund.minor - line.taxes.minor
    assert line.cinema_share.minor == round(net * Decimal("0.6"))
    with pytest.raises(PermissionDenied):
        set_settlement_rule(
            actor=make_user(role=Role.CINEMA_OPERATOR, org=make_org()),
            territory="CN",
            film_fund_rate="0",
            tax_rate="0",
            cinema_share="1",
        )
    for bad in (
        {"film_fund_rate": 0.05},
        {"film_fund_rate": "1.5"},
        {"film_fund_rate": "-0.1"},
        {"film_fund_rate": "0.7", "tax_rate": "0.4"},
        {"film_fund_rate": "abc"},
        {"film_fund_rate": "0.0000001"},
        {"territory": "XX"},
    ):
        args = {
            "territory": "CN",
            "film_fund_rate": "0.05",
            "tax_rate": "0.03",
            "cinema_share": "0.5",
            **bad,
        }
        with pytest.raises(DomainError) as exc:
            set_settlement_rule(actor=staff, **args)
        assert exc.value.code == "invalid_settlement_rule"
    assert SettlementRule.objects.get(territory="CN").cinema_share == Decimal("0.5")
    assert TitleSettlementRule.objects.count() == 1


def test_hong_kong_defaults_have_no_film_fund(make_user):
    hk = build_world(make_user, time_zone="Asia/Hong_Kong", currency="HKD")
    showtime = make_showtime(hk)
    buy(showtime, make_user(), "2-2")
    result = settlement_for(venue=hk.venue, day=showtime.local_starts_at.date(), actor=hk.operator)
    line = result.total
    assert result.currency == "HKD"
    assert (line.film_fund.minor, line.taxes.minor) == (0, 0)
    assert line.cinema_share.minor == round(PRICES["standard"] * Decimal("0.55"))


def test_visibility(world, evening, make_user, make_org):
    day = evening.local_starts_at.date()
    allowed = [
        world.operator,
        make_user(role=Role.DISTRIBUTION),
        make_user(role=Role.ADMIN),
    ]
    for user in allowed:
        assert settlement_for(venue=world.venue, day=day, actor=user).venue_id == world.venue.pk
    refused = [
        make_user(),
        make_user(role=Role.FINANCE),
        make_user(role=Role.CINEMA_OPERATOR, org=make_org()),
    ]
    for user in refused:
        with pytest.raises(PermissionDenied) as exc:
            settlement_for(venue=world.venue, day=day, actor=user)
        assert exc.value.code == "not_settlement_viewer"


def test_csv_rows_add_up_and_neutralise_formulas(world, evening, make_user):
    formula = Title.objects.create(
        slug="formula", original_title="=1+1", title_en="=HYPERLINK(1)", runtime_minutes=90
    )
    other = make_showtime(world, title=formula, starts_at=evening.starts_at - timedelta(hours=5))
    buy(evening, make_user(), "2-2", "2-3")
    buy(other, make_user(), "3-3")
    with time_machine.travel(evening.starts_at - timedelta(days=1)):
        result = settlement_for(
            venue=world.venue, day=evening.local_starts_at.date(), actor=world.operator
        )
    rows = list(csv.DictReader(io.StringIO(settlement_csv(result))))
    assert [r["title"] for r in rows] == ["'=HYPERLINK(1)", world.title.title_en, "TOTAL"]
    total = rows[-1]
    assert (
        Decimal(total["gross_box_office"]) == Decimal(2 * PRICES["standard"] + PRICES["vip"]) / 100
    )
    for row in rows:
        parts = ("film_fund", "taxes", "cinema_share", "distributor_share")
        assert sum(Decimal(row[p]) for p in parts) == Decimal(row["gross_box_office"])
    assert rows[0]["film_fund_rate"] == "0.05"
    assert total["film_fund_rate"] == ""
