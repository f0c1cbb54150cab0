"""The demo pre-sale round, buyers, online and box-office sales and door scans."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction

from marquee.accounts.models import User
from marquee.catalog.models import ReleaseDate, Title
from marquee.core.errors import DomainError
from marquee.demo.accounts import DEMO_PASSWORD, DemoAccount
from marquee.demo.ticketing.schedule import GENERATED_BUYERS, PRESALE_ROUND_NAME, PRESALE_TITLE
from marquee.ticketing.models import (
    PresaleRound,
    Showtime,
    Ticket,
)
from marquee.ticketing.services import checkin, orders, rounds
from marquee.ticketing.services.checkout import start_checkout
from marquee.ticketing.services.fulfilment import complete_order
from marquee.venues.models import Seat, SeatType, Venue

logger = logging.getLogger(__name__)

Progress = Callable[[str], Any] | Any


@dataclass
class DemoTicketing:
    """What :func:`load_demo_ticketing` did (counts of this run) and the buyers it made."""

    showtimes: int = 0
    online_orders: int = 0
    box_office_orders: int = 0
    tickets: int = 0
    scans: int = 0
    presale_round_id: int | None = None
    accounts: list[Any] = field(default_factory=list)


def report_progress(progress: Progress | None, step: str) -> None:
    if progress is None:
        return
    if hasattr(progress, "update"):
        if hasattr(progress, "set_postfix_str"):
            progress.set_postfix_str(step[:40], refresh=False)
        progress.update(1)
    else:
        progress(step)


# --- the pre-sale round -----------------------------------------------------------


def presale_opening(today: date) -> dict[int, datetime]:
    """General sale of the pre-sale film opens 3 days before its Hong Kong release, 10:00."""
    title = Title.objects.filter(slug=PRESALE_TITLE).first()
    if title is None:
        return {}
    release = ReleaseDate.objects.filter(title=title, territory="HK").first()
    if release is None or release.date <= today:
        return {}
    zone = ZoneInfo("Asia/Hong_Kong")
    opens = datetime.combine(release.date - timedelta(days=3), time(10, 0), zone)
    if opens <= datetime.combine(today, time(12, 0), zone):
        return {}  # too close to the release for a pre-sale
    return {title.pk: opens}


def load_presale(
    *, today: date, general_sale: dict[int, datetime], fans: list[User], now: datetime
) -> PresaleRound | None:
    title = Title.objects.filter(slug=PRESALE_TITLE).first()
    if title is None or title.pk not in general_sale:
        return None
    existing = PresaleRound.objects.filter(title=title, name=PRESALE_ROUND_NAME).first()
    if existing is None:
        planner = (
            User.objects.filter(username="distribution").first()
            or User.objects.filter(is_superuser=True).order_by("pk").first()
        )
        if planner is None:
            return None
        existing = rounds.create_presale_round(
            actor=planner,
            title=title,
            name=PRESALE_ROUND_NAME,
            opens_at=min(now, datetime.combine(today, time(10, 0), ZoneInfo("Asia/Hong_Kong")))
            - timedelta(days=1),
            closes_at=general_sale[title.pk],
            audience=PresaleRound.Audience.WANT_TO_SEE,
            per_account_limit=4,
            city_codes=["hong-kong"],
        )
    for fan in fans:
        rounds.register_want_to_see(user=fan, title=title)
    return existing


# --- buyers -----------------------------------------------------------------------


def make_buyers() -> tuple[list[User], list[Any]]:
    hashed = None
    made: list[User] = []
    accounts = []
    for n in range(1, GENERATED_BUYERS + 1):
        username = f"moviegoer-{n:02d}"
        user = User.objects.filter(username=username).first()
        if user is None:
            # One hash for all of them: hashing is slow on purpose.
            hashed = hashed or make_password(DEMO_PASSWORD)
            user = User.objects.create(
                username=username,
                email=f"{username}@demo.marquee.example",
                display_name=f"Demo moviegoer {n}",
                password=hashed,
            )
        made.append(user)
        accounts.append(DemoAccount(username, "moviegoer", "", user.display_name))
    return made, accounts


# --- sales and scans --------------------------------------------------------------


class _SeatPicker:
    """Chooses adjacent free seats in a hall, remembering what each showtime sold."""

    def __init__(self) -> None:
        self._rows: dict[int, list[list[Seat]]] = {}
        self._taken: dict[int, set[int]] = {}

    def _hall_rows(self, hall_id: int) -> list[list[Seat]]:
        if hall_id not in self._rows:
            rows: dict[int, list[Seat]] = {}
            for seat in Seat.objects.filter(hall_id=hall_id).order_by("row", "column"):
                rows.setdefault(seat.row, []).append(seat)
            self._rows[hall_id] = [rows[r] for r in sorted(rows)]
        return self._rows[hall_id]

    def pick(self, rng: random.Random, showtime: Showtime, count: int) -> list[str]:
        rows = self._hall_rows(showtime.hall_id)
        taken = self._taken.setdefault(showtime.pk, set())
        if not rows:
            return []
        middle = rows[len(rows) // 3 : max(len(rows) // 3 + 1, len(rows) * 5 // 6)]
        for _ in range(12):
            row = rng.choice(middle)
            if count == 2 and rng.random() < 0.15:
                couples = [
                    (a, b)
                    for a, b in pairwise(row)
                    if a.kind == SeatType.COUPLE and a.partner_id == b.pk
                ]
                couples = [(a, b) for a, b in couples if a.pk not in taken and b.pk not in taken]
                if couples:
                    pair = rng.choice(couples)
                    taken.update(s.pk for s in pair)
                    return [s.code for s in pair]
            singles = [s for s in row if s.kind in (SeatType.STANDARD, SeatType.VIP)]
            runs = [
                singles[i : i + count]
                for i in range(len(singles) - count + 1)
                if singles[i + count - 1].column - singles[i].column == count - 1
                and len({s.kind for s in singles[i : i + count]}) == 1
                and not any(s.pk in taken for s in singles[i : i + count])
            ]
            if runs:
                chosen = rng.choice(runs)
                taken.update(s.pk for s in chosen)
                return [s.code for s in chosen]
        return []


def _sell_online(
    showtime: Showtime, buyer: User, codes: list[str], *, invitation: str | None = None
) -> list[Ticket]:
    from marquee.payments.simulator.gateway import authorize_sim_payment

    order = start_checkout(
        showtime=showtime, seat_codes=codes, user=buyer, invitation_code=invitation
    )
    started = orders.pay_order(order=order, user=buyer)
    if started.payment_id is not None:
        authorize_sim_payment(payment_id=started.payment_id, user=buyer, outcome="succeed")
    return list(Ticket.objects.filter(order=order).select_related("seat"))


def _sell_at_box_office(
    showtime: Showtime, buyer: User, codes: list[str], at: datetime
) -> list[Ticket]:
    """A sale that happened at ``at`` (before the show), paid at the counter: no online payment."""
    order = start_checkout(showtime=showtime, seat_codes=codes, user=buyer, now=at)
    with transaction.atomic():
        if not complete_order(order=order, payment_id=None, now=at):
            return []
    return list(Ticket.objects.filter(order=order).select_related("seat"))


def _group_size(rng: random.Random) -> int:
    return rng.choices([1, 2, 3, 4], weights=[15, 50, 15, 20])[0]


def _operators() -> dict[int, User]:
    from marquee.venues.models import Chain

    found = {}
    for chain in Chain.objects.all():
        user = User.objects.filter(username=f"operator-{chain.slug}"[:150]).first()
        if user is not None:
            found[chain.pk] = user
    return found


def sell_and_scan(
    created: list[Showtime],
    *,
    now: datetime,
    fans: dict[str, User],
    generated: list[User],
    presale: PresaleRound | None,
    result: DemoTicketing,
    progress: Progress | None,
) -> None:
    rng = random.Random(f"demo-sales|{now.date().isoformat()}")
    picker = _SeatPicker()
    operators = _operators()
    by_venue: dict[int, list[Showtime]] = {}
    for showtime in created:
        by_venue.setdefault(showtime.venue_id, []).append(showtime)
    venues = {
        v.pk: v for v in Venue.objects.filter(pk__in=by_venue).select_related("city", "chain")
    }
    horizon = now + timedelta(days=2)
    for venue_id, showtimes in sorted(by_venue.items()):
        venue = venues[venue_id]
        zone = ZoneInfo(venue.time_zone)
        local_fan = fans.get("fan2") if venue.city.territory == "HK" else fans.get("fan")
        is_fans_city = venue.city.code in ("shanghai", "hong-kong")
        by_day: dict[date, list[Showtime]] = {}
        for showtime in showtimes:
            by_day.setdefault(showtime.starts_at.astimezone(zone).date(), []).append(showtime)
        for _day, day_shows in sorted(by_day.items()):
            evening = [s for s in day_shows if s.starts_at.astimezone(zone).hour >= 17]
            past = [s for s in evening if s.starts_at <= now]
            coming = [
                s
                for s in evening
                if now + timedelta(minutes=30) < s.starts_at <= horizon and s.sales_open_at is None
            ]
            for showtime in rng.sample(past, min(2, len(past))):
                _box_office(showtime, venue, rng, picker, generated, operators, now, result)
            for n, showtime in enumerate(rng.sample(coming, min(2, len(coming)))):
                for k in range(rng.randint(1, 3)):
                    buyer = (
                        local_fan
                        if local_fan is not None and is_fans_city and n == 0 and k == 0
                        else rng.choice(generated)
                    )
                    codes = picker.pick(rng, showtime, _group_size(rng))
                    if codes and _try(_sell_online, showtime, buyer, codes, result=result):
                        result.online_orders += 1
        report_progress(progress, venue.slug)
    if presale is not None:
        _presale_sales(created, presale, rng, picker, fans, generated, result)


def _try(fn: Callable[..., list[Ticket]], *args: Any, result: DemoTicketing) -> bool:
    try:
        sold = fn(*args)
    except DomainError as exc:  # a demo sale that the rules refuse is simply not made
        logger.info("demo sale skipped: %s", exc)
        return False
    result.tickets += len(sold)
    return bool(sold)


def _box_office(
    showtime: Showtime,
    venue: Venue,
    rng: random.Random,
    picker: _SeatPicker,
    buyers: list[User],
    operators: dict[int, User],
    now: datetime,
    result: DemoTicketing,
) -> None:
    sold: list[Ticket] = []
    for _ in range(rng.randint(3, 5)):
        codes = picker.pick(rng, showtime, _group_size(rng))
        if not codes:
            continue
        at = showtime.starts_at - timedelta(hours=rng.randint(2, 30), minutes=rng.randint(0, 59))
        try:
            tickets = _sell_at_box_office(showtime, rng.choice(buyers), codes, at)
        except DomainError as exc:
            logger.info("demo box-office sale skipped: %s", exc)
            continue
        if tickets:
            result.box_office_orders += 1
            result.tickets += len(tickets)
            sold += tickets
    operator = operators.get(venue.chain_id)
    if operator is None or not sold:
        return
    doors = ["Door 1", "Door 2"]
    admitted = []
    for ticket in sold:
        at = showtime.starts_at - timedelta(minutes=rng.randint(2, 45), seconds=rng.randint(0, 59))
        if rng.random() < 0.85 and at < now:
            checkin.check_in(
                code=ticket.code,
                venue=venue,
                actor=operator,
                showtime=showtime,
                door=rng.choice(doors),
                now=at,
            )
            result.scans += 1
            admitted.append((ticket, at))
    if admitted:
        # The usual slips at a door: a ticket shown twice, and a screenshot of nothing.
        ticket, at = rng.choice(admitted)
        checkin.check_in(
            code=ticket.code,
            venue=venue,
            actor=operator,
            door=doors[1],
            now=at + timedelta(minutes=3),
        )
        checkin.check_in(
            code="MQT1:NOT-A-REAL-TICKET", venue=venue, actor=operator, door=doors[0], now=at
        )
        result.scans += 2


def _presale_sales(
    created: list[Showtime],
    presale: PresaleRound,
    rng: random.Random,
    picker: _SeatPicker,
    fans: dict[str, User],
    generated: list[User],
    result: DemoTicketing,
) -> None:
    shows = [s for s in created if s.title_id == presale.title_id and s.sales_open_at is not None]
    if not shows:
        return
    buyers = [u for u in [fans.get("fan2"), *generated[:3]] if u is not None]
    for buyer in buyers:
        showtime = rng.choice(shows)
        codes = picker.pick(rng, showtime, 2)
        if codes and _try(_sell_online, showtime, buyer, codes, result=result):
            result.online_orders += 1
