"""Pre-sale rounds: window, coverage, eligibility, invitations, the per-account limit, prices."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from marquee.accounts.models import Role
from marquee.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from marquee.ticketing.models import (
    Hold,
    InvitationCode,
    InvitationRedemption,
    PresaleRound,
    RoundAllowance,
    SeatInventory,
    WantToSee,
)
from marquee.ticketing.queries import Interest, round_usage, want_to_see
from marquee.ticketing.services import holds, orders, rounds

from . import conftest as ticketing_world
from .conftest import make_presale_round, make_presale_showtime, make_showtime
from .test_orders import pay

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


@pytest.fixture
def staff(make_user):
    return make_user(role=Role.DISTRIBUTION)


@pytest.fixture
def presale_showtime(world):
    """Starts in 10 days; general sale opens in 5."""
    return make_presale_showtime(world, now=NOW)


def make_round(staff, world, **kwargs) -> PresaleRound:
    return make_presale_round(world, staff, now=NOW, **kwargs)


def free(showtime) -> int:
    return SeatInventory.objects.filter(showtime=showtime, state="free").count()


def test_before_general_sale_without_a_round_nothing_sells(presale_showtime, buyer):
    with pytest.raises(DomainError) as exc:
        holds.place_hold(showtime=presale_showtime, seat_codes=["2-1"], user=buyer)
    assert exc.value.code == "sales_not_open"
    assert "sales_open_at" in exc.value.detail
    assert free(presale_showtime) == 40
    assert not Hold.objects.exists()


def test_an_open_round_sells_and_general_sale_needs_no_round(presale_showtime, buyer, staff, world):
    presale = make_round(staff, world)
    hold = holds.place_hold(showtime=presale_showtime, seat_codes=["2-1"], user=buyer).hold
    assert hold.round_id == presale.pk
    assert RoundAllowance.objects.get(round=presale, user=buyer).tickets == 1
    with time_machine.travel(presale_showtime.sales_open_at + timedelta(seconds=1)):
        general = holds.place_hold(showtime=presale_showtime, seat_codes=["2-2"], user=buyer).hold
    assert general.round_id is None
    assert RoundAllowance.objects.get(round=presale, user=buyer).tickets == 1


@pytest.mark.parametrize(
    "moment",
    [timedelta(hours=-2), timedelta(days=4), timedelta(days=4, seconds=1)],
    ids=["before-opening", "at-closing", "after-closing"],
)
def test_outside_the_round_window_nothing_sells(presale_showtime, buyer, staff, world, moment):
    make_round(staff, world)
    with time_machine.travel(NOW + moment), pytest.raises(DomainError) as exc:
        holds.place_hold(showtime=presale_showtime, seat_codes=["2-1"], user=buyer)
    assert exc.value.code == "sales_not_open"
    assert free(presale_showtime) == 40


def test_round_limited_to_venues_and_cities(presale_showtime, buyer, staff, world, make_user):
    elsewhere = ticketing_world.build_world(make_user)
    make_round(staff, world, venue_slugs=[elsewhere.venue.slug])
    with pytest.raises(DomainError) as exc:
        holds.place_hold(showtime=presale_showtime, seat_codes=["2-1"], user=buyer)
    assert exc.value.code == "sales_not_open"
    in_city = make_round(staff, world, name="City round", city_codes=[world.city.code])
    hold = holds.place_hold(showtime=presale_showtime, seat_codes=["2-1"], user=buyer).hold
    assert hold.round_id == in_city.pk


def test_per_account_limit_counts_held_seats_across_the_round(
    presale_showtime, buyer, staff, world
):
    presale = make_round(staff, world, per_account_limit=4)
    second_hall, _ = ticketing_world.build_hall(world.venue, name="Hall 2")
    other_showtime = make_showtime(
        world,
        starts_at=presale_showtime.starts_at,
        hall=second_hall,
        sales_open_at=presale_showtime.sales_open_at,
    )
    holds.place_hold(showtime=presale_showtime, seat_codes=["2-1", "2-2", "2-3"], user=buyer)
    with pytest.raises(Conflict) as exc:
        holds.place_hold(showtime=other_showtime, seat_codes=["2-1", "2-2"], user=buyer)
    assert exc.value.code == "round_limit_exceeded"
    assert exc.value.detail == {"limit": 4, "used": 3, "requested": 2}
    # nothing held by the refused request
    assert free(other_showtime) == 40
    assert Hold.objects.filter(user=buyer).count() == 1
    assert RoundAllowance.objects.get(round=presale, user=buyer).tickets == 3
    assert holds.place_hold(showtime=other_showtime, seat_codes=["2-1"], user=buyer).hold.pk
    assert round_usage(round_id=presale.pk, user=buyer) == 4


def test_release_gives_seats_back_to_the_allowance(presale_showtime, buyer, staff, world):
    presale = make_round(staff, world, per_account_limit=2)
    hold = holds.place_hold(showtime=presale_showtime, seat_codes=["2-1", "2-2"], user=buyer).hold
    with pytest.raises(Conflict):
        holds.place_hold(showtime=presale_showtime, seat_codes=["2-3"], user=buyer)
    holds.release_hold(hold=hold, user=buyer)
    assert RoundAllowance.objects.get(round=presale, user=buyer).tickets == 0
    assert holds.place_hold(
        showtime=presale_showtime, seat_codes=["2-3", "2-4"], user=buyer
    ).hold.pk


def test_expired_holds_give_their_seats_back_exactly_once(presale_showtime, buyer, staff, world):
    presale = make_round(staff, world, per_account_limit=2)
    lapsed = holds.place_hold(showtime=presale_showtime, seat_codes=["2-1", "2-2"], user=buyer).hold
    with time_machine.travel(lapsed.expires_at + timedelta(seconds=1)):
        assert round_usage(round_id=presale.pk, user=buyer) == 0
        again = holds.place_hold(
            showtime=presale_showtime, seat_codes=["2-1", "2-2"], user=buyer
        ).hold
        assert Hold.objects.get(pk=lapsed.pk).status == Hold.Status.EXPIRED
        assert RoundAllowance.objects.get(round=presale, user=buyer).tickets == 2
        with pytest.raises(Conflict):
            holds.place_hold(showtime=presale_showtime, seat_codes=["2-3"], user=buyer)
        holds.release_hold(hold=again, user=buyer)
    assert RoundAllowance.objects.get(round=presale, user=buyer).tickets == 0


def test_paid_seats_keep_counting(presale_showtime, buyer, staff, world):
    presale = make_round(staff, world, per_account_limit=2)
    hold = holds.place_hold(showtime=presale_showtime, seat_codes=["2-1", "2-2"], user=buyer).hold
    assert pay(orders.place_order(hold=hold, user=buyer).order)
    with time_machine.travel(hold.expires_at + timedelta(minutes=1)), pytest.raises(Conflict):
        holds.place_hold(showtime=presale_showtime, seat_codes=["2-3"], user=buyer)
    assert RoundAllowance.objects.get(round=presale, user=buyer).tickets == 2


def test_want_to_see_round_needs_registration(presale_showtime, buyer, staff, world):
    make_round(staff, world, audience=PresaleRound.Audience.WANT_TO_SEE)
    with pytest.raises(DomainError) as exc:
        holds.place_hold(showtime=presale_showtime, seat_codes=["2-1"], user=buyer)
    assert exc.value.code == "not_eligible"
    assert "want to see" in exc.value.message
    assert rounds.register_want_to_see(user=buyer, title=world.title) is True
    assert holds.place_hold(showtime=presale_showtime, seat_codes=["2-1"], user=buyer).hold.pk
    assert rounds.unregister_want_to_see(user=buyer, title=world.title) is True
    with pytest.raises(DomainError):
        holds.place_hold(showtime=presale_showtime, seat_codes=["2-2"], user=buyer)


def test_want_to_see_is_idempotent_and_counted(world, make_user):
    fans = [make_user() for _ in range(3)]
    for fan in fans:
        rounds.register_want_to_see(user=fan, title=world.title)
    assert rounds.register_want_to_see(user=fans[0], title=world.title) is False
    assert WantToSee.objects.filter(title=world.title).count() == 3
    assert want_to_see(fans[0], world.title) == Interest(count=3, mine=True)
    assert want_to_see(None, world.title) == Interest(count=3, mine=False)
    assert rounds.unregister_want_to_see(user=fans[0], title=world.title) is True
    assert rounds.unregister_want_to_see(user=fans[0], title=world.title) is False
    assert want_to_see(fans[0], world.title) == Interest(count=2, mine=False)
    assert want_to_see(fans[1], world.title) == Interest(count=2, mine=True)


def test_invitation_round(presale_showtime, buyer, staff, world, make_user):
    presale = make_round(staff, world, audience=PresaleRound.Audience.INVITATION)
    [code] = rounds.create_invitation_codes(actor=staff, presale=presale)
    with pytest.raises(DomainError) as exc:
        holds.place_hold(showtime=presale_showtime, seat_codes=["2-1"], user=buyer)
    assert exc.value.code == "not_eligible"
    with pytest.raises(DomainError) as exc:
        holds.place_hold(
            showtime=presale_showtime, seat_codes=["2-1"], user=buyer, invitation_code="NOPE"
        )
    assert exc.value.code == "invitation_invalid"
    hold = holds.place_hold(
        showtime=presale_showtime,
        seat_codes=["2-1"],
        user=buyer,
        invitation_code=code.code.lower(),
    ).hold
    assert hold.round_id == presale.pk
    assert InvitationCode.objects.get(pk=code.pk).uses == 1
    # redeemed once: the account stays eligible without the code
    assert holds.place_hold(showtime=presale_showtime, seat_codes=["2-2"], user=buyer).hold.pk
    assert holds.place_hold(
        showtime=presale_showtime, seat_codes=["2-3"], user=buyer, invitation_code=code.code
    ).hold.pk
    assert InvitationCode.objects.get(pk=code.pk).uses == 1
    with pytest.raises(Conflict) as exc:
        holds.place_hold(
            showtime=presale_showtime,
            seat_codes=["2-4"],
            user=make_user(),
            invitation_code=code.code,
        )
    assert exc.value.code == "invitation_used_up"
    assert free(presale_showtime) == 37


def test_a_failed_hold_does_not_spend_the_invitation(
    presale_showtime, buyer, staff, world, make_user
):
    presale = make_round(staff, world, audience=PresaleRound.Audience.INVITATION)
    [code] = rounds.create_invitation_codes(actor=staff, presale=presale)
    rival = make_user()
    rounds.register_want_to_see(user=rival, title=world.title)
    make_round(staff, world, name="Fans", audience=PresaleRound.Audience.WANT_TO_SEE)
    holds.place_hold(showtime=presale_showtime, seat_codes=["2-1"], user=rival)
    with pytest.raises(Conflict):
        holds.place_hold(
            showtime=presale_showtime, seat_codes=["2-1"], user=buyer, invitation_code=code.code
        )
    assert InvitationCode.objects.get(pk=code.pk).uses == 0
    assert not InvitationRedemption.objects.exists()


def test_code_issued_to_one_account(presale_showtime, buyer, staff, world, make_user):
    presale = make_round(staff, world, audience=PresaleRound.Audience.INVITATION)
    [code] = rounds.create_invitation_codes(actor=staff, presale=presale, user=buyer)
    with pytest.raises(DomainError) as exc:
        holds.place_hold(
            showtime=presale_showtime,
            seat_codes=["2-1"],
            user=make_user(),
            invitation_code=code.code,
        )
    assert exc.value.code == "invitation_invalid"
    assert holds.place_hold(
        showtime=presale_showtime, seat_codes=["2-1"], user=buyer, invitation_code=code.code
    ).hold.pk


def test_multi_use_code_admits_that_many_accounts(presale_showtime, staff, world, make_user):
    presale = make_round(staff, world, audience=PresaleRound.Audience.INVITATION)
    [code] = rounds.create_invitation_codes(actor=staff, presale=presale, max_uses=2)
    for n in (1, 2):
        holds.place_hold(
            showtime=presale_showtime,
            seat_codes=[f"2-{n}"],
            user=make_user(),
            invitation_code=code.code,
        )
    with pytest.raises(Conflict):
        holds.place_hold(
            showtime=presale_showtime,
            seat_codes=["2-3"],
            user=make_user(),
            invitation_code=code.code,
        )
    assert InvitationCode.objects.get(pk=code.pk).uses == 2


def test_round_price_override_per_type_then_flat(presale_showtime, buyer, staff, world):
    make_round(
        staff,
        world,
        currency="CNY",
        price_override_minor=3900,
        price_overrides={"vip": 5900},
    )
    hold = holds.place_hold(showtime=presale_showtime, seat_codes=["2-1", "3-1"], user=buyer).hold
    order = orders.place_order(hold=hold, user=buyer).order
    prices = {line.seat.code: line.price_minor for line in order.lines.select_related("seat")}
    assert prices == {"2-1": 3900, "3-1": 5900}
    assert order.subtotal_minor == 3900 + 5900
    assert order.round_id == hold.round_id


def test_override_in_another_currency_does_not_apply(presale_showtime, buyer, staff, world):
    make_round(staff, world, currency="HKD", price_override_minor=1)
    hold = holds.place_hold(showtime=presale_showtime, seat_codes=["2-1"], user=buyer).hold
    order = orders.place_order(hold=hold, user=buyer).order
    assert order.subtotal_minor == ticketing_world.PRICES["standard"]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"closes_at": NOW - timedelta(days=1)}, "invalid_round"),
        ({"audience": "vips"}, "invalid_round"),
        ({"per_account_limit": 0}, "invalid_round"),
        ({"name": ""}, "invalid_round"),
        ({"price_override_minor": 100}, "invalid_round"),  # no currency
        ({"price_overrides": {"balcony": 1}, "currency": "CNY"}, "invalid_round"),
        ({"price_override_minor": 100, "currency": "XYZ"}, "invalid_round"),
        ({"venue_slugs": ["nowhere"]}, "venue_not_found"),
        ({"city_codes": ["atlantis"]}, "city_not_found"),
    ],
)
def test_bad_round_input(staff, world, kwargs, code):
    with pytest.raises((DomainError, NotFound)) as exc:
        make_round(staff, world, **kwargs)
    assert exc.value.code == code
    assert not PresaleRound.objects.exists()


def test_rounds_and_codes_are_for_distribution_staff(world, staff):
    with pytest.raises(PermissionDenied):
        make_round(world.operator, world)
    presale = make_round(staff, world)
    with pytest.raises(DomainError) as exc:  # an "everyone" round has no codes
        rounds.create_invitation_codes(actor=staff, presale=presale)
    assert exc.value.code == "invalid_round"
    invite_only = make_round(staff, world, audience=PresaleRound.Audience.INVITATION)
    with pytest.raises(PermissionDenied):
        rounds.create_invitation_codes(actor=world.operator, presale=invite_only)
    codes = rounds.create_invitation_codes(actor=staff, presale=invite_only, count=25)
    assert len({c.code for c in codes}) == 25
    assert all(len(c.code) == 10 for c in codes)
