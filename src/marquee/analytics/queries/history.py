"""Sums of facts for the heavy questions: DuckDB over the latest snapshot, plus what is newer.

A snapshot (``services/snapshots.py``) holds every fact sold before its
cut-off day; the operational database adds the facts sold on or after it.
Every fact has one sale day, so each sale is in exactly one of the two
halves: no double counting, no gap. The two halves are summed per key
*before* conversion to CNY, so the dated rates round exactly as they do
over the operational database alone.

The operational database answers alone when there is no snapshot (of this
database), when the reader is scoped to some venues (the roll-ups are not
cut by venue), or when a fact sold before the cut-off changed after the
snapshot was read (an event applied a day late, a rebuild, a history
reload: the next snapshot catches up).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from django.conf import settings
from django.db.models import Q, Sum

from marquee.analytics.engine import Engine
from marquee.analytics.models import BoxOfficeFact
from marquee.analytics.queries.common import Scope, facts
from marquee.analytics.rates import RateBook
from marquee.analytics.services.snapshots import Snapshot, current_snapshot

#: A question's rows from the engine: (*key, tickets, gross).
FromEngine = Callable[[Engine], Iterable[tuple]]


def usable_snapshot(scope: Scope) -> Snapshot | None:
    """The snapshot the heavy reads of ``scope`` may use now, or None (operational only)."""
    if scope is not None or not getattr(settings, "MARQUEE_ANALYTICS_ENGINE", True):
        return None
    snapshot = current_snapshot()
    if snapshot is None:
        return None
    changed = BoxOfficeFact.objects.filter(
        updated_at__gte=snapshot.taken_at, sale_day__lt=snapshot.cutoff
    )
    return None if changed.exists() else snapshot


#: The small roll-ups (a row per title × day) the long-lived engine keeps in memory; the
#: city roll-up (a row per title × city × day) stays a view over its file.
IN_MEMORY = ("by_day", "by_sale")
_open: dict[str, Engine] = {}
_opening = threading.Lock()


def engine_for(snapshot: Snapshot) -> Engine:
    """The process's engine over ``snapshot``, opened once: a connection and its views cost
    more than a question. A new snapshot gets a new engine."""
    key = str(snapshot.directory)
    engine = _open.get(key)
    if engine is not None:
        return engine
    with _opening:
        if key not in _open:
            _open.clear()  # the previous engine closes when its last question is done
            _open[key] = Engine(snapshot.directory, in_memory=IN_MEMORY)
        return _open[key]


def fact_sums(
    scope: Scope,
    keys: tuple[str, ...],
    where: Q,
    from_engine: FromEngine,
    *,
    snapshot: Snapshot | None = None,
) -> list[tuple]:
    """``(*keys, tickets, gross)`` of the facts of ``scope`` matching ``where``, per key.

    ``from_engine`` asks the snapshot's engine the same question (its rows keyed
    alike); ``snapshot`` is the one :func:`usable_snapshot` gave (None: the
    operational database alone).
    """
    rows = facts(scope).filter(where)
    if snapshot is not None:
        rows = rows.filter(sale_day__gte=snapshot.cutoff)
    live = list(
        rows.values(*keys)
        .annotate(t=Sum("tickets"), g=Sum("gross_minor"))
        .values_list(*keys, "t", "g")
    )
    if snapshot is None:
        return live
    closed = list(from_engine(engine_for(snapshot)))
    merged: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for *key, tickets, gross in (*closed, *live):
        cell = merged[tuple(key)]
        cell[0] += tickets
        cell[1] += gross
    return [(*key, tickets, gross) for key, (tickets, gross) in merged.items()]


def in_cny(rows: Iterable[tuple], group: Callable[[tuple], Hashable]) -> dict[Any, list[int]]:
    """``group(row)`` → [tickets, gross in CNY fen] of rows ``(…, currency, day, tickets, gross)``.

    Each row is converted once at its day's rate (``RateBook``: the rates read
    once); CNY rows need no day.
    """
    rows = list(rows)
    book = RateBook({r[-4] for r in rows})
    out: dict[Any, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        currency, day, tickets, gross = row[-4:]
        cell = out[group(row)]
        cell[0] += tickets
        cell[1] += book.to_target(gross, currency, day)
    return out


def days_of(title_ids: set[int], start: dt.date, end: dt.date) -> FromEngine:
    """The engine's (title id, currency, show day, tickets, gross) of ``title_ids``."""

    def ask(engine: Engine) -> list[tuple]:
        return engine.days(title_ids, start, end)

    return ask
