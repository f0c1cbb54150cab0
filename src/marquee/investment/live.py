"""The live part of a statement: box office sold but not yet settled, run through the waterfall.

A title's waterfall is fed per settled cinema-day (``consumers``). Between
settlements, the tickets already sold are money the distributor will
receive: for every (cinema, local day) of the title's published showtimes
that is not yet in the waterfall, the distributor's share is the one the
settlement will compute — the same ticket rows (those that still admit, so
a refund takes its ticket back out), the same rates
(:func:`~marquee.ticketing.services.settlement.rates_for`) and the same
exact split (:func:`~marquee.ticketing.services.settlement.split_gross`) —
converted to the waterfall currency at that day's rate, as the consumer does.

Those amounts run through the engine on top of the waterfall's stored state
(what the settled receipts left), one provisional receipt per cinema-day in
(day, cinema) order, so each participant's provisional payout is exactly
``engine(settled + unsettled) − engine(settled)``. Nothing here is stored or
posted: it is a reading. A cinema-day counts as settled from the moment its
``ticketing.settlement_paid`` event has been consumed by the waterfall, so a
day is never both provisional and settled, and never neither.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Sum

from marquee.core import fx
from marquee.core.errors import DomainError
from marquee.core.models import EventDelivery, OutboxEvent
from marquee.core.money import Money
from marquee.investment import waterfall as engine
from marquee.investment.consumers import BOX_OFFICE_CONSUMER
from marquee.investment.models import Project, Receipt, Waterfall, WaterfallVersion
from marquee.investment.services.financing import stakes_of
from marquee.investment.services.revenue import projects_of_titles
from marquee.ticketing import events as ticket_events
from marquee.ticketing.models import Showtime, Ticket
from marquee.ticketing.services.settlement import SETTLEMENT_AGGREGATE, rates_for, split_gross
from marquee.venues.models import Venue


@dataclass(frozen=True)
class UnsettledDay:
    """One cinema's local day of a title, sold and not yet in the waterfall."""

    venue_id: int
    day: dt.date
    tickets: int
    gross: Money  # the venue's currency
    distributor_share: Money  # the venue's currency, as the settlement will split it
    amount: Money | None  # the share in the waterfall currency (None: no rate for the day yet)


def _settled_keys(keys: list[str], title_id: int) -> set[str]:
    """The ``<venue id>:<day>`` keys whose settlement the waterfall has already taken in.

    Taken in: the waterfall's consumer is done with the day's
    ``settlement_paid`` event, or its receipt for the title is there (a
    consumer run by hand before the worker came round). A paid day whose
    event still waits for the consumer, with no receipt, is not in the
    waterfall yet: it stays provisional until it is.
    """
    if not keys:
        return set()
    waiting = EventDelivery.objects.filter(
        event=OuterRef("pk"), consumer=BOX_OFFICE_CONSUMER
    ).exclude(status=EventDelivery.Status.DONE)
    rows = (
        OutboxEvent.objects.filter(
            type=ticket_events.SETTLEMENT_PAID,
            aggregate=SETTLEMENT_AGGREGATE,
            aggregate_id__in=keys,
        )
        .annotate(waiting=Exists(waiting))
        .values_list("pk", "aggregate_id", "waiting")
    )
    settled: set[str] = set()
    pending: dict[str, str] = {}
    for pk, key, is_waiting in rows:
        if is_waiting:
            pending[f"settlement:{pk}:{title_id}"] = key
        else:
            settled.add(key)
    if pending:
        received = Receipt.objects.filter(source_key__in=pending).values_list(
            "source_key", flat=True
        )
        settled.update(pending[source_key] for source_key in received)
    return settled


