"""Finance services: the only code that writes the ledger.

``post_entry`` (``post_entries`` for a batch) is the one way in for every
money movement; the outbox consumers and every later pillar post through it.
"""

from marquee.finance.services.periods import close_period, reopen_period
from marquee.finance.services.posting import (
    EntryRequest,
    LineSpec,
    post_entries,
    post_entry,
    reverse_entry,
)

__all__ = [
    "EntryRequest",
    "LineSpec",
    "close_period",
    "post_entries",
    "post_entry",
    "reopen_period",
    "reverse_entry",
]
