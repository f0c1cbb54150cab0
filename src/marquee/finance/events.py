"""Outbox event types the finance domain publishes.

- ``finance.period_closed`` / ``finance.period_reopened``: period_id, start
  (the month's first day), by_id.
"""

from __future__ import annotations

PERIOD_CLOSED = "finance.period_closed"
PERIOD_REOPENED = "finance.period_reopened"

AGGREGATE_PERIOD = "finance.period"
