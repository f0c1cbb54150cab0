"""Run beside the browser tests' server, against its database (a separate process).

``python -m tests.browser.world_ctl seed``
    build the small web world (``tests/web/world.py``) and print its ids as JSON;
``python -m tests.browser.world_ctl expire-order ORDER_ID [SECONDS]``
    move the hold of an order so it lapses in ``SECONDS`` (default 0: now) — the
    clock moving on, without waiting ten minutes;
``python -m tests.browser.world_ctl presale-showtime DAYS``
    schedule (and publish) a showtime of the coming film ``DAYS`` days ahead in
    Hall 1 of Sanlitun at 19:00, general sale a week before it; print its id;
``python -m tests.browser.world_ctl deliver-callbacks``
    the simulated gateway delivers its delayed callbacks;
``python -m tests.browser.world_ctl finance-books``
    post the demo's two half-years of books and add ``books``, a finance account;
``python -m tests.browser.world_ctl buy SHOWTIME_ID USERNAME SEAT...``
    a paid order of ``USERNAME`` for the seats; prints its tickets as JSON
    (id, seat code, pickup code).

The browser tests stay away from pytest-django's database fixtures (the sync
Playwright API runs its own event loop); this is how they reach the database.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta

from tests.browser.seed_investment import seed_investment


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marquee.settings")
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    command = argv[0] if argv else ""
    if command == "seed":
        from tests.browser.seed_analytics import seed_analytics
        from tests.browser.seed_crowdfunding import seed_crowdfunding
        from tests.browser.seed_marketing import seed_marketing
        from tests.browser.seed_rights import seed_rights
        from tests.browser.seed_ux_features import seed_ux_features
        from tests.browser.seed_ux_fixes import seed_ux_fixes
        from tests.web.world import build_world

        with transaction.atomic():
            world = build_world()
            seed_investment(world)
            seed_crowdfunding(world)
            seed_rights(world)
            __import__("tests.browser.seed_merch").browser.seed_merch.seed_merch(world)
            seed_analytics(world)
            seed_marketing(world)
            seed_ux_fixes(world)
            extra = seed_ux_features(world)
        print(json.dumps(world.as_json() | extra))
        return 0
    if command == "expire-order":
        from marquee.ticketing.models import Hold, Order, SeatInventory

        order = Order.objects.get(pk=int(argv[1]))
        at = timezone.now() + timedelta(seconds=int(argv[2]) if len(argv) > 2 else 0)
        with transaction.atomic():
            Hold.objects.filter(pk=order.hold_id).update(expires_at=at)
            SeatInventory.objects.filter(hold_id=order.hold_id).update(hold_expires_at=at)
        return 0
    if command == "presale-showtime":
        print(_presale_showtime(int(argv[1])))
        return 0
    if command == "deliver-callbacks":
        from marquee.payments.simulator.gateway import deliver_sim_callbacks

        print(len(deliver_sim_callbacks()))
        return 0
    if command == "finance-books":
        return _finance_books()
    if command == "buy":
        from marquee.accounts.models import User
        from marquee.ticketing.models import Showtime, Ticket
        from tests.web.world import buy

        showtime = Showtime.objects.get(pk=int(argv[1]))
        order = buy(showtime, argv[3:], User.objects.get(username=argv[2]))
        sold = Ticket.objects.filter(order=order).select_related("seat").order_by("pk")
        print(
            json.dumps(
                [{"id": t.pk, "seat": t.seat.code, "pickup_code": t.pickup_code} for t in sold]
            )
        )
        return 0
    print(__doc__, file=sys.stderr)
    return 2


def _finance_books() -> int:
    from django.utils import timezone

    from marquee.accounts import services as account_services
    from marquee.accounts.models import Organisation, Role, User
    from marquee.core.demo import load_demo_rates
    from marquee.demo.finance import load_demo_finance
    from tests.web.world import PASSWORD

    load_demo_rates()
    load_demo_finance(today=timezone.localdate())
    org, _ = Organisation.objects.get_or_create(
        slug="books-studio", defaults={"name": "Books studio", "kind": Organisation.Kind.STUDIO}
    )
    user = User.objects.filter(username="books").first()
    if user is None:
        user = User.objects.create_user(
            username="books", email="books@example.com", password=PASSWORD
        )
    account_services.grant_role(user=user, organisation=org, role=Role.FINANCE)
    print(user.username)
    return 0


def _presale_showtime(days: int) -> int:
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from marquee.accounts.models import User
    from marquee.catalog.models import Title
    from marquee.venues.models import Hall
    from tests.ticketing.factories import ShowtimeFactory

    zone = ZoneInfo("Asia/Shanghai")
    day = timezone.now().astimezone(zone).date() + timedelta(days=days)
    showtime = ShowtimeFactory(
        actor=User.objects.get(username="op-huaxia"),
        title=Title.objects.get(slug="moon-over-the-bay"),
        hall=Hall.objects.get(venue__slug="sanlitun", name="Hall 1"),
        starts_at=datetime.combine(day, time(19, 0), tzinfo=zone),
        sales_open_at=datetime.combine(day - timedelta(days=7), time(10, 0), tzinfo=zone),
    )
    return showtime.pk


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
