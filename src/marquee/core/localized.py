"""Localized text kept in ``<field>_en`` / ``<field>_zh_hans`` / ``<field>_zh_hant`` columns."""

from __future__ import annotations

from django.utils.translation import get_language


def pick_localized(obj: object, field: str, language: str | None = None) -> str:
    """Return ``field_<lang>`` for the active (or given) language, else ``field_en``.

    Models keep localized text in ``<field>_en``, ``<field>_zh_hans`` and
    ``<field>_zh_hant`` columns; an empty translation falls back to English.
    """
    lang = (language or get_language() or "en").lower()
    suffix = {"zh-hans": "zh_hans", "zh-cn": "zh_hans", "zh-hant": "zh_hant", "zh-hk": "zh_hant"}
    value = getattr(obj, f"{field}_{suffix.get(lang, 'en')}", "") or ""
    return value or getattr(obj, f"{field}_en", "") or ""
