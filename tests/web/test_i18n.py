"""Three languages: complete catalogs, translated pages, localized titles, money and dates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

LOCALES = ["en", "zh_Hans", "zh_Hant"]
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sd]|%%")


def _catalog(locale: str):
    path = Path(settings.LOCALE_PATHS[0]) / locale / "LC_MESSAGES" / "django.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated_with_the_same_placeholders(locale):
    catalog = _catalog(locale)
    messages = [m for m in catalog if m.id]
    assert len(messages) > 400
    for message in messages:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{locale}: untranslated {ids[0]!r}"
        assert not message.fuzzy, f"{locale}: fuzzy {ids[0]!r}"
        wanted = sorted(set(PLACEHOLDER.findall(ids[-1])))
        for text in strings:
            assert sorted(set(PLACEHOLDER.findall(text))) == wanted, (locale, ids[0], text)


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_chinese_catalogs_are_really_chinese(locale):
    catalog = _catalog(locale)
    han = re.compile(r"[\u4e00-\u9fff]")
    translated = [
        m for m in catalog if m.id and isinstance(m.id, str) and re.search("[a-z]{3}", m.id)
    ]
    chinese = [m for m in translated if han.search(m.string)]
    assert len(chinese) / len(translated) > 0.9


def test_simplified_and_traditional_differ_where_the_script_does():
    hans = {m.id: m.string for m in _catalog("zh_Hans") if m.id}
    hant = {m.id: m.string for m in _catalog("zh_Hant") if m.id}
    assert hans["Log in"] == "登录" and hant["Log in"] == "登入"
    assert hans["Cinemas"] == "影院" and hant["Cinemas"] == "戲院"
    assert hans["Choose your seats"] == "选择座位" and hant["Choose your seats"] == "選擇座位"


@pytest.mark.django_db
def test_simplified_chinese_pages_money_dates_and_titles(web, client_as):
    client = client_as(None)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "北京的电影" in page and "正在热映" in page and "即将上映" in page
    assert "漫长的夜" in page and "预售" in page
    page = client.get("/films/the-long-night/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "¥45.00–¥90.00" in page  # CNY in zh-Hans-CN: no "CN" prefix
    assert re.search(r"\d+月\d+日", page)  # the date headings
    assert "普通话" in page and "英语字幕" in page
    assert "一位北京夜班医生" in page


@pytest.mark.django_db
def test_traditional_chinese_pages_in_hong_kong(web, client_as):
    client = client_as("fan2")
    page = client.get("/films/harbour-lights/", HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert '<html lang="zh-hant">' in page
    assert "港灣燈火" in page and "香港的場次" in page
    assert "HK$95.00–HK$150.00" in page  # HKD formatted for zh-Hant-HK
    assert "粵語" in page or "廣東話" in page
    assert "海港影院尖沙咀" in page


@pytest.mark.django_db
def test_the_language_switcher_changes_the_pages(web, client_as):
    client = client_as("fan")
    r = client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/tickets/"})
    assert r.status_code == 302 and r["Location"] == "/tickets/"
    page = client.get("/tickets/").content.decode()
    assert "我的門票" in page and "漫長的夜" in page and "下載 PDF" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "My tickets" in client.get("/tickets/").content.decode()


@pytest.mark.django_db
def test_checkout_and_errors_are_translated(web, client_as):
    from marquee.ticketing.services import holds

    client = client_as("fan")
    showtime = web.showtimes["long-night-13"]
    holds.place_hold(showtime=showtime, seat_codes=["6-5"], user=web.users["rival"])
    r = client.post(
        f"/showtimes/{showtime.pk}/seats/", {"seats": ["6-5"]}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "抱歉，6排5座 刚刚被其他人选走" in r.content.decode()
    r = client.post(
        f"/showtimes/{showtime.pk}/seats/", {"seats": ["6-6"]}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    page = client.get(r["Location"], HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "确认订单" in page and "座位为您保留" in page and "¥48.00" in page


@pytest.mark.django_db
def test_the_api_token_page_is_translated(web, client_as):
    client = client_as("fan")
    page = client.get("/account/tokens/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "API 令牌" in page and "创建令牌" in page and "令牌名称" in page
    created = client.post(
        "/account/tokens/", {"name": "laptop"}, HTTP_ACCEPT_LANGUAGE="zh-hant"
    ).content.decode()
    assert "您的新權杖「laptop」" in created and "撤銷" in created


def test_the_lock_out_message_is_translated():
    from django.utils import translation

    from marquee.accounts.throttle import Lockout, lockout_message

    with translation.override("zh-hans"):
        assert (
            lockout_message(Lockout("account", 120)) == "此账户登录失败次数过多，请 2 分钟后再试。"
        )
    with translation.override("zh-hant"):
        assert lockout_message(Lockout("address", 60)) == (
            "來自您網絡的登入失敗次數過多，請 1 分鐘後再試。"
        )
