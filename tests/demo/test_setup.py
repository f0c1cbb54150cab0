"""``marquee setup``: migrate, compile translations with Babel, collect static files."""

from __future__ import annotations

import gettext
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from marquee.demo.management.commands.setup import compile_translations

PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: zh_Hans\\n"

msgid "Films"
msgstr "电影"

#, fuzzy
msgid "Log in"
msgstr "登录"
"""


def _write_po(root: Path, locale: str = "zh_Hans") -> Path:
    path = root / locale / "LC_MESSAGES" / "django.po"
    path.parent.mkdir(parents=True)
    path.write_text(PO, encoding="utf-8")
    return path


def test_compile_translations_writes_mo_files_without_fuzzy_entries(tmp_path):
    po = _write_po(tmp_path)
    written = compile_translations([tmp_path, tmp_path / "missing"])
    assert written == [po.with_suffix(".mo")]
    with written[0].open("rb") as mo:
        translations = gettext.GNUTranslations(mo)
    assert translations.gettext("Films") == "电影"
    assert translations.gettext("Log in") == "Log in"


@pytest.mark.django_db
def test_setup_without_demo(settings, tmp_path, monkeypatch):
    locale = tmp_path / "locale"
    po = _write_po(locale)
    settings.LOCALE_PATHS = [locale]
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    loaded = []
    monkeypatch.setattr(
        "marquee.demo.management.commands.setup.load_world",
        lambda **kwargs: loaded.append(kwargs),
    )
    out = StringIO()
    call_command("setup", "--no-demo", stdout=out)
    text = out.getvalue()
    assert "Migrating" in text and "Compiling translations" in text
    assert "Setup done (no demo world)." in text
    assert po.with_suffix(".mo").exists()
    assert (tmp_path / "static" / "web" / "marquee.css").exists()
    assert loaded == []


@pytest.mark.django_db
def test_setup_loads_the_demo_and_prints_accounts(settings, tmp_path, monkeypatch):
    settings.LOCALE_PATHS = [tmp_path / "no-locale"]
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    calls = []

    def fake_world(*, scale, stdout):
        calls.append(scale)
        return {
            "accounts": [
                {
                    "username": "fan",
                    "role": "moviegoer",
                    "organisation": "",
                    "password": "marquee-demo",
                    "display_name": "Fan",
                }
            ]
        }

    monkeypatch.setattr("marquee.demo.management.commands.setup.load_world", fake_world)
    out = StringIO()
    call_command("setup", "--scale", "2", stdout=out)
    text = out.getvalue()
    assert calls == [2]
    assert "Compiling translations" not in text  # no locale directory
    assert "fan" in text and "marquee-demo" in text and "Setup done." in text
