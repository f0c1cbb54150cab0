"""``marquee setup``: migrate, compile translations, collect static files, load the demo.

Translations are compiled with Babel (``.po`` → ``.mo``), so no gettext binary
is needed. ``--no-demo`` skips the demo world.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

from marquee.demo.accounts import DEMO_PASSWORD
from marquee.demo.world import PRODUCTION_REFUSAL, accounts_table, load_world

MANIFEST_STORAGE = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}


def compile_translations(locale_dirs: list[Path]) -> list[Path]:
    """Compile every ``*.po`` under ``locale_dirs`` into the ``.mo`` beside it.

    Fuzzy entries are left out, as ``msgfmt`` does. Returns the files written.
    """
    written: list[Path] = []
    for root in locale_dirs:
        if not root.is_dir():
            continue
        for po_path in sorted(root.glob("*/LC_MESSAGES/*.po")):
            locale = po_path.parent.parent.name
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file, locale=locale, domain=po_path.stem)
            mo_path = po_path.with_suffix(".mo")
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog, use_fuzzy=False)
            written.append(mo_path)
    return written


class Command(BaseCommand):
    help = "Prepare this machine: migrate, compile translations, collect static, load the demo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo world.")
        parser.add_argument(
            "--scale", type=int, default=1, help="Scale of the demo world (default 1)."
        )

    def handle(self, *args: Any, no_demo: bool, scale: int, **options: Any) -> None:
        verbosity = int(options.get("verbosity", 1))
        if settings.PRODUCTION and not no_demo:
            raise CommandError(PRODUCTION_REFUSAL)
        self._step("Migrating the database")
        call_command("migrate", interactive=False, verbosity=max(0, verbosity - 1))

        locale_dirs = [Path(p) for p in settings.LOCALE_PATHS]
        if any(d.is_dir() for d in locale_dirs):
            self._step("Compiling translations")
            compiled = compile_translations(locale_dirs)
            self.stdout.write(f"  {len(compiled)} catalog(s) compiled.")

        self._step("Collecting static files")
        # Settings pick the manifest storage only once a manifest exists; collect
        # with it so the served names are hashed (cacheable forever).
        with override_settings(STORAGES={**settings.STORAGES, "staticfiles": MANIFEST_STORAGE}):
            call_command("collectstatic", interactive=False, verbosity=max(0, verbosity - 1))

        if no_demo:
            self.stdout.write(self.style.SUCCESS("Setup done (no demo world)."))
            return
        self._step("Loading the demo world")
        summary = load_world(scale=max(1, scale), stdout=self.stdout)
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(f"Demo accounts (password: {DEMO_PASSWORD})"))
        self.stdout.write(accounts_table(summary["accounts"]))
        self.stdout.write(self.style.SUCCESS("Setup done."))

    def _step(self, text: str) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(f"{text}…"))
