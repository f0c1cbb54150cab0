"""Permission-matrix rows of the waiting list (``/ticketing/waitlist``): see tests/test_permission_matrix.py.

Any account may join a sold-out showtime's list and read its own places; a
place, its offer (accept, decline) and leaving are the waiter's alone — M1's
entry is a stranger's to everyone else, administrators included (support has
no business accepting seats for a buyer).
"""

from __future__ import annotations

from marquee.ticketing.models import SeatInventory, WaitlistEntry
from marquee.ticketing.services import waitlist
from tests.permission_world import Call, PermWorld

PREFIX = "/ticketing/waitlist"
API = "/api/v1"

# fmt: off
ROWS: dict[tuple[str, str], str] = {
    ("POST", "/ticketing/waitlist"):                      "no   ok ok ok ok ok ok ok ok ok ok ok",
    ("GET", "/ticketing/waitlist"):                       "no   ok ok ok ok ok ok ok ok ok ok ok",
    ("GET", "/ticketing/waitlist/{entry_id}"):            "no   ok no no no no no no no no no no",
    ("POST", "/ticketing/waitlist/{entry_id}/accept"):    "no   ok no no no no no no no no no no",
    ("POST", "/ticketing/waitlist/{entry_id}/decline"):   "no   ok no no no no no no no no no no",
    ("DELETE", "/ticketing/waitlist/{entry_id}"):         "no   ok no no no no no no no no no no",
}
# fmt: on


def _sell_out(w: PermWorld) -> None:
    SeatInventory.objects.filter(showtime=w.showtime_a, state=SeatInventory.State.FREE).update(
        state=SeatInventory.State.SOLD
    )


def _m1_entry(w: PermWorld, *, offered: bool) -> WaitlistEntry:
    """M1 waiting on chain A's sold-out showtime; with ``offered``, seat 4-1 is offered to M1."""
    _sell_out(w)
    entry = waitlist.join_waitlist(showtime=w.showtime_a, user=w.users["moviegoer"])
    if offered:
        SeatInventory.objects.filter(
            showtime=w.showtime_a, seat__row_label="4", seat__number="1"
        ).update(state=SeatInventory.State.FREE)
        waitlist.offer_freed_seats(showtime_id=w.showtime_a.pk)
        entry.refresh_from_db()
    return entry


def call(w: PermWorld, role: str, method: str, template: str) -> Call:
    if (method, template) == ("POST", "/ticketing/waitlist"):
        _sell_out(w)
        return Call(API + template, json={"showtime_id": w.showtime_a.pk, "party_size": 1})
    if template == "/ticketing/waitlist":
        return Call(API + template)
    offered = template.endswith(("/accept", "/decline"))
    entry = _m1_entry(w, offered=offered)
    return Call(API + template.format(entry_id=entry.pk))
