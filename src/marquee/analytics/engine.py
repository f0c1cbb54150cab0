"""Heavy questions on DuckDB over Parquet snapshots (embedded: no server to start).

A snapshot directory holds ``facts.parquet`` with the columns of
``BoxOfficeFact`` (``title_id, venue_id, chain_id, city_id, format, show_day,
sale_day, currency, tickets, gross_minor``); the SQL below reads a view
``sales`` over it and uses only what ClickHouse, Spark SQL, PostgreSQL and
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

#: The portable SQL of the three heavy questions.
DAY_RANKING = """
SELECT title_id, currency, SUM(tickets) AS tickets, SUM(gross_minor) AS gross_minor
FROM sales
WHERE show_day = ?
GROUP BY title_id, currency
"""
#: CNY needs no dated rate, so its days fold into one group per city (``day`` NULL).
TITLE_CITIES = """
SELECT city_id, currency, day, SUM(tickets) AS tickets, SUM(gross_minor) AS gross_minor
FROM (
  SELECT city_id, currency, CASE WHEN currency = 'CNY' THEN NULL ELSE show_day END AS day,
         tickets, gross_minor
  FROM sales
  WHERE title_id = ? AND show_day BETWEEN ? AND ?
) AS scoped
GROUP BY city_id, currency, day
"""
PRESALE_CURVE = """
SELECT sale_day, currency, SUM(tickets) AS tickets, SUM(gross_minor) AS gross_minor
FROM sales
WHERE title_id = ? AND sale_day < ?
GROUP BY sale_day, currency
"""


class Engine:
    """A DuckDB connection with the ``sales`` view over one snapshot directory."""

    def __init__(self, directory: Path, *, threads: int | None = None) -> None:
        files = sorted(Path(directory).glob("facts*.parquet"))
        if not files:
            raise AnalyticsError(AnalyticsErrorCode.NO_SNAPSHOT, f"No snapshot in {directory}.")
        self.connection = duckdb.connect(":memory:")
        if threads:
            self.connection.execute(f"SET threads = {int(threads)}")
        paths = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
        self.connection.execute(f"CREATE VIEW sales AS SELECT * FROM read_parquet([{paths}])")  # noqa: S608 - our own file names

    def _rows(self, sql: str, params: list) -> list[tuple]:
        return self.connection.execute(sql, params).fetchall()

    def day_ranking(self, day: dt.date) -> list[tuple[int, str, int, int]]:
        """(title id, currency, tickets, gross) of ``day``'s showtimes."""
        return self._rows(DAY_RANKING, [day])

    def title_cities(
        self, title_id: int, start: dt.date, end: dt.date
    ) -> list[tuple[int, str, dt.date | None, int, int]]:
        """(city id, currency, day, tickets, gross) of a title from ``start`` to ``end``;
        the day is None for CNY (its days are summed: no rate needed)."""
        return self._rows(TITLE_CITIES, [title_id, start, end])

    def presale(self, title_id: int, release: dt.date) -> list[tuple[dt.date, str, int, int]]:
        """(sale day, currency, tickets, gross) of a title sold before ``release``."""
        return self._rows(PRESALE_CURVE, [title_id, release])

    def close(self) -> None:
        self.connection.close()
