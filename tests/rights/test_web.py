"""The rights staff pages: the avails grid, deals, the new-deal form and its refusals."""

from __future__ import annotations

import uuid

import pytest

from marquee.rights.models import Deal
from tests.rights.factories import acquire, license_out, right

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client_for, rights_user):
    return client_for(rights_user)


def test_avails_grid_shows_free_and_taken_squares(chart, title, staff):
    acquire(title, right(["svod", "avod"], "GCN"))
    deal = license_out(title, right("svod", "CN"), counterparty="iQiyi")
    r = staff.get(
        "/rights/",
        {
            "title": title.pk,
            "territory": "GCN",
            "from": "2027-01-01",
            "to": "2027-12-31",
            "media": ["svod", "avod"],
        },
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="avails-grid"' in html
    cn = html.split('data-territory="CN"')[1].split("</tr>")[0]
    assert 'data-media="svod" data-state="taken"' in cn
    assert f"#{deal.pk} iQiyi" in cn
    assert 'data-media="avod" data-state="free"' in cn
    hk = html.split('data-territory="HK"')[1].split("</tr>")[0]
    assert 'data-media="svod" data-state="free"' in hk


def test_pages_refuse_other_roles(chart, client_for, make_user):
    client = client_for(make_user())
    for path in ("/rights/", "/rights/deals/", "/rights/deals/new/"):
        assert client.get(path).status_code == 403


def _form(title, **over):
    data = {
        "title": title.pk,
        "direction": "out",
        "counterparty": "Youku",
        "exclusive": "on",
        "media": ["svod"],
        "territories": ["CN"],
        "start_on": "2027-03-01",
        "end_on": "2027-09-30",
        "currency": "CNY",
        "fee_kind": "flat",
        "fee": "1000.00",
        "instalments": "2027-03-31 400.00\n2027-06-30 600.00",
        "signed_on": "2026-12-01",
        "idempotency_key": str(uuid.uuid4()),
    }
    data.update(over)
    return data


def test_new_deal_form_signs_and_conflict_names_the_deal(chart, title, staff):
    acquire(title, right("svod", "WW"))
    first = license_out(title, right("svod", "GCN"), counterparty="iQiyi")
    r = staff.post("/rights/deals/new/", _form(title))
    assert r.status_code == 409
    html = r.content.decode()
    assert 'data-testid="deal-conflicts"' in html
    assert f"#{first.pk} iQiyi" in html
    assert Deal.objects.filter(counterparty="Youku").count() == 0

    r = staff.post("/rights/deals/new/", _form(title, territories=["US"]))
    assert r.status_code == 302
    deal = Deal.objects.get(counterparty="Youku")
    assert [i.amount_minor for i in deal.instalments.all()] == [400_00, 600_00]
    page = staff.get(r["Location"])
    assert page.status_code == 200
    assert "Youku" in page.content.decode()
    listing = staff.get("/rights/deals/").content.decode()
    assert "Youku" in listing and "iQiyi" in listing


def test_fee_schedule_that_does_not_sum_is_refused(chart, title, staff):
    acquire(title, right("svod", "WW"))
    r = staff.post("/rights/deals/new/", _form(title, fee="999.00"))
    assert r.status_code == 422
    assert 'data-testid="deal-refused"' in r.content.decode()
    assert not Deal.objects.filter(direction="out").exists()


def test_rights_staff_see_the_rights_link(chart, staff, client_for, make_user):
    assert 'href="/rights/"' in staff.get("/").content.decode()
    assert 'href="/rights/"' not in client_for(make_user()).get("/").content.decode()


def test_a_revenue_report_from_the_deal_page_books_the_overage_once(chart, title, staff):
    from tests.rights.factories import mg_share

    acquire(title, right("tvod", "WW"))
    deal = license_out(
        title, right("tvod", "CN"), exclusive=False, fee=mg_share(1_000_00, 4000),
        counterparty="Youku",
    )  # fmt: skip
    page = staff.get(f"/rights/deals/{deal.pk}/").content.decode()
    assert page.count('data-testid="report-form"') == 1
    assert "<form" not in page.split("<title>")[1].split("</title>")[0]
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "report-period_start": "2027-01-01",
        "report-period_end": "2027-03-31",
        "report-gross": "5000.00",
    }
    for _ in range(2):  # a double submit records once
        r = staff.post(f"/rights/deals/{deal.pk}/reports/", data, follow=True)
        assert r.status_code == 200
    assert deal.reports.count() == 1
    assert deal.instalments.filter(report__isnull=False).get().amount_minor == 1_000_00
    html = r.content.decode()
    assert 'data-testid="share-booked"' in html and "1,000.00" in html
    bad = staff.post(
        f"/rights/deals/{deal.pk}/reports/",
        {**data, "idempotency_key": str(uuid.uuid4()), "report-gross": "-1"},
        follow=True,
    )
    assert "flash__item--error" in bad.content.decode()
    assert deal.reports.count() == 1


