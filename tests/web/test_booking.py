"""Buying in the browser's shoes: seat map, hold, checkout, the simulated provider and back."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from marquee.payments.models import Payment
from marquee.payments.simulator import gateway as sim
from marquee.ticketing.models import Hold, Order, SeatInventory, Ticket
from marquee.ticketing.services import holds

pytestmark = pytest.mark.django_db


def _seat_input(page: str, code: str) -> str:
    match = re.search(rf'<input type="checkbox" name="seats" value="{re.escape(code)}"[^>]*>', page)
    assert match, f"no seat {code}"
    return match.group(0)


def _hold(client, showtime, seats):
    return client.post(f"/showtimes/{showtime.pk}/seats/", {"seats": seats})


def _checkout(client, showtime, seats) -> Order:
    r = _hold(client, showtime, seats)
    assert r.status_code == 302, r.content.decode()[:500]
    order_id = int(re.search(r"/checkout/(\d+)/", r["Location"]).group(1))
    return Order.objects.get(pk=order_id)


def _pay(client, order: Order, outcome: str = "succeed"):
    r = client.post(
        f"/checkout/{order.pk}/pay/", {"idempotency_key": "6f1b0c2e-3d4e-4a5b-8c9d-0e1f2a3b4c5d"}
    )
    assert r.status_code == 302 and "/payments/sim/" in r["Location"], r
    return client.post(r["Location"], {"outcome": outcome})


def test_seat_map_draws_states_types_pairs_and_prices(web, client_as):
    showtime = web.showtimes["long-night-19"]  # fan2 bought 5-5 and 5-6
    page = client_as(None).get(f"/showtimes/{showtime.pk}/seats/").content.decode()
    assert "The Long Night" in page and "Huaxia Cinema Sanlitun" in page and "Hall 1" in page
    assert "19:00" in page  # the venue's local time
    sold = _seat_input(page, "5-5")
    assert "disabled" in sold and "taken" in sold
    free = _seat_input(page, "5-4")
    assert "disabled" not in free and 'data-price="6500"' in free and "VIP" in free
    couple = _seat_input(page, "8-1")
    assert 'data-partner="8-2"' in couple and 'data-type="couple"' in couple
    assert 'data-max="6"' in page
    assert "Screen" in page and 'class="rowlabel"' in page
    assert "Log in to continue" in page  # anonymous visitors are sent to log in
    assert "VIP · CN¥65.00" in page  # the legend carries the prices


def test_anonymous_hold_goes_to_login_and_holds_nothing(web, client_as):
    showtime = web.showtimes["long-night-10"]
    r = _hold(client_as(None), showtime, ["3-4"])
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert not Hold.objects.filter(showtime=showtime).exists()


def test_hold_opens_an_order_and_checkout_shows_summary_and_countdown(web, client_as):
    fan = client_as("fan")
    order = _checkout(fan, web.showtimes["long-night-10"], ["4-5", "4-6"])
    assert order.status == Order.Status.PENDING
    page = fan.get(f"/checkout/{order.pk}/").content.decode()
    assert "Row 4 Seat 5" in page and "Row 4 Seat 6" in page and "VIP" in page
    assert "CN¥130.00" in page  # two VIP seats
    assert "CN¥6.00" in page  # the service fee, twice CN¥3
    assert "CN¥136.00" in page
    assert 'data-countdown data-remaining="' in page
    assert re.search(r"data-countdown-time>(9|10):\d\d<", page)


def test_a_seat_taken_meanwhile_gives_a_clear_message_and_a_fresh_map(web, client_as):
    showtime = web.showtimes["long-night-13"]
    holds.place_hold(showtime=showtime, seat_codes=["6-5"], user=web.users["rival"])
    r = _hold(client_as("fan"), showtime, ["6-5", "6-6"])
    assert r.status_code == 409
    page = r.content.decode()
    assert "someone else has just taken row 6 seat 5" in page
    assert "disabled" in _seat_input(page, "6-5")  # the map shows it held now
    assert "disabled" not in _seat_input(page, "6-6")
    assert not Hold.objects.filter(
        user=web.users["fan"], showtime=web.showtimes["long-night-13"]
    ).exists()


@pytest.mark.parametrize(
    ("seats", "message"),
    [
        ([], "Choose at least one seat."),
        (["8-1"], "Couple seats are sold as a pair"),
        (["3-1", "3-2", "3-3", "3-4", "3-5", "3-6", "3-7"], "at most 6 seats"),
        (["99-99"], "These seats are not in this hall"),
        (["\x00-1"], "These seats are not in this hall"),
        (["x" * 5000], "These seats are not in this hall"),
    ],
)
def test_bad_seat_choices_are_refused_with_a_message(web, client_as, seats, message):
    r = _hold(client_as("fan"), web.showtimes["long-night-13"], seats)
    assert r.status_code in (400, 409)
    assert message in r.content.decode()
    assert not Hold.objects.filter(
        user=web.users["fan"], showtime=web.showtimes["long-night-13"]
    ).exists()


def test_paying_through_the_provider_ends_on_my_tickets(web, client_as):
    fan = client_as("fan")
    order = _checkout(fan, web.showtimes["long-night-10"], ["6-1", "6-2"])
    r = _pay(fan, order)
    assert r.status_code == 302 and r["Location"] == f"/checkout/{order.pk}/"
    r = fan.get(r["Location"])
    assert r.status_code == 302 and r["Location"] == f"/tickets/#order-{order.pk}"
    page = fan.get("/tickets/").content.decode()
    assert "Payment received" in page
    card = page[page.index(f'id="order-{order.pk}"') :]
    card = card[: card.index("</li>\n  \n")] if "</li>\n  \n" in card else card
    assert card.count('data-testid="qr"') == 2
    assert "Row 6 Seat 1" in card and "Row 6 Seat 2" in card
    assert Ticket.objects.filter(order=order, status=Ticket.Status.VALID).count() == 2


def test_a_declined_payment_keeps_the_hold_and_says_so(web, client_as):
    fan = client_as("fan")
    order = _checkout(fan, web.showtimes["long-night-10"], ["7-1"])
    r = _pay(fan, order, "decline")
    page = fan.get(r["Location"]).content.decode()
    assert "Your payment was declined." in page and "Try paying again" in page
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING


def test_the_hold_expiring_during_checkout(web, client_as):
    fan = client_as("fan")
    order = _checkout(fan, web.showtimes["long-night-10"], ["7-2"])
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        page = fan.get(f"/checkout/{order.pk}/").content.decode()
        assert "The time to pay ran out and your seats were released." in page
        r = fan.post(f"/checkout/{order.pk}/pay/")
        assert r.status_code == 302 and r["Location"] == f"/checkout/{order.pk}/"
    assert not Payment.objects.filter(reference=str(order.pk)).exists()


def test_a_payment_arriving_after_the_hold_expired_is_refunded_and_said_so(web, client_as):
    fan = client_as("fan")
    order = _checkout(fan, web.showtimes["long-night-10"], ["7-3"])
    _pay(fan, order, "delay")
    page = fan.get(f"/checkout/{order.pk}/").content.decode()
    assert "waiting for the payment provider" in page
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        sim.deliver_sim_callbacks(user=web.users["fan"])
        page = fan.get(f"/checkout/{order.pk}/").content.decode()
    assert "Your payment arrived too late" in page
    assert "We refunded CN¥48.00 in full" in page
    assert not Ticket.objects.filter(order=order).exists()


def test_cancelling_releases_the_seats(web, client_as):
    fan = client_as("fan")
    showtime = web.showtimes["long-night-10"]
    order = _checkout(fan, showtime, ["7-4"])
    r = fan.post(f"/checkout/{order.pk}/cancel/")
    assert r.status_code == 302 and r["Location"] == f"/showtimes/{showtime.pk}/seats/"
    assert "Your seats were released." in fan.get(r["Location"]).content.decode()
    row = SeatInventory.objects.get(showtime=showtime, seat__row_label="7", seat__number="4")
    assert row.state == SeatInventory.State.FREE


def test_someone_elses_order_is_not_found(web, client_as):
    order = _checkout(client_as("fan"), web.showtimes["long-night-10"], ["7-5"])
    rival = client_as("rival")
    assert rival.get(f"/checkout/{order.pk}/").status_code == 404
    assert rival.post(f"/checkout/{order.pk}/pay/").status_code == 404
    assert rival.post(f"/checkout/{order.pk}/cancel/").status_code == 404
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING


def test_checkout_needs_an_account(web, client_as):
    r = client_as(None).get("/checkout/1/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_a_draft_is_not_on_sale_for_its_scheduler_and_hidden_from_others(web, client_as):
    draft = web.showtimes["draft"]
    assert client_as("fan").get(f"/showtimes/{draft.pk}/seats/").status_code == 404
    page = client_as("op-huaxia").get(f"/showtimes/{draft.pk}/seats/").content.decode()
    assert "This showtime is not on sale." in page
    assert "Continue to checkout" not in page


def test_presale_showtime_explains_and_sells_to_round_buyers(web, client_as):
    presale = web.showtimes["presale"]
    page = client_as("fan").get(f"/showtimes/{presale.pk}/seats/").content.decode()
    assert "Pre-sale: general sale opens" in page
    assert 'name="invitation_code"' in page
    order = _checkout(client_as("fan"), presale, ["4-4"])
    assert order.round is not None
