"""Door check-in: every verdict, once-only admission, every scan recorded, scoped to the venue."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from marquee.accounts.models import Role
from marquee.core.errors import DomainError, PermissionDenied
from marquee.core.models import OutboxEvent
from marquee.ticketing import etickets, events
from marquee.ticketing.models import Scan, Ticket
from marquee.ticketing.queries import scan_summary
from marquee.ticketing.services import checkin
from marquee.ticketing.services.exchanges import exchange_tickets
from marquee.ticketing.services.refunds import refund_tickets

from .buying import buy, tickets
from .conftest import build_world, make_showtime

pytestmark = pytest.mark.django_db


@pytest.fixture
def sold(world, showtime, buyer):
    order = buy(showtime, buyer, "2-3", "2-4")
    return order, tickets(order)


def at_doors(showtime, minutes_before: int = 10):
    return time_machine.travel(showtime.starts_at - timedelta(minutes=minutes_before))


def scan(world, code, **kwargs):
    kwargs.setdefault("venue", world.venue)
    kwargs.setdefault("actor", world.operator)
    return checkin.check_in(code=code, **kwargs)


def test_valid_admits_once_then_already_used_with_when_and_door(world, showtime, sold):
    _, by_seat = sold
    ticket = by_seat["2-3"]
    before = OutboxEvent.objects.count()
    with at_doors(showtime):
        first = scan(world, ticket.code, door="Door A", showtime=showtime)
        admitted_at = timezone.now()
    assert first.verdict == "valid" and first.admitted
    assert first.seat_code == "2-3"
    assert first.seat_label == "2排3座"
    assert first.showtime.pk == showtime.pk
    assert Ticket.objects.get(pk=ticket.pk).status == "used"
    [event] = OutboxEvent.objects.order_by("pk")[before:]
    assert event.type == events.TICKET_CHECKED_IN
    assert event.payload["ticket_id"] == ticket.pk
    assert event.payload["door"] == "Door A"
    with at_doors(showtime, minutes_before=5):
        second = scan(world, ticket.code, door="Door B")
    assert second.verdict == "already_used" and not second.admitted
    assert abs(second.used_at - admitted_at) < timedelta(seconds=1)
    assert second.used_door == "Door A"
    assert "Door A" in second.message
    assert OutboxEvent.objects.filter(type=events.TICKET_CHECKED_IN).count() == 1
    assert list(Scan.objects.order_by("pk").values_list("verdict", "door")) == [
        ("valid", "Door A"),
        ("already_used", "Door B"),
    ]


def test_every_scan_is_recorded_with_a_digest_not_the_code(world, showtime, sold):
    _, by_seat = sold
    code = by_seat["2-4"].code
    with at_doors(showtime):
        result = scan(world, code, door="  North  ")
    recorded = Scan.objects.get(pk=result.scan.pk)
    assert recorded.code_digest == hashlib.sha256(code.encode()).hexdigest()
    assert code not in str(Scan.objects.filter(pk=recorded.pk).values().get())
    assert (recorded.ticket_id, recorded.venue_id, recorded.actor_id) == (
        by_seat["2-4"].pk,
        world.venue.pk,
        world.operator.pk,
    )
    assert recorded.door == "North"
    assert recorded.showtime_id == showtime.pk


def test_not_yet_open_and_expired(world, showtime, sold):
    _, by_seat = sold
    ticket = by_seat["2-3"]
    with time_machine.travel(ticket.valid_from - timedelta(seconds=1)):
        early = scan(world, ticket.code)
    assert early.verdict == "not_yet_open"
    with time_machine.travel(ticket.valid_from):
        assert scan(world, ticket.code).verdict == "valid"
    later = by_seat["2-4"]
    with time_machine.travel(later.valid_until + timedelta(seconds=1)):
        late = scan(world, later.code)
    assert late.verdict == "expired"
    assert Ticket.objects.get(pk=later.pk).status == "valid"


def test_wrong_showtime_and_wrong_venue(world, showtime, sold, make_user):
    _, by_seat = sold
    ticket = by_seat["2-3"]
    other_show = make_showtime(world, starts_at=showtime.starts_at + timedelta(hours=4))
    with at_doors(showtime):
        wrong_show = scan(world, ticket.code, showtime=other_show)
        assert wrong_show.verdict == "wrong_showtime"
        # another chain's cinema: told it is not theirs, shown nothing of the ticket
        elsewhere = build_world(make_user)
        wrong_venue = scan(elsewhere, ticket.code)
    assert wrong_venue.verdict == "wrong_venue"
    assert wrong_venue.ticket is None and wrong_venue.showtime is None
    assert Scan.objects.get(pk=wrong_venue.scan.pk).venue_id == elsewhere.venue.pk
    assert Ticket.objects.get(pk=ticket.pk).status == "valid"


@pytest.fixture
def given_up(world, showtime, sold, buyer):
    """2-3 refunded, 2-4 exchanged for a later showtime; returns (tickets by seat, later)."""
    order, by_seat = sold
    later = make_showtime(world, starts_at=showtime.starts_at + timedelta(hours=4))
    refund_tickets(order=order, ticket_ids=[by_seat["2-3"].pk], actor=buyer)
    exchange_tickets(
        order=order,
        ticket_ids=[by_seat["2-4"].pk],
        new_showtime=later,
        seat_codes=["2-4"],
        actor=buyer,
    )
    return by_seat, later


def test_refunded_and_exchanged_tickets_are_refused(world, showtime, given_up):
    by_seat, _ = given_up
    with at_doors(showtime):
        refunded = scan(world, by_seat["2-3"].code)
        exchanged = scan(world, by_seat["2-4"].code)
    assert (refunded.verdict, refunded.exchanged) == ("refunded", False)
    assert (exchanged.verdict, exchanged.exchanged) == ("refunded", True)
    assert "Exchanged" in exchanged.message


def test_a_refunded_or_exchanged_ticket_is_told_so_before_the_doors_open(world, given_up):
    by_seat, later = given_up
    # Hours before the doors open, and at a door admitting another showtime:
    # the verdicts that can never admit come first.
    with time_machine.travel(by_seat["2-3"].valid_from - timedelta(hours=2)):
        refunded = scan(world, by_seat["2-3"].code)
        exchanged = scan(world, by_seat["2-4"].code, showtime=later)
    assert (refunded.verdict, refunded.exchanged) == ("refunded", False)
    assert (exchanged.verdict, exchanged.exchanged) == ("refunded", True)
    with time_machine.travel(by_seat["2-3"].valid_until + timedelta(hours=2)):
        assert scan(world, by_seat["2-3"].code).verdict == "refunded"


def test_whitespace_around_a_scanned_code_is_trimmed(world, showtime, sold):
    _, by_seat = sold
    ticket = by_seat["2-3"]
    with at_doors(showtime):
        result = scan(world, f"  {ticket.code}\r\n")
    assert result.verdict == "valid"
    digest = hashlib.sha256(ticket.code.encode()).hexdigest()
    assert Scan.objects.get(pk=result.scan.pk).code_digest == digest


@pytest.mark.parametrize(
    "mangle",
    [
        lambda code: code[:-3] + ("AAA" if not code.endswith("AAA") else "BBB"),
        lambda code: code.replace("MQT1:", "MQT2:"),
        lambda code: "hello",
        lambda code: "",
        lambda code: "MQT1:" + "%" * 300,
    ],
)
def test_forged_codes(world, showtime, sold, mangle):
    _, by_seat = sold
    with at_doors(showtime):
        result = scan(world, mangle(by_seat["2-3"].code))
    assert result.verdict == "forged"
    assert result.ticket is None
    assert Scan.objects.get(pk=result.scan.pk).ticket_id is None


def test_a_genuine_signature_for_no_ticket_we_hold_is_forged(world, showtime, sold):
    _, by_seat = sold
    real = by_seat["2-3"]
    claims = etickets.verify_ticket(real.code)
    ghost = etickets.sign_ticket(
        etickets.TicketClaims(
            ticket_id=real.pk + 10_000,
            showtime_id=claims.showtime_id,
            venue_id=claims.venue_id,
            hall_id=claims.hall_id,
            seat=claims.seat,
            valid_from=claims.valid_from,
            valid_until=claims.valid_until,
        )
    )
    # and one whose facts disagree with the ticket row (another seat)
    swapped = etickets.sign_ticket(
        etickets.TicketClaims(
            ticket_id=real.pk,
            showtime_id=claims.showtime_id,
            venue_id=claims.venue_id,
            hall_id=claims.hall_id,
            seat="9-9",
            valid_from=claims.valid_from,
            valid_until=claims.valid_until,
        )
    )
    with at_doors(showtime):
        assert scan(world, ghost).verdict == "forged"
        assert scan(world, swapped).verdict == "forged"
    assert Ticket.objects.get(pk=real.pk).status == "valid"


def test_only_the_venues_operators_scan(world, showtime, sold, make_user, make_org):
    _, by_seat = sold
    outsiders = [
        make_user(),
        make_user(role=Role.DISTRIBUTION),
        make_user(role=Role.CINEMA_OPERATOR, org=make_org()),
    ]
    with at_doors(showtime):
        for outsider in outsiders:
            with pytest.raises(PermissionDenied) as exc:
                scan(world, by_seat["2-3"].code, actor=outsider)
            assert exc.value.code == "not_venue_operator"
        admin = make_user(role=Role.ADMIN)
        assert scan(world, by_seat["2-3"].code, actor=admin).verdict == "valid"
    assert Scan.objects.count() == 1  # refused callers leave no scan


def test_a_door_showtime_of_another_venue_is_a_caller_error(world, showtime, sold, make_user):
    _, by_seat = sold
    elsewhere = build_world(make_user)
    their_show = make_showtime(elsewhere)
    with pytest.raises(DomainError) as exc:
        scan(world, by_seat["2-3"].code, showtime=their_show)
    assert exc.value.code == "showtime_not_at_venue"
    assert not Scan.objects.exists()


def test_summary_counts_the_local_days_scans_by_verdict(world, showtime, sold):
    _, by_seat = sold
    with at_doors(showtime):
        scan(world, by_seat["2-3"].code)
        scan(world, by_seat["2-3"].code)
        scan(world, "junk")
        # the venue's local day (Asia/Shanghai for this world)
        local_day = timezone.now().astimezone(showtime.local_starts_at.tzinfo).date()
    summary = scan_summary(venue=world.venue, day=local_day)
    assert summary.counts["valid"] == 1
    assert summary.counts["already_used"] == 1
    assert summary.counts["forged"] == 1
    assert summary.counts["expired"] == 0
    assert set(summary.counts) == set(Scan.Verdict.values)
    assert (summary.total, summary.admitted) == (3, 1)
    assert scan_summary(venue=world.venue, day=local_day + timedelta(days=1)).total == 0


def test_a_scan_is_a_handful_of_queries(world, showtime, sold, django_assert_max_num_queries):
    _, by_seat = sold
    operator = world.operator
    checkin.require_door_access(actor=operator, venue=world.venue)  # memberships cached
    with at_doors(showtime), django_assert_max_num_queries(8) as captured:
        result = scan(world, by_seat["2-3"].code, door="A")
    assert result.admitted
    # verify (the ticket with its showtime), admit, record, publish: no per-seat or N+1 reads
    assert len(captured.captured_queries) <= 8
