"""Finance services: the only code that writes the ledger.

``post_entry`` is the one way in for every money movement; the outbox
consumers and every later pillar post through it.
"""

from marquee.finance.services.periods import close_period, reopen_period
from marquee.finance.services.posting import LineSpec, post_entry, reverse_entry

__all__ = ["LineSpec", "close_period", "post_entry", "reopen_period", "reverse_entry"]
