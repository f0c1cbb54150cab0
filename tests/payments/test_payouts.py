"""Payouts: once per (purpose, reference), sent by the provider or the bank batch, confirmed."""

from __future__ import annotations

import csv
import io

import pytest

from marquee.accounts.models import Role
from marquee.core.errors import DomainError
from marquee.core.models import OutboxEvent
from marquee.payments import events, payouts, registry
from marquee.payments.models import Payout
from marquee.payments.providers.sim import SimProvider

BANK = {
    "account_name": "Chan Tai Man",
    "bank_name": "HSBC Hong Kong",
    "account_number": "004-123-456789",
}


class BatchBank(SimProvider):
    """A real provider's shape: no payout API, so its payouts wait for the bank batch."""

    name = "batchbank"

    def send_payout(self, payout):
        return None


@pytest.fixture
def batch_provider(settings):
    registry.register_provider(BatchBank())
    settings.MARQUEE_PAYMENT_PROVIDER = "batchbank"
    yield
    registry.unregister_provider("batchbank")


def _request(user, *, reference="r-1", amount=12_345, **bank):
    return payouts.request_payout(
        purpose="test_return",
        reference=reference,
        payee=user,
        amount_minor=amount,
        currency="HKD",
        destination=payouts.bank_destination(**{**BANK, **bank}),
    )


def test_bank_destination_is_validated(make_user):
    good = payouts.bank_destination(**BANK)
    assert good.account_number == "004123456789"  # spaces and hyphens dropped
    for field, value in [
        ("account_name", "  "),
        ("bank_name", ""),
        ("account_number", "12-34"),
        ("account_number", "0041234567890123456789012345678901234"),
        ("account_number", "6222 0212 ✓"),
    ]:
        with pytest.raises(DomainError) as exc:
            payouts.bank_destination(**{**BANK, field: value})
        assert exc.value.code == "invalid_payout_destination"
        assert exc.value.detail["field"] == field


def test_a_reference_pays_once(make_user):
    fan = make_user()
    first = _request(fan)
    assert _request(fan).pk == first.pk
    with pytest.raises(DomainError) as exc:
        _request(fan, amount=1)
    assert exc.value.code == "payout_reference_reused"
    assert Payout.objects.count() == 1


def test_the_simulator_settles_at_once_and_publishes(make_user):
    fan = make_user()
    paid = payouts.send_payout(payout=_request(fan))
    assert paid.status == Payout.Status.PAID and paid.provider_ref.startswith("simpo_")
    assert payouts.send_payout(payout=paid).status == Payout.Status.PAID  # a repeat sends nothing
    assert OutboxEvent.objects.filter(type=events.PAYOUT_PAID).count() == 1
    failed = payouts.send_payout(payout=_request(fan, reference="r-2", account_number="4000123456"))
    assert failed.status == Payout.Status.FAILED and failed.failure_reason == "account_closed"
    assert OutboxEvent.objects.filter(type=events.PAYOUT_FAILED).count() == 1


def test_a_failed_payout_is_retried_on_the_same_row(make_user):
    fan = make_user()
    failed = payouts.send_payout(payout=_request(fan, account_number="4000123456"))
    again = payouts.retry_payout(
        payout=failed,
        destination=payouts.bank_destination(**{**BANK, "account_number": "12345678"}),
    )
    assert (again.pk, again.status, again.attempts) == (failed.pk, Payout.Status.PAID, 2)
    with pytest.raises(DomainError) as exc:
        payouts.retry_payout(payout=again)
    assert exc.value.code == "payout_not_failed"


