"""Demo exchange rates: one per quarter, 2015-Q1 through 2027-Q4.

USD→CNY and USD→HKD follow the real quarterly averages closely enough for a
demo (the HKD is pegged to the USD in the 7.75–7.85 band); 2026–2027 are
flat projections. CNY→HKD is derived from the two so the three rates agree
(rounded to six places). Not for accounting.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal

from django.db import transaction

from marquee.core.services import set_rate

SOURCE = "demo"

# (year, quarter): (USD→CNY, USD→HKD)
_QUARTERLY: dict[tuple[int, int], tuple[str, str]] = {
    (2015, 1): ("6.2300", "7.7560"),
    (2015, 2): ("6.2050", "7.7530"),
    (2015, 3): ("6.3000", "7.7510"),
    (2015, 4): ("6.3700", "7.7510"),
    (2016, 1): ("6.5400", "7.7690"),
    (2016, 2): ("6.5300", "7.7600"),
    (2016, 3): ("6.6700", "7.7580"),
    (2016, 4): ("6.8300", "7.7580"),
    (2017, 1): ("6.8900", "7.7620"),
    (2017, 2): ("6.8600", "7.7880"),
    (2017, 3): ("6.6700", "7.8090"),
    (2017, 4): ("6.6100", "7.8080"),
    (2018, 1): ("6.3600", "7.8300"),
    (2018, 2): ("6.3900", "7.8460"),
    (2018, 3): ("6.8100", "7.8470"),
    (2018, 4): ("6.9200", "7.8290"),
    (2019, 1): ("6.7500", "7.8460"),
    (2019, 2): ("6.8200", "7.8340"),
    (2019, 3): ("7.0000", "7.8360"),
    (2019, 4): ("7.0300", "7.7960"),
    (2020, 1): ("6.9800", "7.7680"),
    (2020, 2): ("7.0900", "7.7520"),
    (2020, 3): ("6.9300", "7.7500"),
    (2020, 4): ("6.5400", "7.7530"),
    (2021, 1): ("6.4800", "7.7630"),
    (2021, 2): ("6.4600", "7.7640"),
    (2021, 3): ("6.4700", "7.7780"),
    (2021, 4): ("6.3900", "7.7930"),
    (2022, 1): ("6.3500", "7.8150"),
    (2022, 2): ("6.6800", "7.8480"),
    (2022, 3): ("6.8800", "7.8490"),
    (2022, 4): ("7.1300", "7.8210"),
    (2023, 1): ("6.8400", "7.8460"),
    (2023, 2): ("7.0200", "7.8350"),
    (2023, 3): ("7.2400", "7.8260"),
    (2023, 4): ("7.1900", "7.8160"),
    (2024, 1): ("7.1900", "7.8230"),
    (2024, 2): ("7.2300", "7.8140"),
    (2024, 3): ("7.1500", "7.7950"),
    (2024, 4): ("7.2300", "7.7750"),
    (2025, 1): ("7.2800", "7.7800"),
    (2025, 2): ("7.2200", "7.8380"),
    (2025, 3): ("7.1600", "7.8430"),
    (2025, 4): ("7.1200", "7.7800"),
    (2026, 1): ("7.1000", "7.7800"),
    (2026, 2): ("7.1000", "7.7800"),
    (2026, 3): ("7.0800", "7.7800"),
    (2026, 4): ("7.0800", "7.7800"),
    (2027, 1): ("7.0500", "7.7800"),
    (2027, 2): ("7.0500", "7.7800"),
    (2027, 3): ("7.0500", "7.7800"),
    (2027, 4): ("7.0500", "7.7800"),
}

_SIX_PLACES = Decimal("0.000001")


def demo_rates() -> list[tuple[str, str, Decimal, dt.date]]:
    """Every demo rate as ``(base, quote, rate, valid_from)``, oldest first."""
    rows: list[tuple[str, str, Decimal, dt.date]] = []
    for (year, quarter), (usd_cny, usd_hkd) in sorted(_QUARTERLY.items()):
        day = dt.date(year, 3 * (quarter - 1) + 1, 1)
        cny, hkd = Decimal(usd_cny), Decimal(usd_hkd)
        rows.append(("USD", "CNY", cny, day))
        rows.append(("USD", "HKD", hkd, day))
        rows.append(("CNY", "HKD", (hkd / cny).quantize(_SIX_PLACES, ROUND_HALF_EVEN), day))
    return rows


def load_demo_rates() -> int:
    """Store the demo rates (idempotent: running it again changes nothing).

    Returns the number of rates in the demo set.
    """
    rows = demo_rates()
    with transaction.atomic():
        for base, quote, rate, day in rows:
            set_rate(base=base, quote=quote, rate=rate, valid_from=day, source=SOURCE)
    return len(rows)
