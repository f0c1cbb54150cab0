"""API fuzzing with schemathesis against ``/api/v1/openapi.json``, in-process (WSGI).

Every operation of the spec gets generated requests (schema-valid and
not), sent through the whole Django stack as a signed-in moviegoer with an
API token, against a small world (a cinema, a published showtime, a hold,
an order and a payment of the moviegoer's own). About half of the generated
ids and slugs are swapped for ones that exist, so requests get past the
lookups into the services. Two checks: no response is a 5xx, and every
documented response matches its schema. Bounded: a few examples per
operation and no deadline-driven shrinking, so it stays in ``make test``.
"""

from __future__ import annotations

import zlib
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from marquee.accounts.services import create_api_token
from marquee.ticketing.services import holds, orders
from marquee.venues.models import Hall
from tests.ticketing.conftest import build_world, make_showtime

#: Examples per operation; the spec has ~50 operations.
MAX_EXAMPLES = 12

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
schema.config.phases.update(phases=["examples", "fuzzing"])
schema.config.generation.update(max_examples=MAX_EXAMPLES)

#: Ids and slugs of the current test's world (filled by the fixture, read by the hooks).
KNOWN: dict[str, Any] = {}


def _swap(value: Any) -> bool:
    """Deterministically about half of the generated values are replaced by known ones."""
    return zlib.crc32(repr(value).encode()) % 2 == 0


@schema.hook
def map_path_parameters(context, path_parameters: dict[str, Any] | None) -> Any:
    if not path_parameters:
        return path_parameters
    path = context.operation.path
    for name, value in list(path_parameters.items()):
        if not _swap(value):
            continue
        if name == "slug":
            known = KNOWN.get("venue_slug" if "/cinemas/" in path else "title_slug")
        else:
            known = KNOWN.get(name)
        if known is not None:
            path_parameters[name] = known
    return path_parameters


@schema.hook
def map_body(context, body: Any) -> Any:
    if isinstance(body, dict):
        for name in ("showtime_id", "hold_id", "hall_id"):
            if name in body and KNOWN.get(name) is not None and _swap(body[name]):
                body[name] = KNOWN[name]
    return body


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests reach Django's WSGI handler directly, whose request signals close
    "old" connections — on PostgreSQL that would close the test's transaction.
    Django's own test client unhooks them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def moviegoer_token(make_user) -> str:
    """A moviegoer with things of their own: a hold, an order and its pending payment."""
    world = build_world(make_user)
    showtime = make_showtime(world)
    fan = make_user()
    hold = holds.place_hold(showtime=showtime, seat_codes=["2-4", "2-5"], user=fan).hold
    # Held before the order is opened: once an order waits for payment no further
    # seats of the showtime are held (one order to pay at a time).
    other = holds.place_hold(showtime=showtime, seat_codes=["3-4"], user=fan).hold
    order = orders.place_order(hold=hold, user=fan).order
    started = orders.pay_order(order=order, user=fan)
    token, raw = create_api_token(user=fan, name="fuzz")
    KNOWN.clear()
    KNOWN.update(
        showtime_id=showtime.pk,
        hold_id=other.pk,
        order_id=order.pk,
        payment_id=str(started.payment_id),
        hall_id=Hall.objects.get(pk=world.hall.pk).pk,
        title_slug=world.title.slug,
        venue_slug=world.venue.slug,
        token_id=token.pk,
        provider="sim",
    )
    return raw


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
def test_api_never_fails_and_answers_as_documented(case, moviegoer_token):
    response = case.call(headers={"Authorization": f"Bearer {moviegoer_token}"})
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