def test_the_bank_batch_lists_requested_payouts_once_and_staff_confirm_them(
    make_user, batch_provider
):
    fan, finance = make_user(), make_user(role=Role.FINANCE)
    a = payouts.send_payout(payout=_request(fan, reference="a"))
    b = payouts.send_payout(payout=_request(fan, reference="b", account_name="=HYPERLINK()"))
    assert {a.status, b.status} == {Payout.Status.REQUESTED}
    with pytest.raises(DomainError) as exc:
        payouts.batch_csv(actor=fan)
    assert exc.value.code == "forbidden"
    rows = list(csv.DictReader(io.StringIO(payouts.batch_csv(actor=finance))))
    assert [r["reference"] for r in rows] == ["a", "b"]
    assert rows[0]["account_number"] == "004123456789" and rows[0]["amount_minor"] == "12345"
    assert rows[1]["account_name"] == "'=HYPERLINK()"  # never a formula in a spreadsheet
    assert set(Payout.objects.values_list("status", flat=True)) == {Payout.Status.SENT}
    assert len(list(csv.reader(io.StringIO(payouts.batch_csv(actor=finance))))) == 1  # header only
    paid = payouts.confirm_payout(actor=finance, payout=a, outcome="paid", bank_reference="TT-1")
    assert (paid.status, paid.provider_ref) == (Payout.Status.PAID, "TT-1")
    with pytest.raises(DomainError) as exc:
        payouts.confirm_payout(actor=finance, payout=a, outcome="failed")
    assert exc.value.code == "payout_not_sent"
    with pytest.raises(DomainError) as exc:
        payouts.confirm_payout(actor=finance, payout=b, outcome="lost")
    assert exc.value.code == "invalid_payout_outcome"
    payouts.confirm_payout(actor=finance, payout=b, outcome="failed", reason="wrong name")
    assert OutboxEvent.objects.filter(type=events.PAYOUT_PAID).count() == 1
    assert OutboxEvent.objects.get(type=events.PAYOUT_FAILED).payload["reason"] == "wrong name"


def test_payout_api_for_finance_staff(make_user, client_for, batch_provider):
    fan, finance = make_user(), make_user(role=Role.FINANCE)
    payout = payouts.send_payout(payout=_request(fan))
    assert client_for(fan).get("/api/v1/payments/payouts").status_code == 403
    listed = client_for(finance).get("/api/v1/payments/payouts?status=requested").json()
    assert [p["id"] for p in listed] == [payout.pk]
    batch = client_for(finance).post("/api/v1/payments/payouts/batch")
    assert batch.status_code == 200 and batch["Content-Type"].startswith("text/csv")
    assert "004123456789" in batch.content.decode()
    bad = client_for(finance).post(
        f"/api/v1/payments/payouts/{payout.pk}/confirm", {"outcome": "maybe"}, "application/json"
    )
    assert bad.status_code == 422
    ok = client_for(finance).post(
        f"/api/v1/payments/payouts/{payout.pk}/confirm",
        {"outcome": "paid", "bank_reference": "TT-9"},
        "application/json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "paid"


def test_finance_staff_download_the_batch_and_confirm_on_the_page(
    make_user, client_for, batch_provider
):
    fan, finance = make_user(), make_user(role=Role.FINANCE)
    payout = payouts.send_payout(payout=_request(fan, reference="page-1"))
    assert client_for(fan).get("/finance/payouts/").status_code == 403
    page = client_for(finance)
    listing = page.get("/finance/payouts/").content.decode()
    assert 'data-testid="payouts-requested"' in listing and "page-1" in listing
    batch = page.post("/finance/payouts/batch/")
    assert batch["Content-Disposition"].startswith("attachment")
    assert "page-1" in batch.content.decode()
    assert 'data-testid="payout-sent"' in page.get("/finance/payouts/").content.decode()
    page.post(f"/finance/payouts/{payout.pk}/confirm/", {"outcome": "paid", "bank_reference": "TT"})
    payout.refresh_from_db()
    assert (payout.status, payout.provider_ref) == (Payout.Status.PAID, "TT")
    again = page.post(f"/finance/payouts/{payout.pk}/confirm/", {"outcome": "failed"}, follow=True)
    assert "Only a payout sent to the bank" in again.content.decode()
