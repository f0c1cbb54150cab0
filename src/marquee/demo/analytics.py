"""The demo's year of box-office history, drawn from the known process of ``analytics.synthetic``.

Every catalog film with a runtime gets one synthetic run in the year that
ends the day before the live demo's first showtime: an opening day (spread
through the year), want-to-see, pre-sales over the 30 days before it and an
opening weekend drawn from the process (so the forecast can be back-tested
honestly), then a decay of 5 % a day with weekend peaks, for 100 days (about three films
run at once).
Each day's gross is split over the demo cinemas by a fixed weight per
cinema; the showtimes offered follow the demand at an attendance between
12 % and 45 %. HKD cinemas get their share at the day's rate. The national
daily totals go through the same CSV import as a trade file would, at a
platform share of 2–4 %. Runs in a few seconds; loading it again replaces it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from marquee.analytics.errors import AnalyticsError
from marquee.analytics.models import BoxOfficeFact, HistoricalScreening, HistoricalTitle, Source
from marquee.analytics.rates import RateBook
from marquee.analytics.services.history import HistoryRows, history_fact, replace_history
from marquee.analytics.services.national import import_national_csv
from marquee.analytics.synthetic import draw_titles, presale_shares, split_minor
from marquee.catalog.models import ReleaseDate, Title
from marquee.core.money import round_half_even
from marquee.venues.models import Venue

DAYS = 365
RUN_DAYS = 100
#: The daily decay after the opening weekend.
DECAY = 0.95
#: The platform's cinemas are a small part of the market: the process's money × this.
SCALE = Fraction(1, 20)
SEATS_PER_SHOW = 140
SOURCE = "demo"
#: The history's average ticket (CNY 45).
TICKET_MINOR = 4_500


@dataclass(frozen=True)
class DemoAnalytics:
    titles: int
    facts: int
    screenings: int
    national_days: int


def _films(today: dt.date) -> list[Title]:
    future = set(ReleaseDate.objects.filter(date__gt=today).values_list("title_id", flat=True))
    return [
        t
        for t in Title.objects.filter(kind=Title.Kind.FILM, runtime_minutes__isnull=False)
        .prefetch_related("genres")
        .order_by("slug")
        if t.pk not in future
    ]


def _genre(title: Title) -> str:
    codes = sorted(g.code for g in title.genres.all())
    return codes[0] if codes else ""


def load_demo_analytics(*, today: dt.date) -> DemoAnalytics:
    """Load (or replace) the demo's history up to the day before yesterday."""
    last = today - dt.timedelta(days=2)
    first = last - dt.timedelta(days=DAYS - 1)
    films = _films(today)
    venues = list(Venue.objects.filter(kind=Venue.Kind.CINEMA, is_active=True).order_by("slug"))
    if not films or not venues:
        return DemoAnalytics(0, 0, 0, 0)
    rng = np.random.default_rng(2026)
    process = draw_titles(len(films), seed=42, genres=[_genre(f) or "drama" for f in films])
    weights = rng.uniform(0.5, 2.0, len(venues))
    shares = weights / weights.sum()
    book = RateBook({v.currency for v in venues})
    facts: list[BoxOfficeFact] = []
    screenings: list[HistoricalScreening] = []
    titles: list[HistoricalTitle] = []
    daily: dict[dt.date, int] = {}
    spacing = max(1, (DAYS - 40) // len(films))
    curve = presale_shares()

    def add(title: Title, show_day: dt.date, sale_day: dt.date, gross: int, attendance: float):
        parts = split_minor(gross, shares)
        for venue, part in zip(venues, parts, strict=True):
            if part < TICKET_MINOR:  # less than a ticket's worth at this cinema: no row
                continue
            amount = part
            if venue.currency != "CNY":
                try:
                    rate = book.rate(venue.currency, show_day)
                except AnalyticsError:  # no rate loaded: this cinema stays out of the history
                    continue
                amount = round_half_even(Fraction(part) / rate)
            tickets = max(1, amount // TICKET_MINOR)
            facts.append(
                history_fact(
                    title=title,
                    venue=venue,
                    show_day=show_day,
                    sale_day=sale_day,
                    tickets=tickets,
                    gross_minor=amount,
                )
            )
            if sale_day == show_day:
                shows = max(1, round(tickets / (SEATS_PER_SHOW * attendance)))
                screenings.append(
                    HistoricalScreening(
                        day=show_day,
                        title=title,
                        venue=venue,
                        chain_id=venue.chain_id,
                        city_id=venue.city_id,
                        format="2D",
                        showtimes=shows,
                        seats=shows * SEATS_PER_SHOW,
                    )
                )

    for index, (film, truth) in enumerate(zip(films, process, strict=True)):
        opening = first + dt.timedelta(days=30 + index * spacing)
        if opening > last:
            break
        titles.append(
            HistoricalTitle(title=film, opening_day=opening, want_to_see=truth.want_to_see)
        )
        presale = int(truth.presale_minor * SCALE)
        weekend = int(truth.opening_weekend_minor * SCALE)
        presale = min(presale, weekend * 9 // 10)
        attendance = float(np.clip(0.25 + 0.08 * truth.hype, 0.12, 0.45))
        for before, part in zip(range(30, 0, -1), split_minor(presale, curve), strict=True):
            sale_day = opening - dt.timedelta(days=before)
            if sale_day >= first:
                add(film, opening, sale_day, part, attendance)
        # The opening weekend: the rest of its gross over its three days (40/35/25).
        rest = split_minor(weekend - presale, np.array([0.40, 0.35, 0.25]))
        level = weekend // 3
        for day_index in range(RUN_DAYS):
            day = opening + dt.timedelta(days=day_index)
            if day > last:
                break
            if day_index < 3:
                gross = rest[day_index]
                daily[day] = daily.get(day, 0) + gross + (presale if day_index == 0 else 0)
            else:
                weekend_boost = 1.6 if day.weekday() >= 5 else 1.0
                noise = float(rng.lognormal(0, 0.10))
                gross = int(level * (DECAY ** (day_index - 2)) * weekend_boost * noise)
                daily[day] = daily.get(day, 0) + gross
            add(film, day, day, gross, attendance * (0.97**day_index))
    replace_history(HistoryRows(facts, screenings, titles))
    national = _national_csv(daily, first, today, rng)
    imported = import_national_csv(text=national, source=SOURCE)
    return DemoAnalytics(len(titles), len(facts), len(screenings), imported.days)


def _national_csv(daily: dict[dt.date, int], first: dt.date, today: dt.date, rng) -> str:
    """National totals at a platform share of 2–4 % (live days: a typical day's total)."""
    lines = ["day,gross_cny"]
    typical = sorted(daily.values())[len(daily) // 2] if daily else 1_000_000
    day = first
    while day <= today:
        platform = daily.get(day, typical)
        share = float(rng.uniform(0.02, 0.04))
        total = max(int(platform / share), 100)
        lines.append(f"{day.isoformat()},{total // 100}.{total % 100:02d}")
        day += dt.timedelta(days=1)
    return "\n".join(lines) + "\n"


def history_counts() -> dict[str, int]:
    return {
        "facts": BoxOfficeFact.objects.filter(source=Source.HISTORY).count(),
        "screenings": HistoricalScreening.objects.count(),
        "titles": HistoricalTitle.objects.count(),
    }
