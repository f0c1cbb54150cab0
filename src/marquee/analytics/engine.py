"""Heavy questions on DuckDB over Parquet snapshots (embedded: no server to start).

A snapshot directory holds ``facts.parquet`` with the columns of
``BoxOfficeFact`` (``title_id, venue_id, chain_id, city_id, format, show_day,
sale_day, currency, tickets, gross_minor``) and three roll-ups of it
(``cube_by_day``, ``cube_by_city``, ``cube_by_sale``) that the snapshot
worker writes with :func:`build_cubes`; the SQL below reads views over them
and uses only what ClickHouse, Spark SQL, PostgreSQL and
DuckDB share (``GROUP BY``, ``SUM``, ``WHERE … BETWEEN``, ``?`` parameters),
so moving a query to a distributed engine means pointing the view at that
engine's table (docs/analytics.md). Results stay in the cinemas' currencies,
grouped by currency and day: conversion to CNY happens once per group at the
edge, with the same :class:`~marquee.analytics.rates.RateBook` as the
operational reads, so both paths give the same fen.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from marquee.analytics.errors import AnalyticsError, AnalyticsErrorCode

#: Roll-ups the snapshot worker writes beside the facts (``cube_<name>.parquet``): each
#: heavy question then reads thousands of rows instead of millions. Without the
#: files the same SQL runs as a view over ``sales`` (correct, slower). The sums are
#: cast to BIGINT: DuckDB's SUM is a HUGEINT, which Parquet would store as a float.
CUBES = {
    "by_day": """
SELECT show_day, title_id, currency,
       CAST(SUM(tickets) AS BIGINT) AS tickets, CAST(SUM(gross_minor) AS BIGINT) AS gross_minor
FROM sales
GROUP BY show_day, title_id, currency
""",
    "by_city": """
SELECT title_id, city_id, currency, show_day,
       CAST(SUM(tickets) AS BIGINT) AS tickets, CAST(SUM(gross_minor) AS BIGINT) AS gross_minor
FROM sales
GROUP BY title_id, city_id, currency, show_day
""",
    "by_sale": """
SELECT title_id, sale_day, currency,
       CAST(SUM(tickets) AS BIGINT) AS tickets, CAST(SUM(gross_minor) AS BIGINT) AS gross_minor
FROM sales
GROUP BY title_id, sale_day, currency
""",
}

#: The portable SQL of the heavy questions (over the cubes).
DAY_RANKING = """
SELECT title_id, currency, SUM(tickets) AS tickets, SUM(gross_minor) AS gross_minor
FROM by_day
WHERE show_day = ?
GROUP BY title_id, currency
"""
#: CNY needs no dated rate, so its days fold into one group per city (``day`` NULL).
TITLE_CITIES = """
SELECT city_id, currency, day, SUM(tickets) AS tickets, SUM(gross_minor) AS gross_minor
FROM (
  SELECT city_id, currency, CASE WHEN currency = 'CNY' THEN NULL ELSE show_day END AS day,
         tickets, gross_minor
  FROM by_city
  WHERE title_id = ? AND show_day BETWEEN ? AND ?
) AS scoped
GROUP BY city_id, currency, day
"""
#: Some titles' daily sales over a range of show days (a title's history, the cumulative
#: gross); ``{titles}`` becomes one ``?`` per title.
DAYS = """
SELECT title_id, currency, show_day, SUM(tickets) AS tickets, SUM(gross_minor) AS gross_minor
FROM by_day
WHERE show_day BETWEEN ? AND ? AND title_id IN ({titles})
GROUP BY title_id, currency, show_day
"""
PRESALE_CURVE = """
SELECT sale_day, currency, SUM(tickets) AS tickets, SUM(gross_minor) AS gross_minor
FROM by_sale
WHERE title_id = ? AND sale_day < ?
GROUP BY sale_day, currency
"""


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def build_cubes(directory: Path) -> dict[str, int]:
    """Write ``cube_<name>.parquet`` from the facts of ``directory`` (renamed into place);
    returns the rows of each."""
    directory = Path(directory)
    engine = Engine(directory, cubes=False)
    rows = {}
    try:
        for name, sql in CUBES.items():
            temporary = directory / f".cube_{name}.parquet"
            engine.connection.execute(
                f"COPY ({sql}) TO {_quoted(temporary)} (FORMAT PARQUET, COMPRESSION ZSTD)"
            )
            temporary.replace(directory / f"cube_{name}.parquet")
            rows[name] = engine.connection.execute(
                f"SELECT COUNT(*) FROM read_parquet({_quoted(directory / f'cube_{name}.parquet')})"  # noqa: S608 - our own file names
            ).fetchone()[0]
    finally:
        engine.close()
    return rows


class Engine:
    """A DuckDB connection with the ``sales`` view over one snapshot directory."""

    def __init__(
        self,
        directory: Path,
        *,
        threads: int | None = None,
        cubes: bool = True,
        in_memory: tuple[str, ...] = (),
    ) -> None:
        """``in_memory`` names roll-ups to load into DuckDB's memory once (a long-lived
        engine then answers from memory instead of re-reading the file per question)."""
        directory = Path(directory)
        files = sorted(directory.glob("facts*.parquet"))
        if not files:
            raise AnalyticsError(AnalyticsErrorCode.NO_SNAPSHOT, f"No snapshot in {directory}.")
        self.connection = duckdb.connect(":memory:")
        if threads:
            self.connection.execute(f"SET threads = {int(threads)}")
        paths = ", ".join(_quoted(f) for f in files)
        self.connection.execute(f"CREATE VIEW sales AS SELECT * FROM read_parquet([{paths}])")  # noqa: S608 - our own file names
        for name, sql in CUBES.items():
            cube = directory / f"cube_{name}.parquet"
            source = (
                f"SELECT * FROM read_parquet({_quoted(cube)})"  # noqa: S608 - our own file names
                if cubes and cube.exists()
                else sql
            )
            kind = "TABLE" if name in in_memory else "VIEW"
            self.connection.execute(f"CREATE {kind} {name} AS {source}")

    def _rows(self, sql: str, params: list) -> list[tuple]:
        # A cursor of its own per question: one Engine may serve several threads.
        cursor = self.connection.cursor()
        try:
            return cursor.execute(sql, params).fetchall()
        finally:
            cursor.close()

    def day_ranking(self, day: dt.date) -> list[tuple[int, str, int, int]]:
        """(title id, currency, tickets, gross) of ``day``'s showtimes."""
        return self._rows(DAY_RANKING, [day])

    def title_cities(
        self, title_id: int, start: dt.date, end: dt.date
    ) -> list[tuple[int, str, dt.date | None, int, int]]:
        """(city id, currency, day, tickets, gross) of a title from ``start`` to ``end``;
        the day is None for CNY (its days are summed: no rate needed)."""
        return self._rows(TITLE_CITIES, [title_id, start, end])

    def days(
        self, title_ids: set[int], start: dt.date, end: dt.date
    ) -> list[tuple[int, str, dt.date, int, int]]:
        """(title id, currency, show day, tickets, gross) of ``title_ids`` from ``start`` to ``end``."""
        if not title_ids:
            return []
        ids = sorted(title_ids)
        return self._rows(DAYS.format(titles=", ".join("?" * len(ids))), [start, end, *ids])

    def presale(self, title_id: int, release: dt.date) -> list[tuple[dt.date, str, int, int]]:
        """(sale day, currency, tickets, gross) of a title sold before ``release``."""
        return self._rows(PRESALE_CURVE, [title_id, release])

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
