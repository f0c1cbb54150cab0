"""Showtime services: scheduling rules, overlap with the cleaning buffer, publish, cancel."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from marquee.accounts.models import Role
from marquee.core.errors import Conflict, DomainError, PermissionDenied
from marquee.core.models import OutboxEvent
from marquee.ticketing import events
from marquee.ticketing.models import Hold, Order, SeatInventory, Showtime
from marquee.ticketing.services import holds, orders
from marquee.ticketing.services import showtimes as services
from marquee.venues.models import Hall

from .conftest import FEE, PRICES, build_hall, build_world, make_showtime

pytestmark = pytest.mark.django_db

START = timezone.now().replace(microsecond=0) + timedelta(days=3)


def test_create_showtime_copies_venue_currency_and_computes_end(world):
    st = make_showtime(world, starts_at=START, publish=False, format="3d")
    assert st.status == Showtime.Status.DRAFT
    assert st.currency == "CNY"
    assert st.venue == world.venue
    assert st.format == "3D"
    assert st.ends_at - st.starts_at == timedelta(minutes=120)
    assert {p.seat_type: p.price_minor for p in st.prices.all()} == PRICES
    assert st.service_fee_minor == FEE
    assert not SeatInventory.objects.filter(showtime=st).exists()


def test_overlap_in_same_hall_is_refused_naming_the_other_showtime(world):
    first = make_showtime(world, starts_at=START)
    with pytest.raises(Conflict) as exc:
        make_showtime(world, starts_at=START + timedelta(minutes=60))
    assert exc.value.code == "showtime_overlap"
    assert exc.value.detail["conflicting_showtime_id"] == first.pk
    assert f"showtime {first.pk}" in exc.value.message
    assert world.title.title_en in exc.value.message
    assert Showtime.objects.count() == 1


@pytest.mark.parametrize(
    ("gap_minutes", "allowed"),
    [(0, False), (14, False), (15, True), (40, True)],
)
def test_cleaning_buffer_applies_after_the_runtime(world, gap_minutes, allowed):
    make_showtime(world, starts_at=START)  # 120 minutes
    later = START + timedelta(minutes=120 + gap_minutes)
    if allowed:
        assert make_showtime(world, starts_at=later, publish=False).pk
    else:
        with pytest.raises(Conflict):
            make_showtime(world, starts_at=later, publish=False)


def test_cleaning_buffer_applies_before_an_existing_showtime(world):
    make_showtime(world, starts_at=START)
    with pytest.raises(Conflict):  # ends 10 minutes before the next starts
        make_showtime(world, starts_at=START - timedelta(minutes=130), publish=False)
    assert make_showtime(world, starts_at=START - timedelta(minutes=135), publish=False).pk


def test_cleaning_buffer_is_configurable(world, settings):
    settings.MARQUEE_CLEANING_BUFFER_MINUTES = 45
    make_showtime(world, starts_at=START)
    with pytest.raises(Conflict) as exc:
        make_showtime(world, starts_at=START + timedelta(minutes=150), publish=False)
    assert exc.value.detail["cleaning_buffer_minutes"] == 45
    assert make_showtime(world, starts_at=START + timedelta(minutes=165), publish=False).pk


def test_cancelled_showtimes_and_other_halls_do_not_block(world):
    first = make_showtime(world, starts_at=START)
    other_hall, _ = build_hall(world.venue, name="Hall 2")
    assert make_showtime(world, starts_at=START, hall=other_hall).pk
    services.cancel_showtime(actor=world.operator, showtime=first)
    assert make_showtime(world, starts_at=START).pk


def test_drafts_count_for_overlap(world):
    make_showtime(world, starts_at=START, publish=False)
    with pytest.raises(Conflict):
        make_showtime(world, starts_at=START + timedelta(minutes=30), publish=False)


def test_runtime_override_and_unknown_runtime(world):
    st = make_showtime(world, starts_at=START, publish=False, runtime_minutes=150)
    assert st.ends_at - st.starts_at == timedelta(minutes=150)
    world.title.runtime_minutes = None
    world.title.save()
    with pytest.raises(DomainError) as exc:
        make_showtime(world, starts_at=START + timedelta(days=1), publish=False)
    assert exc.value.code == "runtime_unknown"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"format": "IMAX"}, "format_not_supported"),  # hall shows 2D and 3D
        ({"format": "8K"}, "format_not_supported"),
        ({"prices": {"balcony": 100}}, "invalid_price"),
        ({"prices": {"standard": -1}}, "invalid_price"),
        ({"prices": {"standard": 1.5}}, "invalid_price"),
        ({"service_fee_minor": -5}, "invalid_price"),
        ({"starts_at": datetime(2030, 1, 1, 19, 30)}, "naive_datetime"),
        ({"starts_at": timezone.now() - timedelta(minutes=1)}, "showtime_in_past"),
        ({"sales_open_at": START + timedelta(hours=1)}, "showtime_in_past"),
    ],
)
def test_bad_showtime_input_is_refused(world, kwargs, code):
    kwargs.setdefault("starts_at", START)
    with pytest.raises(DomainError) as exc:
        make_showtime(world, publish=False, **kwargs)
    assert exc.value.code == code
    assert not Showtime.objects.exists()


def test_only_the_chains_operators_or_staff_schedule(world, make_user, make_org):
    other_org = make_org()
    outsider = make_user(role=Role.CINEMA_OPERATOR, org=other_org)
    moviegoer = make_user()
    for who in (outsider, moviegoer):
        with pytest.raises(PermissionDenied):
            services.create_showtime(
                actor=who, title=world.title, hall=world.hall, starts_at=START, prices=PRICES
            )
    staff = make_user(role=Role.DISTRIBUTION)
    st = services.create_showtime(
        actor=staff, title=world.title, hall=world.hall, starts_at=START, prices=PRICES
    )
    with pytest.raises(PermissionDenied):
        services.publish_showtime(actor=outsider, showtime=st)
    with pytest.raises(PermissionDenied):
        services.cancel_showtime(actor=outsider, showtime=st)


def test_publish_creates_one_inventory_row_per_seat_and_locks_layout(world):
    st = make_showtime(world, starts_at=START, publish=False)
    published = services.publish_showtime(actor=world.operator, showtime=st)
    assert published.status == Showtime.Status.PUBLISHED
    assert published.published_at is not None
    rows = SeatInventory.objects.filter(showtime=st)
    assert rows.count() == 40
    assert set(rows.values_list("state", flat=True)) == {"free"}
    assert set(rows.values_list("seat_id", flat=True)) == {s.pk for s in world.seats.values()}
    assert Hall.objects.get(pk=world.hall.pk).layout_locked is True
    with pytest.raises(Conflict) as exc:
        services.publish_showtime(actor=world.operator, showtime=st)
    assert exc.value.code == "showtime_not_draft"
    assert rows.count() == 40


def test_publish_needs_a_price_for_every_seat_type_in_the_hall(world):
    prices = {"standard": 4500, "vip": 6500}
    st = make_showtime(world, starts_at=START, publish=False, prices=prices)
    with pytest.raises(DomainError) as exc:
        services.publish_showtime(actor=world.operator, showtime=st)
    assert exc.value.code == "price_missing"
    assert exc.value.detail["seat_types"] == ["companion", "couple", "wheelchair"]
    assert Showtime.objects.get(pk=st.pk).status == Showtime.Status.DRAFT
    assert not SeatInventory.objects.filter(showtime=st).exists()


def test_publish_refuses_a_showtime_that_started(world):
    st = make_showtime(world, starts_at=START, publish=False)
    with time_machine.travel(START + timedelta(minutes=1)), pytest.raises(DomainError) as exc:
        services.publish_showtime(actor=world.operator, showtime=st)
    assert exc.value.code == "showtime_in_past"


def test_update_draft_changes_time_prices_and_rechecks_overlap(world):
    make_showtime(world, starts_at=START)
    draft = make_showtime(world, starts_at=START + timedelta(hours=4), publish=False)
    updated = services.update_showtime(
        actor=world.operator,
        showtime=draft,
        starts_at=START + timedelta(hours=5),
        prices={**PRICES, "standard": 5000},
        service_fee_minor=500,
    )
    assert updated.starts_at == START + timedelta(hours=5)
    assert updated.ends_at == START + timedelta(hours=7)
    assert {p.seat_type: p.price_minor for p in updated.prices.all()}["standard"] == 5000
    with pytest.raises(Conflict) as exc:
        services.update_showtime(
            actor=world.operator, showtime=draft, starts_at=START + timedelta(minutes=30)
        )
    assert exc.value.code == "showtime_overlap"
    assert Showtime.objects.get(pk=draft.pk).starts_at == START + timedelta(hours=5)


def test_required_fields_cannot_be_emptied(world):
    draft = make_showtime(world, starts_at=START, publish=False)
    with pytest.raises(DomainError) as exc:
        services.update_showtime(actor=world.operator, showtime=draft, starts_at=None, prices=None)
    assert exc.value.code == "invalid_showtime"
    assert exc.value.detail["fields"] == ["prices", "starts_at"]
    # runtime None means "the title's runtime again"
    longer = services.update_showtime(actor=world.operator, showtime=draft, runtime_minutes=150)
    assert longer.runtime_minutes == 150
    reset = services.update_showtime(actor=world.operator, showtime=draft, runtime_minutes=None)
    assert reset.runtime_minutes == 120


def test_published_showtime_only_changes_languages_and_sales_opening(world):
    st = make_showtime(world, starts_at=START)
    for change in ({"starts_at": START + timedelta(hours=6)}, {"prices": {"standard": 1}}):
        with pytest.raises(Conflict) as exc:
            services.update_showtime(actor=world.operator, showtime=st, **change)
        assert exc.value.code == "showtime_not_editable"
    updated = services.update_showtime(
        actor=world.operator,
        showtime=st,
        subtitle_language="en",
        sales_open_at=START - timedelta(days=1),
    )
    assert updated.subtitle_language == "en"
    assert updated.sales_open_at == START - timedelta(days=1)
    assert updated.starts_at == START


def test_cancel_closes_seats_ends_holds_and_publishes_event(world, buyer, make_user):
    st = make_showtime(world, starts_at=START)
    hold = holds.place_hold(showtime=st, seat_codes=["2-1", "2-2"], user=buyer).hold
    order = orders.place_order(hold=hold, user=buyer).order
    with pytest.raises(PermissionDenied):
        services.cancel_showtime(actor=make_user(), showtime=st)  # moviegoers may not
    before = OutboxEvent.objects.count()
    result = services.cancel_showtime(actor=world.operator, showtime=st, reason="Projector fault")
    assert result.showtime.status == Showtime.Status.CANCELLED
    assert result.cancelled_hold_ids == [hold.pk]
    assert result.cancelled_order_ids == [order.pk]
    assert result.paid_order_ids == []
    assert Hold.objects.get(pk=hold.pk).status == Hold.Status.CANCELLED
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    assert set(SeatInventory.objects.filter(showtime=st).values_list("state", flat=True)) == {
        "closed"
    }
    event = OutboxEvent.objects.filter(type=events.SHOWTIME_CANCELLED).get()
    assert OutboxEvent.objects.count() == before + 1
    assert event.payload["showtime_id"] == st.pk
    assert event.payload["reason"] == "Projector fault"
    with pytest.raises(Conflict) as exc:
        services.cancel_showtime(actor=world.operator, showtime=st)
    assert exc.value.code == "showtime_already_cancelled"
    with pytest.raises(Conflict) as exc:
        holds.place_hold(showtime=Showtime.objects.get(pk=st.pk), seat_codes=["3-3"], user=buyer)
    assert exc.value.code == "showtime_not_on_sale"


def test_hong_kong_venue_uses_its_currency_and_zone(make_user):
    hk = build_world(make_user, time_zone="Asia/Hong_Kong", currency="HKD")
    st = make_showtime(hk, starts_at=START)
    assert st.currency == "HKD"
    assert str(st.local_starts_at.tzinfo) == "Asia/Hong_Kong"
