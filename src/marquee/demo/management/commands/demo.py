"""``marquee demo [--scale N]``: build (or refresh) the demo world and list its accounts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from marquee.demo.accounts import DEMO_PASSWORD
from marquee.demo.world import PRODUCTION_REFUSAL, accounts_table, load_world


class Command(BaseCommand):
    help = (
        "Load the demo world: studio, partners, titles, cinemas with seat layouts, "
        "exchange rates and one account per role. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Multiply cinemas and add generated films for load tests (default 1).",
        )

    def handle(self, *args: Any, scale: int, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(PRODUCTION_REFUSAL)
        if scale < 1:
            raise CommandError("--scale must be at least 1.")
        summary = load_world(scale=scale, stdout=self.stdout)
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(f"Demo accounts (password: {DEMO_PASSWORD})"))
        self.stdout.write(accounts_table(summary["accounts"]))
