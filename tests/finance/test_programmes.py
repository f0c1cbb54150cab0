"""Programme funds: budgets, commitments refused past the headroom, disbursements in the ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from marquee.accounts.models import Role
from marquee.core.errors import DomainError
from marquee.core.models import ExchangeRate
from marquee.finance.models import JournalEntry
from marquee.finance.programmes import queries
from marquee.finance.programmes.models import Commitment
from marquee.finance.programmes.services import commit_funds, create_programme, disburse

pytestmark = pytest.mark.django_db

HKD_M = 1_000_000_00  # HK$1 million in minor units
DAY = dt.date(2026, 5, 14)  # FY2026 with an April start
API = "/api/v1/finance/programmes"


@pytest.fixture
def programme(chart, rates, settings):
    settings.MARQUEE_FISCAL_YEAR_START_MONTH = 4
    return create_programme(
        code="hk-film",
        names=("Hong Kong film", "香港电影", "香港電影"),
        currency="HKD",
        first_year=2026,
        budgets={
            "film_production_distribution": {2026: 100 * HKD_M, 2027: 100 * HKD_M},
            "scholarships": {2026: 6 * HKD_M},
        },
    )


def _commit(amount, *, currency="HKD", category="film_production_distribution", **kw):
    return commit_funds(
        programme_code="hk-film",
        category=category,
        date=DAY,
        currency=currency,
        amount_minor=amount,
        funded_label="A film",
        **kw,
    )


def test_programme_total_is_the_sum_of_its_budgets(programme):
    assert programme.total_minor == 206 * HKD_M
    assert list(programme.fiscal_years) == [2026, 2027]


def test_commitment_within_headroom_and_refused_past_it(programme):
    _commit(60 * HKD_M)
    _commit(40 * HKD_M)
    with pytest.raises(DomainError) as exc_info:
        _commit(1)
    assert exc_info.value.code == "over_commitment"
    assert exc_info.value.status == 409
    assert exc_info.value.detail["headroom_minor"] == 0
    # The next year has its own budget.
    assert _commit(100 * HKD_M, fiscal_year=2027).fiscal_year == 2027
    assert Commitment.objects.count() == 3


def test_cny_spending_counts_against_hkd_at_the_dated_rate(programme):
    # 0.9125 CNY per HKD from 2025; from 2026-05-01 a new rate of 0.9000.
    ExchangeRate.objects.create(
        base="HKD", quote="CNY", rate=Decimal("0.9000"), valid_from=dt.date(2026, 5, 1)
    )
    commitment = _commit(9_000_000_00, currency="CNY")  # RMB9m
    assert commitment.programme_amount_minor == 10_000_000_00  # HK$10m at 0.9000
    assert commitment.rate == Decimal("1.1111111111111111")
    earlier = commit_funds(
        programme_code="hk-film",
        category="film_production_distribution",
        date=dt.date(2026, 4, 20),
        currency="CNY",
        amount_minor=9_125_000_00,
        funded_label="Another film",
    )
    assert earlier.programme_amount_minor == 10_000_000_00  # at 0.9125
    with pytest.raises(DomainError) as exc_info:
        _commit(72_000_000_01, currency="CNY")  # HK$80m + 1 cent > HK$80m left
    assert exc_info.value.code == "over_commitment"
    _commit(72_000_000_00, currency="CNY")


def test_disbursement_posts_to_the_ledger_and_counts_in_utilisation(programme):
    commitment = _commit(20 * HKD_M)
    payment = disburse(commitment_id=commitment.pk, date=DAY, amount_minor=5 * HKD_M)
    entry = JournalEntry.objects.get(pk=payment.entry_id)
    lines = {line.account.code: line for line in entry.lines.select_related("account")}
    assert lines["1400"].debit_minor == 5 * HKD_M and lines["1400"].currency == "HKD"
    assert lines["1010"].credit_minor == 5 * HKD_M
    assert lines["1400"].functional_debit_minor == 4_562_500_00  # at 0.9125
    assert lines["1400"].segment.code == "content"
    with pytest.raises(DomainError) as exc_info:
        disburse(commitment_id=commitment.pk, date=DAY, amount_minor=15 * HKD_M + 1)
    assert exc_info.value.code == "over_disbursement"
    usage = queries.utilisation(programme)
    film = next(u for u in usage.categories if u.category == "film_production_distribution")
    assert (film.budget_minor, film.committed_minor, film.disbursed_minor) == (
        200 * HKD_M,
        20 * HKD_M,
        5 * HKD_M,
    )
    assert film.headroom_minor == 180 * HKD_M
    assert film.committed_pct == Decimal("10.0")
    assert film.disbursed_pct == Decimal("2.5")
    assert usage.total.budget_minor == 206 * HKD_M


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"category": "yachts"}, "unknown_category"),
        ({"currency": "XYZ"}, "unknown_currency"),
        ({"currency": "EUR"}, "missing_rate"),
        ({"fiscal_year": 2031}, "invalid_period"),
        ({"funded_type": "catalog.title", "funded_id": "999999"}, "unknown_funded_object"),
    ],
)
def test_bad_commitments_are_refused(programme, kwargs, code):
    with pytest.raises(DomainError) as exc_info:
        _commit(HKD_M, **kwargs)
    assert exc_info.value.code == code
    assert not Commitment.objects.exists()


def test_commitment_links_what_it_funds(programme, make_user):
    funded = make_user(Role.MOVIEGOER)
    commitment = _commit(HKD_M, funded_type="accounts.user", funded_id=str(funded.pk))
    assert commitment.funded == funded


def test_api_programmes(programme, make_user, client_for):
    client = client_for(make_user(Role.FINANCE))
    body = client.get(API).json()
    assert body[0]["code"] == "hk-film"
    assert body[0]["utilisation"]["headroom_minor"] == 206 * HKD_M
    response = client.post(
        f"{API}/hk-film/commitments",
        {
            "category": "scholarships",
            "date": "2026-05-14",
            "currency": "HKD",
            "amount_minor": 6 * HKD_M,
            "funded_label": "Scholarships for 20 film students",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    commitment_id = response.json()["id"]
    refused = client.post(
        f"{API}/hk-film/commitments",
        {
            "category": "scholarships",
            "date": "2026-05-14",
            "currency": "CNY",
            "amount_minor": 1,
            "funded_label": "One more",
        },
        content_type="application/json",
    )
    assert refused.status_code == 409
    assert refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["code"] == "over_commitment"
    paid = client.post(
        f"{API}/hk-film/commitments/{commitment_id}/disbursements",
        {"date": "2026-06-01", "amount_minor": 300_000_00},
        content_type="application/json",
    )
    assert paid.status_code == 201, paid.content
    assert JournalEntry.objects.filter(pk=paid.json()["journal_entry_id"]).exists()
    detail = client.get(f"{API}/hk-film").json()
    scholarships = next(c for c in detail["categories"] if c["category"] == "scholarships")
    assert (scholarships["committed_pct"], scholarships["disbursed_minor"]) == ("100.0", 300_000_00)
    assert detail["commitments"][0]["disbursed_minor"] == 300_000_00
    assert client.get(f"{API}/nope").status_code == 404
    wrong = client.post(
        f"{API}/hk-film/commitments/999999/disbursements",
        {"date": "2026-06-01", "amount_minor": 1},
        content_type="application/json",
    )
    assert wrong.status_code == 404


def test_api_programmes_for_finance_only(programme, make_user, client_for):
    assert client_for(make_user(Role.INVESTMENT)).get(API).status_code == 403
    assert client_for(None).get(API).status_code == 401
