"""Checks of what a deal or an avails question says, before anything is read or written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from marquee.core.money import Money, get_currency
from marquee.rights.avails import LANGUAGES
from marquee.rights.errors import RightsError, RightsErrorCode
from marquee.rights.models import Direction, FeeKind, LineKind, Medium
from marquee.rights.territories import is_known

MEDIA: tuple[str, ...] = tuple(Medium.values)

#: The largest fee or instalment accepted (fits a signed 64-bit column with room to add).
MAX_MINOR = 10**15


@dataclass(frozen=True)
class RightSpec:
    """Media × territories × a window, as a client asks for them (expanded into lines)."""

    media: Sequence[str]
    territories: Sequence[str]
    start_on: dt.date
    end_on: dt.date
    kind: str = LineKind.GRANT


@dataclass(frozen=True)
class InstalmentSpec:
    due_on: dt.date
    amount_minor: int


@dataclass(frozen=True)
class FeeSpec:
    currency: str
    fee_minor: int
    kind: str = FeeKind.FLAT
    revenue_share_bp: int = 0
    instalments: Sequence[InstalmentSpec] = field(default_factory=tuple)


def check_media(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        if value not in MEDIA:
            raise RightsError(
                RightsErrorCode.UNKNOWN_MEDIA, f"Unknown medium {value!r}.", media=str(value)[:40]
            )
        if value not in out:
            out.append(value)
    if not out:
        raise RightsError(RightsErrorCode.UNKNOWN_MEDIA, "No medium named.", media="")
    return out


def check_territory(value: str) -> str:
    if not isinstance(value, str) or not is_known(value):
        raise RightsError(
            RightsErrorCode.UNKNOWN_TERRITORY,
            f"Unknown territory {value!r}.",
            territory=str(value)[:40],
        )
    return value


def check_window(start_on: dt.date, end_on: dt.date) -> None:
    if end_on < start_on:
        raise RightsError(
            RightsErrorCode.INVALID_WINDOW,
            f"The window ends ({end_on}) before it starts ({start_on}).",
            start=start_on.isoformat(),
            end=end_on.isoformat(),
        )


def check_languages(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        if value not in LANGUAGES:
            raise RightsError(
                RightsErrorCode.UNKNOWN_LANGUAGE,
                f"Unknown language {value!r}.",
                language=str(value)[:40],
            )
        if value not in out:
            out.append(value)
    return out


def check_direction(value: str) -> str:
    if value not in Direction.values:
        raise RightsError(RightsErrorCode.INVALID_DIRECTION, f"Unknown direction {value!r}.")
    return value


def check_rights(specs: Sequence[RightSpec], *, kind: str) -> list[RightSpec]:
    checked: list[RightSpec] = []
    for spec in specs:
        media = check_media(spec.media)
        territories = [check_territory(t) for t in spec.territories]
        if not territories:
            raise RightsError(
                RightsErrorCode.UNKNOWN_TERRITORY, "No territory named.", territory=""
            )
        check_window(spec.start_on, spec.end_on)
        checked.append(
            RightSpec(media, list(dict.fromkeys(territories)), spec.start_on, spec.end_on, kind)
        )
    return checked


def check_fee(fee: FeeSpec) -> FeeSpec:
    """The currency is known, amounts are whole and in range, the instalments sum to the fee."""
    currency = get_currency(fee.currency).code
    amounts = [fee.fee_minor, *(i.amount_minor for i in fee.instalments)]
    if any(type(a) is not int or a < 0 or a > MAX_MINOR for a in amounts):
        raise RightsError(RightsErrorCode.INVALID_FEE, "Amounts are whole, 0 or more, in range.")
    if any(i.amount_minor == 0 for i in fee.instalments):
        raise RightsError(RightsErrorCode.INVALID_FEE, "An instalment is more than zero.")
    if fee.kind not in FeeKind.values:
        raise RightsError(RightsErrorCode.INVALID_FEE, f"Unknown fee kind {fee.kind!r}.")
    share = fee.revenue_share_bp
    if fee.kind == FeeKind.MG_SHARE and not (type(share) is int and 1 <= share <= 10000):
        raise RightsError(RightsErrorCode.INVALID_FEE, f"Revenue share {share!r} out of range.")
    if fee.kind == FeeKind.FLAT and share:
        raise RightsError(RightsErrorCode.INVALID_FEE, "A flat fee has no revenue share.")
    total = sum(i.amount_minor for i in fee.instalments)
    if total != fee.fee_minor:
        raise RightsError(
            RightsErrorCode.FEE_SCHEDULE_MISMATCH,
            f"Instalments sum to {total}, the fee is {fee.fee_minor}.",
            instalments_minor=total,
            fee_minor=fee.fee_minor,
            instalments=str(Money(total, currency)),
            fee=str(Money(fee.fee_minor, currency)),
        )
    return FeeSpec(currency, fee.fee_minor, fee.kind, share, list(fee.instalments))
