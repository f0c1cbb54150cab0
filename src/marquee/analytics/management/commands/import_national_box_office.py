"""``marquee import_national_box_office FILE``: national daily totals from the trade's CSV."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from marquee.analytics.errors import AnalyticsError
from marquee.analytics.services.national import import_national_csv


class Command(BaseCommand):
    help = "Import national daily box-office totals (CSV: day,gross_cny; yuan, two decimals)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        try:
            result = import_national_csv(text=text, source=path.name)
        except AnalyticsError as exc:
            raise CommandError(exc.msg) from exc
        self.stdout.write(f"{result.days} days: {result.created} new, {result.updated} replaced.")
