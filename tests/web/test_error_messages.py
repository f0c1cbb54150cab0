"""Errors carry their own sentence: translated, filled from the detail, the same in pages and API."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise

from marquee.catalog.errors import CatalogErrorCode
from marquee.core.errors import Conflict, CoreErrorCode, DomainError, ErrorCode, NotFound
from marquee.finance.errors import FinanceErrorCode
from marquee.payments.errors import PaymentsErrorCode
from marquee.ticketing.errors import TicketingErrorCode
from marquee.venues.errors import VenuesErrorCode

ENUMS = [
    CoreErrorCode,
    TicketingErrorCode,
    VenuesErrorCode,
    CatalogErrorCode,
    PaymentsErrorCode,
    FinanceErrorCode,
]


def _msgids(locale: str) -> dict[str, str]:
    path = Path(settings.LOCALE_PATHS[0]) / locale / "LC_MESSAGES" / "django.po"
    with path.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle, locale=locale) if isinstance(m.id, str)}


@pytest.mark.parametrize("enum", ENUMS, ids=lambda e: e.__name__)
def test_every_code_has_a_sentence_in_every_catalog(enum: type[ErrorCode]) -> None:
    catalogs = {locale: _msgids(locale) for locale in ("en", "zh_Hans", "zh_Hant")}
    for code in enum:
        assert code.msg_format, f"{code!r} has no sentence"
        if callable(code.msg_format) and not isinstance(code.msg_format, Promise):
            continue  # built from the detail; its pieces are checked below
        with translation.override("en"):
            english = str(code.msg_format)
        for locale, catalog in catalogs.items():
            assert catalog.get(english), f"{locale}: {english!r} ({code}) is not translated"


def test_the_sentence_is_in_the_active_language_and_the_message_stays_english() -> None:
    exc = DomainError(TicketingErrorCode.NO_SEATS, "Choose at least one seat (service).")
    with translation.override("zh-hans"):
        assert exc.msg == "请至少选择一个座位。"
    with translation.override("zh-hant"):
        assert exc.msg == "請至少選擇一個座位。"
    with translation.override("en"):
        assert exc.msg == "Choose at least one seat."
    assert exc.message == str(exc) == "Choose at least one seat (service)."


def test_sentences_are_filled_from_the_detail() -> None:
    exc = Conflict(TicketingErrorCode.SEATS_UNAVAILABLE, "taken", seats=["5-3", "5-4"])
    with translation.override("en"):
        assert "row 5 seat 3, row 5 seat 4" in exc.msg
    with translation.override("en"):
        too_many = DomainError(TicketingErrorCode.TOO_MANY_SEATS, "x", max_seats=1)
        assert too_many.msg == "One order holds at most 1 seat."


def test_the_overlap_sentence_needs_no_query() -> None:
    # No database here: a query would fail the test (pytest-django blocks it).
    exc = Conflict(
        TicketingErrorCode.SHOWTIME_OVERLAP,
        "overlap",
        conflicting_showtime_id=7,
        conflicting_starts_at="2026-05-01T11:00:00+00:00",
        conflicting_ends_at="2026-05-01T13:00:00+00:00",
        conflicting_title="The Last Dance",
        hall_name="Hall 2",
        time_zone="Asia/Hong_Kong",
        cleaning_buffer_minutes=15,
    )
    with translation.override("en"):
        text = exc.msg
    assert "Hall 2 already shows The Last Dance" in text
    assert "from 19:00 to 21:00" in text and "15 minutes" in text


def test_a_sentence_missing_its_detail_falls_back_to_the_service_message() -> None:
    exc = DomainError(CoreErrorCode.NO_RATE, "No USD→CNY rate covers 2026-01-01.")
    assert exc.msg == "There is no exchange rate for these currencies on that day."
    plain = DomainError("not_a_known_code", "Something specific.")
    assert plain.code == "not_a_known_code" and plain.msg == "Something specific."


def test_a_code_read_back_as_text_finds_its_sentence() -> None:
    exc = DomainError("seats_unavailable", "stored English", status=409, seats=["2-4"])
    assert exc.code is TicketingErrorCode.SEATS_UNAVAILABLE
    with translation.override("zh-hans"):
        assert "2排4座" in exc.msg


@pytest.mark.django_db
def test_the_api_detail_is_the_sentence_in_the_request_language(client) -> None:
    url = "/api/v1/ticketing/showtimes/999999"
    zh = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    en = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert zh.status_code == en.status_code == 404
    assert zh.json()["code"] == en.json()["code"] == TicketingErrorCode.SHOWTIME_NOT_FOUND
    assert zh.json()["detail"] == "没有此场次。"
    assert en.json()["detail"] == "No such showtime."


def test_not_found_keeps_its_status() -> None:
    assert NotFound(TicketingErrorCode.SHOWTIME_NOT_FOUND, "x").status == 404
