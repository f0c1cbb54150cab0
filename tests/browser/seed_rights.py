"""Browser-test seed of the rights pillar: a rights desk account and a title already licensed.

*Rights Test Series* is held worldwide (SVOD and AVOD, 2027–2030) and licensed
exclusively to iQiyi for SVOD in mainland China in 2027, so the avails grid
shows mainland China taken and the rest of Greater China free, and a new
exclusive SVOD deal for Greater China is refused naming iQiyi. Tencent Video
holds exclusive AVOD in Taiwan for 2027 for a minimum guarantee of ¥1,000,000
plus 40 % of its revenue: the journey records its revenue and cancels it.
meWATCH holds non-exclusive SVOD in Singapore for 2027 for ¥600,000 in two
instalments, which a journey moves to one payment in June.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from marquee.accounts.models import Organisation, Role
from marquee.finance.chart import ensure_chart
from tests.accounts.factories import UserFactory
from tests.catalog.factories import TitleFactory
from tests.rights.factories import acquire, flat, license_out, mg_share, right

TITLE = "Rights Test Series"


def seed_rights(world: Any) -> None:
    """Add the ``rightsdesk`` account and the licensed title to the web world."""
    from tests.web.world import PASSWORD

    ensure_chart()
    org = Organisation.objects.create(
        name="Rights desk studio", slug="rights-desk-studio", kind=Organisation.Kind.STUDIO
    )
    world.users["rightsdesk"] = UserFactory(
        username="rightsdesk", password=PASSWORD, role=Role.RIGHTS, organisation=org
    )
    title = TitleFactory(slug="rights-test-series", title_en=TITLE, kind="series", episodes=12)
    world.titles["rights_series"] = title
    acquire(
        title,
        right(["svod", "avod"], "WW", dt.date(2027, 1, 1), dt.date(2030, 12, 31)),
        counterparty="FilMart seller",
    )
    license_out(title, right("svod", "CN"), counterparty="iQiyi")
    license_out(
        title,
        right("avod", "TW"),
        counterparty="Tencent Video",
        fee=mg_share(1_000_000_00, 4000, due=dt.date(2027, 1, 31)),
    )
    license_out(
        title,
        right("svod", "SG"),
        exclusive=False,
        counterparty="meWATCH",
        fee=flat(600_000_00, parts=2, due=dt.date(2027, 1, 31)),
    )