def test_cancel_from_the_deal_page_frees_the_avails(chart, title, staff):
    acquire(title, right("svod", "WW"))
    deal = license_out(title, right("svod", "CN"), counterparty="iQiyi")
    r = staff.post(
        f"/rights/deals/{deal.pk}/cancel/",
        {"idempotency_key": str(uuid.uuid4()), "cancel-on": "2027-07-01", "cancel-note": "Breach"},
        follow=True,
    )
    html = r.content.decode()
    assert 'data-testid="deal-cancelled"' in html and "2027-07-01" in html
    assert 'data-testid="deal-history"' in html and "Breach" in html
    assert 'data-testid="cancel-form"' not in html
    grid = staff.get(
        "/rights/",
        {"title": title.pk, "territory": "CN", "from": "2027-07-01", "to": "2027-12-31",
         "media": ["svod"], "exclusive": "1"},
    ).content.decode()  # fmt: skip
    assert 'data-media="svod" data-state="free"' in grid


def test_an_amendment_refused_keeps_the_deal_and_names_the_conflict(chart, title, staff):
    import datetime as dt

    acquire(title, right("svod", "WW"))
    first = license_out(
        title, right("svod", "CN", dt.date(2027, 1, 1), dt.date(2027, 6, 30)), counterparty="iQiyi"
    )
    other = license_out(
        title, right("svod", "CN", dt.date(2027, 9, 1), dt.date(2027, 12, 31)), counterparty="Youku"
    )
    r = staff.post(f"/rights/deals/{first.pk}/amend/", {"amend-end_on": "2027-12-31"}, follow=True)
    html = r.content.decode()
    assert "flash__item--error" in html and f"#{other.pk} Youku" in html
    assert first.lines.get().end_on == dt.date(2027, 6, 30)
    r = staff.post(
        f"/rights/deals/{first.pk}/amend/",
        {"amend-add_media": ["avod"], "amend-add_territories": ["HK"]},
        follow=True,
    )
    assert "flash__item--error" in r.content.decode()  # AVOD is not held
    r = staff.post(
        f"/rights/deals/{first.pk}/amend/",
        {"amend-add_media": ["svod"], "amend-add_territories": ["HK"]},
        follow=True,
    )
    assert "flash__item--success" in r.content.decode()
    assert sorted(first.lines.values_list("media", "territory")) == [("svod", "CN"), ("svod", "HK")]


def test_the_fee_schedule_is_amended_from_the_deal_page_once(chart, title, staff):
    from tests.rights.factories import flat

    acquire(title, right("svod", "WW"))
    deal = license_out(title, right("svod", "CN"), fee=flat(1_000_00, parts=2), counterparty="TVB")
    page = staff.get(f"/rights/deals/{deal.pk}/").content.decode()
    assert 'name="amend-schedule"' in page
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "amend-schedule": "2027-06-30 250.00\n2027-09-30 750.00",
        "amend-note": "Later",
    }
    for _ in range(2):  # a double submit amends once
        r = staff.post(f"/rights/deals/{deal.pk}/amend/", data, follow=True)
    html = r.content.decode()
    assert "flash__item--success" in html and 'data-testid="fee-amended"' in html
    assert deal.changes.count() == 1
    assert list(
        deal.instalments.filter(cancelled_on__isnull=True).values_list("seq", "amount_minor")
    ) == [(3, 250_00), (4, 750_00)]
    refused = staff.post(
        f"/rights/deals/{deal.pk}/amend/",
        {**data, "idempotency_key": str(uuid.uuid4()), "amend-schedule": "2027-06-30 10.00"},
        follow=True,
    ).content.decode()
    assert "flash__item--error" in refused and "1,000.00" in refused
    garbled = staff.post(
        f"/rights/deals/{deal.pk}/amend/",
        {**data, "idempotency_key": str(uuid.uuid4()), "amend-schedule": "soon 10"},
        follow=True,
    ).content.decode()
    assert "flash__item--error" in garbled
    assert deal.changes.count() == 1


def test_an_acquisition_with_a_share_takes_the_studios_gross(chart, title, staff):
    from tests.rights.factories import mg_share

    deal = acquire(title, right("tvod", "WW"), fee=mg_share(1_000_00, 5000), counterparty="Edko")
    page = staff.get(f"/rights/deals/{deal.pk}/").content.decode()
    assert 'data-testid="report-form"' in page and "Studio&#x27;s gross revenue" in page
    r = staff.post(
        f"/rights/deals/{deal.pk}/reports/",
        {
            "idempotency_key": str(uuid.uuid4()),
            "report-period_start": "2027-01-01",
            "report-period_end": "2027-03-31",
            "report-gross": "3000.00",
        },
        follow=True,
    )
    assert "owed to the licensor" in r.content.decode()
    assert deal.instalments.get(report__isnull=False).amount_minor == 500_00
