"""Factories and helpers of the rights domain: deals are signed through the service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from marquee.rights import services
from marquee.rights.models import Deal
from marquee.rights.validation import FeeSpec, InstalmentSpec, RightSpec

Y2027 = (dt.date(2027, 1, 1), dt.date(2027, 12, 31))


def right(
    media: Sequence[str] | str = "svod",
    territories: Sequence[str] | str = "CN",
    start: dt.date = Y2027[0],
    end: dt.date = Y2027[1],
) -> RightSpec:
    media = [media] if isinstance(media, str) else list(media)
    territories = [territories] if isinstance(territories, str) else list(territories)
    return RightSpec(media, territories, start, end)


def flat(
    fee_minor: int = 0, *, currency: str = "CNY", parts: int = 1, due: dt.date | None = None
) -> FeeSpec:
    """A flat fee in ``parts`` equal-ish instalments (the last takes the remainder)."""
    if not fee_minor:
        return FeeSpec(currency, 0)
    base = fee_minor // parts
    amounts = [base] * (parts - 1) + [fee_minor - base * (parts - 1)]
    day = due or dt.date(2027, 1, 15)
    return FeeSpec(
        currency,
        fee_minor,
        instalments=[
            InstalmentSpec(day + dt.timedelta(days=30 * n), a) for n, a in enumerate(amounts)
        ],
    )


def mg_share(
    mg_minor: int, share_bp: int, *, currency: str = "CNY", due: dt.date | None = None
) -> FeeSpec:
    """A minimum guarantee (one instalment) plus a revenue share in basis points."""
    return FeeSpec(
        currency,
        mg_minor,
        kind="mg_share",
        revenue_share_bp=share_bp,
        instalments=[InstalmentSpec(due or dt.date(2027, 1, 15), mg_minor)] if mg_minor else [],
    )


def acquire(
    title: Any, *rights: RightSpec, exclusive: bool = True, fee: FeeSpec | None = None, **kw: Any
) -> Deal:
    """Rights acquired in (exclusive by default), worldwide SVOD 2027 when none are named."""
    return services.create_deal(
        title_id=title.pk,
        direction="in",
        counterparty=kw.pop("counterparty", "FilMart seller"),
        rights=list(rights) or [right("svod", "WW")],
        fee=fee or flat(0),
        signed_on=kw.pop("signed_on", dt.date(2026, 11, 1)),
        exclusive=exclusive,
        **kw,
    )


def license_out(
    title: Any, *rights: RightSpec, exclusive: bool = True, fee: FeeSpec | None = None, **kw: Any
) -> Deal:
    return services.create_deal(
        title_id=title.pk,
        direction="out",
        counterparty=kw.pop("counterparty", "iQiyi"),
        rights=list(rights) or [right()],
        fee=fee or flat(0),
        signed_on=kw.pop("signed_on", dt.date(2026, 12, 1)),
        exclusive=exclusive,
        **kw,
    )
