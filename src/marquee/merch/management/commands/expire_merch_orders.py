"""``marquee expire_merch_orders``: give the stock of unpaid merchandise orders past their time back."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from marquee.merch.services.orders import expire_all_stale_orders


class Command(BaseCommand):
    help = "Expire unpaid merchandise orders past their time; their stock goes back on sale."

    def handle(self, *args: object, **options: object) -> None:
        total = expire_all_stale_orders()
        self.stdout.write(f"{total} order(s) expired")
