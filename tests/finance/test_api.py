"""The finance API: finance staff and admins only, integers for money, problem+json refusals."""

from __future__ import annotations

import json

import pytest

from marquee.accounts.models import Role
from marquee.finance.models import JournalEntry

pytestmark = pytest.mark.django_db

API = "/api/v1/finance"


@pytest.fixture
def finance(make_user, client_for, chart):
    return client_for(make_user(role=Role.FINANCE))


def _post(client, path, body, **headers):
    return client.post(
        f"{API}{path}", data=json.dumps(body), content_type="application/json", **headers
    )


ENTRY = {
    "date": "2026-05-14",
    "memo": "Office rent, May",
    "lines": [
        {"account": "6120", "segment": "corporate", "currency": "CNY", "debit_minor": 1200000},
        {"account": "1010", "segment": "corporate", "currency": "CNY", "credit_minor": 1200000},
    ],
}


def test_chart_and_segments(finance):
    accounts = finance.get(f"{API}/accounts").json()
    by_code = {a["code"]: a for a in accounts}
    assert by_code["4010"]["type"] == "revenue"
    assert by_code["4010"]["statement_line"] == "revenue"
    assert by_code["4010"]["name_zh_hans"] == "票务服务费收入"
    assert by_code["2010"]["statement_line"] == ""
    segments = {s["code"] for s in finance.get(f"{API}/segments").json()}
    assert segments == {"promotion_distribution", "content", "merchandising", "corporate"}


def test_post_a_manual_entry_and_read_it_back(finance):
    response = _post(finance, "/journal-entries", ENTRY)
    assert response.status_code == 201, response.content
    entry = response.json()
    assert entry["period"] == "2026-05"
    assert entry["source"] == "manual"
    assert entry["posted_by_id"] is not None
    assert [
        (line["account"], line["debit_minor"], line["credit_minor"]) for line in entry["lines"]
    ] == [
        ("6120", 1200000, 0),
        ("1010", 0, 1200000),
    ]
    assert entry["lines"][0]["rate"] == "1"
    listed = finance.get(f"{API}/journal-entries?account=6120&from=2026-05-01&to=2026-05-31").json()
    assert [e["id"] for e in listed] == [entry["id"]]
    assert finance.get(f"{API}/journal-entries?account=4010").json() == []
    one = finance.get(f"{API}/journal-entries/{entry['id']}").json()
    assert one["memo"] == "Office rent, May"


def test_the_same_idempotency_key_posts_once(finance):
    first = _post(finance, "/journal-entries", ENTRY, HTTP_IDEMPOTENCY_KEY="rent-2026-05")
    again = _post(finance, "/journal-entries", ENTRY, HTTP_IDEMPOTENCY_KEY="rent-2026-05")
    assert first.json()["id"] == again.json()["id"]
    assert JournalEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        (
            {"lines": [{**ENTRY["lines"][0]}, {**ENTRY["lines"][1], "credit_minor": 1}]},
            422,
            "unbalanced_entry",
        ),
        (
            {"lines": [{**ENTRY["lines"][0], "account": "0000"}, ENTRY["lines"][1]]},
            422,
            "unknown_account",
        ),
        (
            {"lines": [{**line, "currency": "XYZ"} for line in ENTRY["lines"]]},
            422,
            "unknown_currency",
        ),
        ({"lines": [{**line, "currency": "EUR"} for line in ENTRY["lines"]]}, 422, "missing_rate"),
        (
            {"lines": [{**ENTRY["lines"][0], "debit_minor": 12000.5}, ENTRY["lines"][1]]},
            422,
            "validation_error",
        ),
    ],
)
def test_bad_entries_get_problem_json_and_post_nothing(finance, change, status, code):
    response = _post(finance, "/journal-entries", {**ENTRY, **change})
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code
    assert not JournalEntry.objects.exists()


def test_closed_period_refuses_a_posting_with_409_and_reopens(finance):
    closed = finance.post(f"{API}/periods/2026-05/close").json()
    assert (closed["month"], closed["status"], closed["fiscal_year"]) == ("2026-05", "closed", 2026)
    refused = _post(finance, "/journal-entries", ENTRY)
    assert refused.status_code == 409
    assert refused.json()["code"] == "period_closed"
    assert finance.post(f"{API}/periods/2026-05/reopen").json()["status"] == "open"
    assert _post(finance, "/journal-entries", ENTRY).status_code == 201
    months = [p["month"] for p in finance.get(f"{API}/periods").json()]
    assert months == ["2026-05"]
    assert finance.post(f"{API}/periods/May/close").json()["code"] == "period_not_found"


def test_reverse_an_entry(finance):
    entry = _post(finance, "/journal-entries", ENTRY).json()
    reversal = _post(finance, f"/journal-entries/{entry['id']}/reverse", {})
    assert reversal.status_code == 201
    body = reversal.json()
    assert body["reverses_id"] == entry["id"]
    assert body["lines"][0]["credit_minor"] == 1200000
    again = _post(finance, f"/journal-entries/{entry['id']}/reverse", {})
    assert again.status_code == 409
    assert again.json()["code"] == "already_reversed"
    assert _post(finance, "/journal-entries/999999/reverse", {}).status_code == 404


def test_fx_rates_are_set_and_read_as_strings(finance):
    response = _post(
        finance,
        "/fx-rates",
        {"base": "USD", "quote": "CNY", "rate": "7.1234", "valid_from": "2026-01-01"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["rate"] == "7.1234"
    rates = finance.get(f"{API}/fx-rates?base=USD").json()
    assert [(r["base"], r["quote"], r["rate"]) for r in rates] == [("USD", "CNY", "7.1234")]
    bad = _post(finance, "/fx-rates", {"base": "USD", "rate": "-1", "valid_from": "2026-01-01"})
    assert bad.json()["code"] == "invalid_exchange_rate"
    floaty = _post(finance, "/fx-rates", {"base": "USD", "rate": 7.1, "valid_from": "2026-01-01"})
    assert floaty.status_code == 422
    # A USD entry now converts at that rate.
    usd = {**ENTRY, "lines": [{**line, "currency": "USD"} for line in ENTRY["lines"]]}
    posted = _post(finance, "/journal-entries", usd).json()
    assert posted["lines"][0]["functional_debit_minor"] == 1200000 * 71234 // 10000


def test_beancount_export_downloads(finance):
    _post(finance, "/journal-entries", ENTRY)
    response = finance.get(f"{API}/export.beancount")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('"marquee.beancount"')
    text = b"".join(response.streaming_content).decode()
    assert "Expenses:6120  12000.00 CNY" in text


def test_nobody_else_reads_the_books(make_user, client_for, chart):
    for role in (None, Role.MOVIEGOER, Role.CINEMA_OPERATOR, Role.DISTRIBUTION, Role.PARTNER):
        client = client_for(make_user(role=role) if role else None)
        response = client.get(f"{API}/journal-entries")
        assert response.status_code in {401, 403}, role
