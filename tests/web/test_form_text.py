"""The HTML forms take a NUL or an over-long value in any field without a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

BAD = {"nul": "a\x00b", "long": "y" * 10_000}


def _forms(web) -> list[tuple[str | None, str, list[str]]]:
    """(who, url, text fields) of every form a person fills in."""
    draft = web.showtimes["draft"]
    return [
        (None, "/accounts/signup/", ["username", "email", "password", "password_again"]),
        (None, "/accounts/login/", ["username", "password"]),
        (None, "/accounts/password-reset/", ["email"]),
        ("fan", "/account/tokens/", ["name", "revoke"]),
        ("op-huaxia", "/scan/sanlitun/", ["code", "door"]),
        (
            "op-huaxia",
            "/console/sanlitun/new/",
            ["title", "hall", "day", "start", "format", "audio_language", "subtitle_language"],
        ),
        ("op-huaxia", f"/console/showtimes/{draft.pk}/", ["audio_language", "subtitle_language"]),
        ("op-huaxia", f"/console/showtimes/{draft.pk}/cancel/", ["reason"]),
    ]


@pytest.mark.parametrize("what", sorted(BAD))
def test_no_form_field_can_cause_a_500(web, client_as, what):
    sent = 0
    for who, url, fields in _forms(web):
        client = client_as(who)
        for name in fields:
            for encoded in (False, True):  # a real browser form post, and the parsed form
                data = {name: BAD[what]}
                if encoded:
                    from urllib.parse import urlencode

                    r = client.post(
                        url, urlencode(data), content_type="application/x-www-form-urlencoded"
                    )
                else:
                    r = client.post(url, data)
                sent += 1
                assert r.status_code < 500, (url, name, what, r.status_code)
    assert sent == 2 * sum(len(f) for _, _, f in _forms(web))
