"""Small checks shared by the merchandise services."""

from __future__ import annotations

from typing import Any

from marquee.core.money import is_supported_currency
from marquee.merch.errors import MerchError, MerchErrorCode
from marquee.merch.models import Category

#: Most units of one variant in one cart line or order line.
MAX_QUANTITY = 20
#: Largest price or amount accepted (10 million major units in a 2-digit currency).
MAX_AMOUNT_MINOR = 1_000_000_000


def whole(value: Any) -> bool:
    """An ``int`` (not a bool, not a float that happens to be whole)."""
    return isinstance(value, int) and not isinstance(value, bool)


def check_price(value: Any) -> int:
    if not whole(value) or not 0 < value <= MAX_AMOUNT_MINOR:
        raise MerchError(MerchErrorCode.INVALID_PRICE, f"Invalid price {value!r}.")
    return value


def check_stock(value: Any) -> int:
    if not whole(value) or not 0 <= value <= 10_000_000:
        raise MerchError(MerchErrorCode.INVALID_STOCK, f"Invalid stock {value!r}.")
    return value


def check_quantity(value: Any) -> int:
    if not whole(value) or not 1 <= value <= MAX_QUANTITY:
        raise MerchError(MerchErrorCode.INVALID_QUANTITY, f"Invalid quantity {value!r}.")
    return value


def check_category(value: Any) -> str:
    if value not in Category.values:
        raise MerchError(MerchErrorCode.UNKNOWN_CATEGORY, f"Unknown category {value!r}.")
    return str(value)


def check_currency(value: Any) -> str:
    if not is_supported_currency(value):
        raise MerchError(MerchErrorCode.CURRENCY_NOT_SOLD, f"Unknown currency {value!r}.")
    return str(value)
