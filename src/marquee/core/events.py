"""Event types the core domain publishes to the outbox."""

from __future__ import annotations

# payload: {"base", "quote", "rate" (decimal string), "valid_from" (ISO date), "source"}
EXCHANGE_RATE_SET = "core.exchange_rate_set"
