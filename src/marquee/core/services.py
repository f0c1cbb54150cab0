"""Writes for the shared kernel: exchange rates.

The outbox has its own module (``core.outbox``) because every domain calls it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from marquee.core import events, outbox
from marquee.core.errors import CoreErrorCode, DomainError
from marquee.core.models import ExchangeRate
from marquee.core.money import get_currency

# ExchangeRate.rate is DecimalField(max_digits=20, decimal_places=10).
_RATE_PLACES = 10
_RATE_INTEGER_DIGITS = 10
_QUANTUM = Decimal(1).scaleb(-_RATE_PLACES)


def clean_rate(rate: object) -> Decimal:
    """``rate`` as a Decimal if it can be stored; else ``invalid_exchange_rate`` / TypeError."""
    if isinstance(rate, float):
        raise TypeError(f"rate must not be a float (got {rate!r}); use a Decimal.")
    if isinstance(rate, bool) or not isinstance(rate, int | Decimal):
        raise TypeError(f"rate must be a Decimal or an int, not {type(rate).__name__}.")
    value = Decimal(rate)
    if not value.is_finite() or value <= 0:
        raise DomainError(
            CoreErrorCode.INVALID_EXCHANGE_RATE, f"An exchange rate must be positive, not {value}."
        )
    if value.adjusted() >= _RATE_INTEGER_DIGITS:
        raise DomainError(CoreErrorCode.INVALID_EXCHANGE_RATE, f"{value} is too large a rate.")
    # Below 10 integer digits the quantized value has at most 20 digits, well
    # inside the default context's 28: quantize is exact or drops real digits.
    if value.quantize(_QUANTUM) != value:
        raise DomainError(
            CoreErrorCode.INVALID_EXCHANGE_RATE,
            f"{value} has more than {_RATE_PLACES} decimal places.",
        )
    return value


def set_rate(
    *,
    base: str,
    quote: str,
    rate: Decimal | int,
    valid_from: dt.date,
    source: str = "",
) -> ExchangeRate:
    """Record that one ``base`` unit buys ``rate`` ``quote`` units from ``valid_from`` on.

    Upserts on (base, quote, valid_from): setting the same day again replaces
    the rate; setting an identical rate and source changes nothing and
    publishes nothing. Otherwise publishes ``core.exchange_rate_set``.

    Raises ``unknown_currency`` for an unsupported code, ``invalid_exchange_rate``
    when base == quote, the rate is not positive, has more than 10 decimal
    places or 10 integer digits; :class:`TypeError` for a float rate or a
    ``valid_from`` that is not a plain date.
    """
    base_code = get_currency(base).code
    quote_code = get_currency(quote).code
    if base_code == quote_code:
        raise DomainError(
            CoreErrorCode.INVALID_EXCHANGE_RATE,
            f"A rate needs two different currencies, not {base_code} twice.",
        )
    value = clean_rate(rate)
    if isinstance(valid_from, dt.datetime) or not isinstance(valid_from, dt.date):
        raise TypeError("valid_from must be a date (the business day the rate starts).")
    source = (source or "").strip()[:100]
    with transaction.atomic():
        existing = (
            ExchangeRate.objects.select_for_update()
            .filter(base=base_code, quote=quote_code, valid_from=valid_from)
            .first()
        )
        if existing is not None and existing.rate == value and existing.source == source:
            return existing
        if existing is None:
            row = ExchangeRate.objects.create(
                base=base_code, quote=quote_code, rate=value, valid_from=valid_from, source=source
            )
        else:
            row = existing
            row.rate = value
            row.source = source
            row.updated_at = timezone.now()
            row.save(update_fields=["rate", "source", "updated_at"])
        outbox.publish(
            events.EXCHANGE_RATE_SET,
            aggregate="exchange_rate",
            aggregate_id=f"{base_code}/{quote_code}/{valid_from.isoformat()}",
            payload={
                "base": base_code,
                "quote": quote_code,
                "rate": f"{value:f}",
                "valid_from": valid_from.isoformat(),
                "source": source,
            },
        )
    return row
