"""Localized text kept in ``<field>_en`` / ``<field>_zh_hans`` / ``<field>_zh_hant`` columns."""

from __future__ import annotations

from typing import Any

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


class Localized:
    """A read-only model attribute: the active language's text of ``<field>_<lang>`` columns.

    ``name = Localized("name")`` on a model with ``name_en``, ``name_zh_hans`` and
    ``name_zh_hant`` makes ``obj.name`` the text :func:`pick_localized` picks.
    """

    __slots__ = ("field",)

    def __init__(self, field: str) -> None:
        self.field = field

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return pick_localized(obj, self.field)
