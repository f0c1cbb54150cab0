"""Parquet snapshots of the rollup for the DuckDB engine (``marquee analytics_snapshot``).

The facts are streamed out of the operational database in chunks, written
with pyarrow to a temporary file and renamed into place, so a reader never
sees half a snapshot; then the roll-ups the engine's questions read
(``engine.build_cubes``). The directory defaults to ``var/analytics``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings

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


def default_directory() -> Path:
    return Path(getattr(settings, "MARQUEE_ANALYTICS_DIR", settings.VAR_DIR / "analytics"))


@dataclass(frozen=True)
class Snapshot:
    path: Path
    rows: int


def write_snapshot(directory: Path | None = None) -> Snapshot:
    """Write every fact to ``directory/facts.parquet`` (atomically replaced)."""
    directory = Path(directory or default_directory())
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "facts.parquet"
    temporary = directory / f".facts.{os.getpid()}.parquet"
    rows = 0
    with pq.ParquetWriter(temporary, SCHEMA, compression="zstd") as writer:
        chunk: list[tuple] = []
        for row in BoxOfficeFact.objects.order_by("pk").values_list(*COLUMNS).iterator(CHUNK):
            chunk.append(row)
            if len(chunk) == CHUNK:
                writer.write_table(_table(chunk))
                rows += len(chunk)
                chunk = []
        if chunk or rows == 0:
            writer.write_table(_table(chunk))
            rows += len(chunk)
    temporary.replace(target)
    from marquee.analytics.engine import build_cubes

    build_cubes(directory)
    return Snapshot(target, rows)


def _table(rows: list[tuple]) -> pa.Table:
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in COLUMNS]
    return pa.table(
        {
            name: pa.array(list(values), type=SCHEMA.field(name).type)
            for name, values in zip(COLUMNS, columns, strict=True)
        },
        schema=SCHEMA,
    )
