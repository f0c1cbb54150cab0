"""Query budgets of the sale's hot endpoints (docs/performance.md), and the fast seat map's truth.

A buyer on the hot path sends a bearer token (as the flash-sale benchmark
does); the token was used in the last minute, so authentication is one read
and no write. The counts are exact: a new query on these paths must be a
deliberate change of this file.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from marquee.accounts.models import ApiToken
from marquee.accounts.services import create_api_token
from marquee.core.models import IdempotencyRecord
from marquee.ticketing import seatmap
from marquee.ticketing.models import Hold, Order
from tests.ticketing.api_calls import API, post

from .conftest import make_showtime

pytestmark = pytest.mark.django_db

# Every test starts with cold caches (tests/conftest.py: ``forget_local_caches``).


@pytest.fixture
def token_client(buyer) -> Client:
    _, raw = create_api_token(user=buyer, name="bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    # First use stamps last_used_at; later requests within a minute read only.
    assert client.get(f"{API}/orders").status_code == 200
    assert ApiToken.objects.get(user=buyer).last_used_at is not None
    return client


def reference_map(showtime_id: int) -> dict:
    """The seat map as the plain query builds it, JSON round-tripped."""
    body = seatmap.seat_map_body(seatmap.seat_map(user=None, showtime_id=showtime_id))
    return json.loads(json.dumps(body))


def test_seat_map_is_two_queries_then_none_within_the_microcache(
    showtime, client_for, django_assert_num_queries
):
    client = client_for(None)
    url = f"{API}/showtimes/{showtime.pk}/seats"
    # Cold: showtime, layout, prices, states.
    with django_assert_num_queries(4):
        cold = client.get(url)
    assert cold.status_code == 200
    assert cold["Content-Type"] == "application/json"
    seatmap.forget_seat_maps()
    # Layout and prices cached: the showtime row and the states.
    with django_assert_num_queries(2):
        warm = client.get(url)
    # Within the microcache window: no query at all.
    with django_assert_num_queries(0):
        micro = client.get(url)
    assert cold.json() == warm.json() == micro.json() == reference_map(showtime.pk)
    # Past the window the states are read again.
    with (
        time_machine.travel(timezone.now() + timedelta(seconds=1), tick=False),
        django_assert_num_queries(2),
    ):
        assert client.get(url).json() == micro.json()


def test_seat_map_ignores_the_callers_token_for_a_public_showtime(
    showtime, token_client, django_assert_num_queries
):
    url = f"{API}/showtimes/{showtime.pk}/seats"
    assert token_client.get(url).status_code == 200
    seatmap.forget_seat_maps()
    with django_assert_num_queries(2):  # no token lookup, no membership query
        response = token_client.get(url)
    assert response.json()["counts"] == {"free": 40}


def test_seat_map_shows_a_new_hold_at_once_and_an_expired_one_free(showtime, token_client, buyer):
    url = f"{API}/showtimes/{showtime.pk}/seats"
    assert token_client.get(url).json()["counts"] == {"free": 40}  # now microcached
    held = post(token_client, "/holds", {"showtime_id": showtime.pk, "seats": ["2-5", "2-6"]})
    assert held.status_code == 201, held.content
    body = token_client.get(url).json()
    assert body["counts"] == {"free": 38, "held": 2}
    assert {s["code"] for s in body["seats"] if s["state"] == "held"} == {"2-5", "2-6"}
    assert body == reference_map(showtime.pk)
    expires = Hold.objects.get(pk=held.json()["id"]).expires_at
    with time_machine.travel(expires + timedelta(seconds=1)):
        lapsed = token_client.get(url).json()
        assert lapsed["counts"] == {"free": 40}
        assert lapsed == reference_map(showtime.pk)


def test_seat_map_of_a_draft_is_its_schedulers_only(world, client_for):
    draft = make_showtime(world, publish=False)
    url = f"{API}/showtimes/{draft.pk}/seats"
    assert client_for(None).get(url).status_code == 404
    mine = client_for(world.operator).get(url)
    assert mine.status_code == 200
    assert mine.json()["status"] == "draft"
    assert mine.json()["counts"] == {"free": 40}


def _lock_timeout() -> int:
    """PostgreSQL: the claim's ``SET LOCAL lock_timeout`` (``limit_lock_wait``) is one more."""
    return 1 if connection.vendor == "postgresql" else 0


