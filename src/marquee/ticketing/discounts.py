"""The one hook through which another domain takes money off an order: discount providers.

Ticketing knows nothing of campaigns or vouchers. A domain that grants
discounts (``marketing``) registers one :class:`DiscountProvider` in its
``AppConfig.ready``; :func:`~marquee.ticketing.services.orders.place_order`
hands it the code the buyer typed, inside the order's transaction, after the
order and its lines were written at full price. The provider validates the
code, claims whatever it must (budgets, limits: conditional UPDATEs) and
answers with the amount to take off each line. Ticketing writes the discount
onto the lines and the order (``total = subtotal + fees − discount``); a
provider error rolls the whole order back, so nothing is half-applied.

The seat price on a line stays the list price (the cinema's gross box office);
``discount_minor`` on the line is what the buyer did not pay, and refunds give
back only what was paid (``services/refunds.py``). ``discount_payer`` names
who funds the discount (``platform``, ``distributor`` or ``cinema``); the
finance ledger books the discount to a clearing account and the provider's
domain books who pays it.

An exchange of tickets bought with a discount asks the provider again
(``exchange``: a quote before, the claim inside the exchange's transaction): the discount moves to the new seats if it covers the new
showtime, or the provider refuses and the exchange with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from marquee.core.errors import DomainError
from marquee.ticketing.errors import TicketingErrorCode

#: Who may fund a discount (``Order.discount_payer``).
PAYERS = ("platform", "distributor", "cinema")


@dataclass(frozen=True)
class Discount:
    """What a provider grants: minor units off each line, in the order of the lines given."""

    per_line_minor: tuple[int, ...]
    code: str
    payer: str

    @property
    def total_minor(self) -> int:
        return sum(self.per_line_minor)


class DiscountProvider(Protocol):
    """Validates a code for an order and claims it, inside the order's transaction."""

    def apply(
        self, *, code: str, order: object, lines: Sequence[object], now: datetime
    ) -> Discount:
        """Grant the discount of ``code`` on ``order`` (saved, at full price) or raise.

        ``lines`` are the order's saved lines in seat order. Raise a
        :class:`~marquee.core.errors.DomainError` to refuse: the order is then
        rolled back with everything the provider wrote.
        """
        ...

    def exchange(
        self,
        *,
        order: object,
        old_lines: Sequence[object],
        new_prices: Sequence[int],
        showtime: object,
        now: datetime,
        claim: bool,
    ) -> Discount:
        """What ``order``'s discount takes off the new seats of an exchange.

        ``old_lines`` are the lines of the tickets given up, ``new_prices`` the
        new seats' list prices. With ``claim`` false nothing is written (the
        quote the exchange checks its values with); with ``claim`` true, inside
        the exchange's transaction, the provider claims or gives back the
        change. Raise a :class:`~marquee.core.errors.DomainError` naming why
        when the discount does not cover ``showtime``.
        """
        ...


_provider: DiscountProvider | None = None


def register_discount_provider(provider: DiscountProvider | None) -> None:
    """Install ``provider`` (one per process; None removes it: tests)."""
    global _provider
    _provider = provider


def discount_provider() -> DiscountProvider:
    """The registered provider; :class:`DomainError` ``voucher_not_accepted`` when none is."""
    if _provider is None:
        raise DomainError(
            TicketingErrorCode.VOUCHER_NOT_ACCEPTED, "No discount provider is installed."
        )
    return _provider


def check_discount(discount: Discount, *, line_prices: Sequence[int]) -> None:
    """Refuse a provider's answer that does not fit the lines (a programming error)."""
    if discount.payer not in PAYERS:
        raise RuntimeError(f"Unknown discount payer {discount.payer!r}.")
    if len(discount.per_line_minor) != len(line_prices):
        raise RuntimeError("A discount must give one amount per order line.")
    for off, price in zip(discount.per_line_minor, line_prices, strict=True):
        if isinstance(off, bool) or not isinstance(off, int) or not 0 <= off <= price:
            raise RuntimeError("A line's discount is an integer between 0 and its price.")
