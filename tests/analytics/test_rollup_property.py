"""Property: after any sequence of sales, refunds and exchanges the rollup agrees exactly with
the ticketing tables (tickets and face value per showtime), and a rebuild gives the same rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import Count, Sum
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from marquee.analytics.models import BoxOfficeFact
from marquee.analytics.services.rollup import rebuild_box_office
from marquee.core import outbox
from marquee.core.errors import DomainError
from marquee.ticketing.models import Ticket
from marquee.ticketing.services.exchanges import exchange_tickets
from marquee.ticketing.services.refunds import refund_tickets
from tests.ticketing.conftest import make_showtime
from tests.ticketing.factories import OrderFactory

pytestmark = pytest.mark.django_db

#: Standard seats (rows 2 and 4, CNY 45) and VIP seats (row 3, CNY 65).
SEATS = [f"{row}-{col}" for row in (2, 3, 4) for col in range(1, 7)]

OPS = st.lists(
    st.one_of(
        st.tuples(
            st.just("buy"),
            st.integers(0, 1),
            st.lists(st.sampled_from(SEATS), min_size=1, max_size=3, unique=True),
            st.integers(0, 3),
        ),
        st.tuples(st.just("refund"), st.integers(0, 40)),
        st.tuples(st.just("exchange"), st.integers(0, 40), st.sampled_from(SEATS)),
    ),
    min_size=1,
    max_size=8,
)


def _rollup() -> dict[int, tuple[int, int]]:
    rows = BoxOfficeFact.objects.values("showtime_id").annotate(
        t=Sum("tickets"), g=Sum("gross_minor")
    )
    return {r["showtime_id"]: (r["t"], r["g"]) for r in rows if r["t"] or r["g"]}


def _tickets() -> dict[int, tuple[int, int]]:
    rows = (
        Ticket.objects.filter(status__in=Ticket.ACTIVE_STATUSES)
        .values("showtime_id")
        .annotate(t=Count("pk"), g=Sum("line__price_minor"))
    )
    return {r["showtime_id"]: (r["t"], r["g"]) for r in rows}


def _valid(index: int) -> Ticket | None:
    valid = list(
        Ticket.objects.filter(status=Ticket.Status.VALID).select_related("order").order_by("pk")
    )
    return valid[index % len(valid)] if valid else None


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=OPS)
def test_rollups_agree_with_the_ticket_tables(world, make_user, ops):
    with transaction.atomic():
        first = make_showtime(world)
        second = make_showtime(world, starts_at=first.starts_at + timedelta(hours=4))
        showtimes = [first, second]
        buyers = [make_user() for _ in range(4)]
        for op in ops:
            try:
                if op[0] == "buy":
                    _, which, seats, who = op
                    OrderFactory(
                        showtime=showtimes[which], user=buyers[who], seats=seats, paid="gateway"
                    )
                elif op[0] == "refund":
                    ticket = _valid(op[1])
                    if ticket is not None:
                        refund_tickets(
                            order=ticket.order, ticket_ids=[ticket.pk], actor=ticket.order.user
                        )
                else:
                    ticket = _valid(op[1])
                    if ticket is not None:
                        target = second if ticket.showtime_id == first.pk else first
                        exchange_tickets(
                            order=ticket.order,
                            ticket_ids=[ticket.pk],
                            new_showtime=target,
                            seat_codes=[op[2]],
                            actor=ticket.order.user,
                        )
            except DomainError as exc:
                event(f"{op[0]} refused: {exc.code}")  # nothing changed, nothing to roll up
            else:
                event(f"{op[0]} tried")
            outbox.drain()
            assert _rollup() == _tickets()
        before = sorted(
            BoxOfficeFact.objects.values_list("showtime_id", "sale_day", "tickets", "gross_minor")
        )
        rebuild_box_office()
        after = sorted(
            BoxOfficeFact.objects.values_list("showtime_id", "sale_day", "tickets", "gross_minor")
        )
        assert after == before
        transaction.set_rollback(True)
