"""The reports API: JSON, CSV and XLSX, parameters, refusals as problem+json."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from marquee.accounts.models import Role
from tests.finance import test_reports

pytestmark = pytest.mark.django_db

# The report tests' books and catalogs.
two_halves = test_reports.two_halves
listed_scale = test_reports.listed_scale
compiled_translations = test_reports.compiled_translations
API = "/api/v1/finance/reports"


@pytest.fixture
def finance_client(make_user, client_for):
    return client_for(make_user(Role.FINANCE))


def test_income_statement_json(two_halves, finance_client):
    response = finance_client.get(
        f"{API}/income-statement",
        {"from": "2026-04-01", "to": "2026-09-30", "convenience_currency": "USD"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["period"] == {"from": "2026-04-01", "to": "2026-09-30", "label": "H1 FY2026"}
    assert body["comparative"]["label"] == "H1 FY2025"
    revenue = body["lines"][0]
    assert revenue["key"] == "revenue"
    assert (revenue["current"], revenue["prior"], revenue["change_pct"]) == (152600, 118020, "29.3")
    assert revenue["convenience_current"] == 21422
    assert [r["currency"] for r in body["rates"]] == ["CNY", "USD"]
    assert {s["code"] for s in body["segments"]} == {
        "promotion_distribution",
        "content",
        "corporate",
    }


def test_income_statement_by_period_name_and_without_segments(two_halves, finance_client):
    body = finance_client.get(
        f"{API}/income-statement", {"period": "H1 FY2026", "by_segment": "false"}
    ).json()
    assert body["lines"][0]["current"] == 152600
    assert body["segments"] == []
    body = finance_client.get(
        f"{API}/income-statement",
        {
            "from": "2026-04-01",
            "to": "2026-09-30",
            "compare_from": "2026-04-01",
            "compare_to": "2026-04-30",
            "currency": "HKD",
        },
    ).json()
    assert body["currency"] == "HKD"
    assert body["lines"][0]["prior"] == 109589  # 1,000.00 CNY / 0.9125


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"period": "H7 FY2026"}, 422, "invalid_period"),
        ({"from": "2026-09-30", "to": "2026-04-01"}, 422, "invalid_period"),
        ({"from": "2026-04-01"}, 422, "invalid_period"),
        ({"period": "H1 FY2026", "currency": "XYZ"}, 422, "unknown_currency"),
        ({"period": "H1 FY2026", "convenience_currency": "EUR"}, 422, "missing_rate"),
    ],
)
def test_income_statement_refusals_are_problems(chart, rates, finance_client, params, status, code):
    response = finance_client.get(f"{API}/income-statement", params)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == code


def test_income_statement_csv_and_xlsx(two_halves, finance_client):
    response = finance_client.get(
        f"{API}/income-statement",
        {"period": "H1 FY2026", "format": "csv", "convenience_currency": "USD"},
    )
    assert response.status_code == 200
    assert (
        'filename="income-statement-2026-04-01-2026-09-30.csv"' in response["Content-Disposition"]
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Segment", "Line", "H1 FY2026 (CNY)"]
    assert rows[1][:6] == ["Total", "Revenue", "1526", "1180.2", "345.8", "29.3"]
    assert rows[-1][0] == "Rate" and "7.123400" in rows[-1][1]
    response = finance_client.get(
        f"{API}/income-statement", {"period": "H1 FY2026", "format": "xlsx"}
    )
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        assert "xl/worksheets/sheet1.xml" in book.namelist()
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "Operating result" in strings


def test_income_statement_labels_follow_the_language(
    two_halves, finance_client, compiled_translations
):
    body = finance_client.get(
        f"{API}/income-statement", {"period": "H1 FY2026"}, HTTP_ACCEPT_LANGUAGE="zh-hant"
    ).json()
    assert body["lines"][0]["label"] == "收入"
    assert {s["name"] for s in body["segments"]} >= {"宣傳發行"}


def test_trial_balance_and_balance_sheet(two_halves, finance_client):
    body = finance_client.get(f"{API}/trial-balance", {"to": "2026-09-30"}).json()
    assert body["balanced"] is True
    assert body["total_debit"] == body["total_credit"]
    csv_response = finance_client.get(f"{API}/trial-balance", {"to": "2026-09-30", "format": "csv"})
    assert csv_response.status_code == 200
    assert "Total" in csv_response.content.decode("utf-8-sig")
    sheet = finance_client.get(
        f"{API}/balance-sheet", {"to": "2026-09-30", "compare_to": "2025-09-30"}
    ).json()
    assert sheet["balanced"] is True
    assert [s["key"] for s in sheet["sections"]] == ["assets", "liabilities", "equity"]
    xlsx = finance_client.get(f"{API}/balance-sheet", {"to": "2026-09-30", "format": "xlsx"})
    assert xlsx.content[:2] == b"PK"


def test_interim_summary(listed_scale, finance_client, compiled_translations):
    body = finance_client.get(
        f"{API}/interim-summary", {"period": "H1 FY2026", "lang": "zh-hans"}
    ).json()
    assert body["title"] == "2026财年上半年中期摘要"
    assert body["paragraphs"][0].startswith("2026财年上半年收入增长29.3%至人民币1,526.0百万元")
    assert body["statement"]["lines"][0]["change_pct"] == "29.3"


def test_reports_are_for_finance_staff_only(chart, make_user, client_for):
    for role in (Role.DISTRIBUTION, Role.MOVIEGOER, Role.INVESTMENT):
        response = client_for(make_user(role)).get(f"{API}/income-statement")
        assert response.status_code == 403
    assert client_for(None).get(f"{API}/trial-balance").status_code == 401
    assert client_for(make_user(Role.ADMIN)).get(f"{API}/balance-sheet").status_code == 200
