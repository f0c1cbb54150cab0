"""Parquet snapshots of the rollup for the DuckDB engine (the ``analytics.snapshot`` periodic
job of ``marquee worker``, or ``marquee analytics_snapshot`` once).

A snapshot holds every fact **sold before its cut-off day** (``sale_day <
cutoff``); the console adds the facts sold since from the operational
database (``queries/history.py``), so no sale is counted twice or missed.
Each snapshot is written to a directory of its own (``facts.parquet``
streamed out in chunks with pyarrow, then the roll-ups the engine's questions
read, ``engine.build_cubes``); ``current.json`` beside them names the
current one and is replaced atomically, so a reader never sees half a
snapshot. The directory defaults to ``var/analytics``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.db import connection
from django.utils import timezone

from marquee.analytics.models import BoxOfficeFact

SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("title_id", pa.int64()),
        ("venue_id", pa.int64()),
        ("chain_id", pa.int64()),
        ("city_id", pa.int64()),
        ("format", pa.string()),
        ("show_day", pa.date32()),
        ("sale_day", pa.date32()),
        ("currency", pa.string()),
        ("tickets", pa.int32()),
        ("gross_minor", pa.int64()),
    ]
)
COLUMNS = [f.name for f in SCHEMA]
CHUNK = 50_000
POINTER = "current.json"
#: Snapshot directories kept besides the current one (a reader may still be on one).
KEEP = 2
#: How long a rollup transaction may take: a fact changed by one still open while the
#: snapshot is read carries an ``updated_at`` after ``taken_at`` (so it is noticed).
IN_FLIGHT = dt.timedelta(seconds=60)


def default_directory() -> Path:
    return Path(getattr(settings, "MARQUEE_ANALYTICS_DIR", settings.VAR_DIR / "analytics"))


def database_label() -> str:
    """Which database a snapshot was read from (a snapshot of another one is never used)."""
    return f"{connection.vendor}:{connection.settings_dict['NAME']}"


@dataclass(frozen=True)
class Snapshot:
    #: The snapshot's own directory (facts and roll-ups), what ``engine.Engine`` opens.
    directory: Path
    rows: int
    #: Holds every fact with ``sale_day`` before this day, and none after.
    cutoff: dt.date
    #: A fact with ``updated_at`` at or after this moment may be newer than the snapshot.
    taken_at: dt.datetime
    written_at: dt.datetime
    database: str

    @property
    def path(self) -> Path:
        return self.directory / "facts.parquet"


def cutoff_of(moment: dt.datetime) -> dt.date:
    """The first sale day a snapshot read at ``moment`` leaves to the operational database.

    The UTC day before: every local day from UTC−24 h to UTC+14 h that can still
    take sales is on or after it, so the days before are closed.
    """
    return moment.astimezone(dt.UTC).date() - dt.timedelta(days=1)


def write_snapshot(directory: Path | None = None) -> Snapshot:
    """Write the facts sold before the cut-off and their roll-ups, then make them current."""
    from marquee.analytics.engine import build_cubes

    root = Path(directory or default_directory())
    started = timezone.now()
    taken_at = started - IN_FLIGHT
    cutoff = cutoff_of(taken_at)
    target = root / f"{started:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}"
    target.mkdir(parents=True)
    rows = 0
    with pq.ParquetWriter(target / "facts.parquet", SCHEMA, compression="zstd") as writer:
        chunk: list[tuple] = []
        closed = BoxOfficeFact.objects.filter(sale_day__lt=cutoff).order_by("pk")
        for row in closed.values_list(*COLUMNS).iterator(CHUNK):
            chunk.append(row)
            if len(chunk) == CHUNK:
                writer.write_table(_table(chunk))
                rows += len(chunk)
                chunk = []
        if chunk or rows == 0:
            writer.write_table(_table(chunk))
            rows += len(chunk)
    build_cubes(target)
    snapshot = Snapshot(target, rows, cutoff, taken_at, timezone.now(), database_label())
    pointer = root / f".{POINTER}.{os.getpid()}"
    pointer.write_text(
        json.dumps(
            {
                "directory": target.name,
                "rows": rows,
                "cutoff": cutoff.isoformat(),
                "taken_at": taken_at.isoformat(),
                "written_at": snapshot.written_at.isoformat(),
                "database": snapshot.database,
            }
        )
    )
    pointer.replace(root / POINTER)
    _prune(root, keep={target.name})
    return snapshot


def current_snapshot(directory: Path | None = None) -> Snapshot | None:
    """The snapshot ``current.json`` names, if it exists and was read from this database."""
    root = Path(directory or default_directory())
    try:
        meta = json.loads((root / POINTER).read_text())
    except (OSError, ValueError):
        return None
    snapshot = Snapshot(
        directory=root / meta["directory"],
        rows=int(meta["rows"]),
        cutoff=dt.date.fromisoformat(meta["cutoff"]),
        taken_at=dt.datetime.fromisoformat(meta["taken_at"]),
        written_at=dt.datetime.fromisoformat(meta["written_at"]),
        database=meta["database"],
    )
    if snapshot.database != database_label() or not snapshot.path.exists():
        return None
    return snapshot


def _prune(root: Path, *, keep: set[str]) -> None:
    older = sorted(
        (p for p in root.iterdir() if p.is_dir() and p.name not in keep and p.name[:1].isdigit()),
        reverse=True,
    )
    for stale in older[KEEP:]:
        shutil.rmtree(stale, ignore_errors=True)


def _table(rows: list[tuple]) -> pa.Table:
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in COLUMNS]
    return pa.table(
        {
            name: pa.array(list(values), type=SCHEMA.field(name).type)
            for name, values in zip(COLUMNS, columns, strict=True)
        },
        schema=SCHEMA,
    )
