"""Vouchers in the cinema's settlement: who funds a discount, and the ledger agrees."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marquee.accounts.models import Role
from marquee.finance.models import JournalLine
from marquee.marketing.models import Campaign
from marquee.marketing.services.campaigns import issue_vouchers
from marquee.marketing.services.provider import VoucherDiscounts
from marquee.ticketing.discounts import PAYERS, Discount, register_discount_provider
from marquee.ticketing.models import Order
from marquee.ticketing.services.settlement import (
    compute_settlement,
    mark_settlement_paid,
    settlement_csv,
)
from tests.marketing.factories import CampaignFactory
from tests.marketing.helpers import buy


def _net(code: str, **filters) -> int:
    row = JournalLine.objects.filter(account__code=code, **filters).aggregate(
        d=Sum("debit_minor"), c=Sum("credit_minor")
    )
    return (row["d"] or 0) - (row["c"] or 0)


def _day(showtime):
    return showtime.local_starts_at.date()


@pytest.fixture
def three_buyers(make_user):
    return [make_user() for _ in range(3)]


def _vouchers(staff, everyone, payers: Sequence[str]) -> dict[str, Campaign]:
    """One fixed-amount campaign per payer: platform ¥10, distributor ¥7, cinema ¥5 off."""
    amounts = {"platform": 1000, "distributor": 700, "cinema": 500}
    campaigns = {}
    for payer in payers:
        campaigns[payer] = CampaignFactory(
            actor=staff, segment=everyone, payer=payer, amount_minor=amounts[payer]
        )
        issue_vouchers(actor=staff, campaign=campaigns[payer])
    return campaigns


def test_the_statement_shows_who_funds_each_discount(showtime, staff, everyone, three_buyers):
    campaigns = _vouchers(staff, everyone, PAYERS)
    for buyer, (payer, seat) in zip(
        three_buyers, [("platform", "2-1"), ("distributor", "2-2"), ("cinema", "2-3")], strict=True
    ):
        code = campaigns[payer].vouchers.get(user=buyer).code
        buy(showtime, buyer, [seat], code)
    total = compute_settlement(venue=showtime.venue, day=_day(showtime)).total
    assert total.gross.minor == 3 * 4500  # the split stays at list price
    assert (total.voucher_platform.minor, total.voucher_distributor.minor) == (1000, 700)
    assert total.voucher_cinema.minor == 500
    assert total.paid_by_buyers.minor == 13500 - 2200
    assert total.cinema_net == total.cinema_share - total.voucher_cinema
    assert total.distributor_net == total.distributor_share - total.voucher_distributor
    # The CSV carries the same lines at its end.
    row = settlement_csv(compute_settlement(venue=showtime.venue, day=_day(showtime)))
    assert row.splitlines()[-1].endswith(
        ",10.00,7.00,5.00,"
        + f"{total.cinema_net.to_decimal()},{total.distributor_net.to_decimal()}"
    )


def test_paying_the_settlement_settles_the_funders_receivables(
    showtime, staff, everyone, three_buyers, make_user
):
    campaigns = _vouchers(staff, everyone, PAYERS)
    for buyer, payer, seat in zip(three_buyers, PAYERS, ["2-1", "2-2", "2-3"], strict=True):
        buy(showtime, buyer, [seat], campaigns[payer].vouchers.get(user=buyer).code)
    # Before the settlement the cinema and the distributor owe their discounts.
    assert _net("1100") == 700 + 500
    assert _net("6050") == 1000
    payload = mark_settlement_paid(
        venue=showtime.venue, day=_day(showtime), actor=make_user(role=Role.FINANCE)
    )
    from marquee.core import outbox

    outbox.drain()
    assert payload["amount_minor"] == 13500  # the cinema's payable at list price…
    assert payload["paid_out_minor"] == 13500 - 700 - 500  # …paid out less what they fund
    assert _net("1100") == 0  # receivables settled by paying less
    assert _net("2010", venue_id=showtime.venue_id) == 0  # nothing owed to the cinema
    assert _net("1010") == -(13500 - 1200)
    assert _net("2690") == 0
    assert _net("6050") == 1000  # the platform's subsidy stays its expense
    totals = JournalLine.objects.aggregate(d=Sum("debit_minor"), c=Sum("credit_minor"))
    assert totals["d"] == totals["c"]


class _RandomDiscounts:
    """A provider granting ``percent`` of each line, funded by ``payer`` (set per order)."""

    percent = 0
    payer = "platform"

    def apply(self, *, code, order, lines, now) -> Discount:
        off = tuple(line.price_minor * self.percent // 100 for line in lines)
        return Discount(per_line_minor=off, code=code, payer=self.payer)


class _Rollback(Exception):
    pass


SEATS = [f"{row}-{n}" for row in (2, 3, 4) for n in range(1, 9)]

orders_strategy = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=3),  # seats
        st.sampled_from([None, *PAYERS]),  # no voucher, or who funds it
        st.integers(min_value=1, max_value=100),  # percent off each seat
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(orders=orders_strategy)
def test_buyers_subsidy_and_funded_discounts_add_up_to_the_list_gross(showtime, buyer, orders):
    provider = _RandomDiscounts()
    register_discount_provider(provider)
    try:
        with pytest.raises(_Rollback), transaction.atomic():
            seats = iter(SEATS)
            granted: Counter[str] = Counter()
            list_gross = 0
            for count, payer, percent in orders:
                chosen = [next(seats) for _ in range(count)]
                provider.percent, provider.payer = percent, payer or "platform"
                order = buy(showtime, buyer, chosen, "ANY" if payer else None)
                assert order.status == Order.Status.PAID
                list_gross += order.subtotal_minor
                if payer:
                    granted[payer] += order.discount_minor
            settlement = compute_settlement(venue=showtime.venue, day=_day(showtime))
            for line in [*settlement.lines, settlement.total]:
                parts = (
                    line.paid_by_buyers
                    + line.voucher_platform
                    + line.voucher_distributor
                    + line.voucher_cinema
                )
                assert parts == line.gross
                shared = line.film_fund + line.taxes + line.cinema_net + line.distributor_net
                # What the cinema and distributor keep is what buyers paid plus the subsidy.
                assert shared == line.paid_by_buyers + line.voucher_platform
            total = settlement.total
            assert total.gross.minor == list_gross
            assert {p: getattr(total, f"voucher_{p}").minor for p in PAYERS} == {
                p: granted[p] for p in PAYERS
            }
            raise _Rollback
    finally:
        register_discount_provider(VoucherDiscounts())


def test_the_operator_reads_the_voucher_lines_on_the_settlement_page_and_api(
    world, showtime, staff, everyone, three_buyers
):
    from django.test import Client

    from tests.conftest import PASSWORD

    campaigns = _vouchers(staff, everyone, ["cinema"])
    buy(
        showtime,
        three_buyers[0],
        ["2-1"],
        campaigns["cinema"].vouchers.get(user=three_buyers[0]).code,
    )
    client = Client()
    assert client.login(username=world.operator.username, password=PASSWORD)
    day = _day(showtime).isoformat()
    page = client.get(f"/console/{showtime.venue.slug}/settlement/?date={day}").content.decode()
    assert 'data-testid="settlement-vouchers"' in page
    cell = page.split('data-testid="voucher-cinema">', 1)[1].split("<", 1)[0]
    assert "5.00" in cell
    total = compute_settlement(venue=showtime.venue, day=_day(showtime)).total
    assert total.voucher_cinema.minor == 500
    body = client.get(
        f"/api/v1/ticketing/settlements?venue_id={showtime.venue_id}&date={day}"
    ).json()
    assert body["total"]["voucher_cinema_minor"] == 500
    assert body["total"]["cinema_net_minor"] == total.cinema_share.minor - 500
    assert body["total"]["paid_by_buyers_minor"] == 4500 - 500
