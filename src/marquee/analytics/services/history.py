"""Bulk-loading a synthetic box-office history (the demo's year, the benchmarks' worlds).

History rows are ``BoxOfficeFact(source=history)`` with no showtime,
``HistoricalScreening`` and ``HistoricalTitle``. They come from no event, so
the live rollup's consumer and ``rebuild_box_office`` never touch them, and
they never overlap the live days: a history ends the day before the first
live showtime. Replaying the outbox rebuilds the live rows exactly; the
history stays as it was loaded.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from marquee.analytics.models import BoxOfficeFact, HistoricalScreening, HistoricalTitle, Source


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