def unsettled_box_office(title_id: int, currency: str) -> list[UnsettledDay]:
    """The title's sold, unsettled cinema-days, in (day, cinema) order, with ``currency`` amounts.

    A bounded number of queries whatever the number of tickets: the tickets
    summed per showtime time and cinema, the cinemas, the settlement events,
    the rates per territory (two each) and the exchange rates per (currency,
    day) needed.
    """
    sold = (
        Ticket.objects.filter(
            showtime__title_id=title_id,
            showtime__status=Showtime.Status.PUBLISHED,
            status__in=Ticket.ACTIVE_STATUSES,
        )
        .order_by()
        .values("showtime__venue_id", "showtime__starts_at")
        .annotate(n=Count("pk"), gross=Sum("line__price_minor"))
    )
    rows = list(sold)
    if not rows:
        return []
    venues = {
        v.pk: v
        for v in Venue.objects.filter(
            pk__in={r["showtime__venue_id"] for r in rows}
        ).select_related("city")
    }
    per_day: dict[tuple[dt.date, int], list[int]] = {}
    for row in rows:
        venue = venues[row["showtime__venue_id"]]
        day = row["showtime__starts_at"].astimezone(ZoneInfo(venue.time_zone)).date()
        totals = per_day.setdefault((day, venue.pk), [0, 0])
        totals[0] += row["n"]
        totals[1] += int(row["gross"] or 0)
    settled = _settled_keys([f"{v}:{d.isoformat()}" for d, v in per_day], title_id)
    rates: dict[str, Any] = {}
    quotes: dict[tuple[str, dt.date], Any] = {}
    out = []
    for (day, venue_id), (tickets, gross_minor) in sorted(per_day.items()):
        if f"{venue_id}:{day.isoformat()}" in settled:
            continue
        venue = venues[venue_id]
        territory = venue.city.territory
        if territory not in rates:
            rates[territory] = rates_for(territory=territory, title_ids=[title_id])[1][title_id]
        split = split_gross(Money(gross_minor, venue.currency), rates[territory])
        share = split.distributor_share
        amount: Money | None = share
        if share.currency != currency:
            pair = (share.currency, day)
            if pair not in quotes:
                try:
                    quotes[pair] = fx.quote_on(share.currency, currency, day).rate
                except DomainError:
                    quotes[pair] = None
            amount = fx.convert_at(share, currency, quotes[pair]) if quotes[pair] else None
        out.append(UnsettledDay(venue_id, day, tickets, split.gross, share, amount))
    return out


@dataclass
class Provisional:
    """What the unsettled box office would pay, on top of the settled receipts."""

    currency: str
    days: list[UnsettledDay] = field(default_factory=list)
    shares: list[engine.Share] = field(default_factory=list)

    @property
    def received_minor(self) -> int:
        """The distributor's share not yet settled, in the waterfall currency."""
        return sum(d.amount.minor for d in self.days if d.amount is not None)

    @property
    def tickets(self) -> int:
        return sum(d.tickets for d in self.days)

    @property
    def days_without_rate(self) -> int:
        return sum(1 for d in self.days if d.amount is None)

    def payouts(self) -> dict[int, int]:
        """Participant id → its provisional payout (absent: nothing)."""
        return engine.totals(self.shares)

    def for_participant(self, participant_id: int) -> dict[str, Any]:
        """One participant's provisional part, in the API's money shape."""
        by_tier: dict[str, dict[str, Any]] = {}
        for share in self.shares:
            if share.participant == participant_id:
                row = by_tier.setdefault(
                    share.tier_key,
                    {"tier_key": share.tier_key, "tier": share.tier_label, "amount_minor": 0},
                )
                row["amount_minor"] += share.amount_minor
        by_day: dict[dt.date, list[int]] = {}
        for d in self.days:
            if d.amount is not None:
                totals = by_day.setdefault(d.day, [0, 0])
                totals[0] += d.tickets
                totals[1] += d.amount.minor
        return {
            "amount": self._money(self.payouts().get(participant_id, 0)),
            "distributor_share": self._money(self.received_minor),
            "tickets": self.tickets,
            "days": [
                {"day": day.isoformat(), "tickets": n, "distributor_share": self._money(minor)}
                for day, (n, minor) in sorted(by_day.items())
            ],
            "days_without_rate": self.days_without_rate,
            "by_tier": list(by_tier.values()),
        }

    def _money(self, minor: int) -> dict[str, Any]:
        return {"amount_minor": minor, "currency": self.currency}


def provisional_of(project: Project, waterfall: Waterfall | None) -> Provisional:
    """The project's provisional payouts: its title's unsettled box office over its waterfall.

    Empty for a project without a title or a waterfall, and for a title whose
    revenue feeds another project's waterfall (a title feeds one waterfall).
    """
    currency = waterfall.currency if waterfall is not None else project.currency
    if waterfall is None or not waterfall.version or project.title_id is None:
        return Provisional(currency)
    fed = projects_of_titles([project.title_id]).get(project.title_id)
    if fed is None or fed.pk != project.pk:
        return Provisional(currency)
    days = unsettled_box_office(project.title_id, currency)
    if not any(d.amount is not None and d.amount.minor for d in days):
        return Provisional(currency, days)
    tiers_data = WaterfallVersion.objects.get(waterfall=waterfall, version=waterfall.version).tiers
    tiers = engine.parse_tiers(tiers_data, stakes_of(project))
    return run_provisional(tiers, waterfall.state, days, currency)


def run_provisional(
    tiers: list[engine.Tier], state: dict[str, Any], days: list[UnsettledDay], currency: str
) -> Provisional:
    """The unsettled days as receipts on top of ``state`` (what the settled receipts left).

    Pure: nothing is read or stored. Each participant's payout is
    ``engine(settled + unsettled) − engine(settled)``, and Σ payouts is the
    unsettled distributor share, exactly.
    """
    amounts = [d.amount.minor for d in days if d.amount is not None and d.amount.minor]
    periods, _ = engine.run(tiers, amounts, currency, state=state)
    return Provisional(currency, days, [s for shares in periods for s in shares])
