"""The waiting room of a showtime in a rush (services/waiting_room.py), through the API."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from marquee.accounts.services import create_api_token
from marquee.core.errors import DomainError
from marquee.ticketing.models import Hold, Showtime, Ticket, WaitingRoomEntry
from marquee.ticketing.services import holds, showtimes, waiting_room
from marquee.ticketing.services.exchanges import exchange_tickets

from .buying import buy, seat_states, tickets
from .conftest import make_showtime

pytestmark = pytest.mark.django_db

API = "/api/v1/ticketing"


def api_client(user) -> Client:
    _, raw = create_api_token(user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def hold(client: Client, showtime: Showtime, *seats: str):
    return client.post(
        f"{API}/holds",
        {"showtime_id": showtime.pk, "seats": list(seats)},
        content_type="application/json",
    )


@pytest.fixture
def rush(world, showtime) -> Showtime:
    """The showtime with a room for two buyers at a time."""
    return showtimes.update_showtime(actor=world.operator, showtime=showtime, waiting_room_size=2)


def test_without_a_room_nobody_waits(showtime, make_user):
    buyers = [make_user() for _ in range(5)]
    for n, buyer in enumerate(buyers, start=1):
        status = waiting_room.check_in(showtime=showtime, user=buyer)
        assert (status.admitted, status.position, status.size) == (True, None, 0)
        holds.hold_seats(showtime=showtime, seat_codes=[f"2-{n}"], user=buyer)
    assert not WaitingRoomEntry.objects.exists()


def test_the_room_lets_two_in_and_the_third_waits_with_its_place(rush, make_user):
    a, b, c, d = (api_client(make_user()) for _ in range(4))
    # Two places: a and b are let in as they come.
    assert a.post(f"{API}/showtimes/{rush.pk}/waiting-room").json()["admitted"] is True
    assert b.post(f"{API}/showtimes/{rush.pk}/waiting-room").json()["admitted"] is True
    # c and d wait, in the order they came; the answer says when to ask again.
    waiting = c.post(f"{API}/showtimes/{rush.pk}/waiting-room")
    assert waiting.status_code == 429
    assert waiting.json() == {
        "admitted": False,
        "position": 1,
        "admitted_until": None,
        "retry_after": 1,
        "room_size": 2,
    }
    assert waiting["Retry-After"] == "1"
    blocked = hold(d, rush, "2-1")
    assert blocked.status_code == 429
    problem = blocked.json()
    assert (problem["code"], problem["position"]) == ("in_waiting_room", 2)
    assert blocked["Retry-After"] == "1"
    assert not Hold.objects.filter(showtime=rush).exists()  # nothing held for d
    # Asking again keeps the place.
    assert c.post(f"{API}/showtimes/{rush.pk}/waiting-room").json()["position"] == 1
    # a holds seats: its place goes to the longest-waiting buyer, c, not d.
    assert hold(a, rush, "2-1", "2-2").status_code == 201
    assert hold(d, rush, "2-5").json()["position"] == 1
    assert hold(c, rush, "2-3").status_code == 201
    # c's place goes to d, while b still shops.
    assert hold(d, rush, "2-5").status_code == 201
    assert hold(b, rush, "2-6").status_code == 201
    assert not WaitingRoomEntry.objects.filter(showtime=rush).exists()  # everyone served


def test_losing_a_seat_race_keeps_the_admission(rush, make_user):
    first, second, third = make_user(), make_user(), make_user()
    holds.hold_seats(showtime=rush, seat_codes=["2-1"], user=first)
    with pytest.raises(DomainError) as lost:
        holds.hold_seats(showtime=rush, seat_codes=["2-1"], user=second)
    assert lost.value.code == "seats_unavailable"
    # second is still in (one of two places); third waits.
    assert waiting_room.check_in(showtime=rush, user=second).admitted
    assert waiting_room.check_in(showtime=rush, user=make_user()).admitted
    assert not waiting_room.check_in(showtime=rush, user=third).admitted
    holds.hold_seats(showtime=rush, seat_codes=["2-2"], user=second)


def test_an_admission_left_unused_runs_out_and_frees_the_place(rush, make_user, settings):
    settings.MARQUEE_WAITING_ROOM_ADMIT_SECONDS = 60
    idle, busy, waiting = make_user(), make_user(), make_user()
    now = timezone.now()
    assert waiting_room.check_in(showtime=rush, user=idle, now=now).admitted
    assert waiting_room.check_in(showtime=rush, user=busy, now=now).admitted
    assert waiting_room.check_in(showtime=rush, user=waiting, now=now).position == 1
    later = now + timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        assert waiting_room.check_in(showtime=rush, user=waiting).admitted
        # The idle buyer's turn is over: back in line behind nobody, but a fresh entry.
        assert waiting_room.check_in(showtime=rush, user=idle).admitted


def test_a_buyer_who_stops_asking_leaves_the_line(rush, make_user, settings):
    settings.MARQUEE_WAITING_ROOM_STALE_SECONDS = 30
    in1, in2, gone, patient = (make_user() for _ in range(4))
    now = timezone.now()
    for buyer in (in1, in2, gone, patient):
        waiting_room.check_in(showtime=rush, user=buyer, now=now)
    later = now + timedelta(seconds=20)
    assert waiting_room.check_in(showtime=rush, user=patient, now=later).position == 2
    # gone has not asked for 31 s: patient moves up.
    much_later = now + timedelta(seconds=31)
    assert waiting_room.check_in(showtime=rush, user=patient, now=much_later).position == 1
    assert not WaitingRoomEntry.objects.filter(user=gone).exists()


def test_the_room_size_is_set_on_a_published_showtime_and_checked(world, showtime, client_for):
    client = client_for(world.operator)
    url = f"{API}/showtimes/{showtime.pk}"
    for bad in (-1, 10_001):
        refused = client.patch(url, {"waiting_room_size": bad}, content_type="application/json")
        assert refused.status_code == 400, refused.content
        assert refused.json()["code"] == "invalid_waiting_room"
    assert Showtime.objects.get(pk=showtime.pk).waiting_room_size is None
    changed = client.patch(url, {"waiting_room_size": 50}, content_type="application/json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["waiting_room_size"] == 50
    off = client.patch(url, {"waiting_room_size": 0}, content_type="application/json")
    assert off.json()["waiting_room_size"] is None
    assert json.loads(client.get(url).content)["waiting_room_size"] is None


def test_the_seat_page_tells_a_waiting_buyer_their_place(rush, make_user, client_for):
    for _ in range(2):
        waiting_room.check_in(showtime=rush, user=make_user())
    page = client_for(make_user()).post(f"/showtimes/{rush.pk}/seats/", {"seats": ["2-1"]})
    assert page.status_code == 429
    assert "number 1 in line" in page.content.decode()


def test_an_exchange_into_a_rush_waits_in_its_room_like_a_hold(world, showtime, make_user):
    buyer, first = make_user(), make_user()
    order = buy(showtime, buyer, "2-3")
    later = make_showtime(world, starts_at=showtime.starts_at + timedelta(hours=4))
    later = showtimes.update_showtime(actor=world.operator, showtime=later, waiting_room_size=1)
    assert waiting_room.check_in(showtime=later, user=first).admitted
    ticket_ids = [tickets(order)["2-3"].pk]

    def exchange():
        return exchange_tickets(
            order=order, ticket_ids=ticket_ids, new_showtime=later, seat_codes=["2-4"], actor=buyer
        )

    with pytest.raises(waiting_room.InWaitingRoom) as exc:
        exchange()
    assert (exc.value.code, exc.value.detail["position"]) == ("in_waiting_room", 1)
    assert Ticket.objects.get(pk=ticket_ids[0]).status == "valid"
    assert seat_states(later, "2-4") == ["free"]
    holds.hold_seats(showtime=later, seat_codes=["2-1"], user=first)  # frees the place
    result = exchange()
    assert [t.seat.code for t in result.new_tickets] == ["2-4"]
    assert not WaitingRoomEntry.objects.filter(showtime=later).exists()
