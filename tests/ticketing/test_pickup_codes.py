"""Pickup codes (取票码): issued with every ticket, unique per showtime, taken at the door.

The door (service, API, web scanner) accepts a pickup code where it accepts the
signed code; the kiosk looks tickets up by it; both only at the ticket's venue,
only for its operators, and rate-limited.
"""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps as django_apps
from django.db import IntegrityError, transaction
from django.test import Client

from marquee.accounts.models import Role
from marquee.core.errors import NotFound, PermissionDenied
from marquee.ticketing import pickup
from marquee.ticketing.models import Scan, Ticket
from marquee.ticketing.services import checkin, fulfilment

from .buying import buy, tickets
from .conftest import build_world, make_showtime

pytestmark = pytest.mark.django_db

API = "/api/v1/ticketing"


@pytest.fixture
def sold(world, showtime, buyer):
    order = buy(showtime, buyer, "2-3", "2-4")
    return tickets(order)


def at_doors(showtime):
    return time_machine.travel(showtime.starts_at - timedelta(minutes=10))


def scan(world, code, **kwargs):
    kwargs.setdefault("venue", world.venue)
    kwargs.setdefault("actor", world.operator)
    return checkin.check_in(code=code, **kwargs)


# --- the code itself ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0123456789", "0123456789"),
        ("0123 4567 89", "0123456789"),
        ("0123-4567-89", "0123456789"),
        ("０１２３４５６７８９", "0123456789"),  # an IME's full-width digits
        ("123456789", None),  # nine digits
        ("01234567890", None),  # eleven
        ("01234x6789", None),
        ("MQT1:0123456789", None),
        ("", None),
        ("1" * 200, None),
    ],
)
def test_normalise(text, expected):
    assert pickup.normalise(text) == expected


def test_grouped_in_fours():
    assert pickup.grouped("0123456789") == "0123 4567 89"
    assert pickup.grouped(None) == ""


def test_new_codes_are_ten_digits_and_vary():
    codes = {pickup.new_pickup_code() for _ in range(200)}
    assert all(len(c) == 10 and c.isdigit() for c in codes)
    assert len(codes) == 200


# --- issuing ---------------------------------------------------------------------------


def test_every_issued_ticket_has_its_own_pickup_code(sold):
    codes = [t.pickup_code for t in sold.values()]
    assert all(pickup.normalise(c) == c for c in codes)
    assert len(set(codes)) == 2


def test_the_database_refuses_a_second_ticket_with_a_showtimes_pickup_code(sold):
    first, second = sold.values()
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.filter(pk=second.pk).update(pickup_code=first.pickup_code)


def test_a_code_taken_meanwhile_is_retried(world, showtime, buyer, sold, monkeypatch):
    taken = sold["2-3"].pickup_code
    real = fulfilment._fresh_pickup_codes
    calls = []

    def clashing_first(st, count):
        # As if a concurrent issue took the code between the read and the insert.
        calls.append(count)
        return [taken] * count if len(calls) == 1 else real(st, count)

    monkeypatch.setattr(fulfilment, "_fresh_pickup_codes", clashing_first)
    order = buy(showtime, buyer, "3-1")
    [ticket] = tickets(order).values()
    assert len(calls) == 2
    assert ticket.pickup_code != taken and pickup.normalise(ticket.pickup_code)


def test_fresh_codes_skip_those_the_showtime_holds(showtime, sold, monkeypatch):
    taken = sold["2-3"].pickup_code
    fresh = iter([taken, taken, "5555555555"])
    monkeypatch.setattr(fulfilment, "new_pickup_code", lambda: next(fresh))
    assert fulfilment._fresh_pickup_codes(showtime, 1) == ["5555555555"]


def test_the_migration_backfills_unique_codes_per_showtime(sold):
    Ticket.objects.update(pickup_code=None)
    migration = importlib.import_module("marquee.ticketing.migrations.0006_ticket_pickup_code")
    migration.backfill_pickup_codes(django_apps, None)
    codes = list(Ticket.objects.values_list("pickup_code", flat=True))
    assert len(codes) == 2 and len(set(codes)) == 2
    assert all(pickup.normalise(c) == c for c in codes)


# --- the door ---------------------------------------------------------------------------


def test_the_door_admits_by_pickup_code_once(world, showtime, sold):
    ticket = sold["2-3"]
    typed = pickup.grouped(ticket.pickup_code)  # as printed, with spaces
    with at_doors(showtime):
        first = scan(world, typed, door="Box office")
        second = scan(world, ticket.pickup_code)
    assert first.verdict == "valid" and first.ticket.pk == ticket.pk
    assert second.verdict == "already_used" and second.used_door == "Box office"
    assert Ticket.objects.get(pk=ticket.pk).status == "used"


def test_an_unknown_pickup_code_is_not_admitted_and_says_so(world, showtime, sold):
    held = {t.pickup_code for t in sold.values()}
    with at_doors(showtime):
        result = scan(world, next(c for c in ("0" * 10, "1" * 10, "2" * 10) if c not in held))
    assert result.verdict == "forged" and result.ticket is None
    assert "pickup code" in result.message
    assert Scan.objects.get(pk=result.scan.pk).verdict == "forged"


