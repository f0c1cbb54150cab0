"""The ticketing limits set in settings: hold length, seats per order, the hall's cleaning time.

Public so pages and the demo can show and respect them; the services read them here too.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def hold_duration() -> timedelta:
    """How long a hold lasts (``MARQUEE_HOLD_MINUTES``, default 10)."""
    return timedelta(minutes=getattr(settings, "MARQUEE_HOLD_MINUTES", 10))


def max_seats_per_order() -> int:
    """Seats one hold (and so one order) may carry (``MARQUEE_MAX_SEATS_PER_ORDER``, default 6)."""
    return int(getattr(settings, "MARQUEE_MAX_SEATS_PER_ORDER", 6))


def max_held_seats_per_showtime() -> int:
    """Seats one account may hold at once per showtime (``MARQUEE_MAX_HELD_SEATS_PER_SHOWTIME``, default 6)."""
    return int(getattr(settings, "MARQUEE_MAX_HELD_SEATS_PER_SHOWTIME", 6))


def cleaning_buffer() -> timedelta:
    """Time a hall needs between two showtimes (``MARQUEE_CLEANING_BUFFER_MINUTES``, default 15)."""
    return timedelta(minutes=getattr(settings, "MARQUEE_CLEANING_BUFFER_MINUTES", 15))


def doors_open_before() -> timedelta:
    """How early a ticket admits before the start (``MARQUEE_DOORS_OPEN_MINUTES``, default 60)."""
    return timedelta(minutes=getattr(settings, "MARQUEE_DOORS_OPEN_MINUTES", 60))
