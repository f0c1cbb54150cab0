"""Bulk-loading a synthetic box-office history (the demo's year, the benchmarks' worlds).

History rows are ``BoxOfficeFact(source=history)`` with no showtime,
``HistoricalScreening`` and ``HistoricalTitle``. They come from no event, so
the live rollup's consumer and ``rebuild_box_office`` never touch them, and
they never overlap the live days: a history ends the day before the first
live showtime. Replaying the outbox rebuilds the live rows exactly; the
history stays as it was loaded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from marquee.analytics.models import BoxOfficeFact, HistoricalScreening, HistoricalTitle, Source
from marquee.catalog.models import Title
from marquee.venues.models import Venue


def history_fact(
    *,
    title: Title,
    venue: Venue,
    show_day: dt.date,
    sale_day: dt.date,
    tickets: int,
    gross_minor: int,
    **extra: Any,
) -> BoxOfficeFact:
    """An unsaved history fact of ``title`` at ``venue`` (2D, in the cinema's currency)."""
    return BoxOfficeFact(
        source=Source.HISTORY,
        title=title,
        venue=venue,
        chain_id=venue.chain_id,
        city_id=venue.city_id,
        format="2D",
        show_day=show_day,
        sale_day=sale_day,
        currency=venue.currency,
        tickets=tickets,
        gross_minor=gross_minor,
        **extra,
    )


@dataclass
class HistoryRows:
    facts: list[BoxOfficeFact]
    screenings: list[HistoricalScreening]
    titles: list[HistoricalTitle]


def replace_history(rows: HistoryRows) -> None:
    """Swap the whole history for ``rows`` (one transaction, bulk inserts)."""
    with transaction.atomic():
        BoxOfficeFact.objects.filter(source=Source.HISTORY).delete()
        HistoricalScreening.objects.all().delete()
        HistoricalTitle.objects.all().delete()
        BoxOfficeFact.objects.bulk_create(rows.facts, batch_size=2000)
        HistoricalScreening.objects.bulk_create(rows.screenings, batch_size=2000)
        HistoricalTitle.objects.bulk_create(rows.titles, batch_size=500)