def test_a_pickup_code_is_looked_up_at_its_own_venue_only(world, showtime, sold, make_user):
    elsewhere = build_world(make_user)
    with at_doors(showtime):
        result = scan(elsewhere, sold["2-3"].pickup_code)
    assert result.verdict == "forged" and result.ticket is None and result.showtime is None
    assert Ticket.objects.get(pk=sold["2-3"].pk).status == "valid"


def test_a_pickup_code_of_another_showtime_here_is_wrong_showtime(world, showtime, sold):
    later = make_showtime(world, starts_at=showtime.starts_at + timedelta(hours=4))
    with at_doors(showtime):
        result = scan(world, sold["2-3"].pickup_code, showtime=later)
    assert result.verdict == "wrong_showtime"
    assert result.showtime.pk == showtime.pk


# --- the kiosk ---------------------------------------------------------------------------


def test_the_kiosk_finds_a_ticket_for_the_venues_operators(world, sold, make_user, make_org):
    ticket = sold["2-4"]
    found = checkin.find_ticket_for_pickup(
        code=pickup.grouped(ticket.pickup_code), venue=world.venue, actor=world.operator
    )
    assert found.pk == ticket.pk and found.seat.code == "2-4"
    with pytest.raises(NotFound) as missing:
        checkin.find_ticket_for_pickup(code="12", venue=world.venue, actor=world.operator)
    assert missing.value.code == "pickup_code_not_found"
    outsider = make_user(role=Role.CINEMA_OPERATOR, org=make_org())
    with pytest.raises(PermissionDenied):
        checkin.find_ticket_for_pickup(code=ticket.pickup_code, venue=world.venue, actor=outsider)


def _post(client: Client, path: str, body: dict):
    return client.post(f"{API}{path}", body, content_type="application/json")


def test_api_check_in_and_lookup_by_pickup_code(world, showtime, sold, client_for):
    ticket = sold["2-3"]
    operator = client_for(world.operator)
    found = _post(
        operator, "/pickups/lookup", {"venue_id": world.venue.pk, "code": ticket.pickup_code}
    )
    assert found.status_code == 200, found.content
    body = found.json()
    assert (body["ticket_id"], body["status"], body["seat"]["code"]) == (ticket.pk, "valid", "2-3")
    missing = _post(operator, "/pickups/lookup", {"venue_id": world.venue.pk, "code": "1" * 10})
    assert missing.status_code == 404 and missing.json()["code"] == "pickup_code_not_found"
    with at_doors(showtime):
        admitted = _post(
            operator, "/checkins", {"venue_id": world.venue.pk, "code": ticket.pickup_code}
        )
    assert admitted.json()["verdict"] == "valid"
    assert admitted.json()["ticket_id"] == ticket.pk


def test_pickup_codes_are_rate_limited_per_account(world, sold, client_for, settings):
    settings.MARQUEE_RATE_LIMITS = {
        **settings.MARQUEE_RATE_LIMITS,
        "pickup_codes": {"account": "3/min", "ip": ""},
    }
    operator = client_for(world.operator)
    statuses = [
        _post(
            operator, "/pickups/lookup", {"venue_id": world.venue.pk, "code": f"{n:010d}"}
        ).status_code
        for n in range(4)
    ]
    assert statuses[3] == 429
    refused = _post(operator, "/checkins", {"venue_id": world.venue.pk, "code": "1" * 10})
    assert refused.status_code == 429
    # The signed code is not a guess: a busy door is not slowed by the limit.
    full = _post(operator, "/checkins", {"venue_id": world.venue.pk, "code": sold["2-3"].code})
    assert full.status_code == 200


# --- the web -------------------------------------------------------------------------------


def test_the_ticket_page_shows_the_pickup_code(sold, buyer, client_for):
    page = client_for(buyer).get("/tickets/")
    html = page.content.decode()
    for ticket in sold.values():
        assert pickup.grouped(ticket.pickup_code) in html


def test_the_web_scanner_admits_a_pickup_code(world, showtime, sold, client_for):
    ticket = sold["2-4"]
    with at_doors(showtime):
        page = client_for(world.operator).post(
            f"/scan/{world.venue.slug}/", {"code": pickup.grouped(ticket.pickup_code)}
        )
    assert page.status_code == 200
    assert 'data-verdict="valid"' in page.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == "used"


def test_the_scanner_code_box_is_one_line(world, client_for):
    html = client_for(world.operator).get(f"/scan/{world.venue.slug}/").content.decode()
    assert '<input type="text" name="code"' in html
    assert "<textarea" not in html


def test_the_web_kiosk_finds_a_ticket_for_operators_only(world, sold, client_for, make_user):
    ticket = sold["2-3"]
    url = f"/scan/{world.venue.slug}/pickup/"
    page = client_for(world.operator).post(url, {"code": ticket.pickup_code})
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="kiosk-ticket"' in html
    assert ticket.seat.display_label in html  # "Row 2 Seat 3" on an English page
    missing = client_for(world.operator).post(url, {"code": "1" * 10})
    assert (
        missing.status_code == 404 and 'data-testid="kiosk-ticket"' not in missing.content.decode()
    )
    assert client_for(make_user()).post(url, {"code": ticket.pickup_code}).status_code == 403
