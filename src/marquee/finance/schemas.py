"""API schemas of the finance domain. Ids and money are integers, never floats."""

from __future__ import annotations

from ninja import Schema


class AccountOut(Schema):
    code: str
    name_en: str
    name_zh_hans: str
    name_zh_hant: str
    type: str
    statement_line: str
    active: bool


class SegmentOut(Schema):
    code: str
    name_en: str
    name_zh_hans: str
    name_zh_hant: str
    active: bool
