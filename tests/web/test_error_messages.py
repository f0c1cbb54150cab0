"""Errors carry their own sentence: translated, filled from the detail, the same in pages and API."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise

from marquee.accounts import services as account_services
from marquee.accounts.errors import AccountsErrorCode
from marquee.analytics.errors import AnalyticsErrorCode
from marquee.catalog.errors import CatalogErrorCode
from marquee.core.errors import (
    ByReason,
    Conflict,
    CoreErrorCode,
    DomainError,
    ErrorCode,
    NotFound,
)
from marquee.core.text import TextErrorCode, clean_text
from marquee.crowdfunding.errors import CrowdfundingErrorCode
from marquee.finance.errors import FinanceErrorCode
from marquee.investment.errors import InvestmentErrorCode
from marquee.marketing.errors import PIECES as MARKETING_PIECES
from marquee.marketing.errors import MarketingErrorCode
from marquee.merch.errors import MerchErrorCode
from marquee.payments.errors import PaymentsErrorCode
from marquee.rights.errors import RightsErrorCode
from marquee.ticketing.audience_errors import AudienceErrorCode
from marquee.ticketing.errors import TicketingErrorCode
from marquee.venues.errors import VenuesErrorCode

ENUMS = [
    CoreErrorCode,
    TextErrorCode,
    AccountsErrorCode,
    TicketingErrorCode,
    VenuesErrorCode,
    CatalogErrorCode,
    PaymentsErrorCode,
    FinanceErrorCode,
    InvestmentErrorCode,
    CrowdfundingErrorCode,
    RightsErrorCode,
    MerchErrorCode,
    AnalyticsErrorCode,
    MarketingErrorCode,
    AudienceErrorCode,
]
#: Sentences that functions of the detail fall back to or are built from.
PIECES = ["This password cannot be used.", *MARKETING_PIECES]


def _msgids(locale: str) -> dict[str, str]:
    path = Path(settings.LOCALE_PATHS[0]) / locale / "LC_MESSAGES" / "django.po"
    with path.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle, locale=locale) if isinstance(m.id, str)}


@pytest.mark.parametrize("enum", ENUMS, ids=lambda e: e.__name__)
def test_every_code_has_a_sentence_in_every_catalog(enum: type[ErrorCode]) -> None:
    catalogs = {locale: _msgids(locale) for locale in ("en", "zh_Hans", "zh_Hant")}
    for code in enum:
        assert code.msg_format, f"{code!r} has no sentence"
        if isinstance(code.msg_format, ByReason):
            sentences = list(code.msg_format.sentences.values())
        elif callable(code.msg_format) and not isinstance(code.msg_format, Promise):
            continue  # built from the detail; its pieces are checked below
        else:
            sentences = [code.msg_format]
        for sentence in sentences:
            with translation.override("en"):
                english = str(sentence)
            for locale, catalog in catalogs.items():
                assert catalog.get(english), f"{locale}: {english!r} ({code}) is not translated"


def test_the_pieces_of_sentences_built_from_the_detail_are_translated() -> None:
    for locale in ("en", "zh_Hans", "zh_Hant"):
        catalog = _msgids(locale)
        for piece in PIECES:
            assert catalog.get(piece), f"{locale}: {piece!r} is not translated"


@pytest.mark.parametrize(
    ("username", "hans", "hant"),
    [
        ("ab", "用户名长度须为 3 至 150 个字符。", "用戶名稱長度須為 3 至 150 個字元。"),
        ("p\u0430ypal", "用户名不能混用外形相似的字母表", "用戶名稱不能混用外形相似的字母系統"),
        ("evil\u202ename", "用户名不能包含控制字符", "用戶名稱不能包含控制字元"),
        ("<script>", "用户名只能包含字母、数字", "用戶名稱只能包含字母、數字"),
        ("   ", "请填写用户名。", "請填寫用戶名稱。"),
    ],
)
def test_a_refused_username_says_why_in_each_language(username, hans, hant) -> None:
    with pytest.raises(DomainError) as refused:
        account_services.sign_up(username=username, password="popcorn-and-tea-42")
    assert refused.value.code is AccountsErrorCode.INVALID_USERNAME
    with translation.override("zh-hans"):
        assert hans in refused.value.msg
    with translation.override("zh-hant"):
        assert hant in refused.value.msg


def test_an_over_long_email_and_text_name_their_limit() -> None:
    with pytest.raises(DomainError) as refused:
        account_services.sign_up(
            username="fan-one", password="popcorn-and-tea-42", email="a@" + "x" * 260 + ".com"
        )
    assert refused.value.code is AccountsErrorCode.INVALID_EMAIL
    with translation.override("zh-hans"):
        assert refused.value.msg == "邮箱地址最多 254 个字符。"
    with pytest.raises(DomainError) as too_long:
        clean_text("y" * 11, field="name", max_length=10)
    assert too_long.value.code is TextErrorCode.TEXT_TOO_LONG
    with translation.override("zh-hant"):
        assert too_long.value.msg == "文字過長，最多允許 10 個字元。"
    with translation.override("en"):
        assert too_long.value.msg == "This text is too long; at most 10 characters are allowed."


@pytest.mark.django_db
def test_a_weak_password_reads_the_validators_sentences_in_the_active_language() -> None:
    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        account_services.sign_up(username="fan-one", password="123")
    assert refused.value.code is AccountsErrorCode.WEAK_PASSWORD
    assert refused.value.detail["reasons"]
    assert refused.value.msg == " ".join(refused.value.detail["reasons"])
    assert "密码" in refused.value.msg  # Django's own catalog
    bare = DomainError(AccountsErrorCode.WEAK_PASSWORD, "x")
    with translation.override("zh-hant"):
        assert bare.msg == "不能使用此密碼。"


@pytest.mark.django_db
def test_the_sign_up_page_shows_the_sentence_in_the_visitor_language(client) -> None:
    page = client.post(
        "/accounts/signup/",
        {
            "username": "ab",
            "password": "popcorn-and-tea-42",
            "password_again": "popcorn-and-tea-42",
        },
        HTTP_ACCEPT_LANGUAGE="zh-hant",
    ).content.decode()
    assert "用戶名稱長度須為 3 至 150 個字元。" in page


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
    with translation.override("en"):  # whatever language an earlier test left active
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