def test_hold_order_pay_query_budgets(showtime, token_client, django_assert_num_queries):
    # A buyer reads the seat map first, which caches the published showtime's prices.
    assert token_client.get(f"{API}/showtimes/{showtime.pk}/seats").status_code == 200
    with django_assert_num_queries(HOLD_QUERIES + _lock_timeout()):
        held = post(token_client, "/holds", {"showtime_id": showtime.pk, "seats": ["3-3", "3-4"]})
    assert held.status_code == 201, held.content
    hold = held.json()
    assert [s["code"] for s in hold["seats"]] == ["3-3", "3-4"]
    assert hold["status"] == "active"

    # The hall's seats are cached now: the next hold resolves its codes without a query.
    with django_assert_num_queries(HOLD_QUERIES - 1 + _lock_timeout()):
        again = post(token_client, "/holds", {"showtime_id": showtime.pk, "seats": ["3-5"]})
    assert again.status_code == 201, again.content
    assert [s["code"] for s in again.json()["seats"]] == ["3-5"]

    with django_assert_num_queries(ORDER_QUERIES):
        ordered = post(
            token_client,
            "/orders",
            {"hold_id": hold["id"]},
            HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
        )
    assert ordered.status_code == 201, ordered.content
    order = ordered.json()
    assert order == json.loads(token_client.get(f"{API}/orders/{order['id']}").content)
    assert [line["seat"]["code"] for line in order["lines"]] == ["3-3", "3-4"]

    with django_assert_num_queries(PAY_QUERIES):
        paid = post(
            token_client, f"/orders/{order['id']}/pay", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex
        )
    assert paid.status_code == 200, paid.content
    assert paid.json()["payment_id"]
    assert Order.objects.get(pk=order["id"]).status == "pending"


def test_idempotent_replay_still_answers_the_first_response(showtime, token_client):
    held = post(token_client, "/holds", {"showtime_id": showtime.pk, "seats": ["4-1"]}).json()
    key = uuid.uuid4().hex
    first = post(token_client, "/orders", {"hold_id": held["id"]}, HTTP_IDEMPOTENCY_KEY=key)
    again = post(token_client, "/orders", {"hold_id": held["id"]}, HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert IdempotencyRecord.objects.filter(key=key, state="done").count() == 1
    assert Order.objects.filter(hold_id=held["id"]).count() == 1


# Counted in a test transaction, so every atomic block shows as SAVEPOINT + RELEASE
# (in production the outermost one is BEGIN/COMMIT, which is not counted).

#: Token, lean showtime (with the hall's layout version), the hall's seats (cached
#: after the first hold); hold INSERT, hold-seat INSERT, the claim UPDATE that also
#: takes the row locks, the account's hold-quota upsert and its held-seats count (the
#: cap on seats held at once, issue 13) (+ 2 savepoint statements). Was 13 before
#: issue 5's work, 8 before the cap.
HOLD_QUERIES = 10
#: Token, idempotency claim INSERT … ON CONFLICT DO NOTHING, record lock; hold lock
#: (with showtime, title, venue, hall, round), existing order, the account's hold-quota
#: upsert and its other pending order of the showtime (one order to pay at a time,
#: issue 14), seats (the published showtime's prices are cached), order INSERT, lines
#: INSERT; record UPDATE (+ 6 savepoint statements). Was 26, then 15.
ORDER_QUERIES = 17
#: Token, claim INSERT, record lock, the order (with hold, showtime, title, venue),
#: payment INSERT + provider UPDATE, record UPDATE (+ 6 savepoint statements). Was 21.
PAY_QUERIES = 13
