"""The waiting list and reviews over the API: problem+json for every refusal, nothing half-written."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from marquee.core import outbox
from marquee.ticketing.models import Review, SeatInventory, Ticket, WaitlistEntry
from marquee.ticketing.services import reviews, waitlist
from marquee.ticketing.services.refunds import refund_tickets

from .api_calls import API, post, problem
from .buying import buy, tickets

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sold_out(showtime, buyer):
    order = buy(showtime, buyer, "2-3")
    SeatInventory.objects.filter(showtime=showtime, state=SeatInventory.State.FREE).update(
        state=SeatInventory.State.SOLD
    )
    return order


def test_join_look_accept_over_the_api(sold_out, showtime, buyer, make_user):
    waiter = make_user()
    client = _client(waiter)
    free_first = post(client, "/waitlist", {"showtime_id": showtime.pk, "party_size": 9})
    assert free_first.status_code == 422  # the schema bounds the party
    joined = post(client, "/waitlist", {"showtime_id": showtime.pk})
    assert joined.status_code == 201, joined.content
    entry_id = joined.json()["id"]
    assert joined.json()["status"] == "waiting"
    problem(post(client, "/waitlist", {"showtime_id": showtime.pk}), 409, "waitlist_already_joined")
    refund_tickets(order=sold_out, ticket_ids=[tickets(sold_out)["2-3"].pk], actor=buyer)
    outbox.drain()
    mine = client.get(f"{API}/waitlist").json()
    assert [(e["id"], e["status"], e["offered_seats"]) for e in mine] == [
        (entry_id, "offered", ["2-3"])
    ]
    accepted = post(client, f"/waitlist/{entry_id}/accept", HTTP_IDEMPOTENCY_KEY="k-1")
    assert accepted.status_code == 201, accepted.content
    again = post(client, f"/waitlist/{entry_id}/accept", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.json() == accepted.json()  # the same key answers the same order
    problem(post(client, f"/waitlist/{entry_id}/accept"), 409, "waitlist_no_offer")
    assert WaitlistEntry.objects.get(pk=entry_id).status == "accepted"


def test_looking_writes_nothing_and_reads_the_state_the_sweep_will_record(
    sold_out, showtime, buyer, make_user, reads_only
):
    offered, waiting = make_user(), make_user()
    for user in (offered, waiting):
        assert post(_client(user), "/waitlist", {"showtime_id": showtime.pk}).status_code == 201
    refund_tickets(order=sold_out, ticket_ids=[tickets(sold_out)["2-3"].pk], actor=buyer)
    outbox.drain()  # the refund's seat is offered to the first waiter
    lapsed_at = timezone.now() + waitlist.offer_duration() + timedelta(seconds=1)
    looker, other = _client(offered), _client(waiting)
    with time_machine.travel(lapsed_at, tick=False), reads_only():
        mine = looker.get(f"{API}/waitlist").json()
        page = looker.get("/orders/").content.decode()
    assert [(e["status"], e["offered_seats"], e["hold_id"]) for e in mine] == [("lapsed", [], None)]
    assert 'data-testid="seats-waiting"' not in page
    assert 'data-testid="waitlist"' not in page  # nothing open is left to show
    statuses = dict(WaitlistEntry.objects.values_list("user_id", "status"))
    assert statuses == {offered.pk: "offered", waiting.pk: "waiting"}  # the GETs wrote nothing
    with time_machine.travel(showtime.starts_at + timedelta(minutes=1), tick=False), reads_only():
        mine = other.get(f"{API}/waitlist").json()
    assert [e["status"] for e in mine] == ["closed"]  # the list of a started showtime
    with time_machine.travel(lapsed_at, tick=False):
        call_command("waitlist_sweep", stdout=StringIO())  # what records it: the sweep
        statuses = dict(WaitlistEntry.objects.values_list("user_id", "status"))
        assert statuses == {offered.pk: "lapsed", waiting.pk: "offered"}
        assert other.get(f"{API}/waitlist").json()[0]["offered_seats"] == ["2-3"]


def test_joining_a_showtime_with_free_seats_is_refused(showtime, make_user):
    client = _client(make_user())
    problem(post(client, "/waitlist", {"showtime_id": showtime.pk}), 409, "waitlist_not_sold_out")
    assert not WaitlistEntry.objects.exists()


def test_a_review_needs_a_used_ticket(showtime, buyer):
    order = buy(showtime, buyer, "2-3")
    client = _client(buyer)
    slug = showtime.title.slug
    body = {"stars": 4, "text": "Good"}
    refused = client.put(f"{API}/reviews/{slug}", body, content_type="application/json")
    problem(refused, 403, "review_needs_used_ticket")
    assert not Review.objects.exists()
    Ticket.objects.filter(order=order).update(status=Ticket.Status.USED)
    problem(
        client.put(f"{API}/reviews/{slug}", {"stars": 6}, content_type="application/json"),
        400,
        "review_stars",
    )
    written = client.put(f"{API}/reviews/{slug}", body, content_type="application/json")
    assert written.status_code == 200, written.content
    changed = client.put(
        f"{API}/reviews/{slug}",
        {"stars": 2, "text": "On reflection…"},
        content_type="application/json",
    )
    assert changed.json()["id"] == written.json()["id"]
    listed = Client().get(f"{API}/reviews/{slug}").json()
    assert (listed["count"], listed["average"]) == (1, "2.0")


def test_hidden_reviews_leave_the_average(showtime, make_user, admin_user):
    slug = showtime.title.slug
    for stars in (5, 4, 1):
        user = make_user()
        order = buy(showtime, user, f"2-{stars + 1}")
        Ticket.objects.filter(order=order).update(status=Ticket.Status.USED)
        reviews.write_review(user=user, title=showtime.title, stars=stars, text="")
    assert Client().get(f"{API}/reviews/{slug}").json()["average"] == "3.3"
    worst = Review.objects.get(stars=1)
    reviews.moderate_review(actor=admin_user, review_id=worst.pk, hidden=True)
    listed = Client().get(f"{API}/reviews/{slug}").json()
    assert (listed["count"], listed["average"]) == (2, "4.5")
    assert [r["stars"] for r in listed["reviews"]] == [4, 5]


def test_an_administrator_hides_a_review_from_the_admin(showtime, buyer, admin_user, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    order = buy(showtime, buyer, "2-3")
    Ticket.objects.filter(order=order).update(status=Ticket.Status.USED)
    review = reviews.write_review(user=buyer, title=showtime.title, stars=1, text="spam spam")
    client = _client(admin_user)
    assert client.get("/admin/ticketing/review/").status_code == 200
    assert client.get("/admin/ticketing/waitlistentry/").status_code == 200
    done = client.post(
        "/admin/ticketing/review/",
        {"action": "hide_reviews", "_selected_action": [review.pk]},
    )
    assert done.status_code == 302
    review.refresh_from_db()
    assert review.hidden
    assert _client(buyer).get("/admin/ticketing/review/").status_code in {302, 403}
